"""The animated GIF: one frame per state, the durations kept, one shared palette."""

from __future__ import annotations

import io

from PIL import Image

from backprop_studio.app.export.gif import gif_bytes, write_gif
from backprop_studio.canvas.flow.frames import flow_frames
from backprop_studio.canvas.flow.plan import FlowPlan
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


def callout_boxes(monkeypatch, graph, trace, width: int) -> list[tuple[int, int, int, int] | None]:
    """Each frame's chain-rule callout as drawn: the box of the pixels that change when the
    frame is rendered once more without it (None: the frame has no callout)."""
    from PIL import ImageChops

    from backprop_studio.app.export.gif import to_pil
    from backprop_studio.canvas.flow import frames as export_flow

    real, boxes = export_flow._render, []

    def render(scene, source, w, h, pixel_sized):
        image = real(scene, source, w, h, pixel_sized)
        shown = [item for item in pixel_sized if item.isVisible()]
        for item in shown:
            item.setVisible(False)
        bare = real(scene, source, w, h, pixel_sized)
        for item in shown:
            item.setVisible(True)
        boxes.append(ImageChops.difference(to_pil(image), to_pil(bare)).getbbox())
        return image

    with monkeypatch.context() as patch:
        patch.setattr(export_flow, "_render", render)
        flow_frames(graph, trace, tweens=1, width=width)
    return boxes


def test_the_callout_grows_with_the_width_and_stays_on_the_last_frame(qtbot, monkeypatch):
    graph = seed_graph()
    trace = evaluate(graph)
    small = callout_boxes(monkeypatch, graph, trace, 600)
    large = callout_boxes(monkeypatch, graph, trace, 1200)  # above 1:1 for the seed story
    assert small[0] is None  # the untouched graph
    assert small[-1] is not None and large[-1] is not None  # the last formula stays up
    drawn = [(s, b) for s, b in zip(small, large) if s is not None]
    assert len(drawn) >= 3
    for s, b in drawn:
        (x0, y0, x1, y1), (X0, Y0, X1, Y1) = s, b
        assert abs((X1 - X0) - 2 * (x1 - x0)) <= 6, (s, b)  # twice the width, twice the pill
        assert abs((Y1 - Y0) - 2 * (y1 - y0)) <= 6, (s, b)
        assert abs(X0 - 2 * x0) <= 6 and abs(Y0 - 2 * y0) <= 6  # and in the same place


def test_the_command_line_reports_the_frames_stored(qtbot, capsys, tmp_path):
    from backprop_studio.canvas.flow.frames import frame_count
    from backprop_studio.model.gallery import example_path
    from tests.test_cli import run

    path = tmp_path / "seed.gif"
    code, out, err = run(capsys, "export", str(example_path("seed")), "-o", str(path), "--width", "500")  # fmt: skip
    assert code == 0, err
    stored = Image.open(path).n_frames
    graph = seed_graph()
    assert stored < frame_count(evaluate(graph))  # repeated moments are stored once
    assert out.strip() == f"wrote {path}: {stored} frames, 500 × {Image.open(path).height}"
