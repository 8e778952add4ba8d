"""Block templates for the palette: a layer's nodes and edges, built to drop in as one block.

``linear``: ``x @ W + b`` with W of shape (inputs, outputs) made by a chosen initialiser and b
zeros; ``neuron``: ``tanh(x @ w + b)`` with w of shape (inputs, 1); ``mse``: the mean squared
error written out, ``mean((ŷ − y)**2)``. Their first op's free input is where the data goes in
(``matmul.a``, ``sub.a`` and ``sub.b``): the template leaves it unconnected for the user to wire.
Names are free names of ``graph`` (``W``, ``W_2``…, ``matmul_1``…), so a template can be dropped
any number of times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import recipes
from .graph import Edge, Graph, Node
from .ops import OPS

ROW = 130.0  # vertical gap between a template's rows, as the layout spaces cards
COLUMN = 340.0  # horizontal gap between its columns


@dataclass(frozen=True)
class Template:
    key: str
    title: str  # the palette entry and the block's base name
    description: str
    sized: bool  # asks for inputs (and outputs for a layer) and an initialiser


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template("linear", "Linear layer", "x @ W + b, W and b of the sizes you choose", True),
        Template("neuron", "Neuron", "tanh(x @ w + b): one unit with its weights and bias", True),
        Template("mse", "MSE loss", "mean((ŷ − y)²), the mean squared error written out", False),
    )
}
BLOCK_BASE = {"linear": "Linear", "neuron": "Neuron", "mse": "MSE loss"}
INITIALISERS = ("xavier", "kaiming", "normal", "uniform", "zeros")


@dataclass(frozen=True)
class Built:
    """What a template adds: the block's name, its nodes (placed) and the edges between them."""

    block: str
    nodes: list[Node]
    edges: list[Edge]


def build_template(
    graph: Graph,
    key: str,
    position: tuple[float, float] = (0.0, 0.0),
    inputs: int = 2,
    outputs: int = 16,
    init: str = "xavier",
    seed: int = 0,
) -> Built:
    """The nodes of template ``key`` for ``graph``, the first at ``position``; ValueError for an
    unknown template, a size below 1 or an unknown initialiser."""
    if key not in TEMPLATES:
        raise ValueError(f"no block template named '{key}' (choose {', '.join(TEMPLATES)})")
    if inputs < 1 or outputs < 1:
        raise ValueError("a layer needs at least one input and one output")
    if init not in recipes.INITS:
        raise ValueError(f"unknown initialiser '{init}' (choose {', '.join(INITIALISERS)})")
    names = _Names(graph)
    x0, y0 = position
    at = {(c, r): (x0 + c * COLUMN, y0 + r * ROW) for c in range(3) for r in range(-1, 2)}
    if key == "mse":
        sub, two = names.op("sub"), names.leaf("two")
        power, mean = names.op("pow"), names.op("mean")
        nodes = [
            Node(sub, "sub", position=at[0, 0]),
            Node(two, "const", "2", at[0, 1], 2.0),
            Node(power, "pow", position=at[1, 0]),
            Node(mean, "mean", position=at[2, 0]),
        ]
        edges = [Edge(sub, power, "a"), Edge(two, power, "b"), Edge(power, mean, "a")]
    else:
        width = outputs if key == "linear" else 1
        w, b = names.leaf("W" if key == "linear" else "w"), names.leaf("b")
        matmul, add = names.op("matmul"), names.op("add")
        nodes = [
            Node(w, "param", position=at[0, -1], attrs=_init(init, (inputs, width), seed)),
            Node(matmul, "matmul", position=at[0, 0]),
            Node(b, "param", position=at[1, 1], attrs=_init("zeros", (width,), None)),
            Node(add, "add", position=at[1, 0]),
        ]
        edges = [Edge(w, matmul, "b"), Edge(matmul, add, "a"), Edge(b, add, "b")]
        if key == "neuron":
            act = names.op("tanh")
            nodes.append(Node(act, "tanh", position=at[2, 0]))
            edges.append(Edge(add, act, "a"))
    return Built(_block_name(graph, key), nodes, edges)


def _init(init: str, shape: tuple[int, ...], seed: int | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {"init": init, "shape": shape}
    if seed is not None and init != "zeros":
        attrs["seed"] = seed
    return attrs


def _block_name(graph: Graph, key: str) -> str:
    """``Linear 1``, ``Linear 2``…: the first free numbered name."""
    base, k = BLOCK_BASE[key], 1
    while f"{base} {k}" in graph.blocks:
        k += 1
    return f"{base} {k}"


class _Names:
    """Free names in ``graph`` for several new nodes at once (none taken twice)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.taken: set[str] = set()

    def leaf(self, base: str) -> str:
        name = self.graph.unique_name(base)
        k = 2
        while name in self.taken:
            name = self.graph.unique_name(f"{base}_{k}")
            k += 1
        self.taken.add(name)
        return name

    def op(self, op: str) -> str:
        assert op in OPS
        k = 1
        while f"{op}_{k}" in self.graph or f"{op}_{k}" in self.taken:
            k += 1
        self.taken.add(f"{op}_{k}")
        return f"{op}_{k}"
