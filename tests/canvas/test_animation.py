"""GradientFlow plays a real Trace: in torch's own backward order, ending at the Trace's numbers,
with exact stepping back, and letting go when the graph is edited."""

from __future__ import annotations

import math

import pytest
import torch

from backprop_studio.canvas import GraphScene
from backprop_studio.canvas.flow.plan import EDGE, FORWARD, SEED, FlowPlan
from backprop_studio.canvas.flow.player import GradientFlow
from backprop_studio.canvas.style import LIGHT
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.graph import Edge
from tests.builders import build

LEAVES = {"a": ("param", 0.5), "b": ("param", -1.5)}
# a fans out to four ports (m, t and both ports of s); u and out fan in
OPS = [
    ("m", "mul", ["a", "b"]),
    ("t", "tanh", ["a"]),
    ("s", "mul", ["a", "a"]),
    ("u", "add", ["m", "t"]),
    ("out", "add", ["u", "s"]),
]


def torch_hook_order() -> list[tuple[str, str, str]]:
    """The same expression written directly in torch, an alias and a hook per edge, created in
    the engine's order (nodes topologically, ports in order): the order the hooks fire."""
    order: list[tuple[str, str, str]] = []
    t64 = torch.float64
    val = {
        "a": torch.tensor(0.5, dtype=t64, requires_grad=True),
        "b": torch.tensor(-1.5, dtype=t64, requires_grad=True),
    }
    fns = {"mul": torch.mul, "tanh": torch.tanh, "add": torch.add}
    for name, op, inputs in OPS:
        args = []
        for port, src in zip("ab", inputs):
            alias = val[src].view_as(val[src])
            alias.register_hook(lambda g, e=(src, name, port): order.append(e))
            args.append(alias)
        val[name] = fns[op](*args)
    val["out"].backward()
    return order


@pytest.fixture
def fan():
    graph = build(LEAVES, OPS)
    return graph, evaluate(graph)


@pytest.fixture
def flow(qtbot, fan):
    graph, trace = fan
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    scene.show_trace(trace)
    flow = GradientFlow(scene)
    assert flow.load(trace)
    return flow


def snapshot(flow: GradientFlow) -> dict:
    """Everything a user could see of the cards, the edges and the marks."""
    scene = flow._scene
    nodes = {n: (i.text_lines(), i.value, i.grad) for n, i in scene.node_items().items()}
    edges = {
        e: (i.grad, i.color.name(), i.width, i.label, i.tooltip_text())
        for e, i in scene.edge_items().items()
    }
    marks = {
        kind: [
            (
                round(m.pos().x(), 6),
                round(m.pos().y(), 6),
                m.path().boundingRect().getRect(),
                m.opacity(),
                getattr(m, "text", None),
                m.pen().color().name(),
            )
            for m in items
        ]
        for kind, items in flow.marks().items()
    }
    return {"nodes": nodes, "edges": edges, "marks": marks}


def test_visits_edges_in_backward_order_which_is_torchs_hook_order(qtbot, fan, flow):
    _, trace = fan
    hooks = torch_hook_order()
    assert [(e.src, e.dst, e.port) for e in (trace.edges[k] for k in trace.backward_order)] == hooks
    visited: list[int] = []
    flow.edge_visited.connect(visited.append)
    flow.set_speed(16.0)
    with qtbot.waitSignal(flow.finished, timeout=20_000):
        flow.play()
    assert visited == list(trace.backward_order) == flow.plan.edge_order
    assert len(set(visited)) == len(visited) == 9  # every edge carrying a gradient, once


def test_stepping_visits_the_same_order(fan, flow):
    _, trace = fan
    visited: list[int] = []
    flow.edge_visited.connect(visited.append)
    for _ in range(flow.count + 3):  # extra presses at the end change nothing
        flow.step_forward()
    assert visited == list(trace.backward_order)


def test_the_plan_is_forward_generations_then_seed_then_edges(fan):
    _, trace = fan
    plan = FlowPlan(trace)
    kinds = [s.kind for s in plan.steps]
    assert kinds == [FORWARD] * 4 + [SEED] + [EDGE] * 9
    assert [s.nodes for s in plan.steps[:4]] == [("a", "b"), ("m", "t", "s"), ("u",), ("out",)]
    assert [s.kind for s in FlowPlan(trace, forward=False).steps][0] == SEED


def test_values_light_up_forward_before_any_gradient(fan, flow):
    _, trace = fan
    items = flow._scene.node_items()
    assert all(items[n].value is None and items[n].grad is None for n in trace.values)
    flow.apply_step(1)
    assert items["a"].value == 0.5 and items["m"].value is None
    flow.apply_step(4)
    assert all(items[n].value == trace.values[n] for n in trace.values)
    assert all(items[n].grad is None for n in trace.values)
    flow.apply_step(5)  # the seed
    assert items["out"].grad == 1.0 and items["u"].grad is None


def test_after_the_animation_every_card_and_edge_shows_the_trace(fan, flow):
    graph, trace = fan
    flow.jump_to_end()
    scene = flow._scene
    for name in trace.values:
        item = scene.node_item(name)
        assert item.value == trace.values[name]
        assert item.grad == trace.grads[name]
    for i, edge in enumerate(trace.edges):
        assert scene.edge_item(edge).grad == trace.edge_grads[i]
        assert scene.edge_item(edge).label  # every edge keeps its gradient label


