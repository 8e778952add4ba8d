"""The engine against the same computations written directly in torch."""

from __future__ import annotations

import math

import pytest
import torch

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.compile import TORCH_OPS, compile_graph
from backprop_studio.model.ops import OPS
from tests.builders import build, seed_graph


def test_seed_story_exact():
    trace = evaluate(seed_graph())
    assert trace.ok
    assert trace.output == "loss"
    assert trace.value("loss") == 1.0
    assert trace.grad("w") == -2.0
    assert trace.grad("x") is None and trace.grad("y") is None and trace.grad("two") is None
    assert trace.grad("y_hat") == -2.0
    assert trace.grad("loss") == 1.0


def test_seed_story_chain_rule_terms():
    trace = evaluate(seed_graph())
    k = trace.edges.index(next(e for e in trace.edges if e.src == "w"))
    # ∂loss/∂w = ∂loss/∂ŷ · ∂ŷ/∂w = (−2)·(1)
    assert trace.grads["y_hat"] == -2.0
    assert trace.local_grads[k] == 1.0
    assert trace.edge_grads[k] == -2.0
    k_diff = trace.edges.index(next(e for e in trace.edges if e.src == "diff"))
    assert trace.local_grads[k_diff] == -2.0  # d(d²)/dd = 2d = -2


def test_every_catalogue_op_has_a_torch_function():
    missing = [name for name, spec in OPS.items() if spec.inputs and name not in TORCH_OPS]
    assert missing == []


