"""Hypothesis-generated graphs (with fan-out) against an independent direct torch evaluation."""

from __future__ import annotations

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.graph import Graph, Node

UNARY = {
    "tanh": torch.tanh,
    "sin": torch.sin,
    "cos": torch.cos,
    "neg": torch.neg,
    "sigmoid": torch.sigmoid,
}
BINARY = {"add": torch.add, "sub": torch.sub, "mul": torch.mul}


@st.composite
def random_graphs(draw):
    graph = Graph()
    n_leaves = draw(st.integers(1, 4))
    for i in range(n_leaves):
        op = draw(st.sampled_from(["param", "param", "data"]))
        value = draw(st.floats(-2, 2, allow_nan=False))
        graph.add_node(Node(f"l{i}", op, value=value))
    for i in range(draw(st.integers(1, 8))):
        names = graph.names
        op = draw(st.sampled_from(sorted(UNARY) + sorted(BINARY)))
        node = graph.add_node(Node(f"n{i}", op))
        for port in node.spec.inputs:
            graph.connect(draw(st.sampled_from(names)), node.name, port)  # repeats = fan-out
    graph.set_output(graph.names[-1])
    return graph


def direct(graph: Graph):
    """Walk the graph recursively with plain torch calls; gradients by torch.autograd.grad."""
    leaves = {
        n.name: torch.tensor(n.value, dtype=torch.float64, requires_grad=n.trainable)
        for n in graph
        if n.is_leaf
    }
    cache = dict(leaves)

    def value(name):
        if name not in cache:
            node = graph.node(name)
            args = [value(graph.inputs_of(name)[p].src) for p in node.spec.inputs]
            fn = UNARY.get(node.op) or BINARY[node.op]
            cache[name] = fn(*args)
        return cache[name]

    out = value(graph.output)
    params = [t for t in leaves.values() if t.requires_grad]
    grads = {}
    if out.requires_grad and params:
        found = torch.autograd.grad(out, params, allow_unused=True)
        names = [n for n, t in leaves.items() if t.requires_grad]
        grads = {n: (0.0 if g is None else g.item()) for n, g in zip(names, found)}
    return out.item(), grads


@settings(max_examples=60, deadline=None)
@given(random_graphs())
def test_random_graph_matches_direct_torch(graph):
    trace = evaluate(graph)
    expected_out, expected_grads = direct(graph)
    assert math.isclose(trace.output_value, expected_out, rel_tol=1e-9, abs_tol=1e-12)
    for name, grad in expected_grads.items():
        shown = trace.grad(name)
        # a parameter that does not reach the output has no gradient at all
        assert math.isclose(shown if shown is not None else 0.0, grad, rel_tol=1e-9, abs_tol=1e-12)
    # contributions on out-edges sum to every node's gradient
    for name in trace.values:
        parts = [
            g for e, g in zip(trace.edges, trace.edge_grads) if e.src == name and g is not None
        ]
        if parts:
            assert math.isclose(sum(parts), trace.grad(name), rel_tol=1e-9, abs_tol=1e-12)
