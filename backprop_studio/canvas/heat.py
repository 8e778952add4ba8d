"""Tensors as pictures: one cell per element, or a histogram when there are too many to show.

One colour scale for the canvas and the inspector: white at zero, orange for positive, blue for
negative, scaled to the tensor's largest finite |value| (so a picture shows the pattern inside
one tensor; its scale is printed beside it). A picture is a small QImage, one pixel per cell or
per histogram step, built once per value and drawn scaled without smoothing, so cells stay crisp
blocks at any zoom. Non-finite cells are dark grey.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QImage

from backprop_studio.model.shapes import Value

MAX_SIDE = 32  # more rows or columns than this, or more than two dims: a histogram
BINS = 24  # histogram bars
HIST_LEVELS = 24  # vertical resolution of a histogram picture
POSITIVE = (230, 85, 13)
NEGATIVE = (31, 119, 180)
NON_FINITE = (70, 70, 70)
# From opaque white, by sign (x > 0), as the pixels hold it in memory: B, G, R, A (little
# endian). Alpha moves by 0, so one pass makes all four bytes of a pixel.
_TOWARDS = np.array([[*NEGATIVE[::-1], 255], [*POSITIVE[::-1], 255]], float) - 255.0
_NON_FINITE_PIXEL = np.array([*NON_FINITE[::-1], 255], float)
# Premultiplied, what a painter draws without converting: every pixel is opaque or all zero,
# whose bytes are the same either way
_FORMAT = QImage.Format.Format_ARGB32_Premultiplied
_HIST_FLOOR = 0.35  # bars near zero keep this much colour, or they vanish on a white card

_builds = 0


def build_count() -> int:
    """How many pictures have been built so far (tests check repaints build none)."""
    return _builds


def heat_rgb(t: float) -> tuple[int, int, int]:
    """The colour of ``t`` in [-1, 1]: white at 0, orange towards 1, blue towards -1."""
    t = max(-1.0, min(1.0, t))
    target = POSITIVE if t > 0 else NEGATIVE
    mix = abs(t)
    r, g, b = (round(255 + (c - 255) * mix) for c in target)
    return r, g, b


def as_rows(value: Value) -> list[list[float]] | None:
    """A 1-D value as one row, a 2-D value as its rows; None for scalars and higher ranks."""
    if not isinstance(value, list) or not value:
        return None
    if all(isinstance(v, (int, float)) for v in value):
        return [list(map(float, value))]
    if all(isinstance(r, list) and all(isinstance(v, (int, float)) for v in r) for r in value):
        if not value[0]:
            return None
        return [list(map(float, r)) for r in value]
    return None


def _flat(value: Value) -> list[float]:
    out: list[float] = []
    stack = [value]
    while stack:
        top = stack.pop()
        if isinstance(top, list):
            stack.extend(reversed(top))
        else:
            out.append(float(top))
    return out


def grid_of(shape: tuple[int, ...] | None) -> tuple[int, int] | None:
    """(rows, cols) of a tensor shown cell by cell, None when it becomes a histogram."""
    if not shape or len(shape) > 2:
        return None
    rows, cols = (1, shape[0]) if len(shape) == 1 else shape
    if rows < 1 or cols < 1 or rows > MAX_SIDE or cols > MAX_SIDE:
        return None
    return rows, cols


@dataclass(frozen=True)
class HeatPicture:
    """A tensor's picture: ``kind`` "cells" (``rows × cols`` pixels) or "histogram"."""

    image: QImage
    kind: str
    scale: float  # the largest finite |x|, what full colour means (0: all zeros)
    rows: int
    cols: int


def _pixel(rgb: tuple[int, int, int]) -> bytes:
    r, g, b = rgb
    return bytes((b, g, r, 255))  # B, G, R, A in memory (little endian)


def _image(data: bytes | bytearray, width: int, height: int) -> QImage:
    image = QImage(bytes(data), width, height, 4 * width, _FORMAT)
    return image.copy()  # own the pixels: the bytes above are a temporary


def heat_picture(value: Value | None) -> HeatPicture | None:
    """The picture of a vector, matrix or bigger tensor; None for a scalar or no value."""
    global _builds
    grid = _grid_cells(value)
    if grid is not None:
        _builds += 1
        return cells_picture(grid)
    return _other_picture(value)


def heat_pictures(values: list[Value | None]) -> list[HeatPicture | None]:
    """:func:`heat_picture` of each of ``values``, the cells of tensors of one shape coloured
    together: a new trace brings the tensor cards in sight new pictures, a few dozen of a
    few dozen cells each, where each numpy call costs more than its arithmetic."""
    global _builds
    pictures: list[HeatPicture | None] = [None] * len(values)
    alike: dict[tuple[int, ...], list[tuple[int, np.ndarray]]] = {}
    for i, value in enumerate(values):
        grid = _grid_cells(value)
        if grid is None:
            pictures[i] = _other_picture(value)
        else:
            alike.setdefault(grid.shape, []).append((i, grid))
    for group in alike.values():
        _builds += len(group)
        stack = np.array([grid for _, grid in group], dtype=np.float64)
        size = np.abs(stack)
        scales = size.max(axis=(1, 2))
        if len(group) == 1 or not np.isfinite(scales).all():  # (inf or nan: one at a time)
            for i, grid in group:
                pictures[i] = cells_picture(grid)
            continue
        size /= np.where(scales == 0.0, 1.0, scales)[:, None, None]  # each one's own |t|
        for (i, _), one, scale in zip(group, _coloured(stack, size), scales.tolist()):
            pictures[i] = _picture_of(one, scale)
    return pictures


