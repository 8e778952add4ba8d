"""EdgeLabels: an edge's gradient label (a pill drawn at 100 %) and its tensor thumbnail, placed
at the curve's midpoint (a mixin of EdgeItem, ``canvas/items/edge.py``, which holds the state)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSimpleTextItem

from .. import style

if TYPE_CHECKING:
    from .edge import EdgeItem

LABEL_CLEARANCE = 14.0  # free curve wanted on each side of a gradient label


def drawing_part(item: QGraphicsItem) -> QGraphicsItem:
    """A drawing-only child: never takes the mouse, so clicks reach the EdgeItem."""
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    item.setAcceptHoverEvents(False)
    return item


class EdgeLabels:
    """EdgeItem's label and thumbnail (see the module's docstring)."""

    @property
    def label_hidden(self: EdgeItem) -> bool:
        """Whether the edge has a label it does not draw (too short for it, or zoomed out)."""
        return bool(self.label) and (self._pill is None or not self._pill.isVisible())

    def label_rects(self: EdgeItem) -> list[QRectF]:
        """The gradient label's pill and the thumbnail as drawn, in the edge's coordinates."""
        parts = [self._pill, self._thumb.item]
        return [
            p.mapRectToParent(p.boundingRect()) for p in parts if p is not None and p.isVisible()
        ]

    @property
    def thumbnail(self: EdgeItem) -> QGraphicsItem | None:
        """The heat map of a tensor gradient shown on the edge, None while there is none."""
        return self._thumb.item

    def _place_thumb(self: EdgeItem) -> None:
        if not self._thumb.wanted:
            return
        beside = None
        if self._backward:  # on the run between two cards: to the right of the label
            beside = 30.0
            if self._pill is not None and self._pill.isVisible():
                beside = self._pill.path().boundingRect().width() / 2
        self._thumb.place(
            self._mid, beside, self._width_scale, self._color, self._theme, self._show_label
        )

    def _place_label(self: EdgeItem) -> None:
        self._place_pill()
        self._place_thumb()

    def _place_pill(self: EdgeItem) -> None:
        show = self._width_scale == 1.0 and bool(self.label)
        if self._pill is not None:
            self._pill.setVisible(show)
        if not show:
            return
        if self._pill is None or self._text is None:
            self._pill = drawing_part(QGraphicsPathItem(self))
            self._text = drawing_part(QGraphicsSimpleTextItem(self._pill))
            self._text.setFont(style.fonts().small)
        self._pill.setPen(QPen(self._color, 1.0))
        self._pill.setBrush(QBrush(self._theme.label_fill))
        self._text.setBrush(QBrush(self._color))
        self._text.setText(self.label)
        text = self._text.boundingRect()
        w, h = text.width() + 10.0, text.height() + 2.0
        start = self._path.elementAt(0)
        if math.hypot(self._tip.x() - start.x, self._tip.y() - start.y) < w + 2 * LABEL_CLEARANCE:
            self._pill.setVisible(False)  # no room: it would cover the ports (tooltip has it)
            return
        pill = QPainterPath()
        pill.addRoundedRect(QRectF(-w / 2, -h / 2, w, h), h / 2, h / 2)
        self._pill.setPath(pill)
        self._pill.setPos(self._mid)
        self._text.setPos(-text.width() / 2, -text.height() / 2)
