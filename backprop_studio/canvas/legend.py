"""The key to the edge colours and widths, painted with any QPainter (a panel, an exported frame).

Colour says the sign of an edge's gradient, width the log of its magnitude (``style.grad_width``),
so the legend draws the same pens at the magnitudes 0.01 … 100.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter

from . import style
from .style import Theme

MAGNITUDES = (0.01, 0.1, 1.0, 10.0, 100.0)
LEGEND_SIZE = (270.0, 64.0)
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


def paint_legend(painter: QPainter, rect: QRectF, theme: Theme) -> None:
    """Two rows inside ``rect``: the three colours, then edge widths by |gradient|."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = style.fonts().small
    painter.setFont(font)
    fm = style.fonts().small_metrics
    x, y = rect.left(), rect.top() + 9.0
    for color, text in (
        (theme.positive, "positive"),
        (theme.negative, "negative"),
        (theme.edge, "no gradient"),
    ):
        painter.setPen(style.edge_pen(color, 3.0))
        painter.drawLine(QPointF(x, y), QPointF(x + 18.0, y))
        painter.setPen(theme.muted)
        painter.drawText(QRectF(x + 24.0, y - 8.0, 90.0, 16.0), _LEFT, text)
        x += 30.0 + fm.horizontalAdvance(text)
    step = min(52.0, (rect.width() - 4.0) / len(MAGNITUDES))
    y = rect.top() + 32.0
    for i, magnitude in enumerate(MAGNITUDES):
        cx = rect.left() + step * (i + 0.5)
        painter.setPen(style.edge_pen(theme.muted, style.grad_width(magnitude)))
        painter.drawLine(QPointF(cx - step * 0.32, y), QPointF(cx + step * 0.32, y))
        painter.setPen(theme.muted)
        label = "≥ 100" if magnitude == MAGNITUDES[-1] else f"{magnitude:g}"
        painter.drawText(QRectF(cx - step / 2, y + 6.0, step, 14.0), _CENTER, label)
    painter.restore()
