"""BlockItem: a block drawn as a labelled frame around its cards, or, collapsed, as one card.

Expanded, the frame sits behind the member cards and takes the mouse only on its title tab, so a
rubber band can still start inside it. Collapsed, it is a card of its own in the place of the
member that gives the block's result (the members are hidden), so edges into it still run left
to right, with one port per boundary edge: inputs on the left, outputs
on the right, and the scene re-routes those edges to them. Either way a small button on the tab
or the header toggles it; the item only reports the click (``on_toggle``), the app decides.
The item knows nothing of the Graph: the scene gives it the member cards and boundary edges.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from backprop_studio.model.graph import Edge

from .. import style
from ..style import (
    BODY_PADDING,
    CORNER_RADIUS,
    HEADER_HEIGHT,
    NODE_WIDTH,
    PORT_RADIUS,
    ROW_HEIGHT,
    TEXT_MARGIN,
    Z_EDGE,
    Z_NODE,
    Theme,
)
from .block_frame import FRAME_PAD_X, FRAME_PAD_Y, frame_outline
from .block_paint import BUTTON, CardLook, paint_button, paint_card, paint_frame, port_y
from .node import NodeItem
from .node_summary import Summary, summarize

TAB_HEIGHT = 34.0  # the frame's title band, above the cards
Z_FRAME = Z_EDGE - 2.0  # behind the edges and the cards
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_Flag = QGraphicsItem.GraphicsItemFlag


def card_rect(item: QGraphicsItem) -> QRectF:
    """A node's card in scene coordinates, without the margin its ports take."""
    return item.mapRectToScene(item.shape().boundingRect())


