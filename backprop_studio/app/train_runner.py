"""Training off the UI thread: a worker owns the Trainer and streams batches of steps to the UI.

The worker's loop takes steps as fast as the compiled plan allows and posts what happened at most
``EMIT_HZ`` times a second: the losses, one parameter row per step, and a full Trace at the newest
parameters for the canvas. Pause is a ``threading.Event`` the loop checks before every step, so it
takes effect after at most one step. Requests for a Trace at an old iteration are served between
batches, so the timeline answers even while a run is going. torch is imported on the worker thread.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..model.graph import Graph
from ..model.trace import Trace

EMIT_HZ = 20
log = logging.getLogger(__name__)
# torch's intra-op threads for training, set on the training thread itself (OpenMP settings are
# per thread): one core stays free for the UI. Left at torch's default on 2 cores, the extra
# OpenMP thread competed with training and made steps 2-50× slower at random.
TRAIN_THREADS = max(1, (os.cpu_count() or 2) - 1)
# While training runs, the UI thread waits for the GIL at each call from Qt into Python (each
# paint, each slot) until the training thread is made to let go: after 5 ms by default, which
# adds up to frames of 50-100 ms. 1 ms keeps frames short at no measurable cost to training.
RUN_SWITCH_INTERVAL_S = 0.001
HOLD_LIMIT_S = 0.25  # the longest a frame may hold training back, should the UI forget it


@dataclass
class RunInfo:
    """A trainer is ready: its parameters' names and shapes and where they start."""

    names: list[str]
    shapes: list[tuple[int, ...]]
    initial: np.ndarray
    settings: dict


@dataclass
class Batch:
    """Steps ``first`` … ``first + len(losses) - 1``; ``rows[k]`` are the parameters after step k.

    ``trace`` is a full Trace at the newest parameters (iteration ``first + len(losses)``).
    A final batch says why the run stopped: "done", "paused" or "error" (with the error's
    message, node and iteration).
    """

    first: int
    losses: list[float]
    rows: np.ndarray
    seconds: float
    trace: Trace | None = None
    reason: str = ""
    error: str | None = None
    error_node: str | None = None
    error_iteration: int | None = None

    @property
    def last(self) -> int:
        return self.first + len(self.losses)


@dataclass
class _Wanted:
    run: int
    iteration: int
    row: np.ndarray = field(repr=False)


class _Worker(QObject):
    started = Signal(int, object)  # run, RunInfo
    failed = Signal(int, str, object)  # run, message, node
    progress = Signal(int, object)  # run, Batch
    stopped = Signal(int, object)  # run, final Batch
    traced = Signal(int, int, object)  # run, iteration, Trace

    def __init__(self, stop: threading.Event) -> None:
        super().__init__()
        self.stop = stop
        self.run = 0
        self.latest = 0  # the run the UI wants; set from the UI thread, read by the loop
        self.live_wanted = True  # the UI is ready for a Trace at the newest parameters
        self.go = threading.Event()  # cleared while the UI draws a frame
        self.go.set()
        self.trainer = None
        self._lock = threading.Lock()
        self._wanted: _Wanted | None = None

    def want(self, wanted: _Wanted) -> None:
        with self._lock:
            self._wanted = wanted

    @Slot(int, object, object)
    def begin(self, run: int, graph: Graph, settings: dict) -> None:
        import torch

        from ..engine.training import Trainer, TrainingError, TrainSettings

        torch.set_num_threads(TRAIN_THREADS)
        self.run, self.trainer = run, None
        try:
            self.trainer = Trainer(graph, TrainSettings.from_dict(settings))
        except TrainingError as exc:
            self.failed.emit(run, str(exc), exc.node)
            return
        except Exception as exc:  # never let the thread die
            log.exception("training could not start")
            self.failed.emit(run, f"training could not start: {exc} (see the log)", None)
            return
        t = self.trainer
        info = RunInfo(t.param_names, t.param_shapes, t.flat_params().numpy(), settings)
        self.started.emit(run, info)

    @Slot(int, int)
    def train(self, run: int, steps: int) -> None:
        from ..engine.training import TrainingError

        trainer = self.trainer
        if run != self.run or trainer is None:
            return
        interval = 1.0 / EMIT_HZ
        first, losses, rows = trainer.iteration, [], []
        start = time.perf_counter()
        next_emit = start + interval
        reason, error = "done", None
        for _ in range(steps):
            if not self.go.is_set() and not self.go.wait(HOLD_LIMIT_S):
                self.go.set()  # the UI is drawing a frame; never wait for one that was lost
            if self.stop.is_set() or run != self.latest:
                reason = "paused"
                break
            try:
                losses.append(trainer.step())
            except TrainingError as exc:
                reason, error = "error", exc
                break
            except Exception as exc:
                log.exception("training step %d failed unexpectedly", trainer.iteration)
                reason, error = "error", TrainingError(f"training failed: {exc} (see the log)")
                break
            rows.append(trainer.flat_params())
            now = time.perf_counter()
            if now >= next_emit:
                live, self.live_wanted = self.live_wanted, False
                self.progress.emit(run, self._batch(first, losses, rows, now - start, live))
                self._serve()
                first, losses, rows = trainer.iteration, [], []
                start = now
                next_emit = now + interval
        now = time.perf_counter()
        final = self._batch(first, losses, rows, now - start, error is None)
        final.reason = reason
        if error is not None:
            final.error, final.error_node = str(error), error.node
            final.error_iteration = error.iteration
            # The trainer stays for the timeline's Traces; the app starts a new run to go on.
        self.stopped.emit(run, final)
        self._serve()

    def _batch(self, first: int, losses: list, rows: list, seconds: float, trace: bool) -> Batch:
        import torch

        n = self.trainer.flat_params().numel() if self.trainer is not None else 0
        array = torch.stack(rows).numpy() if rows else np.zeros((0, n))
        shown = self.trainer.trace() if trace and self.trainer is not None else None
        return Batch(first, losses, array, seconds, shown)

    @Slot()
    def serve(self) -> None:
        self._serve()

    def _serve(self) -> None:
        with self._lock:
            wanted, self._wanted = self._wanted, None
        if wanted is None or wanted.run != self.run or self.trainer is None:
            return
        try:
            trace = self.trainer.trace_at(wanted.row)
        except Exception as exc:
            log.exception("could not recompute iteration %d", wanted.iteration)
            trace = Trace(output=None, error=f"could not recompute this iteration: {exc}")
        self.traced.emit(wanted.run, wanted.iteration, trace)


