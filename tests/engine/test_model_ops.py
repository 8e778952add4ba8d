"""The ops real models use (tan, identity, bce, leaky_relu, gelu, softplus, elu, clamp, log1p,
maximum, minimum, max/min over an axis, square, ones/zeros, n-ary add/mul) against torch: values
and gradients against the computation written without the op under test, gradcheck in float64,
torch's conventions at kinks and ties, and the generated script."""

from __future__ import annotations

import math

import pytest
import torch

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.codegen import to_script
from backprop_studio.engine.compile import compile_graph
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.program import parse_program
from tests.engine.test_codegen import assert_matches_studio, parse, run_in_process

A = [[0.4, -0.9, 0.7], [1.1, -0.2, 0.05]]  # 2×3, inside every op's domain (tan, log1p)
B = [[-0.5, 0.9, 0.2], [1.4, -1.1, 0.3]]
C3 = [[0.6], [-0.8]]  # 2×1: broadcasts against A
P = [[0.3, 0.8, 0.55], [0.1, 0.65, 0.9]]  # probabilities for bce
T = [[0.1, 0.9, 0.2], [0.8, 0.3, 0.7]]  # inside (0, 1): gradcheck moves the targets too


def _phi(a: torch.Tensor) -> torch.Tensor:
    return 0.5 * (1 + torch.erf(a / math.sqrt(2)))


def _softplus(a: torch.Tensor) -> torch.Tensor:
    return torch.where(a > 20, a, torch.log(1 + torch.exp(a)))


# (op, attrs, input values, direct computation written without the op under test)
CASES = [
    ("tan", {}, [A], lambda a: torch.sin(a) / torch.cos(a)),
    ("identity", {}, [A], lambda a: a * 1),
    ("square", {}, [A], lambda a: a * a),
    ("log1p", {}, [A], lambda a: torch.log(1 + a)),
    ("leaky_relu", {}, [A], lambda a: torch.where(a > 0, a, 0.01 * a)),
    ("leaky_relu", {"slope": 0.2}, [A], lambda a: torch.where(a > 0, a, 0.2 * a)),
    ("gelu", {}, [A], lambda a: a * _phi(a)),
    ("softplus", {}, [A], _softplus),
    ("softplus", {}, [[25.0, -3.0]], _softplus),  # torch's threshold: a itself above 20
    ("elu", {}, [A], lambda a: torch.where(a > 0, a, torch.exp(a) - 1)),
    ("elu", {"alpha": 0.5}, [A], lambda a: torch.where(a > 0, a, 0.5 * (torch.exp(a) - 1))),
    ("clamp", {"min": -0.5, "max": 0.6}, [A], lambda a: torch.where(a < -0.5, -0.5, torch.where(a > 0.6, 0.6, a))),
    ("clamp", {"min": 0.0}, [A], lambda a: torch.where(a < 0, 0.0, a)),
    ("clamp", {"max": 0.5}, [A], lambda a: torch.where(a > 0.5, 0.5, a)),
    ("maximum", {}, [A, B], lambda a, b: torch.where(a > b, a, b)),
    ("minimum", {}, [A, B], lambda a, b: torch.where(a < b, a, b)),
    ("maximum", {}, [A, C3], lambda a, b: torch.where(a > b, a, b)),
    ("max", {}, [A], lambda a: a[1, 0]),
    ("min", {}, [A], lambda a: a[0, 1]),
    ("max", {"axis": 1}, [A], lambda a: torch.stack([a[0, 2], a[1, 0]])),
    ("max", {"axis": 0, "keepdim": True}, [A], lambda a: torch.stack([a[1, 0], a[1, 1], a[0, 2]])[None]),
    ("min", {"axis": -1}, [A], lambda a: torch.stack([a[0, 1], a[1, 1]])),
    ("min", {"keepdim": True}, [A], lambda a: a[0, 1].reshape(1, 1)),
    ("bce", {}, [P, T], lambda p, t: (-(t * torch.log(p) + (1 - t) * torch.log(1 - p))).mean()),
    ("add", {"n": 3}, [A, B, C3], lambda a, b, c: torch.stack([a, b, c.expand(2, 3)]).sum(0)),
    ("mul", {"n": 3}, [A, B, C3], lambda a, b, c: (a * b) * c),
    ("add", {"n": 4}, [A, B, 2.0, [1.0, 2.0, 3.0]], lambda a, b, c, d: a + (b + (c + d))),
]  # fmt: skip
IDS = [
    f"{op}-{'-'.join(f'{k}{v}' for k, v in attrs.items())}-{i}"
    for i, (op, attrs, *_) in enumerate(CASES)
]


