"""What repeated backward passes without zeroing left in each parameter's ``.grad`` (plain data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .shapes import Value


@dataclass(frozen=True)
class Accumulated:
    """``grads[name]`` is torch's ``.grad`` of parameter ``name`` after ``passes`` backward
    passes that never zeroed it; ``last`` is what the latest pass alone contributed."""

    passes: int = 0
    grads: Mapping[str, Value] = field(default_factory=dict)
    last: Mapping[str, Value] = field(default_factory=dict)
    output: str | None = None
    error: str | None = None
