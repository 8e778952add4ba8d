"""The Fit and Confusion docks: a dataset-bound graph's predictions over its data, following
training live.

Predictions are forward passes (engine.fit, no gradients) computed on the training thread and
posted here as a ``FitPicture``; the UI thread only draws them. While a run's session lasts
(until an edit) they come from its own parameters and rows, held-out rows drawn hollow, at most
every ``REFRESH_MS`` while either dock is in sight during a run; otherwise from the editor's
graph, after each evaluation that reaches the canvas.
A classifier on more than two features is drawn over two columns the user picks (the others
held at their mean); the pick is kept per file and columns while the app runs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDockWidget, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...model.graph import Graph
from ...model.trace import Trace
from ...plots.confusion_plot import ConfusionPlot
from ...plots.fit_plot import FitPlot
from ..widgets import ElidedLabel
from ..worker_thread import WorkerThread
from .controller import TrainingController

REFRESH_MS = 250
HELD = (
    ("others follow", "follow", "the other features as the rows have them at each point of the "
     "plane (a least-squares fit on the two plotted): the rows' points sit where the model "
     "puts them"),
    ("others at mean", "mean", "the other features held at their mean: a flat slice through "
     "the data, where correlated features take values no row has"),
)  # fmt: skip
NOT_A_CLASSIFIER = (
    "The confusion matrix counts a classifier's predictions by true class: bind a graph's "
    "cross-entropy loss to a dataset with classes (Data ▸ Load CSV with a text column, or "
    "Help ▸ Examples)."
)


class FitView(QWidget):
    """The Fit dock's contents: the plot, and above it the two plotted feature columns (shown
    only for more than two) with a word on what the others are held at."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = FitPlot(self)
        self.x_axis, self.y_axis = QComboBox(self), QComboBox(self)
        self.axes_row = QWidget(self)
        row = QHBoxLayout(self.axes_row)
        row.setContentsMargins(4, 2, 4, 0)
        for text, combo in (("x", self.x_axis), ("y", self.y_axis)):
            combo.setToolTip(f"the feature column along the plot's {text} axis")
            row.addWidget(QLabel(text, self.axes_row))
            row.addWidget(combo)
        self.held = QComboBox(self.axes_row)
        for text, key, tip in HELD:
            self.held.addItem(text, key)
            self.held.setItemData(self.held.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.held.setToolTip("what the surface does with the feature columns it does not plot")
        row.addWidget(self.held)
        self.note = ElidedLabel("", self.axes_row)
        self.note.setStyleSheet("color: #555;")
        row.addWidget(self.note, 1)
        self.axes_row.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.axes_row)
        layout.addWidget(self.plot, 1)

    def axes(self) -> tuple[int, int]:
        return self.x_axis.currentIndex(), self.y_axis.currentIndex()

    def held_choice(self) -> str:
        return str(self.held.currentData())

    def show_columns(self, columns: tuple[str, ...], axes: tuple[int, int]) -> None:
        """Offer ``columns`` for both axes (more than two of them) and select ``axes``."""
        self.axes_row.setVisible(len(columns) > 2)
        for combo, index in zip((self.x_axis, self.y_axis), axes):
            combo.blockSignals(True)
            if [combo.itemText(i) for i in range(combo.count())] != list(columns):
                combo.clear()
                combo.addItems(list(columns))
            combo.setCurrentIndex(index)
            combo.blockSignals(False)


