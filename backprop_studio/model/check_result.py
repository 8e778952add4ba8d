"""What a gradient check found, as frozen plain data (the engine fills it, the app and CLI read it).

A finite difference of the output with respect to one entry of a parameter, computed from torch
forward passes in float64, set beside autograd's gradient of that entry. Like a Trace, it holds
only Python numbers, so it can cross from the worker thread to the window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# An entry agrees when |numeric − autograd| ≤ TOLERANCE · max(|numeric|, |autograd|, floor), with
# the floor FLOOR · max(1, |output|): below it, a gradient counts as zero and the difference is
# judged against the round-off of the output itself (central differences in float64 lose about
# 1e-11 of |output| to it).
TOLERANCE = 1e-5
FLOOR = 1e-3


@dataclass(frozen=True)
class EntryCheck:
    """One checked entry: its index in the parameter, both derivatives, and how they compare."""

    index: tuple[int, ...]
    numeric: float
    autograd: float
    rel_error: float
    step: float  # the h of (f(x + h) − f(x − h)) / 2h
    kink: str | None = None  # the node whose kink the two steps straddle, when they do

    @property
    def ok(self) -> bool:
        return self.rel_error <= TOLERANCE


@dataclass(frozen=True)
class ParamCheck:
    """Every checked entry of one parameter; ``explanation`` says why they differ, when known."""

    name: str
    entries: tuple[EntryCheck, ...]
    numel: int
    explanation: str = ""

    @property
    def ok(self) -> bool:
        return all(entry.ok for entry in self.entries)

    @property
    def checked(self) -> int:
        return len(self.entries)

    @property
    def max_rel_error(self) -> float:
        return max((entry.rel_error for entry in self.entries), default=0.0)

    @property
    def worst(self) -> EntryCheck | None:
        return max(self.entries, key=lambda entry: entry.rel_error, default=None)


@dataclass(frozen=True)
class GradCheck:
    """The check of every parameter of one graph; ``error`` instead when the graph cannot run."""

    params: Mapping[str, ParamCheck] = field(default_factory=dict)
    error: str | None = None
    output: str | None = None
    revision: int = -1

    @property
    def ok(self) -> bool:
        return self.error is None and all(p.ok for p in self.params.values())

    def to_json(self) -> dict:
        """``{"ok": bool, "params": {name: {"ok", "max_rel_error", "checked"}}}`` (the CLI's)."""
        return {
            "ok": self.ok,
            "params": {
                name: {"ok": p.ok, "max_rel_error": p.max_rel_error, "checked": p.checked}
                for name, p in self.params.items()
            },
        }
