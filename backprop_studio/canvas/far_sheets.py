"""The scene's two sheets (``items/far_sheet.py``): one paints the plain cards and one the edge
lines of a zoomed-out view, while the scene is "far" (only then are they in the scene)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsScene

from .items.edge import EdgeItem
from .items.edge_line import EdgeLine, paint_lines
from .items.far_sheet import FarSheet, paint_cards
from .items.node import NodeItem
from .style import Z_EDGE, Z_NODE


class FarSheets:
    """The card sheet (just under the cards, so a card that paints itself, a selected one
    being dragged, lies over the others) and the edge sheet (just under the edges, so what an
    edge carries, a thumbnail, lies over its line; a selected edge paints its line itself,
    over its halo)."""

    def __init__(self, scene: QGraphicsScene, in_sight: Callable[[], list[QRectF]]) -> None:
        """``in_sight``: the scene rectangles its views show (``GraphScene._rects_in_sight``)."""
        self.cards: FarSheet[NodeItem] = FarSheet(
            Z_NODE - 0.5, NodeItem.sceneBoundingRect, paint_cards, in_sight
        )
        self.lines: FarSheet[EdgeLine] = FarSheet(
            Z_EDGE - 0.5, EdgeLine.sheet_rect, paint_lines, in_sight
        )
        self._scene = scene
        self.far = False

    def set_far(self, far: bool, cards: Iterable[NodeItem], edges: Iterable[EdgeItem]) -> None:
        """Hand every card and edge to the sheets (``far``), or give them back."""
        if far == self.far:
            return
        self.far = far
        for sheet in (self.cards, self.lines):  # in the scene only while they paint
            if far:
                self._scene.addItem(sheet)
                sheet.setVisible(True)
            else:
                sheet.setVisible(False)
                self._scene.removeItem(sheet)
                sheet.reset_bounds()

        def offer() -> None:
            for card in cards:
                self.offer_card(card)
            for edge in edges:
                self.offer_edge(edge)

        if far:
            self.cards.take_all(lambda: self.lines.take_all(offer))
        else:
            offer()

    def touch_all(self) -> None:
        """Every card and edge is about to change (a new trace): repaint both sheets whole."""
        if self.far:
            self.cards.touch_all()
            self.lines.touch_all()

    def offer_card(self, card: NodeItem) -> None:
        card.set_sheet(self.cards if self.far else None)

    def offer_edge(self, edge: EdgeItem) -> None:
        edge.set_sheet(self.lines if self.far else None)


def is_sheet(item: object) -> bool:
    """Whether ``item`` is a sheet (what measures the drawing skips it: its items count)."""
    return isinstance(item, FarSheet)
