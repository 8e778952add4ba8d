"""Gestures on the canvas, one small object each, which the scene asks before doing its default.

A gesture never changes the graph: it ends by emitting one of the scene's intent signals, and the
app turns that into an undoable command. ``make_op_mime`` is shared with the palette so a drop in
a test carries exactly the payload of a real drag.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPointF
from PySide6.QtGui import QColor, QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem

from backprop_studio.model.ops import OPS
from backprop_studio.model.templates import TEMPLATES

from . import style
from .items.block import BlockItem
from .items.edge_curve import bezier
from .items.node import NodeItem
from .items.port import PortItem, PortState

if TYPE_CHECKING:
    from .scene import GraphScene

OP_MIME = "application/x-backprop-studio-op"


def make_op_mime(op: str) -> QMimeData:
    """The payload of a palette drag: the op name under ``OP_MIME``."""
    mime = QMimeData()
    mime.setData(OP_MIME, op.encode("utf-8"))
    return mime


TEMPLATE_MIME = "application/x-backprop-studio-template"


def make_template_mime(key: str) -> QMimeData:
    """The payload of a block template's drag: its key under ``TEMPLATE_MIME``."""
    mime = QMimeData()
    mime.setData(TEMPLATE_MIME, key.encode("utf-8"))
    return mime


def template_from_mime(mime: QMimeData | None) -> str | None:
    """The block template a drag carries, or None."""
    if mime is None or not mime.hasFormat(TEMPLATE_MIME):
        return None
    key = bytes(mime.data(TEMPLATE_MIME).data()).decode("utf-8", errors="replace").strip()
    return key if key in TEMPLATES else None


def op_from_mime(mime: QMimeData | None) -> str | None:
    """The op a drag carries, or None when it is not ours or names no known op."""
    if mime is None or not mime.hasFormat(OP_MIME):
        return None
    op = bytes(mime.data(OP_MIME).data()).decode("utf-8", errors="replace").strip()
    return op if op in OPS else None


class NodeDrag:
    """Moving one or many selected nodes: remembers where they started, reports once at the end.

    A collapsed block's card (``cards``) moves its hidden members by as much as it moved."""

    def __init__(self, items: list[NodeItem], cards: Sequence[BlockItem] = ()) -> None:
        self._start = {item: (item.pos().x(), item.pos().y()) for item in items}
        self._cards = {card: (card.pos().x(), card.pos().y()) for card in cards}
        self._inside = {card: card.member_items() for card in cards}
        self.started = False  # set once the mouse has moved past the drag distance

    def finish(self) -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
        """``{name: (old, new)}`` for the nodes that actually moved."""
        moved = {}
        for item, old in self._start.items():
            new = (item.pos().x(), item.pos().y())
            if new != old:
                moved[item.name] = (old, new)
        for card, (x0, y0) in self._cards.items():
            dx, dy = card.pos().x() - x0, card.pos().y() - y0
            if dx or dy:
                for item in self._inside[card]:
                    old = (item.pos().x(), item.pos().y())
                    moved[item.name] = (old, (old[0] + dx, old[1] + dy))
        return moved


class NewEdgeDrag:
    """Drag from an output port to an input port, or backwards from an input to an output.

    While the mouse is over a port (or a node's body, which picks its first free port) the port
    turns green or red; a red one is what ``Graph.can_connect`` refuses, and its reason goes to
    the status bar. Releasing on empty canvas asks the app for a quick-add there: from an output, a
    node that takes it; from a free input, a node that feeds it.
    """

    def __init__(self, scene: GraphScene, port: PortItem, pos: QPointF) -> None:
        self._scene = scene
        self._origin = port
        self._target: PortItem | None = None
        self._reason: str | None = None
        self._last_message: str | None = None
        self._temp = QGraphicsPathItem()
        color = QColor(scene.theme.muted)
        self._temp.setPen(style.edge_pen(color, 1.8, dashed=True))
        self._temp.setZValue(style.Z_TEMP_EDGE)
        scene.addItem(self._temp)
        self.move(pos)

    @property
    def forward(self) -> bool:
        """True when the drag started at an output port."""
        return self._origin.is_output

    def move(self, pos: QPointF) -> None:
        target = self._find_target(pos)
        if target is not self._target:
            if self._target is not None:
                self._target.set_state(PortState.IDLE)
            self._target = target
        self._reason = self._refusal(target) if target is not None else self._body_refusal(pos)
        if target is not None:
            target.set_state(PortState.REFUSED if self._reason else PortState.OK)
        if self._reason and self._reason != self._last_message:
            self._scene.status_message.emit(self._reason)
        self._last_message = self._reason
        end = target.anchor() if target is not None else pos
        start = self._origin.anchor()
        path: QPainterPath = bezier(start, end) if self.forward else bezier(end, start)
        self._temp.setPath(path)

    def release(self, pos: QPointF) -> None:
        self.move(pos)
        target, reason = self._target, self._reason
        self.cancel()
        if reason:
            self._scene.status_message.emit(reason)
            return
        if target is not None:
            src, dst, port = self._triple(target)
            self._scene.connect_requested.emit(src, dst, port)
            return
        if self._scene.node_at(pos) is not None:
            return
        if self.forward:
            self._scene.edge_drop_on_empty.emit(self._origin.node_item.name, pos)
        elif self._origin.port and self._refusal_of_input() is None:
            self._scene.input_drop_on_empty.emit(
                self._origin.node_item.name, self._origin.port, pos
            )

    def cancel(self) -> None:
        if self._target is not None:
            self._target.set_state(PortState.IDLE)
            self._target = None
        if self._temp.scene() is not None:
            self._scene.removeItem(self._temp)

    # ---- internals -----------------------------------------------------------------------
    def _triple(self, target: PortItem) -> tuple[str, str, str]:
        if self.forward:
            return self._origin.node_item.name, target.node_item.name, target.port or ""
        return target.node_item.name, self._origin.node_item.name, self._origin.port or ""

    def _refusal(self, target: PortItem) -> str | None:
        graph = self._scene.graph
        if graph is None:
            return None
        return graph.can_connect(*self._triple(target))

    def _refusal_of_input(self) -> str | None:
        """A drag from a filled input onto empty canvas has nothing to feed."""
        graph = self._scene.graph
        node, port = self._origin.node_item.name, self._origin.port
        if graph is not None and port in graph.inputs_of(node):
            reason = f"input '{port}' of '{node}' is already connected; remove that edge first"
            self._scene.status_message.emit(reason)
            return reason
        return None

    def _body_refusal(self, pos: QPointF) -> str | None:
        """Over a leaf's body there is no port to light up, but the user should learn why."""
        node = self._scene.node_at(pos)
        graph = self._scene.graph
        if not self.forward or node is None or node is self._origin.node_item or graph is None:
            return None
        return graph.can_connect(self._origin.node_item.name, node.name, "")

    def _find_target(self, pos: QPointF) -> PortItem | None:
        origin_node = self._origin.node_item
        for item in self._scene.items(pos):
            if isinstance(item, PortItem) and item.is_output != self._origin.is_output:
                if item.node_item is not origin_node:
                    return item
        node = self._scene.node_at(pos)
        if node is None or node is origin_node:
            return None
        if not self.forward:
            return node.output_port
        inputs = [p for p in node.ports() if not p.is_output]
        for port in inputs:
            if self._refusal(port) is None:
                return port
        return inputs[0] if inputs else None
