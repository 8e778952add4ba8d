"""The scene's event handlers: a press on a port starts a new edge, a press on a card a drag (one
"moved" intent on release), a double-click on a title a rename, Esc cancels; tooltips are built
when asked for, and palette drops become intents.

A base class of GraphScene (``canvas/scene.py``), which supplies the lookups (``port_at``,
``node_at``), the gesture state and the intent signals these handlers use.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsScene,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneHelpEvent,
    QGraphicsSceneMouseEvent,
    QToolTip,
)

from .interactions import NewEdgeDrag, NodeDrag, op_from_mime, template_from_mime
from .items.block import BlockItem
from .items.edge import EdgeItem
from .items.node import NodeItem
from .items.port import PortItem

_LEFT = Qt.MouseButton.LeftButton


class SceneEvents(QGraphicsScene):
    """Qt's scene events, turned into gestures and intents (see the module's docstring)."""

    _gesture: NewEdgeDrag | None
    _drag: NodeDrag | None
    _hover_text: str
    hover_status: Any
    nodes_moved: Any
    template_drop_requested: Any
    node_drop_requested: Any

    def port_at(self, pos: QPointF) -> PortItem | None:
        raise NotImplementedError

    def node_at(self, pos: QPointF) -> NodeItem | None:
        raise NotImplementedError

    def begin_rename(self, name: str) -> object:
        raise NotImplementedError

    def _cancel_gestures(self) -> None:
        raise NotImplementedError

    # ---- events ----------------------------------------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        left = event.button() == _LEFT
        if left and self._gesture is None:
            port = self.port_at(event.scenePos())
            if port is not None:
                self._gesture = NewEdgeDrag(self, port, event.scenePos())
                event.accept()
                return
        super().mousePressEvent(event)
        if left and isinstance(self.mouseGrabberItem(), (NodeItem, BlockItem)):
            nodes = [i for i in self.selectedItems() if isinstance(i, NodeItem)]
            cards = [i for i in self.selectedItems() if isinstance(i, BlockItem)]
            self._drag = NodeDrag(nodes, cards)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.buttons() == Qt.MouseButton.NoButton:
            item = self.node_at(event.scenePos())
            text = (item.problem or "") if item is not None else ""
            if text != self._hover_text:  # a card's problem is elided: the status line has room
                self._hover_text = text
                self.hover_status.emit(text)
        if self._gesture is not None:
            self._gesture.move(event.scenePos())
            event.accept()
            return
        if self._drag is not None and not self._drag.started:
            # a drag starts when the mouse itself has travelled, never when the view moved
            # under a still mouse (a dock resizing after a click replays the press as a move)
            travelled = event.screenPos() - event.buttonDownScreenPos(_LEFT)
            if travelled.manhattanLength() < QApplication.startDragDistance():
                event.accept()
                return
            self._drag.started = True
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._gesture is not None and event.button() == _LEFT:
            gesture, self._gesture = self._gesture, None
            gesture.release(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if self._drag is not None and event.button() == _LEFT:
            moved = self._drag.finish()
            self._drag = None
            if moved:
                self.nodes_moved.emit(moved)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self.node_at(event.scenePos())
        if item is not None and item.title_rect().contains(item.mapFromScene(event.scenePos())):
            self.begin_rename(item.name)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._gesture is not None:
            self._cancel_gestures()
            event.accept()
            return
        super().keyPressEvent(event)

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:
        """Tooltips are built when asked for, not on every value change."""
        item = self.hovered_item(event.scenePos())
        if item is not None:
            QToolTip.showText(event.screenPos(), item.tooltip_text())
            event.accept()
            return
        super().helpEvent(event)

    def hovered_item(self, pos: QPointF) -> NodeItem | EdgeItem | BlockItem | None:
        """The node under ``pos``, else the edge whose curve is nearest it (not merely the
        topmost of the edges that cross there); None over a port or empty canvas."""
        edges = []
        for item in self.items(pos):
            if isinstance(item, PortItem):
                return None
            if isinstance(item, (NodeItem, BlockItem)):
                return item if not edges else min(edges, key=lambda e: e.distance_to(pos))
            if isinstance(item, EdgeItem):
                edges.append(item)
        return min(edges, key=lambda e: e.distance_to(pos)) if edges else None

    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        self._accept_op_drag(event)

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        self._accept_op_drag(event)

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        op, template = op_from_mime(event.mimeData()), template_from_mime(event.mimeData())
        if op is None and template is None:
            event.ignore()
            return
        event.acceptProposedAction()
        if template is not None:
            self.template_drop_requested.emit(template, event.scenePos())
        else:
            assert op is not None
            self.node_drop_requested.emit(op, event.scenePos())

    @staticmethod
    def _accept_op_drag(event: QGraphicsSceneDragDropEvent) -> None:
        mime = event.mimeData()
        if op_from_mime(mime) is None and template_from_mime(mime) is None:
            event.ignore()
        else:
            event.acceptProposedAction()
