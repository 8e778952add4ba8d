"""What a node card shows when it is too small on screen for its full text: name and one number.

A fitted network used to show blank boxes: below a fixed zoom the card dropped its text. Here
the card keeps its name and its most important number (a scalar's value, else its shape) at a
size that is readable on screen, ``style.READABLE_CAP_PX`` of cap height, on two lines when the
card is tall enough on screen, on one line otherwise. Sizes are worked out from the base fonts'
metrics scaled linearly (hinting is off), so no font metrics are built while painting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from backprop_studio.model.shapes import Shape, Value, format_shape

from .. import style
from ..value_text import NO_VALUE, format_short, is_scalar, shape_of

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_GROW = 1.4  # the text may grow this much past the readable size when the card has room
_SHRINK_FLOOR = 0.5  # below this fraction of the readable size, the name is elided instead
_PAD_PX = 2.0  # free space between the text and the card's edge, in screen pixels
_PORT_INSET = style.PORT_RADIUS + 2.0  # the input port dots sit on the card's left edge


def richer_numbers(value: Value | None, grad: Value | None) -> tuple[str, ...]:
    """What a small card shows instead of its one number when there is room: value and grad."""
    if not is_scalar(value) or not is_scalar(grad):
        return ()
    return _richer(format_short(value), format_short(grad))  # type: ignore[arg-type]


def _richer(v: str, g: str) -> tuple[str, ...]:
    # shorter and shorter, so that one more digit (−0.98 after a step, where −1 was) does not
    # drop the gradient from the card
    return (f"data {v} │ grad {g}", f"{v} │ grad {g}", f"{v} grad {g}")


def small_numbers(
    value: Value | None, grad: Value | None, shape: Shape | None
) -> tuple[str, tuple[str, ...]]:
    """:func:`key_number` and :func:`richer_numbers` at once, the value formatted once (a
    new trace formats every card's numbers in sight)."""
    if not is_scalar(value):
        return key_number(value, shape), ()
    v = format_short(value)  # type: ignore[arg-type]
    return v, (_richer(v, format_short(grad)) if is_scalar(grad) else ())  # type: ignore[arg-type]


def key_number(value: Value | None, shape: Shape | None) -> str:
    """The one number a small card keeps: a scalar's value, else the shape, else a dash."""
    if is_scalar(value):
        return format_short(value)  # type: ignore[arg-type]
    if value is not None:
        return format_shape(shape_of(value))
    if shape:
        return format_shape(shape)
    return NO_VALUE


@dataclass(frozen=True)
class Summary:
    """Where and how big the name and the number are drawn, in the card's scene units.

    ``mode``: "header" (the name in the header band, the number in the body, as at full
    detail), "two" (two lines over the whole card) or "one" (name and number on one line).
    """

    name: str  # as drawn (elided only when even the floor size does not fit)
    number: str
    name_scale: float  # of the base title font
    number_scale: float  # of the base body font
    mode: str

    def name_font(self) -> QFont:
        return _scaled("title", round(self.name_scale, 3))

    def number_font(self) -> QFont:
        return _scaled("body", round(self.number_scale, 3))


@lru_cache(maxsize=256)
def _scaled(kind: str, scale: float) -> QFont:
    f = style.fonts()
    font = QFont(f.title if kind == "title" else f.body)
    font.setPointSizeF(font.pointSizeF() * scale)
    return font


@lru_cache(maxsize=256)
def _metrics(kind: str, scale: float) -> QFontMetricsF:
    return QFontMetricsF(_scaled(kind, scale))


def _cap_height(kind: str, scale: float) -> float:
    return _metrics(kind, round(scale, 3)).capHeight()


def _fits(kind: str, scale: float, text: str, width: float) -> bool:
    """Whether ``text`` in the scaled font is at most ``width`` wide (its own metrics: fonts
    snap to whole pixel sizes, so the linear estimate can be a few per cent short)."""
    return advance(kind, round(scale, 3), text) <= width


def advance(kind: str, scale: float, text: str) -> float:
    """The width of ``text`` in the scaled font. Numbers are set in the monospaced body font,
    whose width is the count of characters times one advance: a new trace brings new numbers
    to every card, and measuring each of them was most of what a recolour cost."""
    if kind == "body" and _monospaced(scale):
        width = len(text) * _measured("body", scale, "0")
        if not text.isascii():  # (−, │, ‖: a few of each text's characters, not every one)
            zero = _measured("body", scale, "0")
            for c in _ASCII.sub("", text):
                width += _measured("body", scale, c) - zero
        return width
    return _measured(kind, scale, text)


_ASCII = re.compile("[\x00-\x7f]+")


@lru_cache(maxsize=4096)
def _measured(kind: str, scale: float, text: str) -> float:
    return _metrics(kind, scale).horizontalAdvance(text)


@lru_cache(maxsize=256)
def _monospaced(scale: float) -> bool:
    m = _metrics("body", scale)
    return (
        m.horizontalAdvance("0" * 10)
        == 10 * m.horizontalAdvance("0")
        == m.horizontalAdvance("-.e0123456")
    )


@lru_cache(maxsize=1024)
def _readable_scale(lod: float) -> float:
    """The smallest scale of the title font whose cap height reaches READABLE_CAP_PX on screen.

    Linear from the base metrics, then corrected with the scaled font's own metrics: fonts snap
    to whole pixel sizes, which made a 21 pt name 6 % shorter than the linear estimate.
    """
    want = style.READABLE_CAP_PX / lod  # cap height in scene units
    scale = 1.02 * want / style.fonts().title_metrics.capHeight()
    for _ in range(3):
        cap = _cap_height("title", round(scale, 3))
        if cap >= want:
            break
        scale *= 1.02 * want / max(cap, 1e-6)
    return scale


@lru_cache(maxsize=8192)  # a repaint or a re-render of a card's cache asks the same again
def summarize(
    title: str,
    number: str,
    width: float,
    height: float,
    header: float,
    lod: float,
    richer: tuple[str, ...] = (),
) -> Summary:
    """The biggest readable arrangement of ``title`` and ``number`` in a ``width × height`` card
    (its header band ``header`` tall) seen at ``lod`` screen pixels per scene unit. ``richer``
    are longer texts to show instead of ``number`` (richest first) when they are readable too.

    A new trace brings every card new numbers, but an arrangement depends on a number only
    through its width: with the body font monospaced at one size it is at every size (hinting
    is off, see ``style``), and then a number of the same width reuses the arrangement worked
    out for another (285 summaries of a fitted network: 7.1 → 2.9 µs each)."""
    texts = (*richer, number)
    key = None
    widths = number_widths(number, richer, is_tall(title, width, height, header, lod))
    if widths is not None:
        key = (title, widths, width, height, header, lod)
        arranged = _ARRANGED.get(key)
        if arranged is not None:
            shown, a, b, mode, pick = arranged
            return Summary(shown, texts[pick], a, b, mode)
    arranged = _arrange(title, number, (width, height, header, lod), richer)
    if key is not None:
        if len(_ARRANGED) >= _ARRANGED_MAX:
            _ARRANGED.clear()
        _ARRANGED[key] = arranged
    shown, a, b, mode, pick = arranged
    return Summary(shown, texts[pick], a, b, mode)


_ARRANGED: dict[tuple, tuple[str, float, float, str, int]] = {}  # see summarize
_ARRANGED_MAX = 8192


def number_widths(number: str, richer: tuple[str, ...], tall: bool) -> tuple | None:
    """All that a summary depends on of its numbers but their text (see :func:`summarize`):
    with the same title and box, numbers of the same widths are arranged alike. ``tall``:
    :func:`is_tall` of the card. None when the body font is not monospaced (their text, then)."""
    if not _monospaced(1.0):
        return None
    if number and tall:
        return (*map(_width_key, richer), _width_key(number))
    return (_width_key(number),)


def _width_key(text: str) -> int | tuple[int, int] | str:
    """What a text's width in the monospaced body font depends on: its length, and which
    characters outside ASCII it holds (a number's only one is "−", counted without a scan)."""
    if text.isascii():
        return len(text)
    minus = text.count("−")
    if len(text.encode()) == len(text) + 2 * minus:  # (UTF-8 spends three bytes on a "−")
        return (len(text), minus)
    return text


@lru_cache(maxsize=1024)
def is_tall(title: str, width: float, height: float, header: float, lod: float) -> bool:
    """Whether the header and the body are tall enough on screen for the card's own
    arrangement (name in the header, number in the body): zoomed out, most cards are not."""
    lod = max(lod, 1e-6)
    pad = _PAD_PX / lod
    room_w = width - 2 * pad - _PORT_INSET
    in_header = min((header - pad) / _line_height("title"), room_w / _title_width(title))
    in_body = (height - header - pad) / _line_height("body")
    return min(in_header, in_body) >= _readable_scale(lod)


def _title_width(title: str) -> float:
    return max(advance("title", 1.0, title), 1.0)


def _arrange(
    title: str, number: str, box: tuple[float, float, float, float], richer: tuple[str, ...]
) -> tuple[str, float, float, str, int]:
    """:func:`summarize`'s work for a card ``box`` (width, height, header, lod): the name as
    shown, the name's and the number's scales, the mode, and which of ``(*richer, number)``
    is shown."""
    width, height, header, lod = box
    title_h, body_h = _line_height("title"), _line_height("body")
    lod = max(lod, 1e-6)
    pad = _PAD_PX / lod
    room_w, room_h = width - 2 * pad - _PORT_INSET, height - 2 * pad
    readable = _readable_scale(lod)
    name_w, num_w = _title_width(title), max(advance("body", 1.0, number), 1.0)
    gap = _measured("body", 1.0, " ") if number else 0.0
    if number and is_tall(title, width, height, header, lod):  # detail fades in: the richest
        in_header = min((header - pad) / title_h, room_w / name_w)
        in_body_h = (height - header - pad) / body_h
        for pick, text in enumerate((*richer, number)):
            in_body = min(in_body_h, room_w / max(advance("body", 1.0, text), 1.0))
            a, b = min(in_header, readable * _GROW), min(in_body, readable * _GROW)
            if (
                in_body >= readable
                and _fits("title", a, title, room_w)
                and _fits("body", b, text, room_w)
            ):
                return title, a, b, "header", pick
    last = -1  # the number itself (whatever ``richer`` holds)
    two = min(room_h / (title_h + body_h), room_w / max(name_w, num_w))
    scale = min(two, readable * _GROW)
    if (
        two >= readable
        and _fits("title", scale, title, room_w)
        and _fits("body", scale, number, room_w)
    ):
        return title, scale, scale, "two", last
    line = max(title_h, body_h)
    one = min(room_h / line, room_w / (name_w + gap + num_w))
    scale = max(min(one, readable), readable * _SHRINK_FLOOR)  # one size for every such card
    scale = min(scale, room_h / line)
    rounded = round(scale, 3)
    rest = advance("body", rounded, " " + number) if number else 0.0
    shown = title
    if advance("title", rounded, title) + rest > room_w:
        shown = _elided(title, rounded, room_w - rest)
    return shown, scale, scale, "one", last


@lru_cache(maxsize=4)
def _line_height(kind: str) -> float:
    """The height of a line of the base title or body font (asked by every summary)."""
    return _metrics(kind, 1.0).height()


@lru_cache(maxsize=1024)
def _elided(title: str, scale: float, width: float) -> str:
    return _metrics("title", scale).elidedText(title, Qt.TextElideMode.ElideRight, width)


def summary_layout(
    summary: Summary, rect: QRectF, header: float, lod: float
) -> tuple[QPointF, QPointF]:
    """Where the name's and the number's baselines start inside ``rect`` (the card, its header
    band ``header`` tall): each line left-aligned and centred in its box as ``drawText`` with a
    rectangle would (a point is a third of the cost of a rectangle, which lays the text out
    again to align it, and every card in sight draws both when a new trace comes). The points
    are shared between calls with the same arguments: do not change them."""
    shape = (summary.name, summary.name_scale, summary.number_scale, summary.mode)
    return _layout(shape, bool(summary.number), rect.left(), rect.top(), rect.height(), header, lod)


@lru_cache(maxsize=8192)  # keyed without the number's text: a new trace keeps the points
def _layout(
    shape: tuple[str, float, float, str],
    number: bool,
    left: float,
    top: float,
    height: float,
    header: float,
    lod: float,
) -> tuple[QPointF, QPointF]:
    name, name_scale, number_scale, mode = shape
    f = style.fonts()
    x = left + _PAD_PX / max(lod, 1e-6) + _PORT_INSET
    name_h = f.title_metrics.height() * name_scale
    num_h = f.body_metrics.height() * number_scale if number else 0.0
    name_m = _metrics("title", round(name_scale, 3))
    num_m = _metrics("body", round(number_scale, 3))
    if mode == "header":
        return _baseline(x, top, header, name_m), _baseline(x, top + header, height - header, num_m)
    if mode == "two":
        first = top + (height - name_h - num_h) / 2
        return _baseline(x, first, name_h, name_m), _baseline(x, first + name_h, num_h, num_m)
    line_h = max(name_h, num_h)
    line = top + (height - line_h) / 2
    after = x + advance("title", round(name_scale, 3), name)
    after += advance("body", round(number_scale, 3), " ")
    return _baseline(x, line, line_h, name_m), _baseline(after, line, line_h, num_m)


def _baseline(x: float, top: float, height: float, metrics: QFontMetricsF) -> QPointF:
    """The baseline of one line of text vertically centred in ``top .. top + height``."""
    return QPointF(x, top + (height - metrics.ascent() - metrics.descent()) / 2 + metrics.ascent())


def paint_summary_name(painter: QPainter, summary: Summary, at: QPointF, color: QColor) -> None:
    """The name of a small card, its baseline starting at ``at`` (see :func:`summary_layout`)."""
    painter.setPen(color)
    painter.setFont(summary.name_font())
    painter.drawText(at, summary.name)


def paint_summary_number(painter: QPainter, summary: Summary, at: QPointF, color: QColor) -> None:
    """The number of a small card, its baseline starting at ``at``."""
    if summary.number:
        painter.setPen(color)
        painter.setFont(summary.number_font())
        painter.drawText(at, summary.number)


def paint_summary(
    painter: QPainter,
    summary: Summary,
    rect: QRectF,
    header: float,
    lod: float,
    text: QColor,
    number: QColor,
) -> None:
    """Draw the summary inside ``rect`` (the card, its header band ``header`` tall)."""
    name_at, number_at = summary_layout(summary, rect, header, lod)
    paint_summary_name(painter, summary, name_at, text)
    paint_summary_number(painter, summary, number_at, number)
