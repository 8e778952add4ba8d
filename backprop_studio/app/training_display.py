"""What the canvas, the plots and the timeline show of a run: the newest iteration, paced so that
drawing never starves training, or an earlier iteration the user picked on the timeline.

The editor's own evaluations (after any edit) also reach the canvas; an old iteration on show, or
a run in progress, keeps the canvas, so the two never fight. The timeline and the status bar say
"showing iteration 3 of 120" whenever the canvas is not live.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow

from ..model.trace import Trace
from ..plots.loss_plot import format_loss
from .loss_view import LossView
from ..engine.train_history import TraceCache, TrainingHistory, numbers_in
from .train_runner import TrainRunner

DRAW_INTERVAL_S = 0.05  # plots and canvas follow a run at most 20 times a second,
UI_SHARE = 0.08  # and less often when drawing would take more of the UI thread than this
MAX_INTERVAL_S = 1.0
CANVAS_INTERVAL_S = 0.2  # numbers on the cards change at most 5 times a second: still readable
LIVE_CANVAS_NUMBERS = 1000  # a Trace holding more numbers reaches the canvas when a run stops


class TrainingDisplay(QObject):
    def __init__(
        self, window: QMainWindow, view: LossView, status: QLabel, runner: TrainRunner
    ) -> None:
        super().__init__(window)
        self.window, self.view, self.status, self.runner = window, view, status, runner
        self.loss_plot, self.param_plot = view.loss_plot, view.param_plot
        self.timeline = view.timeline
        self.history: TrainingHistory | None = None
        self.traces = TraceCache()
        self.latest: Trace | None = None  # the newest Trace of a run in progress
        self.shown: int | None = None  # the earlier iteration on the canvas (None: live)
        self.label = ""
        self.rate = 0.0
        self._fresh = False  # ``latest`` has not been on the canvas yet
        self._last_draw = 0.0
        self._last_cpu = 0.0
        self._last_canvas = 0.0
        self.interval = DRAW_INTERVAL_S
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.draw)
        self.timeline.iteration_selected.connect(self.show_iteration)
        self.timeline.live_requested.connect(self.go_live)
        self.loss_plot.iteration_picked.connect(self.show_iteration)
        runner.traced.connect(self._on_traced)
        window.runner.trace_ready.connect(self._on_evaluated)
        self.timeline.setEnabled(False)

    # ---- a run's data ----------------------------------------------------------------------
    def start(self, history: TrainingHistory, label: str) -> None:
        self.history, self.label = history, label
        self.traces.clear()
        self.latest, self._fresh, self.shown, self.rate = None, False, None, 0.0
        self.param_plot.set_series(history.series_names)

    def end(self, archive: bool) -> None:
        """The run is over: its curve fades (or goes), the timeline empties, the canvas is live."""
        if archive and self.history is not None:
            self.loss_plot.archive()
        else:
            self.loss_plot.set_losses(np.zeros(0), np.zeros(0))
            self.loss_plot.set_current(None)
        self.history, self.latest, self.shown = None, None, None
        self.traces.clear()
        self.param_plot.set_series([])
        self.timeline.clear()
        self.timeline.setEnabled(False)
        self.view.readout.clear()

    def add_trace(self, iteration: int, trace: Trace) -> None:
        """A Trace the worker made at the newest parameters."""
        self.traces.put(iteration, trace)
        self.latest, self._fresh = trace, True

    def forget_latest(self) -> None:
        self.latest, self._fresh = None, False

    def note_rate(self, steps: int, seconds: float) -> None:
        if steps and seconds > 0:
            rate = steps / seconds
            self.rate = rate if self.rate == 0 else 0.7 * self.rate + 0.3 * rate

    # ---- drawing ---------------------------------------------------------------------------
    def schedule(self) -> None:
        """Draw now, or when the current frame interval is over."""
        wait = self._last_draw + self.interval - time.perf_counter()
        if wait <= 0:
            self.draw()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def draw(self) -> None:
        self._timer.stop()
        self._pace()
        h = self.history
        if h is None:
            return
        if self.runner.busy:
            # Training holds still while this frame is built and painted (the zero timer fires
            # once the paint events this frame posts have been handled).
            self.runner.hold()
            QTimer.singleShot(0, self.runner.release)
        self.loss_plot.set_losses(*h.loss_curve(), self.label)
        self.param_plot.set_data(*h.series_curve())
        self.timeline.setEnabled(True)
        self.timeline.set_last(h.iteration, h.stride)
        if self.shown is None:
            self.loss_plot.set_current(h.iteration)
            self.param_plot.set_current(h.iteration)
            if self.latest is not None and self._fresh and self._canvas_due():
                self._put_on_canvas(self.latest)
                self._last_canvas = self._last_draw
                self._fresh = False
                self.runner.want_live_trace()
        self.update_status()

    def _canvas_due(self) -> bool:
        """While a run goes on, the canvas follows at most 5 times a second, and only for a small
        graph: the cards summarise tensors in Python, ~10 µs a number, and the UI thread must
        never freeze for a frame. The plots show a large graph's progress meanwhile."""
        if not self.runner.busy:
            return True
        return self._live_canvas() and self._last_draw - self._last_canvas >= CANVAS_INTERVAL_S

    def _live_canvas(self) -> bool:
        return self.latest is None or numbers_in(self.latest) <= LIVE_CANVAS_NUMBERS

    def _pace(self) -> None:
        """Stretch the interval between frames while the UI thread's share of the CPU (plots,
        canvas, painting) is above ``UI_SHARE``: whenever the UI thread holds the GIL, training
        waits. ``thread_time`` counts exactly this thread's work since the last frame."""
        now, cpu = time.perf_counter(), time.thread_time()
        if self.runner.busy and now - self._last_draw < 2 * MAX_INTERVAL_S:
            share = (cpu - self._last_cpu) / max(now - self._last_draw, 1e-6)
            wanted = self.interval * share / UI_SHARE
            self.interval = min(MAX_INTERVAL_S, max(DRAW_INTERVAL_S, (self.interval + wanted) / 2))
        self._last_draw, self._last_cpu = now, cpu

    def _put_on_canvas(self, trace: Trace) -> None:
        # The Trace is newer than the graph's values, not stale: the canvas shows its numbers.
        self.window.show_trace(replace(trace, revision=self.window.graph.revision))
        if self.shown is not None and self.history is not None:
            base = self.window.status_value.text()
            self.window.status_value.setText(
                f"iteration {self.shown} of {self.history.iteration} · {base}"
            )

    def update_status(self) -> None:
        h = self.history
        if h is None:
            return
        parts = [f"iteration {h.iteration}"]
        loss = h.loss_at(h.iteration)
        if not math.isnan(loss):
            parts.append(f"loss {format_loss(loss)}")
        if self.rate and h.iteration > 1:
            parts.append(f"{self.rate:,.0f} it/s")
        if self.runner.busy and self.shown is None and not self._live_canvas():
            parts.append("canvas follows on pause")
        self.status.setText(" · ".join(parts))

    # ---- the timeline ----------------------------------------------------------------------
    def show_iteration(self, iteration: int) -> None:
        """Show an earlier iteration's values and gradients on the canvas and the plots."""
        h = self.history
        if h is None:
            return
        it = h.nearest(iteration)
        if it == h.iteration and not self.runner.busy:
            self.go_live()
            return
        self.shown = it
        self.timeline.show_iteration(it, live=False)
        self.loss_plot.set_current(it)
        self.param_plot.set_current(it)
        self.view.readout.setText(f"iteration {it}: loss {format_loss(h.loss_at(it))}")
        trace = self.traces.get(it)
        if trace is not None:
            self._put_on_canvas(trace)
        else:
            self.runner.request_trace(it, h.params_at(it))

    def go_live(self) -> None:
        """Follow the newest iteration again."""
        was_old = self.shown is not None
        self.shown = None
        h = self.history
        if h is None:
            self.timeline.clear()
            return
        self.timeline.show_iteration(h.iteration, live=True)
        self.loss_plot.set_current(h.iteration)
        self.param_plot.set_current(h.iteration)
        self.view.readout.clear()
        if was_old:
            trace = self.latest or self.traces.get(h.iteration)
            if trace is not None:
                self._put_on_canvas(trace)
            else:
                self.window.runner.evaluate_now(self.window.graph, self.window.dtype)
            self.runner.want_live_trace()
        self.update_status()

    def nudge(self, delta: int) -> None:
        """One (kept) iteration back or forward."""
        if self.history is not None:
            self.show_iteration(max(0, self.timeline.iteration + delta * self.history.stride))

    def _on_traced(self, iteration: int, trace: Trace) -> None:
        self.traces.put(iteration, trace)
        if self.shown == iteration:
            self._put_on_canvas(trace)

    def _on_evaluated(self, _trace: Trace) -> None:
        """The editor showed a fresh evaluation; an old iteration or a live run keeps the canvas."""
        if self.shown is not None:
            self.show_iteration(self.shown)
        elif self.runner.busy and self.latest is not None and self._canvas_due():
            self._put_on_canvas(self.latest)