class TrainRunner(QObject):
    """The UI's handle on the training thread. Results of an older run never come through."""

    started = Signal(object)  # RunInfo
    failed = Signal(str, object)  # message, node
    progress = Signal(object)  # Batch
    stopped = Signal(object)  # Batch
    traced = Signal(int, object)  # iteration, Trace
    _begin = Signal(int, object, object)
    _train = Signal(int, int)
    _serve = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._thread = QThread(self)
        self._thread.setObjectName("training")
        self._worker = _Worker(self._stop)
        self._worker.moveToThread(self._thread)
        self._begin.connect(self._worker.begin)
        self._train.connect(self._worker.train)
        self._serve.connect(self._worker.serve)
        self._worker.started.connect(self._on_started)
        self._worker.failed.connect(self._on_failed)
        self._worker.progress.connect(self._on_progress)
        self._worker.stopped.connect(self._on_stopped)
        self._worker.traced.connect(self._on_traced)
        self._thread.start()
        self.run = 0
        self.busy = False
        self._switch_interval: float | None = None

    def begin(self, graph: Graph, settings: dict) -> int:
        """Start a new run on a snapshot of ``graph``; returns its number."""
        self.run += 1
        self._worker.latest = self.run
        self._begin.emit(self.run, graph.copy(), settings)
        return self.run

    def train(self, steps: int) -> None:
        self._stop.clear()
        self._set_busy(True)
        self._train.emit(self.run, steps)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if busy and self._switch_interval is None:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(RUN_SWITCH_INTERVAL_S)
        elif not busy and self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None

    def hold(self) -> None:
        """Training waits at the next step boundary until ``release``: a frame drawn while the
        training thread competes for the GIL takes several times longer (each call from Qt into
        Python waits for it), so the UI thread draws alone and training loses only that time."""
        self._worker.go.clear()

    def release(self) -> None:
        self._worker.go.set()

    def want_live_trace(self) -> None:
        """Send a Trace at the newest parameters with the next batch (one per canvas frame,
        so a large graph's instrumented run is never repeated for frames nobody sees)."""
        self._worker.live_wanted = True

    def pause(self) -> None:
        self._stop.set()

    def forget(self) -> None:
        """Ignore whatever the current run still sends (another document, a reset)."""
        self._stop.set()
        self.run += 1
        self._worker.latest = self.run
        self._set_busy(False)

    def request_trace(self, iteration: int, row: np.ndarray) -> None:
        """Ask for a Trace at the parameters ``row``; ``traced`` answers, newest request only."""
        self._worker.want(_Wanted(self.run, iteration, np.array(row)))
        self._serve.emit()

    def _on_started(self, run: int, info: RunInfo) -> None:
        if run == self.run:
            self.started.emit(info)

    def _on_failed(self, run: int, message: str, node) -> None:
        if run == self.run:
            self._set_busy(False)
            self.failed.emit(message, node)

    def _on_progress(self, run: int, batch: Batch) -> None:
        if run == self.run:
            self.progress.emit(batch)

    def _on_stopped(self, run: int, batch: Batch) -> None:
        if run == self.run:
            self._set_busy(False)
            self.stopped.emit(batch)

    def _on_traced(self, run: int, iteration: int, trace: Trace) -> None:
        if run == self.run:
            self.traced.emit(iteration, trace)

    def shutdown(self) -> None:
        self._stop.set()
        self.release()
        self._set_busy(False)
        self._thread.quit()
        self._thread.wait(5000)
