"""NodeBadges: one row of pills over the node cards, by node name (a check's ✓/✗, a tangent).

The app owns what the badges say; this only puts them on the cards the scene has now. A card
removed with its node takes its badge along (the badge is its child), so a stale one is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

import shiboken6
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPath

from .items.node import NodeItem
from .items.node_badge import BadgeMark
from .scene import GraphScene


class NodeBadges:
    """Pills above cards (``bottom``: below them; ``row``: that many rows further out), set
    all at once."""

    def __init__(self, scene: GraphScene, bottom: bool = False, row: int = 0) -> None:
        self._scene = scene
        self._bottom = bottom
        self._row = row
        self._marks: dict[str, BadgeMark] = {}

    def show(self, badges: Mapping[str, tuple[str, str]]) -> None:
        """``{name: (text, tone)}`` replaces every badge; names without a card are skipped."""
        self.clear()
        items = self._scene.node_items()
        for name, (text, tone) in badges.items():
            item = items.get(name)
            if item is None:
                continue
            mark = BadgeMark()
            mark.setParentItem(item)
            mark.show_text(text, tone, self._scene.theme, self._bottom, item.card_height, self._row)
            self._place_clear(mark, item)
            self._marks[name] = mark

    def _place_clear(self, mark: BadgeMark, card: NodeItem) -> None:
        """The first corner of the card (its own side first, right before left) where the pill
        covers no wire, port or other card at the view's zoom; the first one when none is free.
        Above h2 on the moons MLP runs h2's own incoming wire, round from the right."""
        scale = _view_scale(self._scene)
        blocked = _obstacles(self._scene, card)
        sides = [(self._bottom, False), (self._bottom, True)]
        sides += [(not self._bottom, False), (not self._bottom, True)]
        for bottom, left in sides:
            mark.set_side(bottom, card.card_height, self._row, left)
            area = mark.screen_rect(scale)
            if not any(thing.intersects(area) for thing in blocked):
                return
        mark.set_side(self._bottom, card.card_height, self._row)

    def clear(self) -> None:
        for mark in self._marks.values():
            if shiboken6.isValid(mark) and mark.scene() is not None:
                mark.scene().removeItem(mark)
        self._marks.clear()

    def texts(self) -> dict[str, str]:
        """What each badge says now (tests and accessibility)."""
        return {n: m.text for n, m in self._marks.items() if shiboken6.isValid(m)}

    def tones(self) -> dict[str, str]:
        return {n: m.tone for n, m in self._marks.items() if shiboken6.isValid(m)}


def _view_scale(scene: GraphScene) -> float:
    views = scene.views()
    scale = views[0].transform().m11() if views else 1.0
    return scale if scale > 0 else 1.0


def _obstacles(scene: GraphScene, card: NodeItem) -> list[QPainterPath | QRectF]:
    """What a badge must leave in sight: every wire (its hit shape, with its thumbnails and
    labels), every port, and the other cards and collapsed blocks."""
    things: list[QPainterPath | QRectF] = []
    for edge in scene.edge_items().values():
        if not edge.isVisible():
            continue
        things.append(edge.sceneTransform().map(edge.shape()))
        things += [c.sceneBoundingRect() for c in edge.childItems() if c.isVisible()]
    for item in scene.node_items().values():
        if not item.isVisible():
            continue
        things += [port.sceneBoundingRect() for port in item.ports()]
        if item is not card:
            things.append(item.sceneBoundingRect())
    things += [b.sceneBoundingRect() for b in scene.block_items().values() if b.isVisible()]
    return things