def test_partial_sums_at_a_fan_out_node_add_up_to_the_trace_gradient(fan, flow):
    _, trace = fan
    plan = flow.plan
    into_a = plan.contributions("a")
    assert len(into_a) == 4
    shown_grads, running = [], 0.0
    for k in range(len(plan) + 1):
        flow.apply_step(k)
        state = plan.state(k).nodes["a"]
        assert flow._scene.node_item("a").grad == state.grad
        if state.terms:
            shown_grads.append(state.grad)
    # each new contribution moves the card's gradient to the running sum of the arrived terms
    partial = []
    for k in into_a:
        running += trace.edge_grads[k]
        partial.append(running)
    assert [g for i, g in enumerate(shown_grads) if i == 0 or g != shown_grads[i - 1]] == (
        pytest.approx(partial, rel=1e-12)
    )
    assert math.isclose(partial[-1], trace.grads["a"], rel_tol=1e-12)
    final = plan.state(len(plan)).nodes["a"]
    assert final.grad == trace.grads["a"] and final.complete
    sums = [m.text for m in flow.marks()["sums"]]
    assert sums == ["grad = 0.5 + 0.5 + 0.786 + -1.5 = 0.286"]


def test_a_partial_sum_says_how_many_are_still_to_come(fan, flow):
    plan = flow.plan
    first = plan.steps.index(next(s for s in plan.steps if s.kind == EDGE and s.nodes == ("a",)))
    flow.apply_step(first + 2)
    assert [m.text for m in flow.marks()["sums"]] == ["grad = 0.5 + 0.5 + … = 1 so far (2 of 4)"]


def test_step_back_then_forward_returns_identical_item_states(flow):
    for k in range(flow.count):
        flow.apply_step(k)
        before = snapshot(flow)
        flow.step_forward()
        after = snapshot(flow)
        flow.step_back()
        assert snapshot(flow) == before, k
        flow.step_forward()
        assert snapshot(flow) == after, k


def test_a_frame_depends_on_step_and_progress_only(flow):
    frames = {}
    for k in range(flow.count):
        flow.apply(k, 0.5)
        frames[k] = snapshot(flow)
    flow.jump_to_end()
    for k in reversed(range(flow.count)):
        flow.apply(k, 0.5)
        assert snapshot(flow) == frames[k], k
    assert flow.frame_states() == flow.plan.states()


def test_the_pulse_travels_from_consumer_to_producer(flow):
    plan = flow.plan
    k = next(i for i, s in enumerate(plan.steps) if s.kind == EDGE)
    edge = flow.trace.edges[plan.steps[k].edge]
    item = flow._scene.edge_item(edge)
    start, end = item.path().pointAtPercent(0), item.path().pointAtPercent(1)
    fronts = []
    for p in (0.2, 0.5, 0.8):
        flow.apply(k, p)
        (pulse,) = flow.marks()["pulses"]
        fronts.append(pulse.front)
    assert (fronts[0] - end).manhattanLength() < (fronts[0] - start).manhattanLength()
    assert (fronts[2] - start).manhattanLength() < (fronts[2] - end).manhattanLength()
    assert flow.marks()["callout"][0].text.startswith(f"∂L/∂{edge.src} (via {edge.dst})")


def test_an_edit_during_the_animation_cancels_it_and_restores_the_trace(qtbot, fan, flow):
    graph, trace = fan
    scene = flow._scene
    flow.set_speed(4.0)
    flow.play()
    qtbot.waitUntil(lambda: flow.step > 5, timeout=10_000)
    stopped = []
    flow.stopped.connect(lambda: stopped.append(True))
    graph.set_value("b", 2.0)
    assert stopped and not flow.is_active and not flow.is_playing
    assert not any(flow.marks().values())
    overlay = [i for i in scene.items() if type(i).__name__.endswith("Mark")]
    assert overlay == []
    assert scene.edge_item(Edge("a", "m", "a")).grad == trace.edge_grads[0]
    qtbot.wait(50)  # no timer of the stopped flow touches the scene any more
    assert flow.step == 0


def test_a_new_trace_or_graph_takes_the_canvas_back(qtbot, fan, flow):
    graph, trace = fan
    scene = flow._scene
    flow.play()
    scene.show_trace(trace)
    assert not flow.is_active and scene.node_item("a").grad == trace.grads["a"]
    assert flow.load(trace)
    flow.play()
    scene.set_graph(None)  # e.g. another document: the items the flow drew on are gone
    assert not flow.is_active
    qtbot.wait(50)


def test_no_callout_leader_strikes_through_an_edge_label(qtbot):
    """The seed story, each chain-rule step finished: the leader from the formula to its edge
    passes no gradient label as the labels stand once drawn (from the midpoint it struck
    through w → ŷ's "-2" on the last frame, which keeps its formula)."""
    from PySide6.QtCore import QLineF

    from backprop_studio.model.document_io import load_document
    from backprop_studio.model.gallery import example_path

    graph = load_document(example_path("seed")).graph
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    trace = evaluate(graph)
    scene.show_trace(trace)
    flow = GradientFlow(scene)
    assert flow.load(trace)
    flow.jump_to_end()  # every label drawn, as the last frames show them
    boxes = [
        item.mapRectToScene(rect)
        for item in scene.edge_items().values()
        for rect in item.label_rects()
    ]
    assert len(boxes) >= 3
    crossing = QLineF.IntersectionType.BoundedIntersection
    steps = [k for k, step in enumerate(flow.plan.steps) if step.kind == EDGE]
    for k in steps:
        flow.apply(k, 1.0)
        (callout,) = flow.marks()["callout"]
        leader = callout._leader
        line = QLineF(leader.mapToScene(leader.line().p1()), leader.mapToScene(leader.line().p2()))
        for box in boxes:
            corners = (box.topLeft(), box.topRight(), box.bottomRight(), box.bottomLeft())
            sides = [QLineF(a, b) for a, b in zip(corners, corners[1:] + corners[:1])]
            assert not any(line.intersects(side)[0] == crossing for side in sides), k
            assert not (box.contains(line.p1()) or box.contains(line.p2())), k
    assert len(steps) == 3
