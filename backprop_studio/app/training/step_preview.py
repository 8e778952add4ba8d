"""Hovering Step previews it: each scalar parameter's next value and the loss it will give,
computed on the training thread by one step on a copy (engine.preview), shown as Step's tooltip.

The copy is of the running session's trainer when the next Step would go on with it (same
settings), else of a new trainer on the graph, as a Step would start one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QPushButton, QToolTip

from ...document import Document
from .controller import TrainingController

PLAIN_TIP = "one forward → backward → update (Ctrl+T)"


class StepPreview(QObject):
    _ready = Signal(int, object)  # request, Preview or the text of what went wrong

    def __init__(
        self,
        button: QPushButton,
        training: TrainingController,
        document: Callable[[], Document | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.button, self.training, self._document = button, training, document
        self._request = 0
        self.pending = False
        self.shown = None  # the last Preview (or text) shown
        self._ready.connect(self._on_ready)
        button.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.button and event.type() == QEvent.Type.Enter:
            self.request()
        return False

    def request(self) -> None:
        """Ask for the preview of the next Step (nothing while a run goes on)."""
        from ...engine.preview import preview, preview_graph

        document = self._document()
        if document is None or self.training.busy:
            return
        settings = {
            "dtype": document.dtype,
            "training": dict(document.settings.get("training", {})),
        }
        self._request += 1
        request = self._request
        self.pending = True
        self.button.setToolTip(f"{PLAIN_TIP}\n(working out the next values…)")
        s = self.training.session
        if s is not None and s.continues(settings):
            answer = self._answer(request)
            if self.training.ask(
                "preview", lambda session: _guard(preview, session.trainer), answer
            ):
                return
        graph = document.graph.copy()
        self.training.worker.submit(self._job, request, graph, settings, preview_graph)

    def _answer(self, request: int) -> Callable[[object], None]:
        return lambda result: self._on_ready(request, result)

    def _job(self, request: int, graph, settings: dict, make) -> None:
        if request == self._request and not self.training.worker.closed:
            self._ready.emit(request, _guard(make, graph, settings))

    def _on_ready(self, request: int, result) -> None:
        if request != self._request:
            return
        self.pending = False
        self.shown = result
        text = result if isinstance(result, str) else "next step:\n" + result.text()
        self.button.setToolTip(f"{PLAIN_TIP}\n{text}")
        if self.button.underMouse():
            QToolTip.showText(QCursor.pos(), self.button.toolTip(), self.button)


def _guard(make, *args):
    """The preview, or the sentence saying why the step cannot be taken."""
    from ...engine.training import TrainingError

    try:
        return make(*args)
    except (TrainingError, ValueError) as exc:
        return f"the step cannot be taken: {exc}"