# (op, input values) chosen inside each op's domain; tensors for reductions and matmul
UNARY_CASES = {
    "neg": 0.7,
    "exp": 0.3,
    "log": 1.7,
    "sqrt": 2.5,
    "abs": -0.8,
    "sin": 0.4,
    "cos": 0.4,
    "tanh": 0.6,
    "sigmoid": -0.3,
    "relu": 0.9,
    "power": [1.5, -0.5, 2.0],  # the default exponent, 2
    "sum": [[1.0, -2.0], [0.5, 3.0]],
    "mean": [1.0, -2.0, 0.5],
    "transpose": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
    "softmax": [[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]],
    "log_softmax": [[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]],
    "reshape": [[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]],  # the default shape (-1,): flattened
    "unsqueeze": [1.0, -2.0, 0.5],  # the default dim 0
    "squeeze": [[1.0, -2.0, 0.5]],  # the default dim 0, of size 1
    "square": -1.5,
    "tan": 0.4,
    "log1p": 0.3,
    "identity": -0.8,
    "leaky_relu": -0.7,
    "gelu": 0.6,
    "softplus": -0.4,
    "elu": -0.9,
    "max": [[1.0, -2.0], [0.5, 3.0]],
    "min": [1.0, -2.0, 0.5],
}
BINARY_CASES = {
    "add": (1.5, -0.5),
    "sub": (1.5, -0.5),
    "mul": (1.5, -0.5),
    "div": (1.5, -0.5),
    "pow": (1.5, 2.5),
    "mse": ([1.0, 2.0, 3.0], [0.5, 2.5, 2.0]),
    "matmul": ([[1.0, 2.0], [3.0, 4.0]], [[0.5], [-1.0]]),
    "bce_logits": ([[0.3], [-1.2], [2.0]], [[1.0], [0.0], [0.7]]),
    # probabilities as targets (one row soft), so both inputs have a gradient to check
    "cross_entropy": ([[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]], [[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]]),
    "maximum": ([1.0, -2.0, 0.5], [0.5, -1.0, 0.7]),
    "minimum": ([1.0, -2.0, 0.5], [0.5, -1.0, 0.7]),
    "bce": ([[0.3], [0.8], [0.6]], [[0.1], [0.9], [0.7]]),
}
DIRECT = {
    "neg": lambda a: -a,
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "sqrt": lambda a: a.sqrt(),
    "abs": lambda a: a.abs(),
    "sin": lambda a: a.sin(),
    "cos": lambda a: a.cos(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: 1 / (1 + torch.exp(-a)),
    "relu": lambda a: a.clamp(min=0),
    "power": lambda a: a * a,
    "sum": lambda a: a.sum(),
    "mean": lambda a: a.mean(),
    "transpose": lambda a: a.t(),
    "softmax": lambda a: a.exp() / a.exp().sum(-1, keepdim=True),
    "log_softmax": lambda a: a - a.exp().sum(-1, keepdim=True).log(),
    "reshape": lambda a: torch.cat(list(a)),
    "unsqueeze": lambda a: a[None],
    "squeeze": lambda a: a[0],
    "square": lambda a: a * a,
    "tan": lambda a: a.sin() / a.cos(),
    "log1p": lambda a: (1 + a).log(),
    "identity": lambda a: a + 0,
    "leaky_relu": lambda a: torch.where(a > 0, a, 0.01 * a),
    "gelu": lambda a: a * (1 + torch.erf(a / 2**0.5)) / 2,
    "softplus": lambda a: (1 + a.exp()).log(),
    "elu": lambda a: torch.where(a > 0, a, a.exp() - 1),
    "max": lambda a: a[1, 1],
    "min": lambda a: a[1],
    "maximum": lambda a, b: torch.where(a > b, a, b),
    "minimum": lambda a, b: torch.where(a < b, a, b),
    "bce": lambda p, t: (-t * p.log() - (1 - t) * (1 - p).log()).mean(),
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "mse": lambda a, b: ((a - b) ** 2).mean(),
    "matmul": lambda a, b: a @ b,
    "bce_logits": lambda z, t: (-t * z.sigmoid().log() - (1 - t) * (1 - z.sigmoid()).log()).mean(),
    "cross_entropy": lambda z, t: -(t * (z - z.exp().sum(-1, keepdim=True).log())).sum(-1).mean(),
}


def test_every_op_is_covered_by_a_case():
    with_inputs = {name for name, spec in OPS.items() if spec.inputs}  # ones/zeros take none
    # clamp needs min or max set, and n-ary add/mul more inputs: tests/engine/test_model_ops.py
    assert with_inputs == set(UNARY_CASES) | set(BINARY_CASES) | {"clamp"}


def _direct(op: str, values: list) -> tuple[torch.Tensor, list[torch.Tensor]]:
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    out = DIRECT[op](*leaves)
    out.backward(torch.ones_like(out))
    return out.detach(), [leaf.grad for leaf in leaves]


@pytest.mark.parametrize("op", sorted(UNARY_CASES))
def test_unary_op_matches_torch(op):
    value = UNARY_CASES[op]
    graph = build({"a": ("param", value)}, [("out", op, ["a"])])
    trace = evaluate(graph)
    assert trace.ok, trace.error
    expected, (grad,) = _direct(op, [value])
    assert torch.allclose(
        torch.tensor(trace.value("out"), dtype=torch.float64), expected, atol=1e-12
    )
    assert torch.allclose(torch.tensor(trace.grad("a"), dtype=torch.float64), grad, atol=1e-12)


@pytest.mark.parametrize("op", sorted(BINARY_CASES))
def test_binary_op_matches_torch(op):
    a, b = BINARY_CASES[op]
    graph = build({"a": ("param", a), "b": ("param", b)}, [("out", op, ["a", "b"])])
    trace = evaluate(graph)
    assert trace.ok, trace.error
    expected, grads = _direct(op, [a, b])
    assert torch.allclose(
        torch.tensor(trace.value("out"), dtype=torch.float64), expected, atol=1e-12
    )
    for name, grad in zip("ab", grads):
        assert torch.allclose(torch.tensor(trace.grad(name), dtype=torch.float64), grad, atol=1e-12)


@pytest.mark.parametrize("op", sorted(set(UNARY_CASES) | set(BINARY_CASES)))
def test_gradcheck_through_the_plan(op):
    values = [UNARY_CASES[op]] if op in UNARY_CASES else list(BINARY_CASES[op])
    names = ["a", "b"][: len(values)]
    graph = build({n: ("param", v) for n, v in zip(names, values)}, [("out", op, names)])
    plan = compile_graph(graph)

    def through_plan(*inputs):
        slots = plan.leaf_tensors()
        for slot, tensor in zip(plan.leaf_slots, inputs):
            slots[slot] = tensor
        return plan.forward(slots)

    inputs = tuple(torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values)
    assert torch.autograd.gradcheck(through_plan, inputs)


def test_fan_out_edge_contributions_sum_to_node_gradient():
    # a feeds three consumers; grad = sum of the three edge contributions
    graph = build(
        {"a": ("param", 0.5), "b": ("param", -1.5)},
        [
            ("m", "mul", ["a", "b"]),
            ("t", "tanh", ["a"]),
            ("s", "mul", ["a", "a"]),
            ("u", "add", ["m", "t"]),
            ("out", "add", ["u", "s"]),
        ],
    )
    trace = evaluate(graph)
    total = sum(g for e, g in zip(trace.edges, trace.edge_grads) if e.src == "a")
    assert math.isclose(total, trace.grad("a"), rel_tol=1e-12)
    a = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-1.5, dtype=torch.float64, requires_grad=True)
    out = a * b + a.tanh() + a * a
    out.backward()
    assert math.isclose(trace.grad("a"), a.grad.item(), rel_tol=1e-12)
    assert math.isclose(trace.grad("b"), b.grad.item(), rel_tol=1e-12)
    # w*w: one alias per port, two edges, each carrying a·(upstream)
    ks = [k for k, e in enumerate(trace.edges) if e.dst == "s"]
    assert [trace.edges[k].port for k in ks] == ["a", "b"]
    assert all(math.isclose(trace.edge_grads[k], 0.5) for k in ks)