def _grid_cells(value: Value | None) -> np.ndarray | None:
    """``value`` as rows × cols of numbers when its picture shows it cell by cell (a vector
    as one row), else None (no tensor, ragged, or too big: see :func:`_other_picture`)."""
    if not isinstance(value, list) or not value:
        return None
    cells = _numeric(value)
    if cells is None or cells.ndim not in (1, 2) or not cells.size:
        return None
    grid = cells.reshape(1, -1) if cells.ndim == 1 else cells
    return grid if grid.shape[0] <= MAX_SIDE and grid.shape[1] <= MAX_SIDE else None


def _other_picture(value: Value | None) -> HeatPicture | None:
    """The picture of a tensor not shown by :func:`_grid_cells`: rows of mixed numbers cell
    by cell, anything bigger as a histogram (None: no tensor)."""
    global _builds
    if not isinstance(value, list) or not value:
        return None
    rows = as_rows(value)
    if rows is not None and len(rows) <= MAX_SIDE and len(rows[0]) <= MAX_SIDE:
        _builds += 1
        return cells_picture(rows)
    numbers = _flat(value)
    if not numbers:
        return None
    _builds += 1
    return _histogram(numbers)


def _numeric(value: Value) -> np.ndarray | None:
    """``value`` as an array when it is a rectangular nest of numbers (one check in numpy
    instead of one per element in Python), else None (ragged, or not all numbers)."""
    try:
        cells = np.asarray(value)
    except ValueError:  # ragged
        return None
    return cells if cells.dtype.kind in "biuf" else None


def cells_picture(rows: list[list[float]] | np.ndarray) -> HeatPicture:
    """One pixel per element of ``rows`` (any size: the inspector shows big matrices too).

    The colours are :func:`heat_rgb`'s, worked out for all cells at once with numpy and written
    straight into the image's pixels: a new trace rebuilds the pictures of every tensor card in
    sight, and for their usual few dozen cells each numpy call costs more than its arithmetic,
    so this takes as few as it can (a 6×6 map in a third to a half of the time of one call
    per step of heat_rgb)."""
    x = np.asarray(rows, dtype=np.float64)
    if x.ndim == 1:
        x = x.reshape(1, -1)
    size = np.abs(x)
    scale = float(size.max())
    finite = None  # all finite, unless the largest |x| says otherwise
    if not math.isfinite(scale):
        finite = np.isfinite(x)
        scale = float(size[finite].max()) if finite.any() else 0.0
    mix = size / (scale or 1.0)  # |t| of heat_rgb: at most 1 where finite
    if finite is not None:
        np.minimum(mix, 1.0, out=mix)
    pixels = _coloured(x, mix)
    if finite is not None:
        pixels[~finite] = _NON_FINITE_PIXEL
    return _picture_of(pixels, scale)


def _coloured(x: np.ndarray, mix: np.ndarray) -> np.ndarray:
    """The pixels of cells ``x`` at ``mix`` (|x| over the scale, at most 1): heat_rgb's
    colours, as B, G, R, A floats of whole numbers (any leading dimensions)."""
    pixels = _TOWARDS[(x > 0).view(np.uint8)]  # (target - 255) per cell and byte, by sign
    pixels *= mix[..., None]
    pixels += 255.0
    return np.rint(pixels, out=pixels)  # round() as heat_rgb's


def _picture_of(pixels: np.ndarray, scale: float) -> HeatPicture:
    """The picture of ``pixels`` (rows × cols × B, G, R, A, as floats of whole numbers)."""
    h, w = pixels.shape[:2]
    image = QImage(w, h, _FORMAT)  # (32-bit lines: no padding at their ends)
    np.frombuffer(image.bits(), np.uint8).reshape(h, w, 4)[:] = pixels
    return HeatPicture(image, "cells", scale, h, w)


def _histogram(numbers: list[float]) -> HeatPicture:
    """Bars of how many elements fall in each of BINS steps of [-scale, scale], coloured by the
    step's value; the tallest bar is full height, on a log scale of counts: a trained network's
    gradients crowd one bar at zero, and a linear scale left the outliers that set the scale
    invisible (a thumbnail looked like an empty box)."""
    finite = [x for x in numbers if math.isfinite(x)]
    scale = max((abs(x) for x in finite), default=0.0)
    unit = scale or 1.0
    counts = [0] * BINS
    for x in finite:
        counts[min(BINS - 1, int((x / unit + 1.0) / 2.0 * BINS))] += 1
    top = max(counts) or 1
    heights = [math.ceil(HIST_LEVELS * math.log1p(c) / math.log1p(top)) if c else 0 for c in counts]
    colours = []
    for i in range(BINS):
        t = ((i + 0.5) / BINS) * 2.0 - 1.0
        t = math.copysign(max(abs(t), _HIST_FLOOR), t)
        colours.append(_pixel(heat_rgb(t)))
    clear = bytes(4)
    data = bytearray()
    for level in range(HIST_LEVELS, 0, -1):  # top row first
        for i in range(BINS):
            data += colours[i] if heights[i] >= level else clear
    return HeatPicture(_image(data, BINS, HIST_LEVELS), "histogram", scale, 0, 0)
