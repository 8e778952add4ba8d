"""What one forward and backward pass produced, as frozen plain data.

The engine fills it from torch; the canvas, the CLI and the exporters only read it. Values are
Python floats or nested lists so that a Trace can cross threads and be kept for a timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .graph import Edge, Problem
from .shapes import Shape, Value


@dataclass(frozen=True)
class Trace:
    """Values and gradients by node name; per-edge gradients in ``edges`` order.

    ``backward_order`` lists indices into ``edges`` in the order torch's autograd engine produced
    each edge's gradient. ``local_grads[i]`` is ∂dst/∂src for a scalar edge (else None), so that
    ``edge_grads[i] = grads[dst] · local_grads[i]`` can be printed as the chain rule.
    """

    output: str | None
    values: Mapping[str, Value] = field(default_factory=dict)
    grads: Mapping[str, Value | None] = field(default_factory=dict)
    shapes: Mapping[str, Shape] = field(default_factory=dict)
    edges: tuple[Edge, ...] = ()
    edge_grads: tuple[Value | None, ...] = ()
    local_grads: tuple[float | None, ...] = ()
    backward_order: tuple[int, ...] = ()
    problems: tuple[Problem, ...] = ()
    error: str | None = None  # e.g. the first non-finite value; the numbers above stop there
    error_node: str | None = None
    revision: int = -1

    @property
    def ok(self) -> bool:
        return self.error is None and not self.problems

    def older_than(self, revision: int) -> bool:
        """A run of an earlier state of the graph than ``revision`` (a trace made for no graph
        in particular, revision -1, is never older)."""
        return 0 <= self.revision != revision

    @property
    def output_value(self) -> Value | None:
        return self.values.get(self.output) if self.output else None

    def value(self, name: str) -> Value:
        try:
            return self.values[name]
        except KeyError:
            raise KeyError(f"no value for '{name}'") from None

    def grad(self, name: str) -> Value | None:
        """The gradient of the output with respect to ``name`` (None where none flows)."""
        if name not in self.values:
            raise KeyError(f"no value for '{name}'")
        return self.grads.get(name)

    def edge_index(self, edge: Edge) -> int:
        return self.edges.index(edge)

    def problem_of(self, name: str) -> str | None:
        for problem in self.problems:
            if problem.node == name:
                return problem.message
        return self.error if self.error_node == name else None
