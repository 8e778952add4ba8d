"""BadgeMark: a small pill on the edge of a node card, e.g. ``✓ 4e-12`` from a gradient check.

A child of the card, so it moves with it and goes with it; stock items only (no Python paint),
and it takes no mouse, so clicks and tooltips reach the card underneath.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from .. import style
from ..style import NODE_WIDTH, Theme
from .flow_marks import _Pill

TONES = ("good", "bad", "info")
INSET = 10.0  # from the card's right edge to the pill's
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
        self.tone = "info"

    def show_text(self, text: str, tone: str, theme: Theme, bottom: bool, height: float) -> None:
        """``text`` on the card's top edge (or its bottom edge, ``height`` below the top)."""
        color = tone_color(theme, tone)
        self.tone = tone
        self._fill(text, style.fonts().body, theme, color, color)
        w = self.size[0]
        self.place(QPointF(NODE_WIDTH - INSET - w / 2, height if bottom else 0.0))
        self.setVisible(True)
