"""The Landscape dock: the loss around the current parameters, with the optimizer's path growing
live while a run goes on and the gradient's arrow at the current point.

The picture (engine.landscape, a grid of forward passes batched with vmap) is computed on the
training thread and posted here; the UI thread only draws it. While a run goes on it comes from
the running session at most every ``REFRESH_MS`` while the dock is in sight; otherwise from the
editor's graph at its own values after each evaluation that reaches the canvas.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...model.graph import Graph
from ...model.trace import Trace
from ...plots.landscape_plot import LandscapePlot
from ...plots.loss_plot import format_loss
from ..worker_thread import WorkerThread
from .controller import TrainingController

REFRESH_MS = 400  # a 60×60 grid of the moons MLP takes ~0.3 s on one core
LIVE_RESOLUTION = 40  # while a run goes on (the grid is served between two steps)
LIVE_SHARE = 0.25  # of a run's time the live landscape may take, at most
READOUT_WIDTH = 210  # px: the longest fact ("∂L/∂a1, ∂L/∂a2 = (…)") in two lines
EXPORT_FILTER = "PNG image (*.png);;SVG image (*.svg)"


class LandscapeView(QWidget):
    """The plot under one row: the plane to draw over, a log colour scale, export, a read-out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = LandscapePlot(self)
        self.axes = QComboBox(self)
        self.axes.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.axes.setToolTip(
            "what the loss is drawn over: two scalar parameters, or for tensors two random "
            "directions normalised per filter (Li et al. 2018)"
        )
        self.log_colour = QCheckBox("log colour", self)
        self.log_colour.setToolTip("colour by log₁₀ of the loss, so a deep valley shows its floor")
        self.export = QPushButton("Export…", self)
        self.export.setToolTip("save the landscape as a PNG or SVG image")
        # beside the plot, one fact a line: a wide, low dock has room to the side, and in the
        # row above the plot a 1280-px window cut the read-out off half-way
        self.readout = QLabel("", self)
        self.readout.setWordWrap(True)
        self.readout.setFixedWidth(READOUT_WIDTH)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.setContentsMargins(4, 2, 4, 0)
        row.addWidget(self.axes)
        row.addWidget(self.log_colour)
        row.addStretch(1)
        row.addWidget(self.export)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 4, 0)
        body.addWidget(self.plot, 1)
        body.addWidget(self.readout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addLayout(body, 1)

    def set_choices(self, choices: list, chosen) -> None:
        """Offer ``choices`` (engine.landscape.Axes) and select ``chosen``."""
        self.axes.blockSignals(True)
        if [self.axes.itemData(i) for i in range(self.axes.count())] != choices:
            self.axes.clear()
            for axes in choices:
                self.axes.addItem(axes.label, axes)
        index = choices.index(chosen) if chosen in choices else -1
        self.axes.setCurrentIndex(index)
        self.axes.blockSignals(False)
        self.axes.setEnabled(len(choices) > 1)


class LandscapeDock(QObject):
    _drawn = Signal(int, object)  # request, LandscapeAnswer: from the training thread

    def __init__(
        self,
        view: LandscapeView,
        dock: QDockWidget,
        training: TrainingController,
        worker: WorkerThread,
        graph: Callable[[], Graph],
        dtype: Callable[[], str],
        say: Callable[[str, int], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view, self.plot, self.dock = view, view.plot, dock
        self.training, self.worker = training, worker
        self._graph, self._dtype, self._say = graph, dtype, say
        self._request = 0
        self.pending = False
        self.answer = None  # the LandscapeAnswer on show
        self._maker = None  # engine.landscape_source.EditorLandscape, on the training thread
        self.wanted = None  # the Axes the user picked
        self._next_live = 0.0  # monotonic time before which a run is not interrupted again
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._drawn.connect(self._on_drawn)
        training.stopped.connect(lambda _end: self.dock.isVisible() and self.refresh())
        dock.visibilityChanged.connect(lambda shown: shown and self.refresh())
        view.axes.currentIndexChanged.connect(self._axes_chosen)
        view.log_colour.toggled.connect(lambda _on: self._redraw())
        view.export.clicked.connect(self._export_clicked)
        self.plot.say("Evaluate or train a graph to see the loss around its parameters.")

    def _tick(self) -> None:
        due = time.monotonic() >= self._next_live
        if self.training.busy and self.dock.isVisible() and not self.pending and due:
            self.refresh()

    def on_trace(self, _trace: Trace) -> None:
        if not self.training.busy and self.dock.isVisible():
            self.refresh()

    def _axes_chosen(self, index: int) -> None:
        self.wanted = self.view.axes.itemData(index)
        self.refresh()

    def refresh(self) -> None:
        """Ask for a picture at the newest parameters (the session's, else the editor's)."""
        from ...engine.landscape import RESOLUTION
        from ...engine.landscape_source import of_session

        self._request += 1
        request, wanted = self._request, self.wanted
        size = LIVE_RESOLUTION if self.training.busy else RESOLUTION
        self.pending = True
        if self.training.ask(
            "landscape", lambda session: of_session(session, wanted, size), self._answer(request)
        ):
            return
        graph = self._graph()
        key = (id(graph), graph.revision)
        self.worker.submit(self._editor_job, request, graph.copy(), self._dtype(), key, wanted)

    def _answer(self, request: int) -> Callable[[object], None]:
        return lambda answer: self._on_drawn(request, answer)

    def _editor_job(self, request: int, graph: Graph, dtype: str, key: tuple, wanted) -> None:
        from ...engine.landscape_source import EditorLandscape

        if request != self._request:
            return  # a newer request follows
        if self._maker is None:
            self._maker = EditorLandscape()
        answer = self._maker.answer(graph, dtype, key, wanted)
        if not self.worker.closed:
            self._drawn.emit(request, answer)

    def _on_drawn(self, request: int, answer) -> None:
        if request == self._request:
            self.pending = False
            # the grid was computed between two steps: wait long enough that it costs the run
            # at most LIVE_SHARE of its time
            took = answer.picture.seconds
            self._next_live = time.monotonic() + took * (1 - LIVE_SHARE) / LIVE_SHARE
            self.show(answer)

    def show(self, answer) -> None:
        """Draw a LandscapeAnswer: the choice of axes, the picture and the read-out."""
        self.answer = answer
        self.view.set_choices(answer.choices, answer.axes)
        self._redraw()

    def _redraw(self) -> None:
        if self.answer is None:
            return
        shown, plot = self.answer.picture, self.plot
        plot.clear_all()
        if shown.losses is None:
            plot.say(shown.message)
            self.view.readout.clear()
            return
        plot.say("")
        if shown.ys is None:
            plot.show_curve(shown.xs, shown.losses)
            plot.set_axis_names(shown.labels[0], "loss")
        else:
            plot.show_surface(shown.xs, shown.ys, shown.losses, self.view.log_colour.isChecked())
            plot.set_axis_names(*shown.labels)
        plot.show_path(shown.path, shown.path_losses if shown.ys is None else None)
        plot.show_current(shown.current, shown.current_loss, shown.gradient)
        self.view.readout.setText(_readout(shown))

    # ---- export ----------------------------------------------------------------------------
    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.view, "Export landscape", "landscape.png", EXPORT_FILTER
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        """The plot as PNG (any other suffix than .svg) or SVG; False, said, when it fails."""
        from ...plots.export import plot_image, plot_svg

        if self.answer is None or self.answer.picture.losses is None:
            self._say("there is no landscape to export yet: evaluate or train a graph", 5000)
            return False
        try:
            if path.suffix.lower() == ".svg":
                path.write_text(plot_svg(self.plot, "Loss landscape"), encoding="utf-8")
            elif not plot_image(self.plot).save(str(path), "PNG"):
                raise OSError(f"cannot write '{path}'")
        except OSError as exc:
            self._say(f"Export failed: {exc}", 8000)
            return False
        self._say(f"Exported the landscape to {path}", 4000)
        return True


def _readout(shown) -> str:
    gradient = ", ".join(f"{g:.3g}" for g in shown.gradient)
    scalars = shown.axes is not None and shown.axes.kind == "scalars"
    names = ", ".join(
        f"∂L/∂{n}" if scalars else f"∂L/∂a{k + 1}" for k, n in enumerate(shown.labels)
    )
    grid = "×".join(str(len(a)) for a in (shown.xs, shown.ys) if a is not None)
    how = "vmap" if shown.batched else "one by one"
    lines = [f"loss {format_loss(shown.current_loss)}", f"{names} = ({gradient})"]
    if shown.on_plane < 0.5:
        lines.append(f"the plane holds {shown.on_plane:.0%} of the path")
    lines.append(f"{grid} grid in {shown.seconds * 1000:.0f} ms ({how})")
    return "\n".join(lines)
