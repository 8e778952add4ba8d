"""Start the editor: the window first, torch in the background, then the file or a recovery."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ..log_file import configure_logging, where_details_are
from ..version import __version__

log = logging.getLogger(__name__)


class _ErrorDialogs(QObject):
    """Shows the error dialog on the GUI thread, whichever thread the error happened on."""

    report = Signal(str, str)  # message, traceback text

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._parent = parent
        self.report.connect(self._show)

    @Slot(str, str)
    def _show(self, message: str, details: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Unexpected error",
            f"Something went wrong: {message}\n\nYour document is still open; save it under a new "
            f"name if you are unsure. {where_details_are()}",
            QMessageBox.StandardButton.Ok,
            self._parent,
        )
        box.setObjectName("unexpected-error")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setDetailedText(details)
        box.open()  # not exec(): a modal loop inside a paint or drag handler could re-enter


def install_excepthook(parent: QWidget | None = None) -> None:
    """Report an unexpected error in a dialog and keep the app (and the user's work) alive.

    The traceback goes to the log file and stderr; the dialog names the log file. Errors on
    other threads (a worker's slot, a Python thread) are logged there and shown on the GUI thread.
    """
    configure_logging(stderr=True)
    dialogs = _ErrorDialogs(parent)

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error(
            "unexpected error on thread %s",
            threading.current_thread().name,
            exc_info=(kind, exc, tb),
        )
        details = "".join(traceback.format_exception(kind, exc, tb))
        try:
            dialogs.report.emit(str(exc) or kind.__name__, details)
        except RuntimeError:  # the window (and its reporter) is already gone: the log has it
            pass

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook


def run_app(path: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backprop Studio")
    app.setOrganizationName("Backprop Studio")
    log_path = configure_logging(stderr=True)
    log.info("Backprop Studio %s starting; log file %s", __version__, log_path)
    from .main_window import MainWindow

    window = MainWindow()
    install_excepthook(window)
    window.start(Path(path) if path else None)
    return app.exec()
