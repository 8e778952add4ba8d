"""PortItem: the hit area of one input or output port, drawn only while a drag points at it.

The port dot itself is painted (and cached) by its NodeItem; this child item exists so that
``scene.items(pos)`` finds ports, and it lights up green or red while a new edge hovers over it.
A C++ ellipse item with ``ItemHasNoContents`` while idle costs nothing per repaint.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem

from ..style import PORT_HIT_RADIUS, Theme

if TYPE_CHECKING:
    from .node import NodeItem


class PortState(Enum):
    IDLE = "idle"
    OK = "ok"
    REFUSED = "refused"


class PortItem(QGraphicsEllipseItem):
    """An input port (``port`` is its name) or the output port (``port`` is None) of a node."""

    def __init__(self, node: NodeItem, port: str | None, theme: Theme) -> None:
        r = PORT_HIT_RADIUS
        super().__init__(QRectF(-r, -r, 2 * r, 2 * r), node)
        self.port = port
        self.theme = theme
        self.state = PortState.IDLE
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("drag to connect" if port is None else f"input '{port}'")

    @property
    def node_item(self) -> NodeItem:
        return self.parentItem()  # type: ignore[return-value]

    @property
    def is_output(self) -> bool:
        return self.port is None

    def anchor(self) -> QPointF:
        """Where edges attach, in scene coordinates."""
        return self.scenePos()

    def set_state(self, state: PortState) -> None:
        if state == self.state:
            return
        self.state = state
        if state == PortState.IDLE:
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
            scene = self.scene()
            if scene is not None:  # Qt drops item updates of an item without contents
                scene.update(self.sceneBoundingRect().adjusted(-2, -2, 2, 2))
            return
        color = self.theme.port_ok if state == PortState.OK else self.theme.port_refused
        ring = QColor(color)
        ring.setAlphaF(0.25)
        self.setPen(QPen(color, 2.0))
        self.setBrush(QBrush(ring))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, False)
        self.update()
