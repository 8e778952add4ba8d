"""Blocks change no number: evaluation with and without them is identical, and the backward
order shown through a collapsed block is the Trace's order restricted to what stays visible."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.blocks import Block, boundary, visible_backward_order
from backprop_studio.model.program import parse_program
from tests.model.test_program_blocks import MLP


def _plain(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if not line.startswith("with block")]
    return "\n".join(lines) + "\n"


def test_evaluation_is_identical_with_and_without_blocks():
    grouped, plain = parse_program(MLP), parse_program(_plain(MLP))
    assert len(grouped.blocks) == 2 and len(plain.blocks) == 0
    a, b = evaluate(grouped), evaluate(plain)
    assert a.ok and b.ok
    assert a.values == b.values and a.grads == b.grads
    assert a.edges == b.edges and a.edge_grads == b.edge_grads
    assert a.backward_order == b.backward_order


def test_through_a_collapsed_block_the_order_is_one_step_per_boundary_edge():
    graph = parse_program(MLP)
    trace = evaluate(graph)
    linear2 = graph.blocks.block("Linear 2")
    assert linear2.collapsed
    shown = visible_backward_order(trace.edges, trace.backward_order, graph.blocks)
    inside = {e for e in graph.edges if e.src in linear2.members and e.dst in linear2.members}
    assert [trace.edges[i] for i in shown] == [
        trace.edges[i] for i in trace.backward_order if trace.edges[i] not in inside
    ]
    crossing = boundary(graph.edges, linear2.members).edges
    through = [trace.edges[i] for i in shown if trace.edges[i] in crossing]
    assert through == [trace.edges[i] for i in trace.backward_order if trace.edges[i] in crossing]
    assert len(through) == len(crossing)


@settings(max_examples=30, deadline=None)
@given(picks=st.lists(st.integers(0, 30), min_size=1, max_size=6))
def test_restricted_order_for_any_collapsed_selection(picks):
    graph = parse_program(_plain(MLP))
    names = graph.names
    members = tuple(dict.fromkeys(names[i % len(names)] for i in picks))
    graph.blocks.add(Block("B", members, collapsed=True))
    trace = evaluate(graph)
    shown = visible_backward_order(trace.edges, trace.backward_order, graph.blocks)
    crossing = set(boundary(graph.edges, members).edges)
    inside = {e for e in graph.edges if e.src in members and e.dst in members}
    assert [i for i in shown if trace.edges[i] in crossing] == [
        i for i in trace.backward_order if trace.edges[i] in crossing
    ]
    assert not any(trace.edges[i] in inside for i in shown)
    assert set(shown) == {i for i in trace.backward_order if trace.edges[i] not in inside}
