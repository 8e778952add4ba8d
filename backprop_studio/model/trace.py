"""What one forward and backward pass produced, as frozen plain data.

The engine fills it from torch; the canvas, the CLI and the exporters only read it. Values are
Python floats or nested lists so that a Trace can cross threads and be kept for a timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .graph import Edge, Problem
from .shapes import Shape, ShapeError, Value, shape_of


@dataclass(frozen=True, repr=False)
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
        """The forward value of node ``name``: a float, or nested lists for a tensor (see
        ``backprop_studio.Trace.tensor`` for a torch tensor); KeyError for a node not run."""
        try:
            return self.values[name]
        except KeyError:
            raise KeyError(f"no value for '{name}'") from None

    def grad(self, name: str) -> Value | None:
        """The gradient of the output with respect to ``name`` (None where none flows)."""
        if name not in self.values:
            raise KeyError(f"no value for '{name}'")
        return self.grads.get(name)

    def __repr__(self) -> str:
        """The output and a row per node (value and gradient), up to 12 rows."""
        kind = type(self).__name__
        if self.output is not None and self.output in self.values:
            head = f"{kind} of {self.output!r} = {_short(self.values[self.output])}"
        else:
            head = f"{kind} of {self.output!r}"
        head += f": {len(self.values)} nodes, {len(self.edges)} edges"
        lines = [head]
        if self.error:
            lines.append(f"  error: {self.error}")
        for problem in self.problems[:3]:
            lines.append(f"  problem: {problem.message}")
        rows = [(name, _short(v), _short(self.grads.get(name))) for name, v in self.values.items()]
        if rows:
            width = max(len(r[0]) for r in rows[:_REPR_ROWS])
            value_width = max(5, *(len(r[1]) for r in rows[:_REPR_ROWS]))
            lines.append(f"  {'node':<{width}}  {'value':<{value_width}}  grad")
            for name, value, grad in rows[:_REPR_ROWS]:
                lines.append(f"  {name:<{width}}  {value:<{value_width}}  {grad}")
            if len(rows) > _REPR_ROWS:
                lines.append(f"  … and {len(rows) - _REPR_ROWS} more")
        return "\n".join(lines)

    def edge_index(self, edge: Edge) -> int:
        return self.edges.index(edge)

    def problem_of(self, name: str) -> str | None:
        for problem in self.problems:
            if problem.node == name:
                return problem.message
        return self.error if self.error_node == name else None


_REPR_ROWS = 12


def _short(value: Value | None) -> str:
    """A number as ``%g``, a tensor as its shape, no gradient as ``—``."""
    if value is None:
        return "—"
    if isinstance(value, (int, float)):
        return f"{value:.6g}"
    try:
        return "tensor " + "×".join(str(n) for n in shape_of(value))
    except ShapeError:
        return "?"
