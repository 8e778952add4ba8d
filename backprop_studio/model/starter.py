"""Starter models for loaded data: what a newcomer with a CSV file and an empty canvas trains.

For a class target: softmax regression (``x @ W + b`` into cross-entropy) or a network with one
hidden layer of relu units; for a numeric target: linear regression into the mean squared
error. Each is real graph nodes — recipe parameters (``param(shape=…, init=…, seed=…)``),
the ops, the loss — written as a program and parsed, so it is exactly what the program view
shows and the document saves. The data leaves are the caller's; the model is wired to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import Edge, Graph, Node
from .layout import layered_layout
from .layout_blocks import card_heights
from .program import parse_program

HIDDEN = 16  # units of the one-hidden-layer network
# how a starter model is set to train (standardised iris: softmax regression to a loss of 0.07)
TRAINING = {"optimizer": "adam", "lr": 0.05, "steps": 300}


@dataclass(frozen=True)
class Starter:
    key: str
    title: str
    description: str


SOFTMAX = Starter(
    "softmax",
    "Softmax regression",
    "logits = x @ W + b, cross-entropy over the classes: one linear layer",
)
MLP = Starter(
    "mlp",
    f"Network with one hidden layer ({HIDDEN} relu units)",
    "relu(x @ W1 + b1) @ W2 + b2, cross-entropy: bends the boundaries between classes",
)
LINEAR = Starter("linear", "Linear regression", "ŷ = x @ W + b, the mean squared error")


def starters(classes: int) -> list[Starter]:
    """The models that fit a target with ``classes`` classes (0: a numeric target)."""
    return [SOFTMAX, MLP] if classes >= 2 else [LINEAR]


def starter_program(key: str, x: str, y: str, features: int, outputs: int) -> str:
    """The model's lines after ``x`` and ``y``: ``outputs`` classes or target columns."""
    if key == "softmax":
        return f"""W = param(shape=({features}, {outputs}), init="xavier", seed=0)
b = param(shape=({outputs},), init="zeros")
logits = {x} @ W + b
loss = cross_entropy(logits, {y})"""
    if key == "mlp":
        return f"""W1 = param(shape=({features}, {HIDDEN}), init="kaiming", seed=1)
b1 = param(shape=({HIDDEN},), init="zeros")
h = relu({x} @ W1 + b1)
W2 = param(shape=({HIDDEN}, {outputs}), init="xavier", seed=2)
b2 = param(shape=({outputs},), init="zeros")
logits = h @ W2 + b2
loss = cross_entropy(logits, {y})"""
    if key == "linear":
        return f"""W = param(shape=({features}, {outputs}), init="xavier", seed=0)
b = param(shape=({outputs},), init="zeros")
y_hat = {x} @ W + b
loss = mse(y_hat, {y})"""
    raise ValueError(f"no starter model '{key}'")


def build_starter(key: str, x: Node, y: Node, classes: int) -> tuple[list[Node], list[Edge]]:
    """The model's nodes and edges (wired to ``x`` and ``y``), laid out with them: the data
    leaves get positions too, relative to x's (the caller moves them all as one)."""
    features = _width(x.value)
    outputs = classes if classes >= 2 else _width(y.value)
    lines = [f"{x.name} = data([[0.0]])", f"{y.name} = data([[0.0]])"]
    part = parse_program(
        "\n".join(lines) + "\n" + starter_program(key, x.name, y.name, features, outputs)
    )
    scratch = Graph()
    for node in (x, y):
        scratch.add_node(Node(node.name, node.op, value=node.value, attrs=dict(node.attrs)))
    model = [n for n in part.nodes if n.name not in (x.name, y.name)]
    for node in model:
        scratch.add_node(Node(node.name, node.op, value=node.value, attrs=dict(node.attrs)))
    for edge in part.edges:
        scratch.connect(edge.src, edge.dst, edge.port)
    positions = layered_layout(scratch, heights=card_heights(scratch), aspect=None)
    ox, oy = positions[x.name]
    for node in (x, y, *model):
        px, py = positions[node.name]
        node.position = (px - ox, py - oy)
    return model, list(part.edges)


def _width(value: object) -> int:
    """Columns of a (rows, columns) value; 1 for a vector or a number."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return len(value[0])
    return 1
