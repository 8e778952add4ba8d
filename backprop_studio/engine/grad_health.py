"""Gradient health over a run: each parameter's gradient norm and update-to-weight ratio per
step, and warnings when its gradients vanish or explode.

The norms are read off the gradients the step's own backward pass left (``flat_grads``, one
copy per step, no extra pass); the ratio ‖Δw‖/‖w‖ comes from the parameters
before and after the step, which the session keeps anyway. ``GradientRecord`` keeps them
within a fixed number of rows (every other row dropped when full, as the loss history does),
so a long run costs bounded memory; ``HealthWatch`` sees every step, so a warning names the
first iteration where the condition held, whatever was dropped.

Thresholds (the README repeats them):

- vanishing: 0 < ‖∂L/∂w‖ < ``VANISH_BELOW`` · max(‖w‖, 1) for ``VANISH_STEPS`` steps in a
  row, while the loss stays above ``STUCK`` times its first value or another parameter's
  gradient (relative to its weights) is ``BEHIND`` times larger. A converged run's gradients
  are meant to be tiny, all together, and are not reported; nor is an exactly zero gradient
  (an input of 0, a relu that is off), which no amount of depth makes;
- exploding: a norm that is not finite, or one that reaches ``EXPLODE_GROWTH`` times its first
  value (the first taken as at least ``GROWTH_FLOOR``), or one above ``EXPLODE_ABOVE`` ·
  max(‖w‖, 1).

On relu nodes, ``dead_units`` counts the units that are 0 on every row of the Traces a run
keeps (the ones shown), so a layer that died is seen as well.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..model.trace import Trace

VANISH_BELOW = 1e-7
VANISH_STEPS = 20
STUCK = 0.5
BEHIND = 1e4
EXPLODE_GROWTH = 1e3
GROWTH_FLOOR = 1e-4
EXPLODE_ABOVE = 1e6
RECORD_ROWS = 4096  # rows of norms and ratios kept for the plot


def flat_grads(
    params: Sequence[torch.Tensor], grads: Sequence[torch.Tensor | None]
) -> torch.Tensor:
    """All gradients (``grads[i]`` of ``params[i]``) in one float64 CPU vector, zeros for a
    parameter that got none: one copy per step, like the parameters' row; the norms are taken
    later, many steps at once."""
    flat = [
        torch.zeros(p.numel(), dtype=p.dtype, device=p.device)
        if g is None
        else g.detach().reshape(-1)
        for p, g in zip(params, grads, strict=True)
    ]
    return torch.cat(flat).to(device="cpu", dtype=torch.float64)


def segment_norms(rows: np.ndarray, offsets: Sequence[int]) -> np.ndarray:
    """Per row, the norm of each parameter's slice ``offsets[k]:offsets[k+1]`` of the row."""
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged step's inf stays inf
        squares = np.add.reduceat(np.square(rows), list(offsets[:-1]), axis=1)
        return np.sqrt(squares)


@dataclass(frozen=True)
class HealthWarning:
    """One parameter's gradients went wrong at ``iteration``: ``kind`` is "vanishing" or
    "exploding"; ``message`` is the whole sentence, ``short`` and ``hint`` its two ends (for a
    status bar)."""

    param: str
    kind: str
    iteration: int
    norm: float
    message: str
    hint: str

    @property
    def short(self) -> str:
        return f"iteration {self.iteration}: the gradient of '{self.param}' is {self.kind}"


def _norm_text(norm: float) -> str:
    return f"{norm:.2g}" if math.isfinite(norm) else str(norm)


