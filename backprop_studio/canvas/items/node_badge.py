"""BadgeMark: a small pill on the edge of a node card, e.g. ``✓ 4e-12`` from a gradient check.

A child of the card, so it moves with it and goes with it; stock items only (no Python paint),
and it takes no mouse, so clicks and tooltips reach the card underneath. Like the chain-rule
callout it ignores the view's zoom (its text stays readable on a fitted graph), so it sits just
outside the card, above or below it, right-aligned, and never hides the card's own text.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from .. import style
from ..style import NODE_WIDTH, Theme
from .flow_marks import _Pill

TONES = ("good", "bad", "info")
INSET = 6.0  # from the card's right edge to the pill's (scene units)
GAP = 2.0  # between the card's edge and the pill (pixels)
Z_BADGE = 2.0  # above the card (its parent), and the card's ports


def tone_color(theme: Theme, tone: str) -> QColor:
    """Green for agreement, the problem red for disagreement, the selection blue for a number."""
    if tone == "good":
        return QColor("#66bb6a" if theme.dark else "#2e7d32")
    if tone == "bad":
        return QColor(theme.problem)
    return QColor(theme.selection)


class BadgeMark(_Pill):
    """Text in a pill whose border and ink have the colour of its tone."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(Z_BADGE)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.tone = "info"

    def show_text(
        self,
        text: str,
        tone: str,
        theme: Theme,
        bottom: bool,
        height: float,
        row: int = 0,
        left: bool = False,
    ) -> None:
        """``text`` just above the card (or just below it, ``height`` below its top); ``row``
        rows further out, so that two kinds of badge can be shown at once; right-aligned, or
        ``left``-aligned."""
        color = tone_color(theme, tone)
        self.tone = tone
        self._fill(text, style.fonts().body, theme, color, color)
        self.set_side(bottom, height, row, left)
        self.setVisible(True)

    def set_side(self, bottom: bool, height: float, row: int = 0, left: bool = False) -> None:
        """Move the pill to a corner of its card (as ``show_text`` takes them)."""
        w, h = self.size
        out = h / 2 + GAP + row * (h + GAP)
        self.place(QPointF(w / 2 if left else -w / 2, out if bottom else -out))
        self.setPos(INSET if left else NODE_WIDTH - INSET, height if bottom else 0.0)

    def screen_rect(self, scale: float) -> QRectF:
        """The scene area the pill covers in a view of ``scale`` (it ignores the zoom, so at
        a fitted scale below 1 it covers more of the scene than its bounding rect says)."""
        box = self.boundingRect()
        anchor = self.scenePos()
        return QRectF(
            anchor.x() + box.x() / scale,
            anchor.y() + box.y() / scale,
            box.width() / scale,
            box.height() / scale,
        )
