"""Training in the editor: runs a TrainingSession on the training thread and draws what it posts.

A Run's data takes three hops: ``_train`` hands ``session.run`` to the training thread, the
session posts each Progress back (a queued signal), and ``draw`` puts the session's history on
the loss plot. The graph itself changes only when a run pauses or finishes, as one undoable
"Train N steps" command, so Undo returns to the values before training and trained values save
with the document (a recipe leaf keeps its recipe, marked trained). A run lasts while the graph
holds what the run wrote and the optimizer settings stay as they were: an edit (or an undo)
ends it, a Step or Run with other settings starts the next one, and the previous curve fades.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction

from ... import commands, document_commands
from ...document import Document
from ...model.graph import Graph, Node
from ...model.shapes import Value
from ...plots.loss_plot import format_loss
from ..editor.canvas_trace import CanvasTrace
from ..worker_thread import WorkerThread
from .actions import training_actions
from .curves_view import LossView
from .frame_pacer import FramePacer, live_canvas
from .panel import TrainingPanel
from .thread import TrainingThread
from .trained_values import write_values

OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam"}


def run_label(settings: dict) -> str:
    t = settings.get("training", {})
    clip = f", clip {t['clip']:g}" if t.get("clip") is not None else ""
    return f"{OPTIMIZER_NAMES.get(t.get('optimizer'), '')} lr {t.get('lr', 0):g}{clip}"


class TrainingController(TrainingThread):
    """The one Qt adapter of a TrainingSession: starts, steps, pauses and draws it."""

    stopped = Signal(object)  # the final Progress of a Step or Run
    run_started = Signal()
    drawn = Signal()  # the plots show the session's newest numbers
    run_ended = Signal()  # the session is gone: views of it empty

    def __init__(
        self,
        panel: TrainingPanel,
        view: LossView,
        canvas: CanvasTrace,
        worker: WorkerThread,
        push: Callable[[commands.Command], bool],
        say: Callable[[str, int], None],
        parent: QObject,
    ) -> None:
        super().__init__(worker, parent)
        self.panel, self.view, self.canvas = panel, view, canvas
        self.loss_plot, self.param_plot = view.loss_plot, view.param_plot
        self.timeline = view.timeline
        self._push, self._say = push, say
        self.document: Document | None = None
        self.origin: dict[str, Value] | None = None  # parameters before training began
        self.origin_trained: dict[str, bool] = {}  # which of them were trained already then
        self.message = ""
        self.shown: int | None = None  # the earlier iteration on the canvas (None: live)
        self.label = ""
        self.rate = 0.0
        self._written: dict[str, Value] = {}  # what this run last wrote into the graph
        self._committed = 0  # iteration last written into the graph
        self._after_stop: Callable[[], None] | None = None
        self._connections: list = []
        self._fresh = False  # the session's newest Trace has not been on the canvas yet
        self.pacer = FramePacer()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.draw)
        self.actions: dict[str, QAction] = training_actions(self, parent)
        self._posted.connect(self._on_posted)
        panel.step_clicked.connect(self.step)
        panel.run_clicked.connect(self.run)
        panel.pause_clicked.connect(self.pause)
        panel.reset_clicked.connect(self.reset)
        panel.setting_changed.connect(self._set_option)
        self.timeline.iteration_selected.connect(self.show_iteration)
        self.timeline.live_requested.connect(self.go_live)
        self.loss_plot.iteration_picked.connect(self.show_iteration)
        self.timeline.setEnabled(False)

    # ---- the document ----------------------------------------------------------------------
    @property
    def history(self):
        return None if self.session is None else self.session.history

    def attach(self, document: Document) -> None:
        """Train ``document`` from now on; whatever ran before is forgotten."""
        if document is self.document:
            return
        if self.document is not None:
            for signal, slot in self._connections:
                signal.disconnect(slot)
        self.document = document
        graph = document.graph
        self._connections = [
            (graph.node_added, self._graph_edited),
            (graph.node_removed, self._graph_edited),
            (graph.node_renamed, self._graph_edited),
            (graph.edge_added, self._graph_edited),
            (graph.edge_removed, self._graph_edited),
            (graph.output_changed, self._graph_edited),
            (graph.node_changed, self._node_changed),
            (document.undo_stack.indexChanged, self._load_settings),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self._forget()
        self.origin = None
        self._end_run(archive=False)
        self.loss_plot.clear_runs()
        self._set_message("")
        self._load_settings()
        self._update_panel()

    @property
    def graph(self) -> Graph:
        assert self.document is not None
        return self.document.graph

    def _load_settings(self, *_args) -> None:
        if self.document is not None:
            self.panel.load(self.document.settings.get("training", {}))

    def _set_option(self, key: str, value: object) -> None:
        settings = self.document.settings if self.document is not None else {}
        if settings.setdefault("training", {}).get(key) != value:
            self._push(document_commands.SetTrainingOption(settings, key, value))

    def _node_changed(self, node: Node, attr: str) -> None:
        if attr == "op" or (attr == "value" and node.value != self._written.get(node.name)):
            self._graph_edited()

    def _graph_edited(self, *_args) -> None:
        """The graph no longer holds what the run wrote (an edit, an undo): the run is over."""
        self.origin = None
        if self.busy:
            self._forget()  # what it trained belongs to the graph as it was
        if self.session is not None:
            self._end_run(archive=True)
        self._update_panel()

    # ---- commands from the panel and the menu ----------------------------------------------
    def step(self) -> None:
        self._train(1)

    def run(self) -> None:
        settings = self.document.settings if self.document is not None else {}
        self._train(int(settings.get("training", {}).get("steps", 100)))

    def toggle_run(self) -> None:
        if self.busy:
            self.pause()
        else:
            self.run()

    def _train(self, steps: int) -> None:
        if self.busy or self.document is None:
            return
        settings = {
            "dtype": self.document.dtype,
            "training": dict(self.document.settings.get("training", {})),
        }
        self._set_message("")
        s = self.session
        if s is None or not s.continues(settings):
            if s is not None:
                self._end_run(archive=True)
            self._start(self.graph, settings)
        self._steps(steps)
        self.run_started.emit()
        self.go_live()
        self._update_panel()

    def reset(self) -> None:
        """Back to the parameters before training, as one undoable step."""
        if self.busy:
            self._after_stop = self.reset
            self.pause()
            return
        if self.origin is None:
            return
        self._write(self.origin, "Reset parameters", self.origin_trained)
        self._end_run(archive=True)
        self._set_message("")
        self._update_panel()

    # ---- what the training thread posts ----------------------------------------------------
    def _on_posted(self, run: int, what: str, payload: object) -> None:
        if run != self.run_id:
            return  # an older run's news
        if what == "started":
            self._started(payload)
        elif what == "failed":
            self._set_busy(False)
            self._set_message(str(payload))
            self._update_panel()
        elif what == "progress":
            self._note(payload)
            self.schedule()
        elif what == "stopped":
            self._set_busy(False)
            self._stopped(payload)
        elif what == "wish":
            done, result = payload
            done(result)

    def _started(self, session) -> None:
        self.session, self.label = session, run_label(session.settings)
        self._committed, self._fresh, self.shown, self.rate = 0, False, None, 0.0
        if self.origin is None:
            self.origin = session.values_at(0)
            graph = self.graph
            self.origin_trained = {n: graph.node(n).trained for n in self.origin if n in graph}
        self.param_plot.set_series(session.history.series_names)

    def _note(self, progress) -> None:
        self._fresh = self._fresh or progress.trace is not None
        if progress.steps and progress.seconds > 0:
            rate = progress.steps / progress.seconds
            self.rate = rate if self.rate == 0 else 0.7 * self.rate + 0.3 * rate

    def _stopped(self, end) -> None:
        self._note(end)
        s = self.session
        if end.reason == "error":
            self._set_message(
                f"{end.error} — lower the learning rate, or press Reset to start over"
            )
        if s is not None:
            steps = s.history.iteration - self._committed
            if steps > 0:
                values = s.values_at(s.history.iteration)
                self._write(values, f"Train {steps} step{'s' * (steps != 1)}")
            self._committed = s.history.iteration
        self.draw()
        then, self._after_stop = self._after_stop, None
        if then is not None:
            then()
        self._update_panel()
        self.stopped.emit(end)

    def _write(self, values: dict[str, Value], text: str, trained: dict | None = None) -> None:
        command = write_values(self.graph, values, text, trained)
        if command is not None:
            self._written = dict(values)
            self._push(command)

    def _end_run(self, archive: bool) -> None:
        """The run is over: its curve fades (or goes), the timeline empties, the canvas is live."""
        if archive and self.session is not None:
            self.loss_plot.archive()
        else:
            self.loss_plot.set_losses(np.zeros(0), np.zeros(0))
            self.loss_plot.set_test_losses(np.zeros(0), np.zeros(0))
            self.loss_plot.set_current(None)
        self.session, self.shown, self._written = None, None, {}
        self.param_plot.set_series([])
        self.timeline.clear()
        self.timeline.setEnabled(False)
        self.view.readout.clear()
        self.canvas.release()
        self.run_ended.emit()

    # ---- drawing ---------------------------------------------------------------------------
    def schedule(self) -> None:
        """Draw now, or when the current frame interval is over."""
        wait = self.pacer.wait_s()
        if wait <= 0:
            self.draw()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def draw(self) -> None:
        self._timer.stop()
        self.pacer.frame(self.busy)
        s = self.session
        if s is None:
            return
        self._hold_for_frame()
        with s.lock:
            h = s.history
            x, y = (a.copy() for a in h.loss_curve())
            px, py = (a.copy() for a in h.series_curve())
            iteration, stride, latest = h.iteration, h.stride, s.latest
        self.loss_plot.set_losses(x, y, self.label)
        self.loss_plot.set_test_losses(*s.test_curve())
        self.param_plot.set_data(px, py)
        self.timeline.setEnabled(True)
        self.timeline.set_last(iteration, stride)
        if self.shown is None:
            self.loss_plot.set_current(iteration)
            self.param_plot.set_current(iteration)
            if latest is not None and self._fresh and self.pacer.canvas_due(self.busy, latest):
                self.canvas.show_run(latest, holds=self.busy)
                self.pacer.canvas_drawn()
                self._fresh = False
                self._live_wanted = True
        self.update_status()
        self.drawn.emit()

    def update_status(self) -> None:
        s = self.session
        if s is None:
            return
        h = s.history
        parts = [f"iteration {h.iteration}"]
        loss = h.loss_at(h.iteration)
        if not math.isnan(loss):
            parts.append(f"loss {format_loss(loss)}")
        if self.rate and h.iteration > 1:
            parts.append(f"{self.rate:,.0f} it/s")
        if self.busy and self.shown is None and not live_canvas(s.latest):
            parts.append("canvas follows on pause")
        self.panel.status.setText(" · ".join(parts))

    # ---- the timeline ----------------------------------------------------------------------
    def show_iteration(self, iteration: int) -> None:
        """Show an earlier iteration's values and gradients on the canvas and the plots."""
        s = self.session
        if s is None:
            return
        h = s.history
        it = h.nearest(iteration)
        if it == h.iteration and not self.busy:
            self.go_live()
            return
        self.shown = it
        self.timeline.show_iteration(it, live=False)
        self.loss_plot.set_current(it)
        self.param_plot.set_current(it)
        self.view.readout.setText(f"iteration {it}: loss {format_loss(h.loss_at(it))}")
        trace = s.cached_trace(it)
        if trace is not None:
            self._show_picked(it, trace)
        else:
            self.ask(
                "timeline", lambda session: session.trace_at(it), lambda t: self._show_picked(it, t)
            )

    def _show_picked(self, iteration: int, trace) -> None:
        if self.shown == iteration and self.session is not None:
            note = f"iteration {iteration} of {self.session.history.iteration}"
            self.canvas.show_run(trace, holds=True, note=note)

    def go_live(self) -> None:
        """Follow the newest iteration again."""
        was_old = self.shown is not None
        self.shown = None
        s = self.session
        if s is None:
            self.timeline.clear()
            return
        h = s.history
        self.timeline.show_iteration(h.iteration, live=True)
        self.loss_plot.set_current(h.iteration)
        self.param_plot.set_current(h.iteration)
        self.view.readout.clear()
        if was_old:
            trace = s.latest or s.cached_trace(h.iteration)
            if trace is not None:
                self.canvas.show_run(trace, holds=self.busy)
            else:
                self.canvas.release()
            self._live_wanted = True
        self.update_status()

    def nudge(self, delta: int) -> None:
        """One (kept) iteration back or forward."""
        if self.session is not None:
            self.show_iteration(
                max(0, self.timeline.iteration + delta * self.session.history.stride)
            )

    # ---- the panel -------------------------------------------------------------------------
    def _set_message(self, text: str) -> None:
        self.message = text
        self.panel.show_message(text)
        if text:
            self._say(text, 15000)

    def _update_panel(self) -> None:
        self.panel.set_state(running=self.busy, can_reset=self.origin is not None)
        if not self.busy and self.session is None and not self.message:
            self.panel.status.setText("not trained yet" if self.origin is None else "reset")
        elif self.busy and (self.history is None or self.history.iteration == 0):
            self.panel.status.setText("training…")  # a first step also loads torch's optimiser
