"""The marks GradientFlow lays over the canvas: a pulse on an edge, a ring round a card, a callout
with the chain rule, and a partial-sum pill under a card that receives several gradients.

Stock C++ items (path, ellipse, text) so a frame costs no Python ``paint()``; none of them takes
the mouse, so clicks and tooltips reach the cards and edges underneath.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QRadialGradient
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsSimpleTextItem,
)

from .. import style
from ..style import CORNER_RADIUS, Theme

ROUTE_POINTS = 40  # samples along an edge; a trail is a polyline through them
HEAD_RADIUS = 6.0
GLOW_RADIUS = 20.0
RING_GAP = 4.0
Z_PULSE = 5.0  # above the edges, below the cards
Z_RING = 11.0
Z_CALLOUT = 30.0
_NO_PEN = QPen(Qt.PenStyle.NoPen)


def _quiet(item: QGraphicsItem) -> QGraphicsItem:
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    item.setAcceptHoverEvents(False)
    return item


def route(path: QPainterPath, reverse: bool) -> list[QPointF]:
    """Points evenly spaced by length along ``path``, from its end when ``reverse``."""
    n = ROUTE_POINTS
    points = [path.pointAtPercent(i / (n - 1)) for i in range(n)]
    return points[::-1] if reverse else points


def _along(points: list[QPointF], t: float) -> tuple[int, QPointF]:
    """The index of the last sample before fraction ``t`` of the route, and the point at ``t``."""
    x = max(0.0, min(1.0, t)) * (len(points) - 1)
    i = min(int(x), len(points) - 2)
    a, b = points[i], points[i + 1]
    f = x - i
    return i, QPointF(a.x() + (b.x() - a.x()) * f, a.y() + (b.y() - a.y()) * f)


class PulseMark(QGraphicsPathItem):
    """A trail drawn along a route up to fraction ``t``, with a glowing head at its front."""

    def __init__(self) -> None:
        super().__init__()
        _quiet(self)
        self.setZValue(Z_PULSE)
        self._glow = _quiet(
            QGraphicsEllipseItem(-GLOW_RADIUS, -GLOW_RADIUS, 2 * GLOW_RADIUS, 2 * GLOW_RADIUS, self)
        )
        self._glow.setPen(_NO_PEN)
        self._head = _quiet(
            QGraphicsEllipseItem(-HEAD_RADIUS, -HEAD_RADIUS, 2 * HEAD_RADIUS, 2 * HEAD_RADIUS, self)
        )
        self._color = QColor()

    def show_at(self, points: list[QPointF], t: float, color: QColor, width: float) -> None:
        if color != self._color:
            self._color = QColor(color)
            pen = style.edge_pen(color, width)
            self.setPen(pen)
            glow = QRadialGradient(0.0, 0.0, GLOW_RADIUS)
            inner = QColor(color)
            inner.setAlphaF(0.55)
            outer = QColor(color)
            outer.setAlphaF(0.0)
            glow.setColorAt(0.0, inner)
            glow.setColorAt(1.0, outer)
            self._glow.setBrush(QBrush(glow))
            self._head.setBrush(QBrush(color))
            self._head.setPen(QPen(QColor(255, 255, 255, 230), 1.5))
        elif self.pen().widthF() != width:
            self.setPen(style.edge_pen(color, width))
        i, front = _along(points, t)
        trail = QPainterPath(points[0])
        for p in points[1 : i + 1]:
            trail.lineTo(p)
        trail.lineTo(front)
        self.setPath(trail)
        self._glow.setPos(front)
        self._head.setPos(front)
        self.setVisible(True)

    @property
    def front(self) -> QPointF:
        return self._head.pos()


class RingMark(QGraphicsPathItem):
    """A rounded outline just outside a card: the node the current step is about."""

    def __init__(self) -> None:
        super().__init__()
        _quiet(self)
        self.setZValue(Z_RING)
        self.setBrush(Qt.BrushStyle.NoBrush)

    def show_around(self, card: QRectF, color: QColor, opacity: float, width: float = 2.6) -> None:
        rect = card.adjusted(-RING_GAP, -RING_GAP, RING_GAP, RING_GAP)
        path = QPainterPath()
        path.addRoundedRect(rect, CORNER_RADIUS + RING_GAP, CORNER_RADIUS + RING_GAP)
        if path != self.path():
            self.setPath(path)
        self.setPen(QPen(color, width))
        self.setOpacity(opacity)
        self.setVisible(True)


class _Pill(QGraphicsPathItem):
    """Text on a rounded background; ``place`` puts the pill's centre at a local point."""

    def __init__(self) -> None:
        super().__init__()
        _quiet(self)
        self._text = _quiet(QGraphicsSimpleTextItem(self))
        self._size = (0.0, 0.0)

    @property
    def text(self) -> str:
        return self._text.text()

    @property
    def size(self) -> tuple[float, float]:
        return self._size

    def _fill(self, text: str, font, theme: Theme, border: QColor, ink: QColor) -> None:
        self._text.setFont(font)
        self._text.setText(text)
        self._text.setBrush(QBrush(ink))
        box = self._text.boundingRect()
        self._size = (box.width() + 16.0, box.height() + 6.0)
        self.setPen(QPen(border, 1.2))
        self.setBrush(QBrush(theme.label_fill))

    def place(self, center: QPointF) -> None:
        w, h = self._size
        path = QPainterPath()
        path.addRoundedRect(QRectF(center.x() - w / 2, center.y() - h / 2, w, h), h / 2, h / 2)
        self.setPath(path)
        box = self._text.boundingRect()
        self._text.setPos(center.x() - box.width() / 2, center.y() - box.height() / 2)


class CalloutMark(_Pill):
    """The chain rule of the edge being animated, next to its midpoint, readable at any zoom.

    It ignores the view's scale, so its local units are pixels: the pill sits ``offset`` pixels
    from the anchor on the edge, joined to it by a short leader line.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(Z_CALLOUT)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self._leader = _quiet(QGraphicsLineItem(self))
        self._leader.setZValue(-1.0)
        self._dot = _quiet(QGraphicsEllipseItem(-2.5, -2.5, 5.0, 5.0, self))

    def set_text(self, text: str, theme: Theme, color: QColor) -> None:
        if text != self.text:
            self._fill(text, style.fonts().body, theme, color, theme.text)
        self.setPen(QPen(color, 1.2))
        self._leader.setPen(QPen(color, 1.0))
        self._dot.setBrush(QBrush(color))
        self._dot.setPen(_NO_PEN)

    def show_at(self, anchor: QPointF, offset: QPointF) -> None:
        """Pill centre ``offset`` pixels from ``anchor`` (a scene point on the edge)."""
        self.place(offset)
        h = self._size[1]
        w = self._size[0]
        edge_y = offset.y() + (h / 2 if offset.y() < 0 else -h / 2)
        edge_x = max(offset.x() - w / 2 + h / 2, min(0.0, offset.x() + w / 2 - h / 2))
        self._leader.setLine(0.0, 0.0, edge_x, edge_y)
        self.setPos(anchor)
        self.setVisible(True)


class SumMark(_Pill):
    """``grad = -3 + -3 + -3 = -9`` under a card whose node feeds several consumers."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(Z_RING)

    def show_text(self, below: QPointF, text: str, theme: Theme, color: QColor) -> None:
        if text != self.text or self.pen().color() != color:
            self._fill(text, style.fonts().small, theme, color, color)
            self.place(QPointF(0.0, self._size[1] / 2))
        self.setPos(below)
        self.setVisible(True)
