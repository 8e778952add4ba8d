"""Initialisers and datasets: the same numbers as torch.nn.init with a seeded generator, every time."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from backprop_studio.engine import datasets
from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.compile import compile_graph
from backprop_studio.engine.initialisers import initialise
from backprop_studio.engine.leaves import refresh_recipe_values
from backprop_studio.model import recipes
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.program import parse_program
from backprop_studio.model.recipes import DATASETS


def _gen(seed):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize(
    ("attrs", "direct"),
    [
        ({"init": "zeros", "shape": (2, 3)}, lambda t, g: t.zero_()),
        ({"init": "ones", "shape": (4,)}, lambda t, g: t.fill_(1.0)),
        ({"init": "constant", "shape": (2,), "scale": 0.3}, lambda t, g: t.fill_(0.3)),
        ({"init": "normal", "shape": (3, 2), "seed": 4, "scale": 0.1},
         lambda t, g: torch.nn.init.normal_(t, 0, 0.1, generator=g)),
        ({"init": "uniform", "shape": (5,), "seed": 1},
         lambda t, g: torch.nn.init.uniform_(t, -1, 1, generator=g)),
        ({"init": "xavier", "shape": (2, 16), "seed": 7},
         lambda t, g: torch.nn.init.xavier_uniform_(t, generator=g)),
        ({"init": "xavier_normal", "shape": (16, 2), "scale": 2.0},
         lambda t, g: torch.nn.init.xavier_normal_(t, gain=2.0, generator=g)),
        ({"init": "kaiming", "shape": (8, 3), "seed": 2},
         lambda t, g: torch.nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu", generator=g)),
        ({"init": "kaiming_normal", "shape": (8, 3), "seed": 2},
         lambda t, g: torch.nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu", generator=g)),
    ],
)  # fmt: skip
def test_initialisers_are_torch_nn_init_with_a_seeded_generator(attrs, direct):
    t = torch.empty(attrs["shape"], dtype=torch.float64)
    expected = direct(t, _gen(attrs.get("seed", 0)))
    assert torch.equal(initialise(attrs), expected)


def test_kaiming_fan_in_is_the_number_of_inputs_of_x_at_w():
    w = initialise({"init": "kaiming_uniform", "shape": (400, 3), "seed": 0})
    bound = (2.0 / 400) ** 0.5 * 3**0.5  # gain √2 for ReLU, fan-in 400
    assert w.abs().max() <= bound
    assert w.abs().max() > 0.9 * bound


def test_a_graph_holds_the_initialised_values_and_compile_uses_them():
    g = Graph()
    w = g.add_node(Node("W", "param", attrs={"init": "normal", "shape": (2, 2), "seed": 5}))
    expected = torch.nn.init.normal_(torch.empty(2, 2, dtype=torch.float64), generator=_gen(5))
    assert torch.equal(torch.tensor(w.value, dtype=torch.float64), expected)
    plan = compile_graph(g)
    assert torch.equal(plan.leaf_tensors()[0].detach(), expected)


def test_compile_ignores_a_placeholder_and_refresh_replaces_it(monkeypatch):
    monkeypatch.setattr(recipes, "_materialiser", None)
    g = parse_program('W = param(shape=(3,), init="normal", seed=1)\nout = sum(W)')
    assert g.node("W").value == [0.0, 0.0, 0.0]
    monkeypatch.undo()
    expected = torch.nn.init.normal_(torch.empty(3, dtype=torch.float64), generator=_gen(1))
    assert evaluate(g).value("out") == pytest.approx(expected.sum().item(), abs=1e-12)
    assert refresh_recipe_values(g) == ["W"]
    assert torch.equal(torch.tensor(g.node("W").value, dtype=torch.float64), expected)
    assert refresh_recipe_values(g) == []


def test_model_only_processes_hold_placeholders_of_the_right_shape():
    code = (
        "from backprop_studio.model.program import parse_program\n"
        'g = parse_program(\'x, y = dataset("moons", n=3)\\nW = param(shape=(2, 1), init="xavier")\')\n'
        "print(g.node('x').value, g.node('W').value)\n"
        "import sys; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == [
        "[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]] [[0.0], [0.0]]",
        "False",
    ]


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_datasets_are_deterministic_and_shaped_as_the_catalogue_says(name):
    info = DATASETS[name]
    x, y = datasets.generate(name, n=60, seed=3)
    x2, y2 = datasets.generate(name, n=60, seed=3)
    assert torch.equal(x, x2) and torch.equal(y, y2)
    assert x.shape == (60, info.features) and y.shape == (60, 1)
    assert x.dtype == y.dtype == torch.float64
    other, _ = datasets.generate(name, n=60, seed=4, noise=0.2)
    assert not torch.equal(x, other)
    if info.classes:
        assert set(y.flatten().tolist()) == set(map(float, range(info.classes)))


def test_dataset_details():
    x, y = datasets.generate("xor", n=4, noise=0.0)
    assert x.tolist() == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert y.flatten().tolist() == [0.0, 1.0, 1.0, 0.0]
    x, y = datasets.generate("linear", n=30, noise=0.0)
    assert torch.allclose(y, 2 * x - 1)
    x, y = datasets.generate("spiral", n=90, classes=3)
    assert sorted(set(y.flatten().tolist())) == [0.0, 1.0, 2.0]
    x, y = datasets.generate("circles", n=100, noise=0.0)
    radius = x.norm(dim=1)
    assert torch.allclose(radius[y.flatten() == 0], torch.tensor(1.0, dtype=torch.float64))
    assert torch.allclose(radius[y.flatten() == 1], torch.tensor(0.5, dtype=torch.float64))
    x, y = datasets.generate("moons", n=201)
    assert int(y.sum()) == 101


def test_bound_leaves_are_the_dataset_rows():
    g = parse_program(
        'x, y = dataset("moons", n=20, noise=0.2, seed=9)\nout = mse(sum(x, axis=1), sum(y, axis=1))'
    )
    x, y = datasets.generate("moons", n=20, noise=0.2, seed=9)
    assert g.node("x").value == x.tolist() and g.node("y").value == y.tolist()
    assert evaluate(g).ok