class BlockItem(QGraphicsItem):
    """One block of the graph; ``name`` is the block's name."""

    def __init__(self, name: str, theme: Theme | None = None) -> None:
        super().__init__()
        self._name = name
        self._theme = theme or style.current_theme()
        self._collapsed = False
        self.controls_shown = True  # the collapse / expand button (an export leaves it out)
        self._members: list[NodeItem] = []
        self._inputs: list[Edge] = []
        self._outputs: list[Edge] = []
        self._labels: dict[Edge, str] = {}
        self._rect = QRectF()
        self._hull = QPainterPath()  # expanded: the frame's outline, in item coordinates
        self._tab = QRectF()  # expanded: the title tab
        self._tidy = False  # expanded: framed as a box with notches where it can be
        self.on_toggle: Callable[[str, bool], None] | None = None  # (name, collapse?)
        self.setFlag(_Flag.ItemIsSelectable)
        self.setFlag(_Flag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(False)

    # ---- data ----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def title(self) -> str:
        return self._name

    @property
    def collapsed(self) -> bool:
        return self._collapsed

    @property
    def members(self) -> list[str]:
        return [item.name for item in self._members]

    def member_items(self) -> list[NodeItem]:
        return list(self._members)

    @property
    def inputs(self) -> list[Edge]:
        return list(self._inputs)

    @property
    def outputs(self) -> list[Edge]:
        return list(self._outputs)

    def set_state(
        self,
        name: str,
        members: list[NodeItem],
        collapsed: bool,
        inputs: list[Edge],
        outputs: list[Edge],
        labels: dict[Edge, str],
    ) -> None:
        """What the block is now: its name, cards, flag and boundary edges (with port labels)."""
        self._name, self._members, self._collapsed = name, list(members), collapsed
        self._inputs, self._outputs, self._labels = list(inputs), list(outputs), dict(labels)
        self.setZValue(Z_NODE if collapsed else Z_FRAME)
        self.setFlag(_Flag.ItemIsSelectable, collapsed)
        self.setFlag(_Flag.ItemIsMovable, collapsed)  # a drag moves its hidden members
        if not collapsed and self.isSelected():
            self.setSelected(False)
        self.follow()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()

    def count_text(self) -> str:
        n = len(self._members)
        return f"{n} node{'s' if n != 1 else ''}"

    def text_lines(self) -> list[str]:
        """Every piece of text the item draws (for tests): name, count, port labels."""
        if not self._collapsed:
            return [self._name]
        ports = [self._labels.get(e, e.src) for e in (*self._inputs, *self._outputs)]
        return [self._name, self.count_text(), *ports]

    def tooltip_text(self) -> str:
        state = "collapsed" if self._collapsed else "expanded"
        lines = [f"block {self._name} ({state}, {self.count_text()})"]
        lines += [f"in: {e.src} → {e.dst}.{e.port}" for e in self._inputs]
        lines += [f"out: {e.src} → {e.dst}.{e.port}" for e in self._outputs]
        lines.append(
            "double-click or the button to " + ("expand" if self._collapsed else "collapse")
        )
        return "\n".join(lines)

    # ---- geometry ------------------------------------------------------------------------
    def members_rect(self) -> QRectF:
        """The member cards' union in scene coordinates (where they are, shown or not)."""
        rect = QRectF()
        for item in self._members:
            rect = rect.united(card_rect(item))
        return rect

    def frame_path(self) -> QPainterPath:
        """The expanded frame's outline in scene coordinates (empty when collapsed)."""
        return QPainterPath() if self._collapsed else self.mapToScene(self._hull)

    def frame_pieces(self) -> int:
        """How many separate shapes the expanded frame is drawn as (one reads as a group;
        members scattered over the canvas make several); 0 when collapsed."""
        return 0 if self._collapsed else len(self._hull.toFillPolygons())

    def anchor(self) -> NodeItem | None:
        """The member whose place the collapsed card takes: the one the block's first output
        leaves from (where the layer's result sits), else the last member."""
        by_name = {item.name: item for item in self._members}
        if self._outputs and self._outputs[0].src in by_name:
            return by_name[self._outputs[0].src]
        return self._members[-1] if self._members else None

    def card_height(self) -> float:
        rows = max(len(self._inputs), len(self._outputs), 1)
        return HEADER_HEIGHT + ROW_HEIGHT + rows * ROW_HEIGHT + 2 * BODY_PADDING

    def follow(self) -> None:
        """Re-place after a member moved or the block changed; its boundary edges follow."""
        around = self.members_rect()
        if self._collapsed:
            h = self.card_height()
            anchor = self.anchor()
            spot = card_rect(anchor) if anchor is not None else around
            centre = spot.center() if not spot.isEmpty() else QPointF()
            self.prepareGeometryChange()
            self.setPos(spot.left(), centre.y() - h / 2)
            self._rect = QRectF(0, 0, NODE_WIDTH, h)
        else:
            cards = [card_rect(item) for item in self._members]
            hull = frame_outline(cards, self._other_cards, self._tidy)
            # the scene is asked where the tab fits before this item's geometry starts to
            # change: a query in between indexes the old rect, and the stale index entries
            # outlive the item when it is removed (a crash on the next paint)
            tab = self._tab_place(cards)
            whole = hull.boundingRect().united(tab)
            self.prepareGeometryChange()
            self.setPos(whole.topLeft())
            self._hull = hull.translated(-whole.topLeft())
            self._tab = tab.translated(-whole.topLeft())
            self._rect = QRectF(0, 0, whole.width(), whole.height())
        self.update()
        self._update_edges()

    def set_tidy(self, tidy: bool) -> None:
        """Frame the block as its members' box with a notch for each card from outside that
        bites into it (``block_frame``), where they allow it. A slide does: its layout keeps a
        block's cards together, and nothing moves after. The canvas keeps the union of cards,
        which a card dragged past never makes stale."""
        if tidy != self._tidy:
            self._tidy = tidy
            self.follow()

    def _other_cards(self, rect: QRectF) -> list[QRectF]:
        """The cards drawn in ``rect`` that are not this block's members (a collapsed block's
        card included)."""
        scene = self.scene()
        if scene is None:
            return []
        return [
            card_rect(item)
            for item in scene.items(rect)
            if item is not self
            and item.isVisible()
            and (
                (isinstance(item, NodeItem) and item not in self._members)
                or (isinstance(item, BlockItem) and item.collapsed)
            )
        ]

    def _tab_place(self, cards: list[QRectF]) -> QRectF:
        """The title tab, above the highest member card with no card over the tab (it is drawn
        behind the cards, so a card there would hide the name)."""
        scene = self.scene()
        tabs = [
            QRectF(r.left() - FRAME_PAD_X, r.top() - FRAME_PAD_Y - TAB_HEIGHT,
                   r.width() + 2 * FRAME_PAD_X, TAB_HEIGHT + FRAME_PAD_Y)
            for r in sorted(cards, key=lambda r: (r.top(), r.left()))
        ]  # fmt: skip
        if scene is None or not tabs:
            return tabs[0] if tabs else QRectF()
        for tab in tabs:
            hidden_by = [
                i
                for i in scene.items(tab.adjusted(0, 0, 0, -FRAME_PAD_Y))  # not its own card
                if isinstance(i, NodeItem) and i.isVisible()
            ]  # fmt: skip
            if not hidden_by:
                return tab
        return tabs[0]

    def _update_edges(self) -> None:
        for item in self._members:
            for edge in item.edge_items():
                if edge.src_via is self or edge.dst_via is self:
                    edge.update_path()

    def input_anchor_of(self, edge: Edge) -> QPointF:
        row = self._inputs.index(edge) if edge in self._inputs else 0
        return self.mapToScene(QPointF(0.0, port_y(row)))

    def output_anchor_of(self, edge: Edge) -> QPointF:
        row = self._outputs.index(edge) if edge in self._outputs else 0
        return self.mapToScene(QPointF(NODE_WIDTH, port_y(row)))

    def button_rect(self) -> QRectF:
        band = self.title_rect()
        x = band.right() - BUTTON - 6.0
        return QRectF(x, band.top() + (band.height() - BUTTON) / 2, BUTTON, BUTTON)

    def title_rect(self) -> QRectF:
        if self._collapsed:
            return QRectF(0, 0, self._rect.width(), HEADER_HEIGHT)
        return QRectF(self._tab.left(), self._tab.top(), self._tab.width(), TAB_HEIGHT)

    def boundingRect(self) -> QRectF:
        m = PORT_RADIUS + 3.0
        return self._rect.adjusted(-m, -m, m, m)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        if self._collapsed:
            path.addRoundedRect(self._rect, CORNER_RADIUS, CORNER_RADIUS)
        else:  # only the tab: a click inside the frame reaches the canvas and the cards
            path.addRect(self.title_rect())
        return path

    def summary(self, lod: float) -> Summary:
        """What the collapsed card draws when it is small on screen (as a node card does)."""
        h = self.card_height()
        return summarize(self._name, self.count_text(), NODE_WIDTH, h, HEADER_HEIGHT, lod)

    # ---- the mouse -------------------------------------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.button_rect().contains(event.pos()):
            self._toggle()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._toggle()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _toggle(self) -> None:
        if self.on_toggle is not None:
            self.on_toggle(self._name, not self._collapsed)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.update()
        elif change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self._update_edges()  # dragged: the boundary edges follow the card
        return super().itemChange(change, value)

    # ---- painting ------------------------------------------------------------------------
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if self._collapsed:
            labels = (
                [self._labels.get(e, e.src) for e in es] for es in (self._inputs, self._outputs)
            )
            look = CardLook(self._rect.height(), self._name, self.count_text(), *labels)
            button = self.button_rect() if self.controls_shown else None
            paint_card(painter, self._theme, look, self.isSelected(), self.summary, button)
        else:
            title = self.title_rect().adjusted(TEXT_MARGIN, 0, -BUTTON - 12.0, 0)
            paint_frame(painter, self._theme, self._hull, self._tab, title, self._name)
            if self.controls_shown:
                paint_button(painter, self._theme, self.button_rect(), "−")
