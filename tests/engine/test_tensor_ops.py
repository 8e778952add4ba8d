"""Tensor ops with attributes and the losses, against torch written directly (values, gradients)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.compile import compile_graph
from backprop_studio.model.graph import Node
from tests.builders import build

A = [[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]]


def _t(value, grad=False):
    return torch.tensor(value, dtype=torch.float64, requires_grad=grad)


def _close(a, b):
    return torch.allclose(_t(a), b.detach() if isinstance(b, torch.Tensor) else _t(b), atol=1e-12)


def _graph(op, attrs, *values):
    names = ["a", "b"][: len(values)]
    g = build({n: ("param", v) for n, v in zip(names, values)}, [])
    g.add_node(Node("out", op, attrs=attrs))
    for port, name in zip(g.node("out").spec.inputs, names):
        g.connect(name, "out", port)
    g.add_node(Node("total", "sum"))
    g.connect("out", "total", "a")
    return g


@pytest.mark.parametrize(
    ("op", "attrs", "direct"),
    [
        ("sum", {"axis": 0}, lambda a: a.sum(0)),
        ("sum", {"axis": -1}, lambda a: a.sum(-1)),
        ("mean", {"axis": 1}, lambda a: a.mean(1)),
        ("mean", {"axis": -2}, lambda a: a.mean(-2)),
        ("softmax", {"axis": 0}, lambda a: torch.softmax(a, 0)),
        ("softmax", {}, lambda a: torch.softmax(a, -1)),
        ("log_softmax", {"axis": 0}, lambda a: torch.log_softmax(a, 0)),
    ],
)
def test_axis_ops_match_torch(op, attrs, direct):
    trace = evaluate(_graph(op, attrs, A))
    assert trace.ok, trace.error
    a = _t(A, grad=True)
    out = direct(a)
    out.sum().backward()
    assert _close(trace.value("out"), out)
    assert _close(trace.grad("a"), a.grad)


@pytest.mark.parametrize("target", [[2.0, 0.0], [[2.0], [0.0]]])
def test_cross_entropy_with_class_indices(target):
    trace = evaluate(_graph("cross_entropy", {}, A, target))
    assert trace.ok, trace.error
    logits = _t(A, grad=True)
    loss = F.cross_entropy(logits, torch.tensor([2, 0]))
    loss.backward()
    assert trace.value("out") == pytest.approx(loss.item(), abs=1e-12)
    assert _close(trace.grad("a"), logits.grad)
    assert trace.grad("b") is None or _close(trace.grad("b"), torch.zeros(len(target)))


def test_cross_entropy_gradcheck_with_class_indices():
    g = build(
        {"z": ("param", A), "t": ("data", [[1.0], [2.0]])}, [("loss", "cross_entropy", ["z", "t"])]
    )
    plan = compile_graph(g)

    def through_plan(z):
        slots = plan.leaf_tensors()
        slots[plan.slot_of["z"]] = z
        return plan.forward(slots)

    assert torch.autograd.gradcheck(through_plan, (_t(A, grad=True),))


def test_binary_cross_entropy_matches_torch_with_0_1_targets():
    logits, target = [[0.3], [-1.2], [2.0]], [[1.0], [0.0], [1.0]]
    trace = evaluate(_graph("bce_logits", {}, logits, target))
    z = _t(logits, grad=True)
    loss = F.binary_cross_entropy_with_logits(z, _t(target))
    loss.backward()
    assert trace.value("out") == pytest.approx(loss.item(), abs=1e-12)
    assert _close(trace.grad("a"), z.grad)


@pytest.mark.parametrize("target", [[0.5, 1.0], [3.0, 0.0], [-1.0, 0.0]])
def test_bad_class_indices_are_reported_not_raised(target):
    g = build({"z": ("param", A), "t": ("data", target)}, [("loss", "cross_entropy", ["z", "t"])])
    trace = evaluate(g)
    assert trace.error is not None
    assert "class targets must be whole numbers from 0 to 2" in trace.error


def test_softmax_rows_sum_to_one_and_the_trace_keeps_shapes():
    trace = evaluate(_graph("softmax", {"axis": 1}, A))
    assert [sum(row) for row in trace.value("out")] == pytest.approx([1.0, 1.0])
    assert trace.shapes["out"] == (2, 3)


def test_an_mlp_layer_with_cross_entropy_in_float32():
    x = [[0.5, -1.0], [1.5, 0.25], [-0.5, 0.75]]
    w = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]
    g = build(
        {"x": ("data", x), "w": ("param", w), "t": ("data", [[0.0], [2.0], [1.0]])},
        [("h", "matmul", ["x", "w"]), ("loss", "cross_entropy", ["h", "t"])],
    )
    trace = evaluate(g, dtype="float32")
    wt = torch.tensor(w, requires_grad=True)
    loss = F.cross_entropy(torch.tensor(x) @ wt, torch.tensor([0, 2, 1]))
    loss.backward()
    assert trace.value("loss") == pytest.approx(loss.item(), rel=1e-6)
    assert torch.allclose(torch.tensor(trace.grad("w")), wt.grad, atol=1e-6)
