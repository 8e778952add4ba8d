"""Forward-mode tangents are columns of the Jacobian (torch.autograd.functional.jacobian, which
uses reverse mode), on random scalar graphs and on tensor programs."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_studio.engine.compile import compile_graph
from backprop_studio.engine.forward_mode import forward_tangents
from backprop_studio.model.program import parse_program
from backprop_studio.model.tangents import TargetError, parse_target

from .test_random_graphs import BINARY, UNARY, random_graphs


def node_function(graph, target):
    """Every node as a plain-torch function of the target leaf (a walk independent of the plan)."""

    def evaluate(x):
        cache = {}

        def value(name):
            if name not in cache:
                node = graph.node(name)
                if node.is_leaf:
                    cache[name] = x if name == target else torch.tensor(node.value, dtype=x.dtype)
                else:
                    args = [value(graph.inputs_of(name)[p].src) for p in node.spec.inputs]
                    cache[name] = (UNARY.get(node.op) or BINARY[node.op])(*args)
            return cache[name]

        return tuple(value(n) for n in graph.names)

    return evaluate


@settings(max_examples=50, deadline=None)
@given(random_graphs(), st.data())
def test_random_graph_tangents_are_the_jacobian(graph, data):
    target = data.draw(st.sampled_from([n.name for n in graph if n.is_leaf]))
    tangents = forward_tangents(graph, target)
    assert tangents.error is None
    x = torch.tensor(graph.node(target).value, dtype=torch.float64)
    columns = torch.autograd.functional.jacobian(node_function(graph, target), x)
    for name, column in zip(graph.names, columns):
        assert math.isclose(tangents.values[name], float(column), rel_tol=1e-9, abs_tol=1e-12)


TENSOR_PROGRAMS = [
    "x = data([[1.0, -2.0, 0.5]])\nW = param([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]])\n"
    "b = param([0.1, -0.1])\nh = tanh(x @ W + b)\nloss = mean(h ** 2)",
    "x = data([0.3, -1.2, 2.0])\nw = param([1.0, 2.0, -0.5])\np = sigmoid(x * w)\n"
    "loss = sum(log(p + 1.0) * exp(w))",
    "z = param([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])\ns = softmax(z)\nl = log_softmax(z)\n"
    "loss = sum(s * l)",
    "W = param([[1.0, 0.5], [-0.2, 0.3]])\nt = transpose(W)\nloss = sum(relu(t @ W - 0.1))",
]


def plan_function(text, target):
    graph = parse_program(text)
    plan = compile_graph(graph)
    slots = plan.leaf_tensors(requires_grad=False)
    slot = plan.slot_of[target]

    def f(x):
        run = list(slots)
        run[slot] = x
        plan.forward(run)
        return tuple(run)

    return graph, plan, slots[slot], f


@pytest.mark.parametrize("text", TENSOR_PROGRAMS)
def test_tensor_tangents_are_jacobian_columns(text):
    graph = parse_program(text)
    for leaf in [n for n in graph if n.is_leaf]:
        graph, plan, x, f = plan_function(text, leaf.name)
        jacobians = torch.autograd.functional.jacobian(f, x)
        for flat, index in enumerate(itertools.product(*map(range, x.shape))):
            tangents = forward_tangents(graph, leaf.name, index)
            assert tangents.error is None
            for name, jac in zip(plan.names, jacobians):
                # the column for entry `index` of the target: d node / d x[index]
                column = jac.reshape(*jac.shape[: jac.dim() - x.dim()], -1)[..., flat]
                got = torch.tensor(tangents.values[name], dtype=torch.float64)
                assert torch.allclose(got, column, rtol=1e-9, atol=1e-12), (name, index)


def test_no_index_moves_every_entry_together():
    text = "x = data([1.0, 2.0])\nw = 3.0\nloss = sum((w * x) ** 2)"
    tangents = forward_tangents(parse_program(text), "x")
    # d/dt sum((3(x + t))²) = 2·9·(1 + 2) = 54
    assert tangents.values["loss"] == pytest.approx(54.0)
    assert tangents.values["w"] == 0.0 and tangents.values["x"] == [1.0, 1.0]


@pytest.mark.parametrize(
    ("target", "index", "words"),
    [
        ("nope", None, "no node named 'nope'"),
        ("y", None, "not a leaf"),
        ("x", (2,), "no such entry"),
        ("x", (0, 0), "no such entry"),
    ],
)
def test_bad_targets_say_why(target, index, words):
    graph = parse_program("x = data([1.0, 2.0])\ny = sum(x * x)")
    tangents = forward_tangents(graph, target, index)
    assert tangents.error and words in tangents.error and not tangents.values


def test_parse_target():
    assert parse_target("x") == ("x", None)
    assert parse_target("W[0, 1]") == ("W", (0, 1))
    assert parse_target(" b[2] ") == ("b", (2,))
    for bad in ("W[", "W[a]", "", "W[-1]"):
        with pytest.raises(TargetError):
            parse_target(bad)
