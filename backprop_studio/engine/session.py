"""One training session: the trainer, its loss and parameter history and the Traces kept of it.

The editor, the command line and the Fit view train through this one object, so a run means the
same thing everywhere: steps are taken by ``run``, every step's loss and parameters land in the
``history`` (bounded memory, see ``train_history``), and a run that stops being finite ends at
its last finite iteration. Nothing here knows about threads beyond a lock: the app runs a session
on its training thread and reads ``history`` and ``traces`` under ``lock`` from the UI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from ..model.graph import Graph
from ..model.shapes import Value
from ..model.trace import Trace
from .grad_health import GradientRecord, HealthWarning, HealthWatch, dead_units, segment_norms
from .train_history import HISTORY_BYTES, TraceCache, TrainingHistory
from .training import Trainer, TrainingError, TrainSettings

TRAINER_KEYS = (
    "optimizer",
    "lr",
    "momentum",
    "clip",
    "test_fraction",
)  # with the dtype: what makes a trainer
POST_INTERVAL_S = 0.05  # a running session reports at most 20 times a second
log = logging.getLogger(__name__)


@dataclass
class Progress:
    """What ``run`` did since its last report: steps up to ``iteration``, taken in ``seconds``.

    ``trace`` is a full Trace at the newest parameters when one was asked for. A final report
    says why the run stopped: "done", "paused" or "error" (``failure`` says where and why).
    """

    iteration: int
    steps: int
    seconds: float
    trace: Trace | None = None
    reason: str = ""
    failure: TrainingError | None = None
    warnings: list[HealthWarning] = field(default_factory=list)  # new ones about gradients

    @property
    def error(self) -> str | None:
        return None if self.failure is None else str(self.failure)

    @property
    def error_node(self) -> str | None:
        return None if self.failure is None else self.failure.node


def _always() -> bool:
    return True


class _Rows:
    """The parameters after each step of a run, written into one growing float64 block."""

    def __init__(self, trainer: Trainer, width: int, capacity: int = 256) -> None:
        self.trainer = trainer
        self.block = torch.empty((capacity, width), dtype=torch.float64)
        self.views = list(self.block.unbind(0))
        self.count = 0

    def add(self) -> None:
        if self.count == len(self.views):
            grown = torch.empty((2 * self.count, self.block.shape[1]), dtype=torch.float64)
            grown[: self.count] = self.block
            self.block, self.views = grown, list(grown.unbind(0))
        self.trainer.params_into(self.views[self.count])
        self.count += 1

    def take(self) -> np.ndarray:
        """The rows so far (a copy), and start again."""
        array = self.block[: self.count].numpy().copy()
        self.count = 0
        return array


class TrainingSession:
    """A Trainer on a snapshot of a graph, with everything a run leaves behind.

    ``settings`` are a document's (``dtype`` at the top, the rest under ``training``).
    TrainingError when the graph cannot be trained, naming the node.
    """

    def __init__(self, graph: Graph, settings: dict, budget_bytes: int = HISTORY_BYTES) -> None:
        self.settings = settings
        self.trainer = Trainer(graph, TrainSettings.from_dict(settings))
        t = self.trainer
        self.lock = threading.Lock()
        self.history = TrainingHistory(
            t.param_names, t.param_shapes, t.flat_params().numpy(), budget_bytes
        )
        self.traces = TraceCache()
        self.health = GradientRecord(t.param_names)  # gradient norms and update ratios
        self.watch = HealthWatch(t.param_names, t.settings.lr)
        self.dead: dict[str, tuple[int, int]] = {}  # relu node → (dead units, units), latest
        self.latest: Trace | None = None  # the newest Trace at the newest parameters
        self.alive = True  # steps can go on from the newest iteration
        # (iteration, loss on the held-out rows) at each report, with a test fraction
        self.test_losses: list[tuple[int, float]] = []
        test = t.test_loss()
        if test is not None:
            self.test_losses.append((0, test))
        # the parameters one iteration before the newest (a failed run's last finite ones)
        self._previous: tuple[int, np.ndarray] = (-1, self.history.latest)

    def continues(self, settings: dict) -> bool:
        """Whether steps under ``settings`` go on with this session (else a new run starts)."""
        return self.alive and _trainer_key(settings) == _trainer_key(self.settings)

    # ---- training ------------------------------------------------------------------------
    def run(
        self,
        steps: int,
        proceed: Callable[[], bool] = _always,
        post: Callable[[Progress], None] | None = None,
        live_trace: Callable[[], bool] = _always,
        on_step: Callable[[int, float], None] | None = None,
        final_trace: bool = True,
    ) -> Progress:
        """Take up to ``steps`` steps; returns the final Progress.

        ``proceed`` is asked before every step (False pauses); ``post`` gets a Progress at most
        every ``POST_INTERVAL_S`` (with a Trace when ``live_trace`` says one is wanted);
        ``on_step(iteration, loss)`` follows each step. A failure ends the session at its last
        finite iteration: ``alive`` turns False and a new session is needed to go on.
        """
        trainer = self.trainer
        first, losses, grads = trainer.iteration, [], []
        rows = _Rows(trainer, self.history.n_params)
        start = time.perf_counter()
        next_post = start + POST_INTERVAL_S
        reason, failure = "done", None
        for _ in range(steps):
            if not proceed():
                reason = "paused"
                break
            try:
                loss = trainer.step()
            except TrainingError as exc:
                reason, failure = "error", exc
                break
            except Exception as exc:  # torch or the engine failing: report, never crash
                log.exception("training step %d failed unexpectedly", trainer.iteration)
                reason, failure = "error", TrainingError(f"training failed: {exc} (see the log)")
                break
            losses.append(loss)
            rows.add()
            grads.append(trainer.grads)
            if on_step is not None:
                on_step(trainer.iteration - 1, loss)
            now = time.perf_counter()
            if post is not None and now >= next_post:
                post(self._record(first, losses, rows.take(), grads, now - start, live_trace()))
                first, losses, grads = trainer.iteration, [], []
                start, next_post = now, now + POST_INTERVAL_S
        end = self._record(
            first, losses, rows.take(), grads, time.perf_counter() - start, final_trace
        )
        end.reason, end.failure = reason, failure
        if failure is not None:
            self._stop_at(failure)
        with self.lock:
            self._keep_finite()
        return end

    def _record(
        self, first: int, losses: list, array: np.ndarray, grads: list, seconds: float, trace: bool
    ) -> Progress:
        """Add the steps to the history and the gradient record; with ``trace``, a Trace at
        the newest parameters."""
        shown = self._trace_now() if trace else None
        warnings = self._see_gradients(first, losses, array, grads)
        test = self.trainer.test_loss() if len(array) else None
        plan = self.trainer.plan
        dead = dead_units(plan.names, plan.ops, shown) if shown is not None else None
        with self.lock:
            if test is not None:
                self.test_losses.append((first + len(array), test))
            if dead is not None:
                self.dead = dead
            if len(array):
                before = array[-2] if len(array) >= 2 else self.history.latest
                self._previous = (first + len(array) - 1, before)
            self.history.extend(first, losses, array)
            if shown is not None:
                loss = shown.output_value
                if isinstance(loss, float):
                    self.history.set_loss(self.history.iteration, loss)
                self.traces.put(self.history.iteration, shown)
                self.latest = shown
        return Progress(self.trainer.iteration, len(losses), seconds, shown, warnings=warnings)

    def _see_gradients(
        self, first: int, losses: list, array: np.ndarray, grads: list
    ) -> list[HealthWarning]:
        """Each step's gradient norms and ‖Δw‖/‖w‖ into the record; the watch's new warnings."""
        if not len(array):
            return []
        offsets = self.history.offsets
        norms = segment_norms(torch.stack(grads).numpy(), offsets)
        before = np.vstack([self.history.latest[None, :], array[:-1]])
        weights = segment_norms(before, offsets)
        moved = segment_norms(array - before, offsets)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(weights > 0, moved / weights, np.nan)
        with self.lock:  # the UI thread reads the record and the warnings under it
            warnings = self.watch.see(first, losses, norms, weights)
            self.health.extend(first, norms, ratios)
        return warnings

    def _trace_now(self) -> Trace:
        # A session's Trace holds the run's parameters, not a revision of the editor's graph
        # (any edit ends the run): it is never stale, whatever the graph's revision now.
        return replace(self.trainer.trace(), revision=-1)

    def _stop_at(self, failure: TrainingError) -> None:
        """Keep the iterations before the failing one; the trainer stays for their Traces."""
        with self.lock:
            self.alive = False
            self.history.truncate(max((failure.iteration or 0) - 1, 0))
            self._drop_tests_after(self.history.iteration)
            self.latest = None

    def _keep_finite(self) -> None:
        """The document refuses NaN: a run ends at its last iteration with finite parameters."""
        h = self.history
        if np.isfinite(h.latest).all():
            return
        ok = np.isfinite(h.data[: h.count, 1 : 1 + h.n_params]).all(axis=1)
        h.truncate(int(np.nonzero(ok)[0][-1]) * h.stride if ok.any() else 0)
        self.latest = None
        self._drop_tests_after(h.iteration)

    def _drop_tests_after(self, iteration: int) -> None:
        self.test_losses = [(i, v) for i, v in self.test_losses if i <= iteration]

    def test_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """Iterations and held-out losses reported so far (empty without a test fraction)."""
        with self.lock:
            pairs = [(i, v) for i, v in self.test_losses if np.isfinite(v)]
        if not pairs:
            return np.zeros(0), np.zeros(0)
        its, losses = zip(*pairs)
        return np.array(its, dtype=np.float64), np.array(losses, dtype=np.float64)

    # ---- reading -------------------------------------------------------------------------
    def values_at(self, iteration: int) -> dict[str, Value]:
        """Each parameter at ``iteration`` as the graph stores it: exact for the newest
        iteration and the one before it (a failed run's last finite one), else the nearest
        kept iteration's."""
        with self.lock:
            h = self.history
            if iteration == self._previous[0]:
                return h.unflatten(self._previous[1])
            return h.values_at(iteration)

    def trace_at(self, iteration: int) -> Trace:
        """A full Trace at a kept iteration: from the cache, else recomputed from its row."""
        with self.lock:
            it = self.history.nearest(iteration)
            cached = self.traces.get(it)
            row = np.array(self.history.params_at(it))
        if cached is not None:
            return cached
        try:
            trace = replace(self.trainer.trace_at(row), revision=-1)
        except Exception as exc:
            log.exception("could not recompute iteration %d", it)
            return Trace(output=None, error=f"could not recompute this iteration: {exc}")
        with self.lock:
            self.traces.put(it, trace)
        return trace

    def cached_trace(self, iteration: int) -> Trace | None:
        with self.lock:
            return self.traces.get(iteration)


def _trainer_key(settings: dict) -> tuple:
    training = settings.get("training", {})
    return (settings.get("dtype"), *(training.get(k) for k in TRAINER_KEYS))