def _t(value, grad: bool = False) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64, requires_grad=grad)


def _graph(op: str, attrs: dict, values: list) -> Graph:
    """Parameters a, b, … → op → out; ``total`` weights every element differently, so a wrong
    element order or a gradient sent to the wrong element shows."""
    g = Graph()
    names = "abcd"[: len(values)]
    for name, value in zip(names, values):
        g.add_node(Node(name, "param", value=value))
    node = g.add_node(Node("out", op, attrs=attrs))
    for name, port in zip(names, node.inputs, strict=True):
        g.connect(name, "out", port)
    return g


def _weights(shape: torch.Size) -> torch.Tensor:
    return torch.arange(1, math.prod(shape) + 1, dtype=torch.float64).reshape(shape) / 7


@pytest.mark.parametrize(("op", "attrs", "values", "direct"), CASES, ids=IDS)
def test_values_and_gradients_match_torch(op, attrs, values, direct):
    graph = _graph(op, attrs, values)
    trace = evaluate(graph)
    assert trace.ok, trace.error
    leaves = [_t(v, grad=True) for v in values]
    expected = direct(*leaves)
    expected.backward(_weights(expected.shape))
    got = _t(trace.value("out"))
    assert got.shape == expected.shape
    assert graph.analyse().shapes["out"] == tuple(expected.shape)  # inference agrees with torch
    assert torch.allclose(got, expected.detach(), atol=1e-12)
    weighted = parse_program(_weighted_text(op, attrs, values, expected.shape))
    trace = evaluate(weighted)
    assert trace.ok, trace.error
    for name, leaf in zip("abcd", leaves):
        assert torch.allclose(_t(trace.grad(name)), leaf.grad, atol=1e-12), name


def _weighted_text(op: str, attrs: dict, values: list, shape: torch.Size) -> str:
    """The case as a program: ``loss = sum(op(a, b, …) * w)`` with the test's weights."""
    lines = [f"{n} = param({v!r})" for n, v in zip("abcd", values)]
    lines.append(f"w = data({_weights(shape).tolist()!r})")
    args = [*"abcd"[: len(values)], *(f"{k}={v!r}" for k, v in attrs.items() if k != "n")]
    lines.append(f"out = {op}({', '.join(args)})")
    lines.append("loss = sum(out * w)")
    return "\n".join(lines)


@pytest.mark.parametrize(("op", "attrs", "values", "direct"), CASES, ids=IDS)
def test_gradcheck_through_the_plan(op, attrs, values, direct):
    graph = _graph(op, attrs, values)
    plan = compile_graph(graph)
    names = "abcd"[: len(values)]

    def through_plan(*inputs: torch.Tensor) -> torch.Tensor:
        slots = plan.leaf_tensors()
        for name, tensor in zip(names, inputs):
            slots[plan.slot_of[name]] = tensor
        return plan.forward(slots)

    inputs = tuple(_t(v, grad=True) for v in values)
    assert torch.autograd.gradcheck(through_plan, inputs)


@pytest.mark.parametrize(("op", "attrs", "values", "direct"), CASES, ids=IDS)
def test_the_script_reproduces_the_numbers(op, attrs, values, direct):
    graph = _graph(op, attrs, values)
    graph.add_node(Node("total", "sum"))
    graph.connect("out", "total", "a")
    assert_matches_studio(graph, parse(run_in_process(to_script(graph))))


# ---- torch's conventions at kinks and ties, as the derivative texts say ------------------------


def _grads(text: str) -> dict:
    trace = evaluate(parse_program(text))
    assert trace.ok, trace.error
    return trace.grads


def test_leaky_relu_at_zero_takes_the_slope():
    assert _grads("a = param([0.0])\ny = sum(leaky_relu(a, slope=0.3))")["a"] == [0.3]


def test_elu_at_zero_takes_alpha():
    assert _grads("a = param([0.0])\ny = sum(elu(a, alpha=0.5))")["a"] == [0.5]


def test_clamp_passes_the_gradient_at_its_bounds():
    grads = _grads("a = param([-1.0, 0.0, 1.0, 2.0])\ny = sum(clamp(a, min=0.0, max=1.0))")
    assert grads["a"] == [0.0, 1.0, 1.0, 0.0]


def test_maximum_and_minimum_split_a_tie_in_half():
    for op in ("maximum", "minimum"):
        grads = _grads(f"a = param([1.0, 2.0])\nb = param([1.0, 0.0])\ny = sum({op}(a, b))")
        a = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        b = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
        getattr(torch, op)(a, b).sum().backward()
        assert grads["a"] == a.grad.tolist() and grads["b"] == b.grad.tolist()
        assert grads["a"][0] == grads["b"][0] == 0.5


