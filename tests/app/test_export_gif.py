"""The animated GIF: one frame per state, the durations kept, one shared palette."""

from __future__ import annotations

import io

from PIL import Image

from backprop_studio.app.export_gif import gif_bytes, write_gif
from backprop_studio.canvas.export_flow import flow_frames
from backprop_studio.canvas.flow_plan import FlowPlan
from backprop_studio.engine.autograd import evaluate
from tests.canvas.canvas_helpers import seed_graph


def test_gif_has_one_frame_per_step_plus_the_start(qtbot, tmp_path):
    graph = seed_graph()
    trace = evaluate(graph)
    frames = flow_frames(graph, trace, tweens=1, width=500)
    path = tmp_path / "backward.gif"
    write_gif(frames, path)
    gif = Image.open(path)
    assert gif.format == "GIF"
    assert gif.n_frames == len(FlowPlan(trace)) + 1 == len(frames)
    assert gif.size == (500, frames[0].image.height())
    durations = []
    for i in range(gif.n_frames):
        gif.seek(i)
        durations.append(gif.info["duration"])
    assert durations == [f.duration_ms for f in frames]
    assert gif.info.get("loop") == 0  # loops forever, as on a slide


def test_identical_moments_merge_but_the_time_is_kept(qtbot):
    graph = seed_graph()
    frames = flow_frames(graph, evaluate(graph), tweens=4, width=300)
    gif = Image.open(io.BytesIO(gif_bytes(frames)))
    assert 1 < gif.n_frames <= len(frames)
    total = 0
    for i in range(gif.n_frames):
        gif.seek(i)
        total += gif.info["duration"]
    assert total == sum(f.duration_ms for f in frames)