def test_backward_order_is_reverse_topological_over_edges_with_gradient():
    graph = build(
        {"a": ("param", 0.5), "b": ("param", -1.5), "c": ("data", 2.0)},
        [
            ("m", "mul", ["a", "b"]),
            ("t", "tanh", ["m"]),
            ("s", "mul", ["m", "c"]),
            ("out", "add", ["t", "s"]),
        ],
    )
    trace = evaluate(graph)
    carrying = {k for k, g in enumerate(trace.edge_grads) if g is not None}
    assert set(trace.backward_order) == carrying
    assert len(trace.backward_order) == len(carrying)
    position = {k: i for i, k in enumerate(trace.backward_order)}
    for k in carrying:
        consumer = trace.edges[k].dst
        for j in carrying:
            if trace.edges[j].src == consumer:  # consumer's own gradient must be complete first
                assert position[j] < position[k]


def test_backward_order_matches_torch_hooks_written_directly():
    # the seed story, written by hand with an alias per edge and a hook on each
    order = []
    x, y = torch.tensor(1.0, dtype=torch.float64), torch.tensor(2.0, dtype=torch.float64)
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    w_alias = w.view_as(w)
    y_hat = w_alias * x
    y_hat_alias = y_hat.view_as(y_hat)
    diff = y_hat_alias - y
    diff_alias = diff.view_as(diff)
    loss = diff_alias ** torch.tensor(2.0, dtype=torch.float64)
    w_alias.register_hook(lambda g: order.append(("w", "y_hat")))
    y_hat_alias.register_hook(lambda g: order.append(("y_hat", "diff")))
    diff_alias.register_hook(lambda g: order.append(("diff", "loss")))
    loss.backward()
    trace = evaluate(seed_graph())
    assert [(trace.edges[k].src, trace.edges[k].dst) for k in trace.backward_order] == order


def test_log_of_negative_names_the_node():
    graph = build({"a": ("param", -1.0)}, [("l", "log", ["a"]), ("out", "mul", ["l", "a"])])
    trace = evaluate(graph)
    assert trace.error_node == "l"
    assert "non-finite" in trace.error and "'l'" in trace.error
    assert math.isnan(trace.value("l"))


def test_infinite_gradient_under_finite_value_is_caught():
    # sqrt(0) = 0 is finite, but its derivative 1/(2·√0) is inf
    graph = build({"a": ("param", 0.0)}, [("r", "sqrt", ["a"])])
    trace = evaluate(graph)
    assert trace.value("r") == 0.0
    assert trace.error is not None and trace.error_node == "a"
    assert "gradient" in trace.error


def test_division_by_zero_is_reported_not_raised():
    graph = build({"a": ("param", 1.0), "z": ("data", 0.0)}, [("q", "div", ["a", "z"])])
    trace = evaluate(graph)
    assert trace.error_node == "q"


def test_partial_graph_evaluates_what_it_can():
    graph = build({"a": ("param", 2.0), "b": ("param", 3.0)}, [("m", "mul", ["a", "b"])])
    from backprop_studio.model.graph import Node

    graph.add_node(Node("dangling", "add"))
    graph.connect("m", "dangling", "a")
    trace = evaluate(graph)
    assert trace.value("m") == 6.0
    assert "dangling" not in trace.values
    assert trace.problems and trace.problems[0].node == "dangling"
    assert "'b'" in trace.problems[0].message


def test_tensor_graph_against_torch_float32():
    w_value = [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]
    x_value = [[1.0, 2.0, 3.0]]
    graph = build(
        {"x": ("data", x_value), "w": ("param", w_value)},
        [("h", "matmul", ["x", "w"]), ("a", "tanh", ["h"]), ("out", "sum", ["a"])],
    )
    trace = evaluate(graph, dtype="float32")
    x = torch.tensor(x_value)
    w = torch.tensor(w_value, requires_grad=True)
    out = torch.tanh(x @ w).sum()
    out.backward()
    assert math.isclose(trace.value("out"), out.item(), rel_tol=1e-6)
    assert torch.allclose(torch.tensor(trace.grad("w")), w.grad)
    assert trace.shapes["h"] == (1, 2)
