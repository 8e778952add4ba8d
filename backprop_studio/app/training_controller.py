"""Training in the editor: the panel, the loss plot and the timeline, wired to the open document.

Training runs on a snapshot of the graph on the training thread; the graph itself changes only
when a run pauses or finishes, as one undoable "Train N steps" command, so Undo returns to the
values before training and trained values save with the document. A run lasts while the graph's
computation and the optimizer settings stay as they were: an edit (or an undo) ends it, a Step or
Run with other settings starts the next one, and the previous loss curve stays, faded.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow

from .. import commands
from ..model.shapes import Value, shape_of
from ..model.trace import Trace
from ..plots.loss_plot import format_loss
from .loss_view import LossView
from .train_history import TraceCache, TrainingHistory
from .train_runner import Batch, RunInfo, TrainRunner
from .training_panel import TrainingPanel

DRAW_INTERVAL_S = 0.05  # plots and canvas follow a run at most 20 times a second
TRAINER_KEYS = ("optimizer", "lr", "momentum", "clip")


def _trainer_key(settings: dict) -> tuple:
    training = settings.get("training", {})
    return (settings.get("dtype"), *(training.get(k) for k in TRAINER_KEYS))


class TrainingController(QObject):
    """Owns the training docks, the training thread and the current run's history."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.runner = TrainRunner(self)
        self.panel = TrainingPanel()
        self.view = LossView()
        self.loss_plot, self.param_plot = self.view.loss_plot, self.view.param_plot
        self.timeline = self.view.timeline
        self.history: TrainingHistory | None = None
        self.traces = TraceCache()
        self.run_settings: dict | None = None
        self.origin: dict[str, Value] | None = None  # parameters before training began
        self.alive = False  # the worker's trainer can go on from the history's latest iteration
        self.message = ""
        self.rate = 0.0
        self._document = None
        self._committing = False
        self._committed = 0  # iteration last written into the graph
        self._shown: int | None = None  # the old iteration on the canvas (None: live)
        self._latest_trace: Trace | None = None
        self._after_stop = None
        self._last_draw = 0.0
        self._draw_timer = QTimer(self)
        self._draw_timer.setSingleShot(True)
        self._draw_timer.timeout.connect(self._draw)
        self.docks = [
            self._dock(window, "Training", self.panel, Qt.DockWidgetArea.BottomDockWidgetArea),
            self._dock(window, "Loss", self.view, Qt.DockWidgetArea.BottomDockWidgetArea),
        ]
        window.splitDockWidget(self.docks[0], self.docks[1], Qt.Orientation.Horizontal)
        window.resizeDocks(self.docks, [300, 900], Qt.Orientation.Horizontal)
        window.resizeDocks(self.docks[:1], [250], Qt.Orientation.Vertical)
        self.actions = self._make_actions(window)
        self._wire()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @staticmethod
    def _dock(window, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, window)
        dock.setObjectName(f"{title}Dock")
        dock.setWidget(widget)
        window.addDockWidget(area, dock)
        return dock

    def _make_actions(self, window) -> dict[str, QAction]:
        def action(text, slot, shortcut, tip) -> QAction:
            act = QAction(text, window)
            act.setShortcut(QKeySequence(shortcut))
            act.setStatusTip(tip)
            act.triggered.connect(lambda _checked=False: slot())
            return act

        return {
            "train_step": action("Training &Step", self.step, "Ctrl+T", "one optimizer step"),
            "train_run": action("&Run / Pause Training", self.toggle_run, "Ctrl+R", "train live"),
            "train_reset": action(
                "Reset &Parameters", self.reset, "Ctrl+Shift+R", "back to before training"
            ),
            "iteration_back": action(
                "Earlier Iteration", lambda: self._nudge(-1), "Alt+Left", "timeline back"
            ),
            "iteration_forward": action(
                "Later Iteration", lambda: self._nudge(1), "Alt+Right", "timeline forward"
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
        r.traced.connect(self._on_traced)
        self.timeline.iteration_selected.connect(self.show_iteration)
        self.timeline.live_requested.connect(self.go_live)
        self.loss_plot.iteration_picked.connect(self.show_iteration)
        w.undo_group.activeStackChanged.connect(lambda _stack: self._attach(w.document))
        w.runner.trace_ready.connect(self._on_evaluated)

    # ---- the document ----------------------------------------------------------------------
    @property
    def graph(self):
        return self.window.document.graph

    def _graph_signals(self, graph) -> list:
        edited = self._graph_edited
        return [
            (graph.node_added, lambda *_: edited()),
            (graph.node_removed, lambda *_: edited()),
            (graph.node_renamed, lambda *_: edited()),
            (graph.edge_added, lambda *_: edited()),
            (graph.edge_removed, lambda *_: edited()),
            (graph.output_changed, lambda *_: edited()),
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

    def _load_settings(self, *_args) -> None:
        if self._document is not None:
            self.panel.load(self._document.settings.get("training", {}))

    def _set_option(self, key: str, value: object) -> None:
        training = self.window.document.settings.setdefault("training", {})
        if training.get(key) != value:
            self.window.push(commands.SetTrainingOption(self.window.document.settings, key, value))

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
        self.pause() if self.runner.busy else self.run()

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
        if (
            self.history is None
            or not self.alive
            or _trainer_key(settings) != _trainer_key(self.run_settings or {})
        ):
            if self.history is not None:
                self._end_run(archive=True)
            self.run_settings = settings
            self.runner.begin(self.graph, settings)
        self.runner.train(steps)
        self.go_live()
        self._update_panel()

    def reset(self) -> None:
        """Back to the parameters before training, as one undoable step."""
        if self.runner.busy:
            self._after_stop = self.reset
            self.runner.pause()
            return
        if self.origin is None:
            return
        self._write(self.origin, "Reset parameters")
        self._end_run(archive=True)
        self._set_message("")
        self._update_panel()

    # ---- results from the training thread --------------------------------------------------
    def _on_started(self, info: RunInfo) -> None:
        self.history = TrainingHistory(info.names, info.shapes, info.initial)
        self.alive = True
        self._committed = 0
        if self.origin is None:
            self.origin = self.history.values_at(0)
        self.param_plot.set_series(self.history.series_names)
        self.traces.clear()

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
            self.traces.put(batch.last, batch.trace)
            self._latest_trace = batch.trace
        if batch.losses and batch.seconds > 0:
            rate = len(batch.losses) / batch.seconds
            self.rate = rate if self.rate == 0 else 0.7 * self.rate + 0.3 * rate

    def _on_progress(self, batch: Batch) -> None:
        self._take(batch)
        wait = self._last_draw + DRAW_INTERVAL_S - time.perf_counter()
        if wait <= 0:
            self._draw()
        elif not self._draw_timer.isActive():
            self._draw_timer.start(int(wait * 1000) + 1)

    def _on_stopped(self, batch: Batch) -> None:
        self._take(batch)
        h = self.history
        if batch.reason == "error" and h is not None:
            self.alive = False
            good = (batch.error_iteration or 0) - 1
            h.truncate(max(good, 0))
            self._latest_trace = None
            self._set_message(
                f"{batch.error} — lower the learning rate, or press Reset to start over"
            )
        if h is not None:
            self._truncate_to_finite(h)
            steps = h.iteration - self._committed
            if steps > 0:
                self._write(h.values_at(h.iteration), f"Train {steps} step{'s' * (steps != 1)}")
            self._committed = h.iteration
        self._draw()
        then, self._after_stop = self._after_stop, None
        if then is not None:
            then()
        self._update_panel()

    @staticmethod
    def _truncate_to_finite(h: TrainingHistory) -> None:
        if np.isfinite(h.latest).all():
            return
        ok = np.isfinite(h.data[: h.count, 1 : 1 + h.n_params]).all(axis=1)
        h.truncate(int(np.nonzero(ok)[0][-1]) * h.stride if ok.any() else 0)

    def _write(self, values: dict[str, Value], text: str) -> None:
        """Write parameter values into the graph as one undoable command."""
        graph = self.graph
        children = []
        for name, value in values.items():
            if name not in graph or not graph.node(name).is_leaf:
                continue
            old = graph.node(name).value
            if old != value and shape_of(old) == shape_of(value):
                children.append(commands.SetValue(graph, name, value))
        if not children:
            return
        self._committing = True
        try:
            self.window.push(commands.Macro(text, children))
        finally:
            self._committing = False

    def _end_run(self, archive: bool) -> None:
        if archive and self.history is not None:
            self.loss_plot.archive()
        else:
            self.loss_plot.set_losses(np.zeros(0), np.zeros(0))
            self.loss_plot.set_current(None)
        self.history = None
        self.alive = False
        self.run_settings = None if not archive else self.run_settings
        self.traces.clear()
        self._latest_trace = None
        self._shown = None
        self.param_plot.set_series([])
        self.timeline.clear()
        self.timeline.setEnabled(False)
        self.view.readout.clear()

    # ---- showing ---------------------------------------------------------------------------
    def _draw(self) -> None:
        self._draw_timer.stop()
        self._last_draw = time.perf_counter()
        h = self.history
        if h is None:
            return
        x, y = h.loss_curve()
        self.loss_plot.set_losses(x, y, self._run_label())
        sx, cols = h.series_curve()
        self.param_plot.set_data(sx, cols)
        self.timeline.setEnabled(True)
        self.timeline.set_last(h.iteration, h.stride)
        if self._shown is None:
            self.loss_plot.set_current(h.iteration)
            self.param_plot.set_current(h.iteration)
            if self._latest_trace is not None:
                self._put_on_canvas(self._latest_trace)
        self._update_status()

    def _run_label(self) -> str:
        t = (self.run_settings or {}).get("training", {})
        name = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam"}.get(t.get("optimizer"), "")
        clip = f", clip {t['clip']:g}" if t.get("clip") is not None else ""
        return f"{name} lr {t.get('lr', 0):g}{clip}"

    def _put_on_canvas(self, trace: Trace) -> None:
        # The Trace is newer than the graph's values, not stale: the canvas shows its numbers.
        self.window.show_trace(replace(trace, revision=self.graph.revision))
        if self._shown is not None and self.history is not None:
            base = self.window.status_value.text()
            self.window.status_value.setText(
                f"iteration {self._shown} of {self.history.iteration} · {base}"
            )

    def show_iteration(self, iteration: int) -> None:
        """Show an earlier iteration's values and gradients on the canvas and the plots."""
        h = self.history
        if h is None:
            return
        it = h.nearest(iteration)
        if it == h.iteration and not self.runner.busy:
            self.go_live()
            return
        self._shown = it
        self.timeline.show_iteration(it, live=False)
        self.loss_plot.set_current(it)
        self.param_plot.set_current(it)
        loss = h.loss_at(it)
        self.view.readout.setText(f"iteration {it}: loss {format_loss(loss)}")
        trace = self.traces.get(it)
        if trace is not None:
            self._put_on_canvas(trace)
        else:
            self.runner.request_trace(it, h.params_at(it))

    def go_live(self) -> None:
        """Follow the newest iteration again."""
        was_old = self._shown is not None
        self._shown = None
        h = self.history
        if h is None:
            self.timeline.clear()
            return
        self.timeline.show_iteration(h.iteration, live=True)
        self.loss_plot.set_current(h.iteration)
        self.param_plot.set_current(h.iteration)
        self.view.readout.clear()
        if was_old:
            trace = self._latest_trace or self.traces.get(h.iteration)
            if trace is not None:
                self._put_on_canvas(trace)
            else:
                self.window.runner.evaluate_now(self.graph, self.window.dtype)
        self._update_status()

    def _nudge(self, delta: int) -> None:
        if self.history is not None:
            stride = self.history.stride
            self.show_iteration(max(0, self.timeline.iteration + delta * stride))

    def _on_traced(self, iteration: int, trace: Trace) -> None:
        self.traces.put(iteration, trace)
        if self._shown == iteration:
            self._put_on_canvas(trace)

    def _on_evaluated(self, _trace: Trace) -> None:
        """The editor showed a fresh evaluation; an old iteration or a live run keeps the canvas."""
        if self._shown is not None:
            self.show_iteration(self._shown)
        elif self.runner.busy and self._latest_trace is not None:
            self._put_on_canvas(self._latest_trace)

    def _update_status(self) -> None:
        h = self.history
        if h is None:
            return
        parts = [f"iteration {h.iteration}"]
        loss = h.loss_at(h.iteration)
        if not math.isnan(loss):
            parts.append(f"loss {format_loss(loss)}")
        if self.rate:
            parts.append(f"{self.rate:,.0f} it/s")
        self.panel.status.setText(" · ".join(parts))

    def _set_message(self, text: str) -> None:
        self.message = text
        self.panel.message.setText(text)
        if text:
            self.window.statusBar().showMessage(text, 15000)

    def _update_panel(self) -> None:
        busy = self.runner.busy
        self.panel.set_state(running=busy, can_reset=self.origin is not None)
        if not busy and self.history is None and not self.message:
            self.panel.status.setText("not trained yet" if self.origin is None else "reset")

    def shutdown(self) -> None:
        self.runner.shutdown()
