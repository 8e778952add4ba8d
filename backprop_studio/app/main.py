"""Start the editor: the window first, torch in the background, then the file or a recovery."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox


def install_excepthook(parent=None) -> None:
    """Report an unexpected error in a dialog and keep the app (and the user's work) alive."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        traceback.print_exception(kind, exc, tb, file=sys.stderr)
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Unexpected error",
            f"Something went wrong: {exc}\n\nYour document is still open; save it under a new "
            "name if you are unsure. The details were printed on the console.",
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setObjectName("unexpected-error")
        box.open()  # not exec(): a modal loop inside a paint or drag handler could re-enter

    sys.excepthook = hook


def run_app(path: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backprop Studio")
    app.setOrganizationName("Backprop Studio")
    from .main_window import MainWindow

    window = MainWindow()
    install_excepthook(window)
    window.files.restore_window()
    window.fit_to_screen()
    window.show()
    window.runner.warm_up()
    restored = window.files.offer_recovery()
    if path and not restored:
        window.files.open_path(Path(path), ask=False)
    return app.exec()