class FitDocks(QObject):
    _drawn = Signal(int, object)  # request, FitPicture: from the training thread

    def __init__(
        self,
        view: FitView,
        dock: QDockWidget,
        confusion_dock: QDockWidget,
        training: TrainingController,
        worker: WorkerThread,
        graph: Callable[[], Graph],
        dtype: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view, self.plot = view, view.plot
        self.confusion = confusion_dock.widget()
        assert isinstance(self.confusion, ConfusionPlot)
        self.dock, self.confusion_dock = dock, confusion_dock
        self.training, self.worker = training, worker
        self._graph, self._dtype = graph, dtype
        self._request = 0
        self.pending = False  # a picture asked for has not been drawn yet
        self._predictor = None  # engine.fit.FitPredictor, made and used on the training thread
        self._axes: dict[tuple, tuple[int, int]] = {}  # (features leaf, columns) → axes
        self._columns_key: tuple | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._drawn.connect(self._on_drawn)
        training.stopped.connect(lambda _end: self.refresh())
        view.x_axis.currentIndexChanged.connect(lambda _i: self._axis_chosen(0))
        view.y_axis.currentIndexChanged.connect(lambda _i: self._axis_chosen(1))
        view.held.currentIndexChanged.connect(lambda _i: self.refresh())
        self.confusion.clear(NOT_A_CLASSIFIER)
        self._show_confusion(False)

    def _tick(self) -> None:
        in_sight = self.dock.isVisible() or self.confusion_dock.isVisible()
        if self.training.busy and in_sight:
            self.refresh()

    def on_trace(self, _trace: Trace) -> None:
        if not self.training.busy:
            self.refresh()

    def _axis_chosen(self, which: int) -> None:
        """A combo changed: the other one gives way if both now name one column."""
        if self._columns_key is None:
            return
        old = self._axes.get(self._columns_key, self.view.axes())
        axes = list(self.view.axes())
        if axes[0] == axes[1]:
            axes[1 - which] = old[which]
        self._axes[self._columns_key] = (axes[0], axes[1])
        self.refresh()

    def _chosen_axes(self, target) -> tuple[int, int] | None:
        """The remembered axes for this leaf's columns, shown; None at first: the picture's
        (the two columns that tell the classes apart best) are remembered when it comes."""
        self._columns_key = (target.features, target.columns)
        axes = self._axes.get(self._columns_key)
        if target.classes >= 2 and axes is not None:
            self.view.show_columns(target.columns, axes)
        elif target.classes < 2:
            self.view.axes_row.setVisible(False)
        return axes

    def refresh(self) -> None:
        """Ask for a picture at the newest parameters; a graph with nothing to fit says so now."""
        self.pending = False
        from ...engine.fit import FitPicture, fit_target  # the model's part: no torch yet

        graph = self._graph()
        target = fit_target(graph)
        self._show_confusion(not isinstance(target, FitPicture) and target.classes >= 2)
        self._request += 1
        request = self._request
        if isinstance(target, FitPicture):
            self._columns_key = None
            self.view.axes_row.setVisible(False)
            self.show(target)
            return
        axes, held = self._chosen_axes(target), self.view.held_choice()
        target = target.with_axes(axes, held)
        self.pending = True
        if self.training.ask(  # a session's own rows and split, while it lasts
            "fit", lambda session: _session_picture(session, target), self._answer(request)
        ):
            return
        key = (id(graph), graph.revision)
        job = self._editor_job
        self.worker.submit(job, request, graph.copy(), self._dtype(), key, axes, held)

    def _show_confusion(self, classifier: bool) -> None:
        """The Confusion tab is there for classifiers only (it stays in its place in the tabs)."""
        if self.confusion_dock.isHidden() == classifier:
            self.confusion_dock.setVisible(classifier)

    def _answer(self, request: int) -> Callable[[object], None]:
        return lambda picture: self._on_drawn(request, picture)

    def _editor_job(
        self,
        request: int,
        graph: Graph,
        dtype: str,
        key: tuple,
        axes: tuple[int, int] | None,
        held: str,
    ) -> None:
        from ...engine.fit import FitPredictor

        if request != self._request:
            return  # a newer request follows
        if self._predictor is None:
            self._predictor = FitPredictor()
        picture = self._predictor.picture(graph, dtype, key, axes, held)
        if not self.worker.closed:  # the window is going: nothing may reach it
            self._drawn.emit(request, picture)

    def _on_drawn(self, request: int, picture) -> None:
        if request == self._request:
            self.pending = False
            self.show(picture)

    def show(self, picture) -> None:
        """Draw a FitPicture: the Fit plot, the note above it and the confusion matrix."""
        key = self._columns_key
        if picture.axes is not None and key is not None and key[1]:
            self._axes.setdefault(key, picture.axes)  # the first picture's pick, kept
            self.view.show_columns(key[1], self._axes[key])
        self.view.note.setText(picture.note)
        if picture.confusion is None:
            self.confusion.clear(NOT_A_CLASSIFIER)
        else:
            self.confusion.show_matrix(picture.confusion, picture.legend)
        if picture.points is None:
            self.plot.clear()
            self.plot.set_axis_names("", "")
            if picture.message is not None:
                self.plot.say(picture.message)
            return
        self.plot.show_points(*picture.points)
        held = picture.test_points
        self.plot.show_test_points(*(held or (np.zeros((0, 2)), np.zeros(0))), picture.points[2])
        if picture.classes is not None:
            self.plot.show_classes(*picture.classes)
        elif picture.surface is not None:
            self.plot.show_surface(*picture.surface, same_scale=picture.same_scale)
        elif picture.curve is not None:
            self.plot.show_curve(*picture.curve, threshold=picture.threshold)
        self.plot.show_legend(picture.legend)
        self.plot.set_axis_names(*picture.axis_names)
        self.plot.say(picture.message or "")


def _session_picture(session, target):
    from ...engine.fit import picture

    return picture(session.trainer, target)
