"""Frames of the backward-pass animation, made without timers on a private scene."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_studio.canvas.export import ExportError
from backprop_studio.canvas.flow.frames import HOLD_END_MS, flow_frames, frame_count
from backprop_studio.canvas.flow.plan import FlowPlan
from backprop_studio.canvas.style import LIGHT
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.graph import Graph
from tests.canvas.test_export import near, pixels


@pytest.fixture
def trace(seed):
    return evaluate(seed)


def test_one_frame_per_step_and_the_end(qtbot, seed, trace):
    frames = flow_frames(seed, trace, tweens=1)
    steps = len(FlowPlan(trace))
    assert len(frames) == steps + 1 == frame_count(trace, tweens=1)
    assert [f.step for f in frames] == list(range(steps + 1))
    assert frames[-1].duration_ms == HOLD_END_MS
    assert len({(f.image.width(), f.image.height()) for f in frames}) == 1


def test_tweens_split_each_step_and_speed_shortens_them(qtbot, seed, trace):
    slow = flow_frames(seed, trace, tweens=3, forward=False)
    fast = flow_frames(seed, trace, tweens=3, forward=False, speed=2.0)
    assert len(slow) == frame_count(trace, forward=False, tweens=3)
    assert [round(f.progress, 3) for f in slow[:3]] == [0.0, 0.333, 0.667]
    assert sum(f.duration_ms for f in fast[1:-1]) < sum(f.duration_ms for f in slow[1:-1])


def test_gradients_appear_on_the_way(qtbot, seed, trace):
    frames = flow_frames(seed, trace, tweens=1, forward=False, width=600)
    assert frames[0].image.width() == 600
    first, last = pixels(frames[0].image), pixels(frames[-1].image)
    assert not near(first, LIGHT.negative).any()  # no gradient has arrived yet
    assert near(last, LIGHT.negative).sum() > 40  # −2 along w → ŷ → sub → loss


def test_the_graph_is_left_as_it_was_with_no_listener_behind(qtbot, seed, trace):
    before, listeners = seed.structure(), len(seed.changed)
    flow_frames(seed, trace, tweens=1)
    assert seed.structure() == before
    assert len(seed.changed) == listeners


def test_nothing_to_animate_and_bad_options_are_export_errors(qtbot, seed, trace):
    with pytest.raises(ExportError, match="speed"):
        flow_frames(seed, trace, speed=0.0)
    broken = evaluate(Graph())
    with pytest.raises(ExportError, match="no backward pass"):
        flow_frames(seed, broken)


def test_frames_are_not_blank(qtbot, seed, trace):
    frames = flow_frames(seed, trace, tweens=1, width=400)
    array = pixels(frames[len(frames) // 2].image)
    assert len(np.unique(array.reshape(-1, 4), axis=0)) > 20


@pytest.mark.parametrize(("dwell", "speed"), [(2500, 1.0), (4000, 2.0), (0, 1.0)])
def test_each_finished_edge_step_and_the_end_are_held_for_the_dwell(
    qtbot, seed, trace, dwell, speed
):
    plain = flow_frames(seed, trace, tweens=2, forward=False, dwell_ms=0, speed=speed)
    held = flow_frames(seed, trace, tweens=2, forward=False, dwell_ms=dwell, speed=speed)
    plan = FlowPlan(trace, forward=False)
    edge_steps = {k for k in range(1, len(plan) + 1) if plan.step(k).kind == "edge"}
    assert len(edge_steps) == 3  # w → ŷ, ŷ → sub, sub → loss
    for a, b in zip(plain[:-1], held[:-1]):
        extra = b.duration_ms - a.duration_ms
        finished_edge = b.progress == 0 and b.step in edge_steps
        assert extra == pytest.approx(dwell / speed if finished_edge else 0, abs=10)
    assert held[-1].duration_ms == max(HOLD_END_MS, round(dwell / speed))
    # at 1×, a chain-rule formula stays on screen at least the dwell (here from its own step)
    if speed == 1.0:
        shown = {
            k: sum(f.duration_ms for f in held if f.step == k and f.progress == 0)
            for k in edge_steps
        }
        assert all(ms >= dwell for ms in shown.values())


def test_a_bad_dwell_is_an_export_error(qtbot, seed, trace):
    with pytest.raises(ExportError, match="hold"):
        flow_frames(seed, trace, dwell_ms=-1)
