"""Graphs built in one call, for tests and benchmarks (the seed story among them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.ops import OPS


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
