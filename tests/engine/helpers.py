"""Graph builders for engine tests, through the public Graph API only."""

from __future__ import annotations

from backprop_studio.model.graph import Graph, Node


def build(leaves: dict[str, tuple[str, object]], ops: list[tuple[str, str, list[str]]]) -> Graph:
    """``leaves``: name → (op, value); ``ops``: (name, op, [input names in port order])."""
    graph = Graph()
    for name, (op, value) in leaves.items():
        graph.add_node(Node(name, op, value=value))
    for name, op, inputs in ops:
        node = graph.add_node(Node(name, op))
        for port, src in zip(node.spec.inputs, inputs):
            graph.connect(src, name, port)
    return graph


def seed_graph() -> Graph:
    return build(
        {"x": ("data", 1.0), "y": ("data", 2.0), "w": ("param", 1.0), "two": ("const", 2.0)},
        [
            ("y_hat", "mul", ["w", "x"]),
            ("diff", "sub", ["y_hat", "y"]),
            ("loss", "pow", ["diff", "two"]),
        ],
    )
