"""Forward-mode results as plain data: every node's tangent for one derivative target.

A tangent is ∂node/∂target · direction: with the direction one entry of the target (``index``),
it is a column of the Jacobian; with no index, the direction is all ones (every entry of the
target moved together; for a scalar target, simply ∂node/∂target).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .shapes import Value

_TARGET = re.compile(r"^\s*([^\[\]\s]+)\s*(?:\[\s*(\d+(?:\s*,\s*\d+)*)\s*\])?\s*$")


class TargetError(ValueError):
    """A derivative target that is not ``NAME`` or ``NAME[i, j]``."""


def parse_target(text: str) -> tuple[str, tuple[int, ...] | None]:
    """``"x"`` → ``("x", None)``; ``"W[0, 1]"`` → ``("W", (0, 1))``."""
    match = _TARGET.match(text)
    if not match:
        raise TargetError(f"'{text}' is not NAME or NAME[i] (an entry, e.g. W[0, 1])")
    name, index = match.groups()
    return name, None if index is None else tuple(int(i) for i in index.split(","))


def target_text(name: str, index: tuple[int, ...] | None) -> str:
    return name if not index else f"{name}[{', '.join(map(str, index))}]"


@dataclass(frozen=True)
class Tangents:
    """``values[name]`` is the tangent of node ``name`` (zeros where the target does not reach)."""

    target: str
    index: tuple[int, ...] | None = None
    values: Mapping[str, Value] = field(default_factory=dict)
    error: str | None = None
    revision: int = -1

    @property
    def label(self) -> str:
        """``x`` or ``W[0, 1]``: what the derivative is taken with respect to."""
        return target_text(self.target, self.index)
