"""keepdim on reductions, reshape, unsqueeze and squeeze against torch written directly (values,
gradients, gradcheck in float64), the generated script, and the row-wise layer norm they allow."""

from __future__ import annotations

import pytest
import torch

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.codegen import to_script
from backprop_studio.engine.compile import compile_graph
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.program import parse_program
from tests.engine.test_codegen import assert_matches_studio, parse, run_in_process

A = [[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]]  # 2×3
WEIGHTS = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=torch.float64)


def _t(value, grad: bool = False) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64, requires_grad=grad)


def _graph(op: str, attrs: dict, value) -> Graph:
    """a (a parameter) → op → sum(op · w): a weighted sum, so every element's gradient differs
    and a wrong element order shows."""
    g = Graph()
    g.add_node(Node("a", "param", value=value))
    g.add_node(Node("out", op, attrs=attrs))
    g.connect("a", "out", "a")
    return g


# The direct computation of each case, written without the op under test (indexing, stacking,
# sums by hand), so a mistake shared by the engine and torch's own op could not hide.
CASES = [
    ("sum", {"axis": 1, "keepdim": True}, A, lambda a: torch.stack([a[0].sum(), a[1].sum()])[:, None]),
    ("sum", {"axis": 0, "keepdim": True}, A, lambda a: (a[0] + a[1])[None, :]),
    ("sum", {"keepdim": True}, A, lambda a: (a[0].sum() + a[1].sum()).expand(1, 1)),
    ("mean", {"axis": 1, "keepdim": True}, A, lambda a: ((a[:, 0] + a[:, 1] + a[:, 2]) / 3)[:, None]),
    ("mean", {"axis": -2, "keepdim": True}, A, lambda a: ((a[0] + a[1]) / 2)[None]),
    ("mean", {"keepdim": True}, A, lambda a: ((a[0].sum() + a[1].sum()) / 6).expand(1, 1)),
    ("sum", {"axis": 1, "keepdim": False}, A, lambda a: torch.stack([a[0].sum(), a[1].sum()])),
    ("reshape", {"shape": (3, 2)}, A, lambda a: torch.stack([torch.cat(list(a))[i : i + 2] for i in (0, 2, 4)])),
    ("reshape", {"shape": (-1,)}, A, lambda a: torch.cat(list(a))),
    ("reshape", {"shape": (1, -1)}, A, lambda a: torch.cat(list(a))[None]),
    ("reshape", {"shape": (6, 1)}, A, lambda a: torch.cat(list(a))[:, None]),
    ("reshape", {"shape": (2, 1, 3)}, A, lambda a: a[:, None, :]),
    ("reshape", {"shape": ()}, [4.0], lambda a: a[0]),
    ("unsqueeze", {"dim": 0}, A, lambda a: a[None]),
    ("unsqueeze", {"dim": 1}, A, lambda a: a[:, None]),
    ("unsqueeze", {"dim": 2}, A, lambda a: a[:, :, None]),
    ("unsqueeze", {"dim": -1}, A, lambda a: a[..., None]),
    ("unsqueeze", {"dim": 0}, 2.5, lambda a: a[None]),
    ("squeeze", {"dim": 0}, [A[0]], lambda a: a[0]),
    ("squeeze", {"dim": 1}, [[1.0], [2.0]], lambda a: a[:, 0]),
    ("squeeze", {"dim": -1}, [[1.0], [2.0]], lambda a: a[:, 0]),
]  # fmt: skip


@pytest.mark.parametrize(("op", "attrs", "value", "direct"), CASES)
def test_values_and_gradients_match_torch(op, attrs, value, direct):
    graph = _graph(op, attrs, value)
    trace = evaluate(graph)
    assert trace.ok, trace.error
    a = _t(value, grad=True)
    expected = direct(a)
    expected.backward(torch.ones_like(expected))
    got = _t(trace.value("out"))
    assert got.shape == expected.shape
    assert graph.analyse().shapes["out"] == tuple(expected.shape)  # inference agrees with torch
    assert torch.allclose(got, expected.detach(), atol=1e-12)
    assert torch.allclose(_t(trace.grad("a")), a.grad, atol=1e-12)


@pytest.mark.parametrize(("op", "attrs", "value", "direct"), CASES)
def test_gradcheck_through_the_plan(op, attrs, value, direct):
    plan = compile_graph(_graph(op, attrs, value))

    def through_plan(a: torch.Tensor) -> torch.Tensor:
        slots = plan.leaf_tensors()
        slots[plan.slot_of["a"]] = a
        out = plan.forward(slots)
        return out * torch.arange(1, out.numel() + 1, dtype=out.dtype).reshape(out.shape)

    assert torch.autograd.gradcheck(through_plan, (_t(value, grad=True),))


