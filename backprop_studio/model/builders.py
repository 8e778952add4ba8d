"""Graphs built in one call, for scripts, tests and benchmarks (the seed story among them)."""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence

from .graph import Graph, Node
from .ops import OPS


def build(
    leaves: Mapping[str, tuple[str, object]], ops: Sequence[tuple[str, str, Sequence[str]]]
) -> Graph:
    """``leaves``: name → (op, value); ``ops``: (name, op, input names in port order)."""
    graph = Graph()
    for name, (op, value) in leaves.items():
        graph.add_node(Node(name, op, value=value))
    for name, op, inputs in ops:
        attrs = {"n": len(inputs)} if OPS[op].variadic and len(inputs) > 2 else {}
        node = graph.add_node(Node(name, op, attrs=attrs))
        for port, src in zip(node.inputs, inputs, strict=True):
            graph.connect(src, name, port)
    return graph


def seed_graph() -> Graph:
    """x = 1, y = 2, w = 1 (trainable), ŷ = w·x, loss = (ŷ − y)²: loss 1, ∂loss/∂w = −2."""
    return build(
        {"x": ("data", 1.0), "y": ("data", 2.0), "w": ("param", 1.0), "two": ("const", 2.0)},
        [
            ("y_hat", "mul", ["w", "x"]),
            ("diff", "sub", ["y_hat", "y"]),
            ("loss", "pow", ["diff", "two"]),
        ],
    )


def subgraph(graph: Graph, names: Collection[str]) -> Graph:
    """``names`` and the edges between them, as a graph of their own (copy, export a selection);
    the output stays the output when it is among them, and so do the blocks all of whose nodes
    are."""
    keep = set(names)
    part = Graph()
    for node in graph:
        if node.name in keep:
            part.add_node(copy.deepcopy(node))
    for edge in graph.edges:
        if edge.src in keep and edge.dst in keep:
            part.connect(edge.src, edge.dst, edge.port)
    if graph.explicit_output in keep:
        part.set_output(graph.explicit_output)
    part.blocks.load(b for b in graph.blocks if set(b.members) <= keep)
    return part
