"""Run ▸ Compare Optimizers…: SGD, momentum and Adam from the same start for N steps, their loss
curves together and their paths on one landscape (engine.compare, on the training thread).

The graph is a snapshot taken when Compare is pressed; nothing is written back into it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...document import Document
from ...plots.curves_plot import CurvesPlot
from ...plots.landscape_plot import RUN_COLOURS, LandscapePlot
from ..worker_thread import WorkerThread
from .panel import LearningRateBox

if TYPE_CHECKING:  # the engine loads torch: only on the worker
    from ...engine.compare import RunResult

MAX_COMPARE_STEPS = 5000
NAMES = {"sgd": "SGD", "momentum": "SGD + momentum", "adam": "Adam"}
# each optimizer's own colour in both plots, whichever of them run: none is the blue of the
# one-parameter landscape's curve, none a hue of the viridis surface the paths cross
COLOURS = dict(zip(NAMES, RUN_COLOURS))


class CompareDialog(QDialog):
    _done = Signal(int, object)  # request, Comparison or an error's text

    def __init__(
        self, document: Callable[[], Document], worker: WorkerThread, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare optimizers")
        self._document, self.worker = document, worker
        self._request = 0
        self.busy = False
        self.result = None
        self.steps = QSpinBox()
        self.steps.setRange(1, MAX_COMPARE_STEPS)
        self.steps.setToolTip("steps each optimizer takes from the same start")
        grid = QGridLayout()
        grid.addWidget(QLabel("Steps"), 0, 0)
        grid.addWidget(self.steps, 0, 1)
        self.chosen: dict[str, tuple[QCheckBox, LearningRateBox]] = {}
        for row, (key, text) in enumerate(NAMES.items(), start=1):
            box, lr = QCheckBox(text), LearningRateBox()
            box.setChecked(True)
            lr.setToolTip(f"learning rate of {text}")
            grid.addWidget(box, row, 0)
            grid.addWidget(lr, row, 1)
            self.chosen[key] = (box, lr)
        self.run_button = QPushButton("Compare")
        self.run_button.setDefault(True)
        # the result lines are the legend too, each after its optimizer's colour: a legend
        # beside the loss curves took a third of their plot's width
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        controls = QVBoxLayout()
        controls.addLayout(grid)
        controls.addWidget(self.run_button)
        controls.addWidget(self.status, 1)
        controls.addWidget(close)
        side = QWidget()
        side.setLayout(controls)
        side.setFixedWidth(230)
        self.curves = CurvesPlot()
        self.landscape = LandscapePlot()
        plots = QSplitter(Qt.Orientation.Horizontal)
        plots.addWidget(self.curves)
        plots.addWidget(self.landscape)
        plots.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.addWidget(side)
        layout.addWidget(plots, 1)
        self.resize(1100, 460)
        self.landscape.say(
            "Each optimizer runs from the current values;\ntheir paths are drawn here"
        )
        self.run_button.clicked.connect(self.start)
        self._done.connect(self._finished)
        self.load()

    def load(self) -> None:
        """The document's steps and learning rate as the starting choice."""
        training = self._document().settings.get("training", {})
        self.steps.setValue(min(int(training.get("steps", 100)), MAX_COMPARE_STEPS))
        for _box, lr in self.chosen.values():
            lr.setValue(float(training.get("lr", 0.01)))

    def contenders(self) -> list:
        from ...engine.compare import Contender

        momentum = float(self._document().settings.get("training", {}).get("momentum", 0.9))
        return [
            Contender(key, float(lr.value()), momentum)
            for key, (box, lr) in self.chosen.items()
            if box.isChecked()
        ]

    def start(self) -> None:
        """Run the chosen optimizers on the training thread (after what it is doing)."""
        who = self.contenders()
        if not who:
            self.status.setText("Choose at least one optimizer.")
            return
        document = self._document()
        self._request += 1
        self.busy = True
        self.run_button.setEnabled(False)
        self.status.setText(f"running {len(who)} optimizers…")
        settings = {"dtype": document.dtype,
                    "training": dict(document.settings.get("training", {}))}  # fmt: skip
        self.worker.submit(
            self._job, self._request, document.graph.copy(), settings, who, self.steps.value()
        )

    def _job(self, request: int, graph, settings: dict, who: list, steps: int) -> None:
        from ...engine.compare import compare
        from ...engine.training import TrainingError

        try:
            result: object = compare(graph, settings, who, steps)
        except (TrainingError, ValueError) as exc:
            result = str(exc)
        if not self.worker.closed:
            self._done.emit(request, result)

    def _finished(self, request: int, result) -> None:
        if request != self._request:
            return
        self.busy = False
        self.run_button.setEnabled(True)
        if isinstance(result, str):
            self.status.setText(html.escape(result))
            return
        self.result = result
        colours = [COLOURS.get(r.optimizer, RUN_COLOURS[0]) for r in result.runs]
        self.curves.show_runs([(r.name, r.losses) for r in result.runs], colours, legend=False)
        shown, plot = result.picture, self.landscape
        plot.clear_all()
        if shown.losses is None:
            plot.say(shown.message)
            return
        if shown.ys is None:
            plot.show_curve(shown.xs, shown.losses)
            plot.set_axis_names(shown.labels[0], "loss")
            points = [p.reshape(-1, 1) for p in result.paths]
            paths = [_with_losses(p, loss) for p, loss in zip(points, result.path_losses)]
        else:
            plot.show_surface(shown.xs, shown.ys, shown.losses, log=True)
            plot.set_axis_names(*shown.labels)
            paths = result.paths
        plot.say("")
        runs = [(r.name, p) for r, p in zip(result.runs, paths)]
        plot.show_runs(runs, legend=False, colours=colours)
        lines = [_swatch(c) + html.escape(_result_line(r)) for r, c in zip(result.runs, colours)]
        lines += [html.escape(f"{r.name} stopped: {r.error}") for r in result.runs if r.error]
        if result.batched:
            lines.append("The curves are each step's mini-batch loss.")
        self.status.setText("<br>".join(lines))


def _swatch(colour: QColor) -> str:
    """A short thick line in ``colour``, as the run is drawn."""
    return f'<span style="color:{colour.name()}; font-weight:900">━━</span>&nbsp;'


def _result_line(run: RunResult) -> str:
    """A run's loss after its last step, the training panel's way; a stopped run's last loss
    with the step it came before."""
    if run.final is not None:
        return f"{run.name}: loss {run.final:.4g} after {len(run.losses)} steps"
    if len(run.losses):
        return f"{run.name}: loss {run.losses[-1]:.4g} before step {len(run.losses)}"
    return f"{run.name}: no step"


def _with_losses(points: np.ndarray, losses: np.ndarray) -> np.ndarray:
    return np.c_[points[:, 0], losses] if len(points) else np.zeros((0, 2))


class CompareOptimizers(QObject):
    """Run ▸ Compare Optimizers…: one dialog per window, kept so that its results stay."""

    def __init__(
        self, document: Callable[[], Document], worker: WorkerThread, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._document, self._worker, self._parent = document, worker, parent
        self.dialog: CompareDialog | None = None
        self.action = QAction("&Compare Optimizers…", parent)
        self.action.setStatusTip("SGD, momentum and Adam from the same start, side by side")
        self.action.triggered.connect(lambda _checked=False: self.open())

    def open(self) -> CompareDialog:
        if self.dialog is None:
            self.dialog = CompareDialog(self._document, self._worker, self._parent)
        else:
            self.dialog.load()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
