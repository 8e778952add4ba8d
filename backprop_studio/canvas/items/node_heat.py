"""The heat-map band of a tensor card: its value and its gradient as small pictures.

The band keeps each picture until the value or gradient it was made from changes (a repaint,
a zoom step or a re-render of the card's device cache builds nothing); pictures are built on
the first paint that needs them, so cards off screen cost nothing. Before a gradient arrives
(the backward animation has not reached the node, or none flows) its place is a grey box of the
size the picture will have. At small zoom the band stays as two coloured thumbnails while they
are legible (``THUMB_MIN_PX`` tall on screen) and is left out otherwise.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from backprop_studio.model.shapes import Shape, Value

from .. import style
from ..heat import HeatPicture, grid_of, heat_picture, heat_pictures
from ..style import Theme
from ..value_text import format_short, shape_of

BAND_HEIGHT = 52.0  # caption line, picture, padding (model/layout_blocks.py knows this size)
CAPTION_HEIGHT = 13.0
MAP_HEIGHT = 34.0
GAP = 10.0  # between the value's box and the gradient's
THUMB_MIN_PX = 12.0  # below this height on screen a thumbnail would cost the card its name
MAX_STRETCH = 3.0  # a cell may be at most this much wider than tall, or taller than wide
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_UNBUILT = object()


def has_band(value: Value | None, shape: Shape | None) -> bool:
    """A card shows the band for every tensor (scalars print their numbers instead)."""
    if isinstance(value, list):
        return True
    return value is None and bool(shape)


def map_rect(box: QRectF, grid: tuple[int, int] | None) -> QRectF:
    """Where a picture of ``grid`` (rows, cols; None: a histogram) goes in ``box``: the box's
    width and height, but cells no more than MAX_STRETCH times longer one way than the other."""
    if grid is None:
        return QRectF(box)
    rows, cols = grid
    cw, ch = box.width() / cols, box.height() / rows
    cw, ch = min(cw, MAX_STRETCH * ch), min(ch, MAX_STRETCH * cw)
    return QRectF(box.left(), box.top(), cw * cols, ch * rows)


Thumbnails = tuple[tuple[QRectF, QImage], ...]  # pictures and where they go, in card units


def paint_thumbnails(
    painter: QPainter, parts: Thumbnails, border: QColor, dx: float = 0.0, dy: float = 0.0
) -> None:
    """Draw :meth:`HeatBand.thumbnails` moved by (dx, dy), each picture framed. The card sheet
    draws them so, with a few calls into Qt per card: drawn into an image of the card first,
    a new trace's 26 tensor cards took a painter each, twice the time of their pictures."""
    if not parts:
        return
    rects = [rect.translated(dx, dy) for rect, _ in parts]
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    for rect, (_, image) in zip(rects, parts):
        painter.drawImage(rect, image)
    painter.setPen(style.pen(border, 0.8))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRects(rects)


