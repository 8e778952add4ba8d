"""The gallery: from one scalar to a small network, each example a document in resources/examples.

Every example is written here as a program with its training settings and the loss it promises
to reach (``settings.training.expect_loss_below`` within ``steps``); the JSON files are built
from these entries (``python -m backprop_studio.model.gallery``) and a test checks that they
match and that each one trains to its promise. The seed story is drawn by hand, so its file is
the source and its promise is stated here (:func:`promise`). Recipe leaves store their recipe,
not their values, which keeps the files small.

For the editor's Help ▸ Examples menu: :data:`EXAMPLES` in order, :func:`example_path`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .document_io import dumps
from .graph import Graph
from .layout import layered_layout
from .layout_blocks import card_heights
from .program import parse_program

CARD = (240.0, 60.0)  # about the size of a node card, to centre the view on the cards


@dataclass(frozen=True)
class Example:
    name: str  # the file stem in resources/examples
    title: str
    description: str
    program: str | None = None  # None: the file is the source
    training: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    dtype: str = "float64"


EXAMPLES: tuple[Example, ...] = (
    Example(
        "seed",
        "The seed story",
        "One weight, one input, one target: ŷ = w·x, loss = (ŷ − y)², ∂loss/∂w = −2.",
        training={"expect_loss_below": 0.02},  # its file keeps the default settings
    ),
    Example(
        "neuron",
        "A neuron with tanh",
        "Two inputs, two weights and a bias through tanh, as in micrograd's lecture; "
        "training pulls the output to the target −0.5.",
        """\
x1 = data(2.0)
x2 = data(0.0)
w1 = -3.0
w2 = 1.0
b = 6.881373587019543
n = x1 * w1 + x2 * w2 + b
o = tanh(n)
y = data(-0.5)
loss = (o - y)**2
block("Neuron", w1, w2, b, mul_1, mul_2, add_1, n, o)
""",
        {"optimizer": "sgd", "lr": 0.05, "steps": 50, "expect_loss_below": 0.001},
    ),
    Example(
        "linear_regression",
        "Linear regression",
        "Fit ŷ = x·w + b to 50 noisy points of y = 2x − 1 with the mean squared error.",
        """\
x, y = dataset("linear", n=50, noise=0.1, seed=0)
w = param([[0.0]])
b = param([0.0])
y_hat = x @ w + b
loss = mse(y_hat, y)
""",
        {"optimizer": "sgd", "lr": 0.5, "steps": 100, "expect_loss_below": 0.015},
        {"y_hat": "ŷ"},
    ),
    Example(
        "logistic_regression",
        "Logistic regression",
        "A straight boundary between two moons, trained with binary cross-entropy on the "
        "logits; it cannot fit the curves, which is why the next examples add a hidden layer.",
        """\
x, y = dataset("moons", n=200, noise=0.1, seed=0)
w = param(shape=(2, 1), init="zeros")
b = param([0.0])
logits = x @ w + b
loss = bce_logits(logits, y)
""",
        {"optimizer": "sgd", "lr": 1.0, "steps": 300, "expect_loss_below": 0.27},
    ),
    Example(
        "xor_mlp",
        "XOR with a 2→8→1 network",
        "The four XOR points need a hidden layer: eight tanh units, Adam, binary cross-entropy.",
        """\
x, y = dataset("xor", n=4, noise=0.0)
W1 = param(shape=(2, 8), init="xavier", seed=0)
b1 = param(shape=(8,), init="zeros")
h = tanh(x @ W1 + b1)
W2 = param(shape=(8, 1), init="xavier", seed=1)
b2 = param(shape=(1,), init="zeros")
logits = h @ W2 + b2
loss = bce_logits(logits, y)
block("Linear 1", W1, b1, matmul_1, add_1, collapsed=True)
block("Linear 2", W2, b2, matmul_2, logits, collapsed=True)
""",
        {"optimizer": "adam", "lr": 0.05, "steps": 200, "expect_loss_below": 0.01},
    ),
    Example(
        "moons_mlp",
        "Two moons with a 2→16→16→2 network",
        "Two ReLU layers and cross-entropy over two classes, trained in mini-batches of 32.",
        """\
