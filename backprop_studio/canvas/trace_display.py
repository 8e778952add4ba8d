"""What a Trace puts on the canvas: each card's value, gradient, shape and problem, and each
edge's gradient, read from the graph and the shown Trace (the scene only asks for it)."""

from __future__ import annotations

from collections.abc import Mapping

from ..model.analysis import Analysis
from ..model.graph import Edge, Graph
from ..model.trace import Trace
from .items import NodeItem


def edge_flows(trace: Trace | None) -> dict[Edge, tuple]:
    """Per edge: (its gradient contribution, its local derivative, the gradient of its end)."""
    flows: dict[Edge, tuple] = {}
    if trace is not None:
        n, n_local = len(trace.edge_grads), len(trace.local_grads)
        for i, edge in enumerate(trace.edges[:n]):
            local = trace.local_grads[i] if i < n_local else None
            flows[edge] = (trace.edge_grads[i], local, trace.grads.get(edge.dst))
    return flows


def show_numbers(
    nodes: Mapping[str, NodeItem], graph: Graph | None, trace: Trace | None, analysis: Analysis
) -> None:
    """Give every card its numbers, problem and output mark."""
    problems: dict[str, str] = {}
    for problem in analysis.problems:
        if problem.node is not None:
            problems.setdefault(problem.node, problem.message)
    output = graph.output if graph is not None else (trace.output if trace else None)
    # A trace older than the graph still shows its numbers, but a leaf edited since then
    # shows the value the user just typed.
    stale = trace is not None and graph is not None and trace.older_than(graph.revision)
    for name, item in nodes.items():
        node = graph.node(name) if graph is not None else None
        leaf_value = node.value if node is not None and node.is_leaf else None
        if trace is not None and name in trace.values:
            value = leaf_value if stale and node is not None and node.is_leaf else None
            if value is None:
                value = trace.values[name]
            item.set_data(value, trace.grads.get(name), trace.shapes.get(name))
        else:
            item.set_data(leaf_value, None, analysis.shapes.get(name))
        message = problems.get(name)
        if message is None and trace is not None:
            message = trace.problem_of(name)
        item.set_problem(message)
        item.set_output(name == output)
