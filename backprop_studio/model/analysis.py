"""Which nodes can be evaluated, with which shapes, and why the others cannot.

Shape problems are problems of the graph, not errors: each is reported on its node with both
shapes, so the editor can show it there and refuse to evaluate only what depends on it. A node
whose shape is larger than ``model/limits.py`` allows is such a problem too, found here before
torch allocates anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import limits, recipes, shapes
from .attrs import op_symbol
from .shapes import Shape, ShapeError

if TYPE_CHECKING:
    from .graph import Graph


@dataclass(frozen=True)
class Problem:
    """Why a node cannot be evaluated (``node`` is None for whole-graph problems)."""

    node: str | None
    message: str


@dataclass
class Analysis:
    """Shapes of the nodes that can be evaluated, and the problems of the rest."""

    shapes: dict[str, Shape] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    output: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.output is not None


def analyse(graph: Graph) -> Analysis:
    """Shapes of every node that can be evaluated, and a human problem for each that can't."""
    result = Analysis(output=graph.output)
    nodes = {node.name: node for node in graph}
    if not nodes:
        result.problems.append(Problem(None, "the graph is empty: add a node to compute something"))
        return result
    total = 0  # elements so far, over values and edge gradients (limits.graph_cost)
    for name in graph.topological_order():
        node = nodes[name]
        if node.is_leaf:  # a recipe knows its shape without walking its numbers
            shape = recipes.check_leaf_attrs(node.op, node.attrs) or shapes.shape_of(node.value)
        else:
            shape = _op_shape(graph, name, result)
            if shape is None:
                continue
        cost = limits.graph_cost(shape, len(graph.edges_from(name)))
        reason = limits.node_problem(shape) or limits.total_problem(shape, total + cost)
        if reason:
            said = f"{node.spoken} ({op_symbol(node.spec, node.attrs)})"
            result.problems.append(Problem(name, f"{said}: {reason}"))
            continue
        total += cost
        result.shapes[name] = shape
    if (
        result.output is not None
        and result.output not in result.shapes
        and not any(p.node == result.output for p in result.problems)
    ):
        result.problems.append(
            Problem(
                result.output,
                f"output '{result.output}' cannot be computed until its inputs are fixed",
            )
        )
    return result


def _op_shape(graph: Graph, name: str, result: Analysis) -> Shape | None:
    """The shape of op node ``name``, or None after recording why it has none."""
    node = graph.node(name)
    spec = node.spec
    inputs = graph.inputs_of(name)
    ports = node.inputs
    missing = [p for p in ports if p not in inputs]
    if missing:
        ports = ", ".join(f"'{p}'" for p in missing)
        word = "input" if len(missing) == 1 else "inputs"
        result.problems.append(
            Problem(
                name, f"'{name}' ({op_symbol(spec, node.attrs)}) needs {word} {ports} connected"
            )
        )
        return None
    upstream = [inputs[p].src for p in ports]
    if any(src not in result.shapes for src in upstream):
        return None  # an input is itself broken; that node carries the message
    try:
        return shapes.infer(spec, [result.shapes[s] for s in upstream], node.attrs)
    except ShapeError as exc:
        result.problems.append(Problem(name, f"'{name}' ({op_symbol(spec, node.attrs)}): {exc}"))
        return None
