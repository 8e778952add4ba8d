"""The parts of a node card at full detail: its body rows (data | grad for a scalar, stats for a
tensor, a problem in two lines), header badge and title, port dots, border.

Split from ``node.py`` so the card item keeps to geometry and state; these are pure functions of
what the card holds, so the rows can be tested without an item and the item stays small.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath

from backprop_studio.model.shapes import Shape, Value, format_shape

from .. import style
from ..style import (
    BODY_PADDING,
    CORNER_RADIUS,
    HEADER_HEIGHT,
    NODE_WIDTH,
    PORT_RADIUS,
    ROW_HEIGHT,
    TEXT_MARGIN,
    Theme,
)
from ..value_text import NO_VALUE, is_scalar, scalar_row, shape_of, stats_text

_ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_GAP = 8.0  # space around the separator of the data | grad row
PROBLEM_LINES = 2  # "'mul_1' (×) needs inputs 'a', 'b' connected" fits in two


def card_paths(height: float) -> tuple[QPainterPath, QPainterPath, QPainterPath]:
    """The card's rounded outline, its header band and its offset shadow, made once per height.

    Filled paths, not ``drawRoundedRect``: a rounded rect drawn with antialiasing into a card's
    cache cost ~0.2 ms, ten times a filled path, and every card of a fitted network redraws its
    cache when a new trace brings new numbers."""
    card = QPainterPath()
    card.addRoundedRect(QRectF(0, 0, NODE_WIDTH, height), CORNER_RADIUS, CORNER_RADIUS)
    band = QPainterPath()
    band.addRect(QRectF(0, 0, NODE_WIDTH, HEADER_HEIGHT))
    shadow = QPainterPath()
    radius = CORNER_RADIUS + 1
    shadow.addRoundedRect(QRectF(0.5, 2.0, NODE_WIDTH, height), radius, radius)
    return card, card.intersected(band), shadow


def wrap_lines(text: str, metrics: QFontMetricsF, width: float, most: int) -> list[str]:
    """``text`` broken at spaces into at most ``most`` lines no wider than ``width``; a line that
    cannot hold what is left of the text ends in … (the card's tooltip has it whole)."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        trial = f"{current} {word}" if current else word
        if not current or metrics.horizontalAdvance(trial) <= width:
            current = trial
            continue
        if len(lines) == most - 1:  # the last line: the rest of the text, elided
            current = " ".join([current, *words[i:]])
            break
        lines.append(metrics.elidedText(current, Qt.TextElideMode.ElideRight, width))
        current = word
    if current:
        lines.append(metrics.elidedText(current, Qt.TextElideMode.ElideRight, width))
    return lines


def paint_body(
    painter: QPainter,
    theme: Theme,
    f: style.Fonts,
    lines: list[tuple[str, ...]],
    left: float,
    grad_sign: float | None,
    values_only: bool = False,
) -> None:
    """Draw the rows ``(kind, texts…)`` below the header, text starting at ``left``;
    ``grad_sign`` colours the gradient (a tensor's mean; None: no gradient); ``values_only``
    leaves out the words "data" and "grad" (the colours still tell them apart)."""
    right = NODE_WIDTH - TEXT_MARGIN
    grad_color = theme.muted if grad_sign is None else style.grad_color(theme, grad_sign)
    for i, (kind, *texts) in enumerate(lines):
        top = HEADER_HEIGHT + BODY_PADDING + i * ROW_HEIGHT
        if kind == "problem":
            painter.setFont(f.small)
            painter.setPen(theme.problem)
            text = f.small_metrics.elidedText(texts[0], Qt.TextElideMode.ElideRight, right - left)
            painter.drawText(QRectF(left, top, right - left, ROW_HEIGHT), _ALIGN_LEFT, text)
            continue
        painter.setFont(f.body)
        if kind == "pair":
            data, g = texts[0][5:], texts[1][5:]
            segments = [
                ("data ", theme.muted, 0.0),
                (data, theme.text if data != NO_VALUE else theme.muted, _GAP),
                ("│", theme.border, _GAP),
                ("grad ", theme.muted, 0.0),
                (g, grad_color, 0.0),
            ]
        elif kind == "stat":
            color = theme.text if texts[0] == "data" else grad_color
            segments = [(texts[0] + " ", theme.muted, 0.0), (texts[1], color, 0.0)]
        else:
            segments = [(texts[0], theme.muted, 0.0)]
        if values_only and kind in ("pair", "stat"):
            segments = [s for s in segments if s[0] not in ("data ", "grad ")]
        _draw_segments(painter, f, segments, left, top, right)


def _draw_segments(
    painter: QPainter,
    f: style.Fonts,
    segments: list[tuple[str, QColor, float]],
    x: float,
    top: float,
    right: float,
) -> None:
    """Draw coloured pieces of one row left to right; a piece too long for what is left of
    ``right`` loses whole `` · ``-separated parts first (a number is never cut half-way),
    and only one part that does not fit alone is elided."""
    fm = f.body_metrics
    for text, color, gap_after in segments:
        if x >= right:
            return
        shown = fitting_parts(text, fm, right - x)
        painter.setPen(color)
        painter.drawText(QRectF(x, top, right - x, ROW_HEIGHT), _ALIGN_LEFT, shown)
        x += fm.horizontalAdvance(text) + gap_after


def fitting_parts(text: str, metrics: QFontMetricsF, width: float) -> str:
    """``text``, or as many of its leading `` · ``-separated parts as fit ``width``; elided
    only when even the first part does not fit."""
    parts = text.split(" · ")
    while len(parts) > 1 and metrics.horizontalAdvance(" · ".join(parts)) > width:
        parts.pop()
    return metrics.elidedText(" · ".join(parts), Qt.TextElideMode.ElideRight, width)


def paint_backdrop(
    painter: QPainter,
    theme: Theme,
    paths: tuple[QPainterPath, QPainterPath, QPainterPath],
    op: str,
    marks: tuple[str | None, bool, bool],
    height: float,
    ports: tuple[dict[str, QPointF], QPointF],
    connected: frozenset[str],
    label_width: float | None,
) -> None:
    """Shadow, card, header tint, border and port dots: what does not change with numbers.
    ``paths`` are :func:`card_paths`' (shadow first), ``marks`` the card's (problem, selected,
    is output), ``ports`` the input ports' and the output port's positions."""
    shadow, card, header = paths
    problem, selected, is_output = marks
    painter.fillPath(shadow, theme.shadow)  # a soft offset shadow lifts the card
    painter.fillPath(card, theme.problem_fill if problem else theme.card)
    painter.fillPath(header, theme.header_for(op))
    painter.setPen(style.pen(theme.border, 0.8))
    painter.drawLine(QPointF(0, HEADER_HEIGHT), QPointF(NODE_WIDTH, HEADER_HEIGHT))
    paint_border(painter, theme, card, op, problem, selected, is_output, height)
    inputs, output = ports
    paint_ports(painter, theme, style.fonts(), inputs, set(connected), output, label_width)


def paint_border(
    painter: QPainter,
    theme: Theme,
    card: QPainterPath,
    op: str,
    problem: str | None,
    selected: bool,
    is_output: bool,
    height: float,
) -> None:
    """The card's outline: red for a problem, the accent when selected, bold for the output."""
    if problem:
        pen = style.pen(theme.problem, 2.0)
    elif selected:
        pen = style.pen(theme.selection, 2.2)
    elif is_output:
        pen = style.pen(theme.output_border, 1.8)
    else:
        pen = style.pen(theme.border, 1.0, dashed=op == "const")
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(card)
    if selected and problem:
        outer = QPainterPath()
        outer.addRoundedRect(
            QRectF(-2.5, -2.5, NODE_WIDTH + 5, height + 5),
            CORNER_RADIUS + 2,
            CORNER_RADIUS + 2,
        )
        painter.setPen(style.pen(theme.selection, 1.5))
        painter.drawPath(outer)


BADGE_PAD = 14.0  # the op badge's width beyond its text


def body_row_count(value: Value | None, shape: Shape | None) -> int:
    """How many rows :func:`body_lines` makes when there is no problem, without writing them."""
    if value is None:
        return 3 if shape else 1
    return 1 if is_scalar(value) else 3


def body_lines(
    value: Value | None,
    grad: Value | None,
    shape: Shape | None,
    trained: bool,
    problem: str | None,
    problem_width: float,
) -> list[tuple[str, ...]]:
    """Rows as (kind, texts…): ("pair", data, grad), ("stat", word, text), ("text", t)…"""
    lines: list[tuple[str, ...]] = []
    if value is None and shape:  # not computed yet (or hidden by the animation): the same
        lines.append(("text", f"shape {format_shape(shape)}"))  # rows as a computed tensor, so
        lines.append(("stat", "data", NO_VALUE))  # that the card keeps its size when its
        lines.append(("stat", "grad", NO_VALUE))  # numbers come
    elif value is None or is_scalar(value):
        data, g = scalar_row(value, grad)
        lines.append(("pair", f"data {data}", f"grad {g}"))
    else:
        mark = " · trained" if trained else ""
        lines.append(("text", f"shape {format_shape(shape_of(value))}{mark}"))
        lines.append(("stat", "data", stats_text(value)))
        lines.append(("stat", "grad", stats_text(grad) if grad is not None else NO_VALUE))
    if problem:
        metrics = style.fonts().small_metrics
        for line in wrap_lines(problem, metrics, problem_width, PROBLEM_LINES):
            lines.append(("problem", line))
    return lines


def paint_header(
    painter: QPainter, theme: Theme, f: style.Fonts, op: str, badge: str, title: str, room: QRectF
) -> None:
    """The op badge at the header's right and the title, elided, in ``room``."""
    bw = f.small_metrics.horizontalAdvance(badge) + BADGE_PAD
    rect = QRectF(NODE_WIDTH - bw - 7.0, (HEADER_HEIGHT - 17.0) / 2, bw, 17.0)
    color = theme.badge_for(op)
    fill = QColor(color)
    fill.setAlphaF(0.13)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, 8.5, 8.5)
    painter.setFont(f.small)
    painter.setPen(color)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, badge)
    title_rect = room.adjusted(TEXT_MARGIN, 0, 0, 0)
    painter.setFont(f.title)
    painter.setPen(theme.text)
    shown = f.title_metrics.elidedText(title, Qt.TextElideMode.ElideRight, title_rect.width())
    painter.drawText(title_rect, _ALIGN_LEFT, shown)


def paint_ports(
    painter: QPainter,
    theme: Theme,
    f: style.Fonts,
    inputs: dict[str, QPointF],
    connected: set[str],
    output: QPointF,
    label_width: float | None,
) -> None:
    """Input dots (filled when connected) with their names when ``label_width`` is given, and
    the output dot."""
    painter.setFont(f.small)
    for port, pos in inputs.items():
        painter.setPen(style.pen(theme.port, 1.4))
        painter.setBrush(QBrush(theme.port if port in connected else theme.card))
        painter.drawEllipse(pos, PORT_RADIUS, PORT_RADIUS)
        if label_width is None:
            continue
        painter.setPen(theme.muted)
        label = QRectF(PORT_RADIUS + 4.0, pos.y() - ROW_HEIGHT / 2, label_width, ROW_HEIGHT)
        painter.drawText(label, _ALIGN_LEFT, port)
    painter.setPen(style.pen(theme.port, 1.4))
    painter.setBrush(QBrush(theme.port))
    painter.drawEllipse(output, PORT_RADIUS, PORT_RADIUS)