class HealthWatch:
    """Sees every step's norms and warns once per parameter and kind."""

    def __init__(self, names: Sequence[str], lr: float) -> None:
        self.names = list(names)
        self.lr = lr
        self.first_norm = np.full(len(self.names), math.nan)
        self.first_loss = math.nan
        self.small_for = np.zeros(len(self.names), dtype=np.int64)
        self.warned: set[tuple[str, str]] = set()
        self.warnings: list[HealthWarning] = []

    def see(
        self, first: int, losses: Sequence[float], norms: np.ndarray, weights: np.ndarray
    ) -> list[HealthWarning]:
        """Steps ``first``, ``first + 1``, …: their losses, gradient norms (one column per
        parameter) and the weights' norms the steps started from. Returns the new warnings."""
        new: list[HealthWarning] = []
        for k, loss in enumerate(losses):
            if math.isnan(self.first_loss):
                self.first_loss = abs(loss)
            row, scale = norms[k], np.maximum(weights[k], 1.0)
            unset = np.isnan(self.first_norm) & np.isfinite(row)
            self.first_norm[unset] = row[unset]
            relative = row / scale
            stuck = abs(loss) > STUCK * self.first_loss
            behind = relative * BEHIND < np.nanmax(relative)
            small = (row > 0) & (relative < VANISH_BELOW) & (stuck | behind)
            self.small_for = np.where(small, self.small_for + 1, 0)
            for j in np.nonzero(self.small_for == VANISH_STEPS)[0]:
                self._warn(new, int(j), "vanishing", first + k - VANISH_STEPS + 1, row[j])
            grown = row >= EXPLODE_GROWTH * np.maximum(self.first_norm, GROWTH_FLOOR)
            exploding = ~np.isfinite(row) | grown | (row > EXPLODE_ABOVE * scale)
            for j in np.nonzero(exploding)[0]:
                self._warn(new, int(j), "exploding", first + k, row[j])
        return new

    def _warn(self, new: list, j: int, kind: str, iteration: int, norm: float) -> None:
        name = self.names[j]
        if (name, kind) in self.warned:
            return
        self.warned.add((name, kind))
        norm = float(norm)
        if kind == "vanishing":
            detail = f"‖∂L/∂{name}‖ = {_norm_text(norm)} for {VANISH_STEPS} steps"
            hint = "try relu, fewer layers or a higher learning rate"
            why = "saturating activations (sigmoid, tanh) in a deep chain multiply small derivatives: "
        else:
            first = self.first_norm[j]
            times = norm / first if math.isfinite(norm) and first > 0 else 0.0
            grown = f", {times:.2g}× its first" if times >= EXPLODE_GROWTH else ""
            detail = f"‖∂L/∂{name}‖ = {_norm_text(norm)}{grown}"
            hint = "lower the learning rate or clip the gradients' norm"
            why = ""
        text = f"iteration {iteration}: the gradient of '{name}' is {kind} ({detail}) — {why}{hint}"
        if kind == "exploding":
            text += f" (the learning rate is {self.lr:g}: try {self.lr / 10:g})"
        warning = HealthWarning(name, kind, iteration, norm, text, hint)
        self.warnings.append(warning)
        new.append(warning)


class GradientRecord:
    """Per kept iteration: each parameter's gradient norm and update-to-weight ratio of the
    step taken from it. Row r holds iteration ``r * stride``."""

    def __init__(self, names: Sequence[str], rows: int = RECORD_ROWS) -> None:
        self.names = list(names)
        n = len(self.names)
        self.norms = np.full((rows, n), math.nan)
        self.ratios = np.full((rows, n), math.nan)
        self.count = 0
        self.stride = 1
        self.next_iteration = 0  # the iteration of the next step added

    def extend(self, first: int, norms: np.ndarray, ratios: np.ndarray) -> None:
        """Steps ``first``, ``first + 1``, …: one row of norms and of ratios each."""
        for k in range(len(norms)):
            it = first + k
            if it % self.stride:
                continue
            if self.count == len(self.norms):
                self._halve()
                if it % self.stride:
                    continue
            self.norms[self.count], self.ratios[self.count] = norms[k], ratios[k]
            self.count += 1
        self.next_iteration = first + len(norms)

    def _halve(self) -> None:
        for array in (self.norms, self.ratios):
            kept = array[: self.count : 2].copy()
            array[:] = math.nan
            array[: len(kept)] = kept
        self.count = (self.count + 1) // 2
        self.stride *= 2

    def curves(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Iterations, norms and ratios (one column per parameter), copies for plotting."""
        x = np.arange(self.count, dtype=np.float64) * self.stride
        return x, self.norms[: self.count].copy(), self.ratios[: self.count].copy()


def dead_units(
    names: Sequence[str], ops: Sequence[str], trace: Trace
) -> dict[str, tuple[int, int]]:
    """Per relu node of the Trace: (dead units, units). A unit is a column of a (rows, units)
    output (a single entry of a vector or a number) and dead when it is 0 on every row: no
    gradient passes it back, so nothing before it learns through it."""
    dead: dict[str, tuple[int, int]] = {}
    for name, op in zip(names, ops):
        value = trace.values.get(name) if op == "relu" else None
        if value is None:
            continue
        t = torch.as_tensor(value, dtype=torch.float64)
        off = (t == 0).all(dim=0) if t.dim() >= 2 else t == 0
        dead[name] = (int(off.sum()), off.numel())
    return dead
