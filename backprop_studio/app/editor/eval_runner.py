"""Evaluation off the UI thread: the engine runs on a worker thread, the UI only receives Traces.

Edits are debounced; each request carries a token and only the newest one is evaluated or shown,
so typing quickly never queues up stale work. torch itself is imported on the worker thread at
start-up, so the window appears before the ~1 s import finishes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from ...model.graph import Graph
from ...model.trace import Trace

DEBOUNCE_MS = 120
log = logging.getLogger(__name__)


class _Worker(QObject):
    done = Signal(int, object)  # token, Trace
    engine_ready = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.latest = 0

    @Slot()
    def warm_up(self) -> None:
        from ...engine import autograd  # noqa: F401  (imports torch)

        self.engine_ready.emit()

    @Slot(int, object, str)
    def evaluate(self, token: int, graph: Graph, dtype: str) -> None:
        if token != self.latest:
            return  # a newer edit superseded this one
        from ...engine.autograd import evaluate

        try:
            trace = evaluate(graph, dtype)
        except Exception as exc:  # the engine promises not to raise; never let the thread die
            log.exception("evaluation failed unexpectedly")
            trace = Trace(output=graph.output, error=f"evaluation failed: {exc} (see the log)")
        self.done.emit(token, trace)


class EvalRunner(QObject):
    """Schedule evaluations of graph snapshots; ``trace_ready`` delivers the newest result."""

    trace_ready = Signal(object)
    engine_ready = Signal()
    _request = Signal(int, object, str)
    _warm = Signal()

    def __init__(self, parent: QObject | None = None, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("engine")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.evaluate)
        self._warm.connect(self._worker.warm_up)
        self._worker.done.connect(self._on_done)
        self._worker.engine_ready.connect(self.engine_ready)
        self._thread.start()
        self._token = 0
        self._pending: tuple[Graph, str] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._send)
        self.busy = False

    def warm_up(self) -> None:
        self._warm.emit()

    def schedule(self, graph: Graph, dtype: str = "float64") -> None:
        """Evaluate a snapshot of ``graph`` after a short quiet period."""
        self._pending = (graph.copy(), dtype)
        self._timer.start()

    def evaluate_now(self, graph: Graph, dtype: str = "float64") -> None:
        self._pending = (graph.copy(), dtype)
        self._timer.stop()
        self._send()

    def _send(self) -> None:
        if self._pending is None:
            return
        graph, dtype = self._pending
        self._pending = None
        self._token += 1
        self._worker.latest = self._token
        self.busy = True
        self._request.emit(self._token, graph, dtype)

    @Slot(int, object)
    def _on_done(self, token: int, trace: Trace) -> None:
        if token == self._token:
            self.busy = False
            self.trace_ready.emit(trace)

    def shutdown(self) -> None:
        self._timer.stop()
        self._thread.quit()
        self._thread.wait(5000)
