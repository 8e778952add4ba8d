"""TangentFlow plays forward mode: tangents travel from the target along the edges, in an
order where every node's inputs are known before it, pulses moving forward (source to
destination), as torch's forward-mode AD computes them."""

from __future__ import annotations

import torch
import torch.autograd.forward_ad as fwAD

from backprop_studio.canvas import GraphScene
from backprop_studio.canvas.flow.plan import tangent_steps
from backprop_studio.canvas.flow.tangents import TangentFlow
from backprop_studio.canvas.style import LIGHT
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.layout import layered_layout
from tests.builders import build
from tests.canvas.test_animation import LEAVES, OPS


def _fan():
    graph = build(LEAVES, OPS)
    for name, position in layered_layout(graph, aspect=None).items():
        graph.set_position(name, position)  # one band: every edge runs left to right
    return graph, evaluate(graph)


def test_steps_go_from_the_target_forward_each_node_after_its_inputs():
    _, trace = _fan()
    steps = tangent_steps(trace, "a")
    assert [s.nodes for s in steps] == [("a", "b"), ("m", "t", "s"), ("u",), ("out",)]
    known: set[str] = set(steps[0].nodes)
    assert steps[0].edges == ()  # a's tangent is 1, b's 0: known before anything flows
    for step in steps[1:]:
        for i in step.edges:
            assert trace.edges[i].src in known and trace.edges[i].dst in step.nodes
        known |= set(step.nodes)
    # from b, only m and what follows it get a tangent along an edge; t and s are 0 at once
    from_b = tangent_steps(trace, "b")
    assert from_b[0].nodes == ("a", "b", "t", "s")
    flowing = [(trace.edges[i].src, trace.edges[i].dst) for s in from_b for i in s.edges]
    assert flowing == [("b", "m"), ("m", "u"), ("u", "out")]


def test_the_order_is_the_one_forward_ad_fills_the_nodes_in():
    """Written directly with torch.autograd.forward_ad: a node's tangent exists once its op ran
    on dual inputs; recording that order gives the same generations."""
    _, trace = _fan()
    order: list[str] = []
    fns = {"mul": lambda x, y: x * y, "tanh": lambda x: x.tanh(), "add": lambda x, y: x + y}

    with fwAD.dual_level():
        val = {
            "a": fwAD.make_dual(torch.tensor(0.5), torch.tensor(1.0)),
            "b": torch.tensor(-1.5),
        }
        for name, op, inputs in OPS:
            val[name] = fns[op](*(val[s] for s in inputs))
            order.append(name)
        steps = tangent_steps(trace, "a")
        position = {n: k for k, s in enumerate(steps) for n in s.nodes}
        assert [position[n] for n in order] == sorted(position[n] for n in order)
        assert fwAD.unpack_dual(val["out"]).tangent is not None


def test_pulses_move_forward_along_the_edges_and_rings_mark_arrivals(qtbot):
    graph, trace = _fan()
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    scene.show_trace(trace)
    flow = TangentFlow(scene)
    assert flow.load(trace, "a")
    arrived: list[int] = []
    flow.arrived.connect(arrived.append)
    flow.advance()  # step 1: the target, at once
    flow.apply(1, 0.3)  # step 2 under way: a → m, a → t, a → s (twice)
    pulses = flow.marks()["pulses"]
    assert len(pulses) == len(tangent_steps(trace, "a")[1].edges) == 4
    early = [p.front for p in pulses]
    flow.apply(1, 0.6)
    later = [p.front for p in flow.marks()["pulses"]]
    assert all(b.x() > a.x() for a, b in zip(early, later))  # left to right: forward
    flow.apply(1, 0.999)  # arrived: no pulse, the receivers ringed
    assert flow.marks()["pulses"] == [] and len(flow.marks()["rings"]) >= 3
    with qtbot.waitSignal(flow.finished, timeout=20_000):
        flow.play()
    assert arrived == [1, 2, 3, 4] and not flow.is_playing
    flow.stop()
    assert flow.marks() == {}