x, y = dataset("moons", n=200, noise=0.1, seed=0)
W1 = param(shape=(2, 16), init="kaiming", seed=1)
b1 = param(shape=(16,), init="zeros")
h1 = relu(x @ W1 + b1)
W2 = param(shape=(16, 16), init="kaiming", seed=2)
b2 = param(shape=(16,), init="zeros")
h2 = relu(h1 @ W2 + b2)
W3 = param(shape=(16, 2), init="xavier", seed=3)
b3 = param(shape=(2,), init="zeros")
logits = h2 @ W3 + b3
loss = cross_entropy(logits, y)
block("Linear 1", W1, b1, matmul_1, add_1, collapsed=True)
block("Linear 2", W2, b2, matmul_2, add_2, collapsed=True)
block("Linear 3", W3, b3, matmul_3, logits, collapsed=True)
""",
        {
            "optimizer": "adam",
            "lr": 0.01,
            "steps": 500,
            "batch_size": 32,
            "shuffle": True,
            "seed": 0,
            "expect_loss_below": 0.05,
        },
    ),
    Example(
        "micrograd",
        "micrograd's README expression",
        "The expression from micrograd's README: g = 24.7041, ∂g/∂a = 138.8338, "
        "∂g/∂b = 645.5773. Training finds the smallest g, 2√5.",
        """\
a = -4.0
b = 2.0
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + relu(b + a)
d += 3 * d + relu(b - a)
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
""",
        {"optimizer": "adam", "lr": 0.01, "steps": 100, "expect_loss_below": 4.5},
    ),
)


def examples_dir() -> Path:
    """The shipped examples: in a source checkout, the checkout's own ``resources/examples``
    (an editable install maps ``backprop_studio.resources`` to wherever it was installed from,
    which need not be the checkout whose code is running)."""
    checkout = Path(__file__).resolve().parents[2] / "resources" / "examples"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("backprop_studio.resources") / "examples"))


def example_path(name: str) -> Path:
    """The document of example ``name`` (KeyError for an unknown one)."""
    if name not in {e.name for e in EXAMPLES}:
        raise KeyError(f"no example named '{name}'")
    return examples_dir() / f"{name}.json"


def promise(example: Example, settings: dict[str, Any]) -> tuple[float, int]:
    """(loss threshold, steps) that the example promises with its document's ``settings``."""
    training = settings.get("training", {})
    threshold = training.get("expect_loss_below", example.training.get("expect_loss_below"))
    return float(threshold), int(training.get("steps", 100))


def build_graph(example: Example) -> Graph:
    """The example's graph, parsed and laid out (labels applied)."""
    assert example.program is not None
    graph = parse_program(example.program)
    for name, label in example.labels.items():
        graph.set_label(name, label)
    for name, position in layered_layout(graph, heights=card_heights(graph)).items():
        graph.set_position(name, position)
    return graph


def build_text(example: Example) -> str:
    """The example's document text, with a view that frames the cards."""
    graph = build_graph(example)
    xs = [n.position[0] for n in graph]
    ys = [n.position[1] for n in graph]
    width, height = max(xs) - min(xs) + CARD[0], max(ys) - min(ys) + CARD[1]
    center = ((min(xs) + max(xs) + CARD[0]) / 2, (min(ys) + max(ys) + CARD[1]) / 2)
    zoom = round(min(1.0, 1400 / width, 800 / height), 2)
    settings = {"dtype": example.dtype, "training": example.training}
    return dumps(graph, settings, {"center": center, "zoom": zoom})


def write_gallery(directory: Path | None = None) -> list[Path]:
    """(Re)write every generated example's file; returns the paths written."""
    directory = directory or examples_dir()
    written = []
    for example in EXAMPLES:
        if example.program is None:
            continue
        path = directory / f"{example.name}.json"
        path.write_text(build_text(example), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_gallery(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(path)
