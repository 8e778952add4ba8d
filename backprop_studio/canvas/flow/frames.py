"""The backward-pass animation as still frames, for an animated GIF (encoded in the app layer).

The frames are the canvas's own: a private GraphScene shows the graph and the Trace, and
``GradientFlow.apply(k, progress)`` puts it in the exact state of step ``k`` at ``progress`` —
no timers, so rendering is deterministic. A private scene, because the animation takes over the
cards it plays on, and the user's canvas must stay as it is while a file is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem

from backprop_studio.model.graph import Graph
from backprop_studio.model.trace import Trace

from ..export import MARGIN, ExportError, drawing_rect, export_mode, font_dpi
from ..items.flow_marks import CalloutMark
from ..scene import GraphScene
from ..style import LIGHT, Theme
from .plan import EDGE, FlowPlan
from .player import STEP_MS, GradientFlow

HOLD_START_MS = 600  # the untouched graph, before anything moves
HOLD_END_MS = 2500  # every gradient in place: time to read them before the loop restarts
DWELL_MS = 2500  # at 1×, a finished chain-rule step is held this long: time to read it aloud
DEFAULT_MAX_WIDTH = 1600  # without a chosen width: 100 %, but no wider than this
MAX_FRAME_PIXELS = 60_000_000  # all frames together (~240 MB while they are encoded)
MIN_FRAME_MS = 20  # GIF delays are in hundredths of a second; viewers slow down shorter ones
MAX_FRAME_MS = 655_350  # a GIF delay is 16 bits of hundredths: a slow speed holds frames this long


@dataclass(frozen=True)
class Frame:
    image: QImage
    duration_ms: int
    step: int  # steps complete (the state shown; ``count`` on the last frame)
    progress: float  # how far step ``step + 1`` has played


def frame_count(trace: Trace, forward: bool = True, tweens: int = 6) -> int:
    """How many frames ``flow_frames`` makes: ``tweens`` per step, plus the final state."""
    return len(FlowPlan(trace, forward)) * tweens + 1


def flow_frames(
    graph: Graph,
    trace: Trace,
    *,
    width: int | None = None,
    speed: float = 1.0,
    tweens: int = 6,
    forward: bool = True,
    theme: Theme = LIGHT,
    dwell_ms: float = DWELL_MS,
) -> list[Frame]:
    """One frame at each of ``tweens`` evenly spaced moments of every step, then the end.

    ``width`` is the image width in pixels (None: 100 %, at most 1600; the height follows);
    ``speed`` as on the canvas (2 = twice as fast). Durations follow the canvas animation's step
    lengths, and each finished edge step (its chain-rule callout with the result) and the last
    frame are held ``dwell_ms`` more, at 1× (divided by ``speed``).
    """
    if not (speed > 0 and math.isfinite(speed)):
        raise ExportError(f"the speed must be a positive number, not {speed}")
    if not (0 <= dwell_ms <= MAX_FRAME_MS and math.isfinite(dwell_ms)):
        raise ExportError(f"the hold must be 0 to {MAX_FRAME_MS / 1000:g} s, not {dwell_ms} ms")
    if tweens < 1 or (width is not None and width < 16):
        raise ExportError("a GIF needs at least one frame per step and 16 pixels of width")
    scene = GraphScene(theme=theme)
    scene.set_graph(graph)
    try:
        scene.show_trace(trace)
        flow = GradientFlow(scene)
        if not flow.load(trace, forward):
            raise ExportError("there is no backward pass to animate: evaluate a graph that runs")
        moments = [(k, i / tweens) for k in range(flow.count) for i in range(tweens)]
        moments.append((flow.count, 0.0))
        with export_mode(scene):
            source = QRectF()
            last = flow.count
            for k, progress in moments:  # first pass: a frame that holds every callout
                flow.apply(k, progress, keep_last=k == last)
                source = source.united(drawing_rect(scene, MARGIN))
            width = width or min(math.ceil(source.width()), DEFAULT_MAX_WIDTH)
            scale = width / source.width()
            height = math.ceil(source.height() * scale)
            if width * height * len(moments) > MAX_FRAME_PIXELS:
                raise ExportError(
                    f"{len(moments)} frames of {width} × {height} pixels are too many; "
                    "choose a smaller width"
                )
            frames = []
            pixel_sized = [i for i in scene.items() if isinstance(i, CalloutMark)]
            for k, progress in moments:
                flow.apply(k, progress, keep_last=k == last)
                image = _render(scene, source, width, height, pixel_sized)
                ms = _duration(flow, k, tweens, speed, dwell_ms if progress == 0 else 0.0)
                if not frames:
                    ms = min(ms + HOLD_START_MS, MAX_FRAME_MS)
                frames.append(Frame(image, ms, k, progress))
        flow.stop(restore=False)
        flow.deleteLater()
        return frames
    finally:
        scene.set_graph(None)
        scene.deleteLater()


def _duration(flow: GradientFlow, k: int, tweens: int, speed: float, dwell: float) -> int:
    """How long the frame of step ``k + 1``'s first moment stays: its share of the step, plus
    ``dwell`` when it shows edge step ``k`` finished (and at the end, at least HOLD_END_MS)."""
    plan = flow.plan
    assert plan is not None
    done, step = plan.step(k), plan.step(k + 1)
    held = dwell / speed if done is not None and done.kind == EDGE else 0.0
    if step is None:
        return min(max(HOLD_END_MS, round(held / 10) * 10), MAX_FRAME_MS)
    ms = min(STEP_MS[step.kind] / speed / tweens + held, MAX_FRAME_MS)
    return max(MIN_FRAME_MS, round(ms / 10) * 10)


def _render(
    scene: GraphScene,
    source: QRectF,
    width: int,
    height: int,
    pixel_sized: list[QGraphicsItem],
) -> QImage:
    """Rendered at no less than 1:1 and then scaled down. The chain-rule callout ignores the
    view's scale (its size and offset are pixels, as on the canvas at any zoom); here it is
    given the frame's scale instead, so it grows with the width like everything else and stays
    where the frame was measured for it at 1:1."""
    scale = max(1.0, width / source.width())
    for item in pixel_sized:
        item.setScale(scale)
    full_w, full_h = math.ceil(source.width() * scale), math.ceil(source.height() * scale)
    image = QImage(full_w, full_h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(scene.theme.background)
    dots = round(font_dpi() / 0.0254)  # text sized in points comes out as on screen
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(0, 0, full_w, full_h), source)
    finally:
        painter.end()
        for item in pixel_sized:
            item.setScale(1.0)
    if (full_w, full_h) == (width, height):
        return image
    return image.scaled(
        width,
        height,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
