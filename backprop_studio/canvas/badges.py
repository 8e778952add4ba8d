"""NodeBadges: one row of pills over the node cards, by node name (a check's ✓/✗, a tangent).

The app owns what the badges say; this only puts them on the cards the scene has now. A card
removed with its node takes its badge along (the badge is its child), so a stale one is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

import shiboken6

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
            self._marks[name] = mark

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
