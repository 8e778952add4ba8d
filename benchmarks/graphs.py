"""Graphs the benchmarks share: the seed story and a 2→16→1 tanh MLP on a batch of 64."""

from __future__ import annotations

import torch

from backprop_studio.model.graph import Graph, Node


def _graph(leaves: dict[str, tuple[str, object]], ops: list[tuple[str, str, list[str]]]) -> Graph:
    graph = Graph()
    for name, (op, value) in leaves.items():
        graph.add_node(Node(name, op, value=value))
    for name, op, inputs in ops:
        node = graph.add_node(Node(name, op))
        for port, src in zip(node.spec.inputs, inputs):
            graph.connect(src, name, port)
    return graph


def seed() -> Graph:
    return _graph(
        {"x": ("data", 1.0), "y": ("data", 2.0), "w": ("param", 1.0), "two": ("const", 2.0)},
        [
            ("y_hat", "mul", ["w", "x"]),
            ("diff", "sub", ["y_hat", "y"]),
            ("loss", "pow", ["diff", "two"]),
        ],
    )


def mlp(batch: int = 64, hidden: int = 16) -> Graph:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(batch, 2, generator=gen)
    y = (x[:, :1] * x[:, 1:]).tanh()
    return _graph(
        {
            "x": ("data", x.tolist()),
            "y": ("data", y.tolist()),
            "W1": ("param", (torch.randn(2, hidden, generator=gen) * 0.5).tolist()),
            "b1": ("param", torch.zeros(hidden).tolist()),
            "W2": ("param", (torch.randn(hidden, 1, generator=gen) * 0.5).tolist()),
            "b2": ("param", [0.0]),
        },
        [
            ("xW1", "matmul", ["x", "W1"]),
            ("z1", "add", ["xW1", "b1"]),
            ("h", "tanh", ["z1"]),
            ("hW2", "matmul", ["h", "W2"]),
            ("pred", "add", ["hW2", "b2"]),
            ("loss", "mse", ["pred", "y"]),
        ],
    )
