"""The training docks at the bottom of the window: the panel and the loss view side by side,
the Fit and Confusion views in tabs behind the loss view (which stays in front until a run
asks for it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ... import commands
from ...canvas.scene import GraphScene
from ...model.graph import Graph
from ...plots.confusion_plot import ConfusionPlot
from ..editor.canvas_trace import CanvasTrace
from ..window_layout import BOTTOM, add_dock
from ..worker_thread import WorkerThread
from .controller import TrainingController
from .curves_view import LossView
from .fit_view import FitDocks, FitView
from .gradients_view import GradientHealth, GradientsView
from .landscape import LandscapeDock, LandscapeView
from .panel import TrainingPanel


@dataclass
class TrainingDocks:
    training: TrainingController
    docks: list[QDockWidget]  # Training, Loss (the View menu toggles them)
    # docks tabbed behind the loss view that a run leaves in front when they are in sight
    in_front: list[QDockWidget] = field(default_factory=list)

    def add_gradients(
        self, window: QMainWindow, scene: GraphScene, say: Callable[[str, int], None]
    ) -> GradientHealth:
        """The Gradients dock, tabbed beside the loss view."""
        view = GradientsView()
        dock = add_dock(window, "Gradients", view, BOTTOM)
        window.tabifyDockWidget(self.docks[1], dock)
        self.docks[1].raise_()
        self.in_front.append(dock)
        return GradientHealth(view, self.training, scene, say, window)

    def add_fit(
        self,
        window: QMainWindow,
        worker: WorkerThread,
        graph: Callable[[], Graph],
        dtype: Callable[[], str],
    ) -> FitDocks:
        """The Fit and Confusion docks, tabbed behind the loss view; a run brings the loss
        view forward unless the fit or the confusion matrix is what is in sight."""
        view = FitView()
        fit_dock = add_dock(window, "Fit", view, BOTTOM)
        confusion_dock = add_dock(window, "Confusion", ConfusionPlot(), BOTTOM)
        loss_dock = self.docks[1]
        window.tabifyDockWidget(loss_dock, fit_dock)
        window.tabifyDockWidget(fit_dock, confusion_dock)
        loss_dock.raise_()
        fit = FitDocks(view, fit_dock, confusion_dock, self.training, worker, graph, dtype, window)

        def show_loss() -> None:
            shown = [fit_dock, confusion_dock, *self.in_front]
            if all(dock.visibleRegion().isEmpty() for dock in shown):
                loss_dock.raise_()

        self.training.run_started.connect(show_loss)
        return fit

    def add_landscape(
        self,
        window: QMainWindow,
        worker: WorkerThread,
        graph: Callable[[], Graph],
        dtype: Callable[[], str],
        say: Callable[[str, int], None],
    ) -> LandscapeDock:
        """The Landscape dock, tabbed with the loss view (after the fit's, when added later)."""
        view = LandscapeView()
        dock = add_dock(window, "Landscape", view, BOTTOM)
        window.tabifyDockWidget(self.docks[1], dock)
        self.docks[1].raise_()
        self.in_front.append(dock)
        return LandscapeDock(view, dock, self.training, worker, graph, dtype, say, window)


def add_training_docks(
    window: QMainWindow,
    canvas: CanvasTrace,
    worker: WorkerThread,
    push: Callable[[commands.Command], bool],
    say: Callable[[str, int], None],
) -> TrainingDocks:
    panel, view = TrainingPanel(), LossView()
    training = TrainingController(panel, view, canvas, worker, push, say, window)
    docks = [add_dock(window, "Training", panel, BOTTOM), add_dock(window, "Loss", view, BOTTOM)]
    window.splitDockWidget(docks[0], docks[1], Qt.Orientation.Horizontal)
    window.resizeDocks(docks, [330, 900], Qt.Orientation.Horizontal)
    return TrainingDocks(training, docks)