def test_max_over_everything_shares_a_tie_and_over_an_axis_gives_it_to_one_index():
    grads = _grads("a = param([[3.0, 3.0], [1.0, 2.0]])\ny = max(a)")
    assert grads["a"] == [[0.5, 0.5], [0.0, 0.0]]
    axis = _grads("a = param([[3.0, 3.0], [1.0, 2.0]])\ny = sum(max(a, axis=1))")["a"]
    a = torch.tensor([[3.0, 3.0], [1.0, 2.0]], dtype=torch.float64, requires_grad=True)
    torch.max(a, dim=1).values.sum().backward()
    assert axis == a.grad.tolist() and sum(axis[0]) == 1.0


def test_bce_at_a_certain_prediction_stays_finite_as_torch_clamps_the_log():
    trace = evaluate(parse_program("p = param([1.0, 0.5])\nt = data([0.0, 1.0])\nloss = bce(p, t)"))
    p = torch.tensor([1.0, 0.5], dtype=torch.float64)
    expected = torch.nn.functional.binary_cross_entropy(p, torch.tensor([0.0, 1.0]).double())
    assert trace.value("loss") == pytest.approx(float(expected))
    assert math.isfinite(trace.value("loss"))


# ---- ones and zeros -----------------------------------------------------------------------------


def test_ones_and_zeros_are_constants_of_their_shape_without_gradient():
    graph = parse_program("x = param([[1.0, 2.0], [3.0, 4.0]])\ny = sum(x * ones(2, 2) + zeros(2))")
    trace = evaluate(graph)
    assert trace.ok, trace.error
    assert trace.value("ones_1") == [[1.0, 1.0], [1.0, 1.0]]
    assert trace.value("zeros_1") == [0.0, 0.0]
    assert trace.grad("ones_1") is None and trace.grad("x") == [[1.0, 1.0], [1.0, 1.0]]
    assert evaluate(parse_program("o = ones()\ny = o * 3")).value("o") == 1.0


def test_ones_follow_the_graphs_dtype_and_the_script_makes_them_with_torch():
    graph = parse_program("x = param([0.1, 0.2])\no = ones(2)\ny = sum(x * o)")
    trace = evaluate(graph, "float32")
    assert trace.ok, trace.error
    script = to_script(graph, {"dtype": "float32"})
    assert "o = torch.ones((2,), dtype=dtype)" in script
    assert_matches_studio(graph, parse(run_in_process(script)), "float32")


def test_training_leaves_ones_alone():
    graph = parse_program(
        "w = param([0.5, -0.5])\nt = data([1.0, 2.0])\nloss = mse(w + ones(2), t)"
    )
    trainer = Trainer(graph, TrainSettings(lr=0.1))
    for _ in range(200):
        trainer.step()
    w = torch.tensor([0.5, -0.5], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    for _ in range(200):
        opt.zero_grad()
        loss = torch.mean(
            (w + torch.ones(2, dtype=torch.float64) - torch.tensor([1.0, 2.0]).double()) ** 2
        )
        loss.backward()
        opt.step()
    assert trainer.param_values()["w"] == pytest.approx(w.detach().tolist(), abs=1e-12)


def test_mini_batches_split_the_data_rows_but_never_ones():
    """ones(2) weights every row alike: batching 4 rows by 2 must leave it whole."""
    text = (
        "x = data([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])\n"
        "y = data([[1.0], [0.0], [2.0], [1.0]])\nw = param([[0.1], [0.2]])\n"
        "loss = mse((x * ones(2)) @ w, y)"
    )
    trainer = Trainer(parse_program(text), TrainSettings(lr=0.01, batch_size=2, shuffle=False))
    assert [trainer.plan.names[s] for g in trainer.batcher.groups for s in g.slots] == ["x", "y"]
    losses = [trainer.step() for _ in range(4)]
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], dtype=torch.float64)
    y = torch.tensor([[1.0], [0.0], [2.0], [1.0]], dtype=torch.float64)
    w = torch.tensor([[0.1], [0.2]], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.01)
    expected = []
    for step in range(4):
        rows = slice(2 * (step % 2), 2 * (step % 2) + 2)
        opt.zero_grad()
        loss = torch.mean(((x[rows] * torch.ones(2, dtype=torch.float64)) @ w - y[rows]) ** 2)
        loss.backward()
        opt.step()
        expected.append(loss.item())
    assert losses == pytest.approx(expected, abs=1e-12)