class HeatBand:
    """The pictures of one card's value and gradient, and how to draw them in its band."""

    def __init__(self) -> None:
        self._value: Value | None = None
        self._grad: Value | None = None
        self._shape: Shape | None = None
        self._pictures: dict[str, object] = {"data": _UNBUILT, "grad": _UNBUILT}

    def set_data(self, value: Value | None, grad: Value | None, shape: Shape | None) -> bool:
        """Forget a picture only when its numbers changed (a new gradient keeps the value's);
        True when one was forgotten (the card must be redrawn)."""
        changed = False
        if value is not self._value and value != self._value:
            self._pictures["data"] = _UNBUILT
            changed = isinstance(value, list) or isinstance(self._value, list)
        if grad is not self._grad and grad != self._grad:
            self._pictures["grad"] = _UNBUILT
            changed = changed or isinstance(grad, list) or isinstance(self._grad, list)
        self._value, self._grad, self._shape = value, grad, shape
        return changed

    def picture(self, which: str) -> HeatPicture | None:
        """The picture of "data" or "grad", built now if it was not yet."""
        picture = self._pictures[which]
        if picture is _UNBUILT:
            picture = self._pictures[which] = heat_picture(
                self._value if which == "data" else self._grad
            )
        return picture  # type: ignore[return-value]

    @staticmethod
    def build_all(bands: list[HeatBand]) -> None:
        """Build the pictures ``bands`` have not yet, together (``heat.heat_pictures``)."""
        wanted = [
            (band, which)
            for band in bands
            for which in ("data", "grad")
            if band._pictures[which] is _UNBUILT
        ]
        if len(wanted) < 2:
            return  # (one is built as well when it is first asked for)
        values = [band._value if which == "data" else band._grad for band, which in wanted]
        for (band, which), picture in zip(wanted, heat_pictures(values)):
            band._pictures[which] = picture

    def _grid(self) -> tuple[int, int] | None:
        shape = shape_of(self._value) if isinstance(self._value, list) else self._shape
        return grid_of(tuple(shape) if shape else None)

    @staticmethod
    def boxes(
        top: float, left: float, right: float, captions: bool = True
    ) -> tuple[QRectF, QRectF]:
        """The value's and the gradient's picture areas in a band starting at ``top`` (without
        captions, the pictures take the caption's line too)."""
        width = (right - left - GAP) / 2
        y = top + CAPTION_HEIGHT if captions else top + 2.0
        height = MAP_HEIGHT if captions else BAND_HEIGHT - 6.0
        return QRectF(left, y, width, height), QRectF(left + width + GAP, y, width, height)

    def paint(
        self,
        painter: QPainter,
        theme: Theme,
        top: float,
        left: float,
        right: float,
        captions: bool,
    ) -> None:
        """Draw both pictures (with their captions and scales when ``captions``)."""
        if not captions:
            paint_thumbnails(painter, self.thumbnails(top, left, right), theme.border)
            return
        grid = self._grid()
        f = style.fonts()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        for which, box in zip(("data", "grad"), self.boxes(top, left, right)):
            picture = self.picture(which)
            rect = map_rect(box, grid)
            painter.setFont(f.small)
            painter.setPen(theme.muted)
            line = QRectF(box.left(), top, box.width(), CAPTION_HEIGHT)
            painter.drawText(line, _LEFT, which)
            if picture is not None:
                scale = f"±{format_short(picture.scale)}" if picture.scale else "all 0"
                painter.drawText(line, _RIGHT, scale)
            if picture is None:  # not arrived yet, or none flows: an empty, greyed place
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(theme.header_op)
                painter.drawRect(rect)
                continue
            painter.drawImage(rect, picture.image)
            painter.setPen(style.pen(theme.border, 0.8))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)

    def thumbnails(self, top: float, left: float, right: float) -> Thumbnails:
        """The pictures as a small card draws them, without captions, each with its place (a
        picture not there yet is left out: a thumbnail is there or not, never an empty box)."""
        places = _thumbnail_places(top, left, right, self._grid())
        parts = []
        for which, rect in zip(("data", "grad"), places):
            picture = self.picture(which)
            if picture is not None:
                parts.append((rect, picture.image))
        return tuple(parts)

    def thumbnails_legible(self, lod: float) -> bool:
        """Whether the pictures, drawn without captions at ``lod``, still show a pattern."""
        return (BAND_HEIGHT - 6.0) * lod >= THUMB_MIN_PX


@lru_cache(maxsize=256)
def _thumbnail_places(
    top: float, left: float, right: float, grid: tuple[int, int] | None
) -> tuple[QRectF, QRectF]:
    """Where a band's two thumbnails go (HeatBand.thumbnails), worked out once per size of
    card and tensor, not once per new trace. Shared: do not change them."""
    data, grad = HeatBand.boxes(top, left, right, False)
    return map_rect(data, grid), map_rect(grad, grid)
