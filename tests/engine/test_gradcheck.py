"""The gradient check: finite differences from torch forward passes agree with autograd on the
gallery and on random graphs, and a kink is shown as a disagreement with its explanation."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings

from backprop_studio.engine.gradcheck import SAMPLE, check_graph, sample_indices
from backprop_studio.model.check_result import TOLERANCE
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import EXAMPLES, example_path
from backprop_studio.model.graph import Node
from backprop_studio.model.program import parse_program

from .test_random_graphs import random_graphs


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_every_gallery_example_agrees(example):
    graph = load_document(example_path(example.name)).graph
    check = check_graph(graph)
    assert check.error is None
    assert check.params, "every example has parameters"
    assert check.ok, {n: p.max_rel_error for n, p in check.params.items()}
    for param in check.params.values():
        assert param.checked == min(param.numel, SAMPLE)
        assert param.max_rel_error <= TOLERANCE
        assert param.explanation == ""


@settings(max_examples=40, deadline=None)
@given(random_graphs())
def test_random_graphs_agree(graph):
    check = check_graph(graph)
    assert check.error is None or "no parameter" in check.error
    assert check.ok or check.error, {n: p.max_rel_error for n, p in check.params.items()}


def test_the_numbers_are_the_derivatives():
    # d/dw (w·x)² = 2·w·x² = 2·3·4 = 24, and d/dx is not checked: x is data
    check = check_graph(parse_program("w = 3.0\nx = data(2.0)\n(w * x) ** 2"))
    (entry,) = check.params["w"].entries
    assert entry.autograd == 24.0
    assert entry.numeric == pytest.approx(24.0, rel=1e-9)
    assert entry.index == ()
    assert list(check.params) == ["w"]


def test_relu_at_exactly_zero_is_a_kink_with_its_explanation():
    check = check_graph(parse_program("w = 0.0\nr = relu(w)"))
    param = check.params["w"]
    assert not check.ok and not param.ok
    (entry,) = param.entries
    assert entry.numeric == pytest.approx(0.5)
    assert entry.autograd == 0.0
    assert entry.kink == "r"
    assert "kink" in param.explanation and "0.5" in param.explanation
    assert "'r' (relu)" in param.explanation


def test_a_relu_away_from_zero_agrees_and_a_kink_elsewhere_in_a_tensor_is_found():
    text = "w = param([-1.0, 0.0, 2.0])\nsum(relu(w))"
    param = check_graph(parse_program(text)).params["w"]
    assert [e.ok for e in param.entries] == [True, False, True]
    assert param.entries[1].index == (1,)
    assert param.entries[1].kink is not None


def test_large_parameters_are_sampled_with_a_seed():
    values = torch.linspace(-1, 1, 200).reshape(10, 20).tolist()
    text = f"w = param({values})\nsum(tanh(w))"
    first, second = check_graph(parse_program(text)), check_graph(parse_program(text))
    param = first.params["w"]
    assert param.checked == SAMPLE and param.numel == 200 and param.ok
    assert [e.index for e in param.entries] == [e.index for e in second.params["w"].entries]
    assert len({e.index for e in param.entries}) == SAMPLE
    assert sample_indices(10) == list(range(10))


def test_a_tensor_output_is_checked_as_its_sum_like_backward_seeded_with_ones():
    check = check_graph(parse_program("w = param([1.0, 2.0])\nw * w"))
    assert check.ok
    assert [e.autograd for e in check.params["w"].entries] == [2.0, 4.0]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x = data(1.0)\ntanh(x)", "no parameter"),
        ("w = -1.0\nlog(w)", "not finite"),
    ],
)
def test_a_graph_that_cannot_be_checked_says_why(text, words):
    check = check_graph(parse_program(text))
    assert not check.ok
    assert words in check.error


def test_a_graph_with_a_problem_reports_the_problem():
    graph = parse_program("w = 1.0\ntanh(w)")
    graph.add_node(Node("s", "add"))
    graph.set_output("s")
    check = check_graph(graph)
    assert not check.ok and not check.params
    assert check.error == graph.analyse().problems[0].message


def test_json_has_the_documented_shape():
    data = check_graph(parse_program("w = 0.0\nrelu(w) + w")).to_json()
    assert data == {
        "ok": False,
        "params": {
            "w": {"ok": False, "max_rel_error": data["params"]["w"]["max_rel_error"], "checked": 1}
        },
    }
    assert data["params"]["w"]["max_rel_error"] > 0.1


def _torch_gradcheck(text: str) -> bool:
    """torch's own gradcheck of the same function of the parameters (independent of ours)."""
    from backprop_studio.engine.compile import compile_graph

    plan = compile_graph(parse_program(text), "float64")
    slots = plan.leaf_tensors()
    params = [s for s, train in zip(plan.leaf_slots, plan.trainable) if train]

    def f(*tensors):
        run = list(slots)
        for slot, tensor in zip(params, tensors):
            run[slot] = tensor
        return plan.forward(run).sum()

    inputs = tuple(slots[s].detach().clone().requires_grad_() for s in params)
    return torch.autograd.gradcheck(f, inputs, raise_exception=False)


@pytest.mark.parametrize(
    "text",
    [
        "w = 3.0\nx = data(2.0)\n(w * x) ** 2",
        "w = param([[0.5, -1.0], [2.0, 0.1]])\nx = data([[1.0, 2.0]])\nsum(tanh(x @ w))",
        "w = 0.0\nr = relu(w)",
        "w = param([-1.0, 0.0, 2.0])\nsum(relu(w))",
        "w = param([0.3, -2.0])\nsum(sigmoid(w) * exp(w))",
    ],
)
def test_the_verdict_is_torch_gradchecks(text):
    assert check_graph(parse_program(text)).ok == _torch_gradcheck(text)