@pytest.mark.parametrize(("op", "attrs", "value", "direct"), CASES)
def test_the_script_reproduces_the_numbers(op, attrs, value, direct):
    graph = _graph(op, attrs, value)
    graph.add_node(Node("total", "sum"))
    graph.connect("out", "total", "a")
    assert_matches_studio(graph, parse(run_in_process(to_script(graph))))


LAYER_NORM = """\
x = param([[1.0, 2.0, 4.0], [-1.0, 0.5, 3.5]])
centred = x - mean(x, axis=1, keepdim=True)
var = mean(centred**2, axis=1, keepdim=True)
y = centred / sqrt(var + 1e-05)
loss = sum(y * w)
"""


def _layer_norm_graph() -> Graph:
    text = "w = data(" + repr(WEIGHTS.tolist()) + ")\n" + LAYER_NORM
    return parse_program(text)


def test_the_row_wise_layer_norm_evaluates_and_matches_torch():
    graph = _layer_norm_graph()
    assert graph.analyse().shapes["centred"] == (2, 3)
    trace = evaluate(graph)
    assert trace.ok, trace.error
    x = _t([[1.0, 2.0, 4.0], [-1.0, 0.5, 3.5]], grad=True)
    expected = torch.nn.functional.layer_norm(x, (3,), eps=1e-5)
    (expected * WEIGHTS).sum().backward()
    assert torch.allclose(_t(trace.value("y")), expected.detach(), atol=1e-12)
    assert torch.allclose(_t(trace.grad("x")), x.grad, atol=1e-12)
    for row in trace.value("centred"):
        assert sum(row) == pytest.approx(0.0, abs=1e-12)


def test_the_layer_norm_script_matches_the_studio():
    graph = _layer_norm_graph()
    script = to_script(graph)
    assert "torch.mean(x, dim=1, keepdim=True)" in script
    assert_matches_studio(graph, parse(run_in_process(script)))


def test_without_keepdim_the_row_mean_does_not_broadcast_and_says_so():
    graph = parse_program("x = param([[1.0, 2.0, 4.0], [-1.0, 0.5, 3.5]])\ny = x - mean(x, axis=1)")
    (problem,) = graph.analyse().problems
    assert problem.node == "y"
    assert "shapes 2×3 and 2 do not broadcast" in problem.message
    trace = evaluate(graph)  # the engine leaves it out and computes the rest
    assert "y" not in trace.values and [p.node for p in trace.problems] == ["y"]


@pytest.mark.parametrize(
    ("program", "node", "message"),
    [
        ("r = reshape(x, shape=(4, 2))", "r", "cannot reshape 2×3 (6 elements) to 4×2 (8 elements)"),
        ("r = reshape(x, shape=(4, -1))", "r", "6 is not a multiple of 4"),
        ("u = unsqueeze(x, dim=3)", "u", "dim 3 is out of range for a 2×3 tensor"),
        ("u = unsqueeze(x, dim=-4)", "u", "dim -4 is out of range"),
        ("s = squeeze(x, dim=2)", "s", "axis 2 does not exist on a 2×3 tensor"),
        ("s = squeeze(x, dim=1)", "s", "axis 1 of 2×3 has size 3"),
        ("s = sum(x, axis=2, keepdim=True)", "s", "axis 2 does not exist on a 2×3 tensor"),
    ],
)  # fmt: skip
def test_bad_attributes_are_one_problem_on_the_node_never_a_traceback(program, node, message):
    graph = parse_program(f"x = param({A!r})\n{program}")
    problems = graph.analyse().problems
    assert [p.node for p in problems] == [node]
    assert message in problems[0].message
    trace = evaluate(graph)  # the engine leaves the node out; nothing raises
    assert node not in trace.values and [p.node for p in trace.problems] == [node]


def test_training_through_a_reshape_moves_the_parameter():
    from backprop_studio.engine.training import Trainer, TrainSettings

    graph = parse_program(
        "w = param([1.0, 2.0, 3.0, 4.0])\nt = data([[0.0, 1.0], [2.0, 3.0]])\n"
        "loss = mse(reshape(w, shape=(2, 2)), t)"
    )
    trainer = Trainer(graph, TrainSettings(lr=0.5))
    for _ in range(30):
        trainer.step()
    assert trainer.param_values()["w"] == pytest.approx([0.0, 1.0, 2.0, 3.0], abs=1e-3)
