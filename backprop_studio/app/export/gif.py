"""Animated GIF of the backward pass: the canvas frames (``canvas.flow.frames``) encoded by Pillow.

Qt reads GIFs but cannot write them, so Pillow does the encoding. All frames share one palette,
taken from the first and last frames together (the colours of the graph and of every gradient),
and are not dithered: text and thin edges stay clean, and nothing flickers from frame to frame.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from ...canvas.export import ExportError
from ...canvas.flow.frames import MAX_FRAME_MS, Frame

PALETTE_COLOURS = 255


def _pillow() -> Any:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow is a declared dependency
        raise ExportError("writing a GIF needs Pillow: pip install pillow") from None
    return Image


def to_pil(image: QImage) -> Any:
    """A QImage as an RGB Pillow image (GIF has no partial transparency)."""
    Image = _pillow()
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())[: rgb.sizeInBytes()]
    return Image.frombuffer(
        "RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1
    ).copy()


def gif_bytes(frames: list[Frame]) -> bytes:
    """The frames as one looping GIF."""
    return _encode(frames)[0]


def _encode(frames: list[Frame]) -> tuple[bytes, int]:
    """The GIF and how many frames it stores (runs of identical frames are one)."""
    if not frames:
        raise ExportError("there are no frames to write")
    Image = _pillow()
    images = [to_pil(frame.image) for frame in frames]
    first, last = images[0], images[-1]
    both = Image.new("RGB", (first.width, first.height * 2))
    both.paste(first, (0, 0))
    both.paste(last, (0, first.height))
    palette = both.quantize(PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT)
    indexed = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    indexed, durations = _merge_repeats(indexed, [frame.duration_ms for frame in frames])
    out = io.BytesIO()
    indexed[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=indexed[1:],
        duration=durations,
        loop=0,
        disposal=1,
    )
    return out.getvalue(), len(indexed)


def _merge_repeats(images: list[Any], durations: list[int]) -> tuple[list[Any], list[int]]:
    """One frame per run of identical frames, held for their summed time but at most
    ``MAX_FRAME_MS``: Pillow would merge them itself, and a sum beyond the 16-bit GIF delay
    (a very slow ``speed``) would not fit the file."""
    kept, held, last = [images[0]], [min(durations[0], MAX_FRAME_MS)], images[0].tobytes()
    for image, ms in zip(images[1:], durations[1:]):
        data = image.tobytes()
        if data == last:
            held[-1] = min(held[-1] + ms, MAX_FRAME_MS)
            continue
        kept.append(image)
        held.append(min(ms, MAX_FRAME_MS))
        last = data
    return kept, held


def write_gif(frames: list[Frame], path: str | Path) -> int:
    """Write the GIF; returns the frames stored, fewer than given when some repeat."""
    data, stored = _encode(frames)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise ExportError(f"cannot write '{path}': {exc.strerror or exc}") from None
    return stored
