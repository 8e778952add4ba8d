"""The Fit dock: a dataset-bound graph's predictions over its data, following training live.

Predictions are forward passes (engine.fit, no gradients) computed on the training thread and
posted here as a ``FitPicture``; the UI thread only draws them. While a run goes on they come
from the running session's own parameters, at most every ``REFRESH_MS`` while the dock is in
sight; otherwise from the editor's graph, after each evaluation that reaches the canvas.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QDockWidget

from ..model.graph import Graph
from ..model.trace import Trace
from ..plots.fit_plot import FitPlot
from .training_controller import TrainingController
from .worker_thread import WorkerThread

REFRESH_MS = 250


class FitPanel(QObject):
    _drawn = Signal(int, object)  # request, FitPicture: from the training thread

    def __init__(
        self,
        plot: FitPlot,
        dock: QDockWidget,
        training: TrainingController,
        worker: WorkerThread,
        graph: Callable[[], Graph],
        dtype: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.plot, self.dock, self.training, self.worker = plot, dock, training, worker
        self._graph, self._dtype = graph, dtype
        self._request = 0
        self.pending = False  # a picture asked for has not been drawn yet
        self._predictor = None  # engine.fit.FitPredictor, made and used on the training thread
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._drawn.connect(self._on_drawn)
        training.stopped.connect(lambda _end: self.refresh())

    def _tick(self) -> None:
        if self.training.busy and self.dock.isVisible():
            self.refresh()

    def on_trace(self, _trace: Trace) -> None:
        if not self.training.busy:
            self.refresh()

    def refresh(self) -> None:
        """Ask for a picture at the newest parameters; a graph with nothing to fit says so now."""
        self.pending = False
        from ..engine.fit import FitPicture, fit_target  # the model's part: no torch yet

        graph = self._graph()
        target = fit_target(graph)
        self._request += 1
        request = self._request
        if isinstance(target, FitPicture):
            self.show(target)
            return
        self.pending = True
        if self.training.busy and self.training.ask(
            "fit", lambda session: _session_picture(session, target), self._answer(request)
        ):
            return
        key = (id(graph), graph.revision)
        self.worker.submit(self._editor_job, request, graph.copy(), self._dtype(), key)

    def _answer(self, request: int) -> Callable[[object], None]:
        return lambda picture: self._on_drawn(request, picture)

    def _editor_job(self, request: int, graph: Graph, dtype: str, key: tuple) -> None:
        from ..engine.fit import FitPredictor

        if request != self._request:
            return  # a newer request follows
        if self._predictor is None:
            self._predictor = FitPredictor()
        picture = self._predictor.picture(graph, dtype, key)
        if not self.worker.closed:  # the window is going: nothing may reach it
            self._drawn.emit(request, picture)

    def _on_drawn(self, request: int, picture) -> None:
        if request == self._request:
            self.pending = False
            self.show(picture)

    def show(self, picture) -> None:
        """Draw a FitPicture."""
        if picture.points is None:
            self.plot.clear()
            if picture.message is not None:
                self.plot.say(picture.message)
            return
        self.plot.show_points(*picture.points)
        if picture.surface is not None:
            self.plot.show_surface(*picture.surface)
        elif picture.curve is not None:
            self.plot.show_curve(*picture.curve)
        self.plot.say(picture.message or "")


def _session_picture(session, target):
    from ..engine.fit import picture

    return picture(session.trainer, target)
