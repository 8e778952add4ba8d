"""The body rows of a node card at full detail: data | grad for a scalar, stats for a tensor.

Split from ``node.py`` so the card item keeps to geometry and state; this is pure drawing from
the rows the card computed (``NodeItem._body_lines``).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath

from .. import style
from ..style import (
    BODY_PADDING,
    CORNER_RADIUS,
    HEADER_HEIGHT,
    NODE_WIDTH,
    ROW_HEIGHT,
    TEXT_MARGIN,
    Theme,
)
from ..value_text import NO_VALUE

_ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_GAP = 8.0  # space around the separator of the data | grad row
PROBLEM_LINES = 2  # "'mul_1' (×) needs inputs 'a', 'b' connected" fits in two


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
) -> None:
    """Draw the rows ``(kind, texts…)`` below the header, text starting at ``left``;
    ``grad_sign`` colours the gradient (a tensor's mean; None: no gradient)."""
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
        _draw_segments(painter, f, segments, left, top, right)


def _draw_segments(
    painter: QPainter,
    f: style.Fonts,
    segments: list[tuple[str, QColor, float]],
    x: float,
    top: float,
    right: float,
) -> None:
    """Draw coloured pieces of one row left to right, eliding whatever passes ``right``."""
    fm = f.body_metrics
    for text, color, gap_after in segments:
        if x >= right:
            return
        shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, right - x)
        painter.setPen(color)
        painter.drawText(QRectF(x, top, right - x, ROW_HEIGHT), _ALIGN_LEFT, shown)
        x += fm.horizontalAdvance(text) + gap_after


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
