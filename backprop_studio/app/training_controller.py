"""Training in the editor: the panel, the loss plot and the timeline, wired to the open document.

Training runs on a snapshot of the graph on the training thread; the graph itself changes only
when a run pauses or finishes, as one undoable "Train N steps" command, so Undo returns to the
values before training and trained values save with the document (a weight made by a recipe
keeps it, marked trained: ``Graph.set_trained_value``). A run lasts while the graph's
computation and the optimizer settings stay as they were: an edit (or an undo) ends it, a Step or
Run with other settings starts the next one, and the previous loss curve stays, faded.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow

from .. import commands
from ..model.shapes import Value, shape_of
from .loss_view import LossView
from ..engine.train_history import TrainingHistory
from .train_runner import Batch, RunInfo, TrainRunner
from .training_display import TrainingDisplay
from .training_panel import TrainingPanel

TRAINER_KEYS = ("optimizer", "lr", "momentum", "clip")
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam"}


def _trainer_key(settings: dict) -> tuple:
    """What a trainer is built from: a change in any of these starts a new run."""
    training = settings.get("training", {})
    return (settings.get("dtype"), *(training.get(k) for k in TRAINER_KEYS))


def run_label(settings: dict) -> str:
    t = settings.get("training", {})
    clip = f", clip {t['clip']:g}" if t.get("clip") is not None else ""
    return f"{OPTIMIZER_NAMES.get(t.get('optimizer'), '')} lr {t.get('lr', 0):g}{clip}"


class TrainingController(QObject):
    """Owns the training docks, the training thread and the current run's history."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.runner = TrainRunner(self)
        self.panel = TrainingPanel()
        self.view = LossView()
        self.loss_plot, self.timeline = self.view.loss_plot, self.view.timeline
        self.display = TrainingDisplay(window, self.view, self.panel.status, self.runner)
        self.run_settings: dict | None = None
        self.origin: dict[str, Value] | None = None  # parameters before training began
        self.origin_trained: dict[str, bool] = {}  # which of them were trained already then
        self.alive = False  # the worker's trainer can go on from the history's latest iteration
        self.message = ""
        self._document = None
        self._connections: list = []
        self._committing = False
        self._committed = 0  # iteration last written into the graph
        self._after_stop = None
        self.docks = [self._dock("Training", self.panel), self._dock("Loss", self.view)]
        window.splitDockWidget(self.docks[0], self.docks[1], Qt.Orientation.Horizontal)
        window.resizeDocks(self.docks, [330, 900], Qt.Orientation.Horizontal)
        window.resizeDocks(self.docks[:1], [250], Qt.Orientation.Vertical)
        self.actions = self._make_actions()
        self._wire()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def history(self) -> TrainingHistory | None:
        return self.display.history

    def _dock(self, title: str, widget) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(f"{title}Dock")
        dock.setWidget(widget)
        self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        return dock

    def _make_actions(self) -> dict[str, QAction]:
        def action(text, slot, shortcut, tip) -> QAction:
            act = QAction(text, self.window)
            act.setShortcut(QKeySequence(shortcut))
            act.setStatusTip(tip)
            act.triggered.connect(lambda _checked=False: slot())
            return act

        d = self.display
        return {
            "train_step": action("Training &Step", self.step, "Ctrl+T", "one optimizer step"),
            "train_run": action("&Run / Pause Training", self.toggle_run, "Ctrl+R", "train live"),
            "train_reset": action(
                "Reset &Parameters", self.reset, "Ctrl+Shift+R", "back to before training"
            ),
            "iteration_back": action(
                "Earlier Iteration", lambda: d.nudge(-1), "Alt+Left", "timeline back"
            ),
            "iteration_forward": action(
                "Later Iteration", lambda: d.nudge(1), "Alt+Right", "timeline forward"
            ),
        }

    def _wire(self) -> None:
        p, r, w = self.panel, self.runner, self.window
        p.step_clicked.connect(self.step)
        p.run_clicked.connect(self.run)
        p.pause_clicked.connect(self.pause)
        p.reset_clicked.connect(self.reset)
        p.setting_changed.connect(self._set_option)
        r.started.connect(self._on_started)
        r.failed.connect(self._on_failed)
        r.progress.connect(self._on_progress)
        r.stopped.connect(self._on_stopped)
        w.undo_group.activeStackChanged.connect(lambda _stack: self._attach(w.document))

    # ---- the document ----------------------------------------------------------------------
    @property
    def graph(self):
        return self.window.document.graph

    def _graph_signals(self, graph) -> list:
        def edited(*_args) -> None:
            self._graph_edited()

        return [
            (graph.node_added, edited),
            (graph.node_removed, edited),
            (graph.node_renamed, edited),
            (graph.edge_added, edited),
            (graph.edge_removed, edited),
            (graph.output_changed, edited),
            (graph.node_changed, lambda _n, attr: attr in ("value", "op") and edited()),
        ]

    def _attach(self, document) -> None:
        if document is self._document:
            return
        if self._document is not None:
            for signal, slot in self._connections:
                signal.disconnect(slot)
            self._document.undo_stack.indexChanged.disconnect(self._load_settings)
        self._document = document
        self._connections = self._graph_signals(document.graph)
        for signal, slot in self._connections:
            signal.connect(slot)
        document.undo_stack.indexChanged.connect(self._load_settings)
        self.runner.forget()
        self.origin = None
        self._end_run(archive=False)
        self.loss_plot.clear_runs()
        self._set_message("")
        self._load_settings()
        self._update_panel()

    def _load_settings(self, *_args) -> None:
        if self._document is not None:
            self.panel.load(self._document.settings.get("training", {}))

    def _set_option(self, key: str, value: object) -> None:
        settings = self.window.document.settings
        if settings.setdefault("training", {}).get(key) != value:
            self.window.push(commands.SetTrainingOption(settings, key, value))

    def _graph_edited(self) -> None:
        """The computation changed under the run (an edit, an undo): the run is over."""
        if self._committing:
            return
        self.origin = None
        if self.runner.busy:
            self.runner.forget()  # what it trained belongs to the graph as it was
        if self.history is not None:
            self._end_run(archive=True)
        self._update_panel()

    # ---- commands from the panel and the menu ----------------------------------------------
    def step(self) -> None:
        self._train(1)

    def run(self) -> None:
        self._train(int(self.window.document.settings.get("training", {}).get("steps", 100)))

    def toggle_run(self) -> None:
        if self.runner.busy:
            self.pause()
        else:
            self.run()

    def pause(self) -> None:
        self.runner.pause()

    def _train(self, steps: int) -> None:
        if self.runner.busy:
            return
        settings = {
            "dtype": self.window.document.settings.get("dtype", "float64"),
            "training": dict(self.window.document.settings.get("training", {})),
        }
        self._set_message("")
        current = _trainer_key(self.run_settings or {})
        if self.history is None or not self.alive or _trainer_key(settings) != current:
            if self.history is not None:
                self._end_run(archive=True)
            self.run_settings = settings
            self.runner.begin(self.graph, settings)
        self.runner.train(steps)
        fit = getattr(self.window, "fit", None)
        if fit is None or fit.dock.visibleRegion().isEmpty():  # a fit view in front stays
            self.docks[1].raise_()  # the loss plot, if it shares its place with another dock
        self.display.go_live()
        self._update_panel()

    def reset(self) -> None:
        """Back to the parameters before training, as one undoable step."""
        if self.runner.busy:
            self._after_stop = self.reset
            self.runner.pause()
            return
        if self.origin is None:
            return
        self._write(self.origin, "Reset parameters", self.origin_trained)
        self._end_run(archive=True)
        self._set_message("")
        self._update_panel()

    # ---- results from the training thread --------------------------------------------------
    def _on_started(self, info: RunInfo) -> None:
        history = TrainingHistory(info.names, info.shapes, info.initial)
        self.alive = True
        self._committed = 0
        if self.origin is None:
            self.origin = history.values_at(0)
            graph = self.graph
            self.origin_trained = {n: graph.node(n).trained for n in self.origin if n in graph}
        self.display.start(history, run_label(info.settings))

    def _on_failed(self, message: str, node) -> None:
        self._set_message(message)
        self._update_panel()

    def _take(self, batch: Batch) -> None:
        h = self.history
        if h is None:
            return
        h.extend(batch.first, batch.losses, batch.rows)
        if batch.trace is not None:
            loss = batch.trace.output_value
            if isinstance(loss, float):
                h.set_loss(batch.last, loss)
            self.display.add_trace(batch.last, batch.trace)
        self.display.note_rate(len(batch.losses), batch.seconds)

    def _on_progress(self, batch: Batch) -> None:
        self._take(batch)
        self.display.schedule()

    def _on_stopped(self, batch: Batch) -> None:
        self._take(batch)
        h = self.history
        if batch.reason == "error" and h is not None:
            self.alive = False
            h.truncate(max((batch.error_iteration or 0) - 1, 0))
            self.display.forget_latest()
            self._set_message(
                f"{batch.error} — lower the learning rate, or press Reset to start over"
            )
        if h is not None:
            self._truncate_to_finite(h)
            steps = h.iteration - self._committed
            if steps > 0:
                self._write(h.values_at(h.iteration), f"Train {steps} step{'s' * (steps != 1)}")
            self._committed = h.iteration
        self.display.draw()
        then, self._after_stop = self._after_stop, None
        if then is not None:
            then()
        self._update_panel()

    @staticmethod
    def _truncate_to_finite(h: TrainingHistory) -> None:
        """The document refuses NaN: a run ends at its last iteration with finite parameters."""
        if np.isfinite(h.latest).all():
            return
        ok = np.isfinite(h.data[: h.count, 1 : 1 + h.n_params]).all(axis=1)
        h.truncate(int(np.nonzero(ok)[0][-1]) * h.stride if ok.any() else 0)

    def _write(
        self, values: dict[str, Value], text: str, trained: dict[str, bool] | None = None
    ) -> None:
        """Write parameter values into the graph as one undoable command. Recipe leaves keep
        their recipe, marked trained (``trained`` None) or as ``trained`` says (a Reset)."""
        graph = self.graph
        children = []
        for name, value in values.items():
            if name not in graph or not graph.node(name).is_leaf:
                continue
            node = graph.node(name)
            mark = True if trained is None else trained.get(name, False)
            moved = node.value != value or (node.recipe == "init" and node.trained != mark)
            if moved and shape_of(node.value) == shape_of(value):
                children.append(commands.SetTrainedValue(graph, name, value, mark))
        if not children:
            return
        self._committing = True
        try:
            self.window.push(commands.Macro(text, children))
        finally:
            self._committing = False

    def _end_run(self, archive: bool) -> None:
        self.display.end(archive)
        self.alive = False

    # ---- the panel -------------------------------------------------------------------------
    def _set_message(self, text: str) -> None:
        self.message = text
        self.panel.show_message(text)
        if text:
            self.window.say(text, 15000)

    def _update_panel(self) -> None:
        busy = self.runner.busy
        self.panel.set_state(running=busy, can_reset=self.origin is not None)
        if not busy and self.history is None and not self.message:
            self.panel.status.setText("not trained yet" if self.origin is None else "reset")

    def shutdown(self) -> None:
        self.runner.shutdown()
