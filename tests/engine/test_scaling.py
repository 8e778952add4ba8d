"""Deep graphs evaluate to the right numbers, and the per-step local derivatives are those of
autograd on the whole graph. The programs are sized so that a pass quadratic in the depth would
take minutes (benchmarks/scaling.py has the times); nothing here asserts a time."""

from __future__ import annotations

import math

import torch
from hypothesis import given, settings

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.compile import compile_graph
from backprop_studio.model.program import parse_program
from tests.engine.test_random_graphs import random_graphs


def test_ten_thousand_chained_statements_evaluate_exactly():
    n = 10_000
    text = "w = 1.0\ns0 = data(0.0)\n" + "".join(f"s{i} = s{i - 1} + w\n" for i in range(1, n - 1))
    trace = evaluate(parse_program(text))
    assert trace.error is None and not trace.problems
    assert [trace.values[f"s{i}"] for i in range(n - 1)] == [float(i) for i in range(n - 1)]
    assert trace.grads["w"] == float(n - 2)
    assert trace.grads["s0"] is None  # data
    assert trace.grads["s5000"] == 1.0
    w_edges = [k for k, e in enumerate(trace.edges) if e.src == "w"]
    assert len(w_edges) == n - 2
    assert all(trace.local_grads[k] == 1.0 for k in w_edges)
    assert all(trace.edge_grads[k] == 1.0 for k in w_edges)
    # every edge from a node that needs a gradient, once (s0 is data)
    assert sorted(trace.backward_order) == [k for k, e in enumerate(trace.edges) if e.src != "s0"]


def test_ten_thousand_reassignments_count_to_the_end():
    n = 10_000
    trace = evaluate(parse_program("c = 0.0\n" + "c = c + 1\n" * (n - 1)))
    assert trace.error is None
    assert trace.output == f"c_{n}"
    assert trace.values[f"c_{n}"] == float(n - 1)
    assert trace.values["c_5000"] == 4999.0
    assert trace.grads["c"] == 1.0  # a parameter: every step adds it once
    assert all(g == 1.0 for g in trace.local_grads if g is not None)
    assert sum(g is not None for g in trace.local_grads) == n - 1


def whole_graph_local_grads(graph) -> list[float | None]:
    """∂dst/∂src per scalar edge asked of autograd across the whole graph, through the edge
    aliases: the definition the engine's step-by-step pass must reproduce."""
    plan = compile_graph(graph)
    slots = plan.leaf_tensors()
    aliases: list[torch.Tensor | None] = [None] * len(plan.edges)
    with torch.enable_grad():
        for step in plan.steps:
            args = []
            for src, k in zip(step.args, step.arg_edges):
                tensor = slots[src]
                if tensor.requires_grad:
                    tensor = aliases[k] = tensor.view_as(tensor)
                args.append(tensor)
            slots[step.slot] = step.fn(*args)
    local: list[float | None] = [None] * len(plan.edges)
    for step in plan.steps:
        out = slots[step.slot]
        if not out.requires_grad or out.numel() != 1:
            continue
        ks = [k for k in step.arg_edges if aliases[k] is not None and aliases[k].numel() == 1]
        if ks:
            derivs = torch.autograd.grad(
                out, [aliases[k] for k in ks], retain_graph=True, allow_unused=True
            )
            for k, d in zip(ks, derivs):
                local[k] = 0.0 if d is None else float(d.item())
    return local


def same(a: float | None, b: float | None) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@settings(max_examples=60, deadline=None)
@given(random_graphs())
def test_local_derivatives_are_those_of_autograd_on_the_whole_graph(graph):
    trace = evaluate(graph)
    expected = whole_graph_local_grads(graph)
    assert len(trace.local_grads) == len(expected)
    assert all(same(a, b) for a, b in zip(trace.local_grads, expected)), (
        trace.local_grads,
        expected,
    )
