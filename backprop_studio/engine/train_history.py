"""What a training run leaves behind for the timeline: every iteration's loss and parameters, and
full Traces for the few iterations someone looks at, all within a fixed memory budget.

Parameters are one float64 row per iteration (numpy, not Python lists: 8 bytes a number instead
of ~32), so a Trace for any kept iteration can be recomputed exactly on demand; Traces themselves
are only a cache. When a run outgrows ``HISTORY_BYTES`` every other row is dropped and the stride
doubles, so memory stays bounded and the timeline then moves in steps of 2, 4, … iterations.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from ..model.shapes import Value
from ..model.trace import Trace

HISTORY_BYTES = 64 * 2**20  # losses + parameters (+ plotted series) of one run
TRACE_CACHE_COUNT = 32  # full Traces kept for recent and selected iterations...
TRACE_CACHE_NUMBERS = 1_000_000  # ...holding at most this many numbers in all (~32 MB)
FIRST_ROWS = 1024


class TrainingHistory:
    """Loss and parameters per iteration of one run. Row r holds iteration ``r * stride``.

    Iteration i means "after i updates": its parameters are the ones the i-th step starts from,
    and its loss is the loss the (i+1)-th step reports before updating.
    """

    def __init__(
        self,
        names: Sequence[str],
        shapes: Sequence[tuple[int, ...]],
        initial: np.ndarray,
        budget_bytes: int = HISTORY_BYTES,
    ) -> None:
        self.names = list(names)
        self.shapes = [tuple(s) for s in shapes]
        self.sizes = [math.prod(s) for s in self.shapes]
        self.offsets = np.cumsum([0, *self.sizes]).tolist()
        self.n_params = self.offsets[-1]
        self.series_names = [
            name if size == 1 else f"‖{name}‖" for name, size in zip(self.names, self.sizes)
        ]
        self.width = 1 + self.n_params + len(self.names)
        self.budget_bytes = budget_bytes
        self.stride = 1
        self.capacity = max(2, min(FIRST_ROWS, budget_bytes // (8 * self.width)))
        self.data = np.full((self.capacity, self.width), np.nan)
        self.count = 0
        self.iteration = 0
        self.latest = np.array(initial, dtype=np.float64).reshape(self.n_params)
        self.latest_loss = math.nan
        self._store(np.array([0]), self.latest[None, :], np.array([math.nan]))

    # ---- adding ----------------------------------------------------------------------------
    def extend(self, first: int, losses: Sequence[float], rows: np.ndarray) -> None:
        """``losses[k]`` is the loss at iteration ``first + k``; ``rows[k]`` the parameters
        after that step, i.e. at iteration ``first + k + 1``."""
        n = len(losses)
        if n == 0:
            return
        if first != self.iteration:
            raise ValueError(f"expected iteration {self.iteration}, got {first}")
        losses = np.asarray(losses, dtype=np.float64)
        rows = np.asarray(rows, dtype=np.float64).reshape(n, self.n_params)
        self.set_loss(first, float(losses[0]))
        its = np.arange(first + 1, first + n + 1)
        next_losses = np.append(losses[1:], math.nan)
        self._store(its, rows, next_losses)
        self.iteration = first + n
        self.latest = rows[-1].copy()
        self.latest_loss = math.nan

    def set_loss(self, iteration: int, loss: float) -> None:
        if iteration == self.iteration:
            self.latest_loss = loss
        if iteration % self.stride == 0 and iteration // self.stride < self.count:
            self.data[iteration // self.stride, 0] = loss

    def truncate(self, iteration: int) -> None:
        """Forget everything after ``iteration`` (rounded down to a kept one): a run that
        diverged ends at its last finite step."""
        if iteration >= self.iteration:
            return
        kept = max(0, iteration) // self.stride
        self.count = kept + 1
        self.data[self.count :] = np.nan
        self.iteration = kept * self.stride
        self.latest = self.data[kept, 1 : 1 + self.n_params].copy()
        self.latest_loss = float(self.data[kept, 0])

    def _store(self, its: np.ndarray, params: np.ndarray, losses: np.ndarray) -> None:
        start = 0
        while start < len(its):
            idx = np.nonzero(its[start:] % self.stride == 0)[0] + start
            if not len(idx):
                return
            room = self.capacity - self.count
            if room == 0:
                self._make_room()
                continue
            take = idx[:room]
            rows = self.data[self.count : self.count + len(take)]
            rows[:, 0] = losses[take]
            rows[:, 1 : 1 + self.n_params] = params[take]
            rows[:, 1 + self.n_params :] = self._series(params[take])
            self.count += len(take)
            start = int(take[-1]) + 1

    def _series(self, params: np.ndarray) -> np.ndarray:
        out = np.empty((len(params), len(self.names)))
        for k, size in enumerate(self.sizes):
            part = params[:, self.offsets[k] : self.offsets[k + 1]]
            out[:, k] = part[:, 0] if size == 1 else np.linalg.norm(part, axis=1)
        return out

    def _make_room(self) -> None:
        most = max(2, self.budget_bytes // (8 * self.width))
        if self.capacity < most:
            grown = np.full((min(2 * self.capacity, most), self.width), np.nan)
            grown[: self.count] = self.data[: self.count]
            self.data, self.capacity = grown, len(grown)
            return
        kept = self.data[: self.count : 2].copy()
        self.data[:] = np.nan
        self.data[: len(kept)] = kept
        self.count = len(kept)
        self.stride *= 2

    # ---- reading ---------------------------------------------------------------------------
    @property
    def nbytes(self) -> int:
        return int(self.data.nbytes)

    def nearest(self, iteration: int) -> int:
        """The kept iteration at or just below ``iteration`` (the latest is always kept)."""
        if iteration >= self.iteration:
            return self.iteration
        return min(max(0, iteration) // self.stride, self.count - 1) * self.stride

    def params_at(self, iteration: int) -> np.ndarray:
        it = self.nearest(iteration)
        if it == self.iteration:
            return self.latest
        return self.data[it // self.stride, 1 : 1 + self.n_params]

    def loss_at(self, iteration: int) -> float:
        it = self.nearest(iteration)
        if it == self.iteration and not math.isnan(self.latest_loss):
            return self.latest_loss
        if it % self.stride == 0 and it // self.stride < self.count:
            return float(self.data[it // self.stride, 0])
        return math.nan

    def kept_params(self) -> tuple[np.ndarray, np.ndarray]:
        """Every kept iteration and its flat parameters, oldest first, the newest included."""
        its = np.arange(self.count) * self.stride
        rows = self.data[: self.count, 1 : 1 + self.n_params]
        if (self.count - 1) * self.stride != self.iteration:
            its = np.append(its, self.iteration)
            rows = np.vstack([rows, self.latest[None, :]])
        return its, rows.copy()

    def values_at(self, iteration: int) -> dict[str, Value]:
        """Each parameter as the graph stores it: a float, or a nested list of its shape."""
        return self.unflatten(self.params_at(iteration))

    def unflatten(self, row: np.ndarray) -> dict[str, Value]:
        """One row of parameters as the graph stores them, name by name."""
        values: dict[str, Value] = {}
        for k, (name, shape) in enumerate(zip(self.names, self.shapes)):
            part = row[self.offsets[k] : self.offsets[k + 1]]
            values[name] = float(part[0]) if shape == () else part.reshape(shape).tolist()
        return values

    def loss_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """Iterations and losses known so far (views where possible, for plotting)."""
        n = self.count
        if n and math.isnan(self.data[n - 1, 0]):
            n -= 1
        x = np.arange(n, dtype=np.float64) * self.stride
        y = self.data[:n, 0]
        last = (n - 1) * self.stride if n else -1
        if self.iteration != last and not math.isnan(self.latest_loss):
            x = np.append(x, self.iteration)
            y = np.append(y, self.latest_loss)
        return x, y

    def series_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """Iterations and one column per parameter (its value, or its norm for a tensor)."""
        x = np.arange(self.count, dtype=np.float64) * self.stride
        cols = self.data[: self.count, 1 + self.n_params :]
        if (self.count - 1) * self.stride != self.iteration:
            x = np.append(x, self.iteration)
            cols = np.vstack([cols, self._series(self.latest[None, :])])
        return x, cols


class TraceCache:
    """Least recently used Traces by iteration, bounded in count and in numbers held."""

    def __init__(
        self, max_count: int = TRACE_CACHE_COUNT, max_numbers: int = TRACE_CACHE_NUMBERS
    ) -> None:
        self.max_count, self.max_numbers = max_count, max_numbers
        self._traces: OrderedDict[int, tuple[Trace, int]] = OrderedDict()
        self.numbers = 0

    def __len__(self) -> int:
        return len(self._traces)

    def __contains__(self, iteration: int) -> bool:
        return iteration in self._traces

    def get(self, iteration: int) -> Trace | None:
        found = self._traces.get(iteration)
        if found is None:
            return None
        self._traces.move_to_end(iteration)
        return found[0]

    def put(self, iteration: int, trace: Trace) -> None:
        if iteration in self._traces:
            self.numbers -= self._traces.pop(iteration)[1]
        size = numbers_in(trace)
        self._traces[iteration] = (trace, size)
        self.numbers += size
        while len(self._traces) > 1 and (
            len(self._traces) > self.max_count or self.numbers > self.max_numbers
        ):
            _, (_, old) = self._traces.popitem(last=False)
            self.numbers -= old

    def clear(self) -> None:
        self._traces.clear()
        self.numbers = 0


def numbers_in(trace: Trace) -> int:
    """How many floats a Trace holds: values and gradients per node, one gradient per edge."""
    sizes = {name: math.prod(shape) for name, shape in trace.shapes.items()}
    nodes = sum(sizes.get(name, 1) for name in trace.values)
    edges = sum(sizes.get(edge.src, 1) for edge in trace.edges)
    return 2 * nodes + edges
