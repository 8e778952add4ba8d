"""FarSheet: zoomed out, one item paints every card (or every edge line) in one call.

A fitted network shows hundreds of small cards and edges. Painted as items, each costs Qt its
own pass (transform, clip, cache pixmap) and Python a ``paint()`` call: a cProfile of a fitted
repaint of 1,000 cards and 1,500 edges put 13 of its 25 profiled ms in Qt's own work, and a new
trace drew ~285 card pixmaps again on top (59 ms in all). A sheet draws what the items would,
in one loop over the items in the exposed rectangle, with no pixmap per card: a repaint costs
about what it did, and a new trace no pixmaps (README, Benchmarks).

The items stay in the scene, so hit tests, selection, tooltips and the model's view of them
are unchanged; an item the sheet draws has ``ItemHasNoContents`` set, and sends its updates
to the sheet (:meth:`touch`, :meth:`touch_item`). Only the zoomed-out view hands items over
(the scene decides, see ``GraphScene.set_far``); a selected item, exports and close views
paint themselves, as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Generic, TypeVar

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ..style import CARD_MARGIN
from . import moves
from .node_heat import paint_thumbnails

_Flag = QGraphicsItem.GraphicsItemFlag
_AA = QPainter.RenderHint.Antialiasing
_TEXT_AA = QPainter.RenderHint.TextAntialiasing

T = TypeVar("T", bound=QGraphicsItem)


class FarSheet(QGraphicsItem, Generic[T]):
    """Paints the items it holds, in the order they came, where the view is exposed.

    ``rect_of`` gives an item's painted rectangle in scene coordinates, and ``paint_all``
    paints a list of them with the painter in scene coordinates: ``paint_all(painter, items,
    fast, lod)``, ``fast`` meaning a view's repaint (not an export) and ``lod`` the scale.
    ``in_sight`` gives the scene rectangles the views show: a change outside them needs no
    repaint (a view that moves paints what it uncovers, so the sheet asks again after each
    paint), and a new trace's off-screen cards and edges, filled between frames, cost none."""

    def __init__(
        self,
        z: float,
        rect_of: Callable[[T], QRectF],
        paint_all: Callable[[QPainter, list[T], bool, float], None],
        in_sight: Callable[[], list[QRectF]],
    ) -> None:
        super().__init__()
        self.setZValue(z)
        self.setFlag(_Flag.ItemUsesExtendedStyleOption)  # the exposed rectangle, to cull
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self._rect_of, self._paint_all, self._in_sight = rect_of, paint_all, in_sight
        self._items: dict[T, None] = {}  # an ordered set: painted first come, first drawn
        self._bounds = QRectF()
        self._index: tuple[list[T], np.ndarray] | None = None  # items and their rectangles
        self._index_key: tuple[int, int] = (-1, -1)
        self._version = 0  # which items, or where: the index is made again when it moves
        self.all_touched = False  # a repaint of all of it is on its way
        self._taking_all = False
        self._sight: list[QRectF] | None = None  # what the views showed at the last paint
        self._seen: set[T] | None = None  # and the items there
        self._seen_key: tuple[int, int] = (-1, -1)  # while the index was this one
        self.setVisible(False)

    # ---- which items -----------------------------------------------------------------------
    def take(self, item: T) -> None:
        """Draw ``item`` from now on (it has stopped painting itself)."""
        if item not in self._items:
            if getattr(item, "_sheet_order", None) is None:  # its place among the others
                item._sheet_order = next(_ORDER)  # type: ignore[attr-defined]
            self._items[item] = None
            self.moved()
            if not self._taking_all:
                self.touch(self._rect_of(item))

    def take_all(self, offer: Callable[[], None]) -> None:
        """Run ``offer``, which hands many items over at once, then fit the bounds to them in
        one step (a change of bounds re-indexes the sheet in the scene)."""
        self._taking_all = True
        try:
            offer()
        finally:
            self._taking_all = False
        _, rects = self._refresh()
        if len(rects):
            left, top = rects[:, 0].min(), rects[:, 1].min()
            right, bottom = rects[:, 2].max(), rects[:, 3].max()
            self._grow(QRectF(left, top, right - left, bottom - top))
        self.update()

    def drop(self, item: T) -> None:
        """Stop drawing ``item`` (it paints itself again, or left the scene)."""
        if item in self._items:
            del self._items[item]
            self.touch(self._rect_of(item))
            self.moved()

    # ---- changes ---------------------------------------------------------------------------
    def touch(self, rect: QRectF) -> None:
        """Repaint ``rect`` (scene coordinates): an item the sheet draws changed there (the
        sheet grows to hold it)."""
        if self._taking_all or rect.isEmpty():
            return
        self._grow(rect)
        if not self.all_touched and self.isVisible():
            if any(r.intersects(rect) for r in self._views()):
                self.update(rect)  # (Qt keeps one rectangle around an item's updates)

    def touch_item(self, item: T) -> None:
        """Repaint ``item`` where it is: its look changed, not its place (nothing to do when
        no view shows it: a new trace's off-screen items, filled between frames)."""
        if self._taking_all or self.all_touched or not self.isVisible():
            return
        key = (moves.count(), self._version)
        if self._seen is None or self._seen_key != key:
            if self._index is None or self._index_key != key:
                self.touch(self._rect_of(item))  # items moved since: ask by its rectangle
                return  # (not by a new index for each change, as a zoom restyling all)
            self._seen, self._seen_key = self._items_in_sight(), key
        if item in self._seen:
            self.update(self._rect_of(item))

    def _views(self) -> list[QRectF]:
        if self._sight is None:  # (a little wider: an item's edge on a view's edge counts)
            self._sight = [r.adjusted(-2, -2, 2, 2) for r in self._in_sight()]
        return self._sight

    def _items_in_sight(self) -> set[T]:
        items, rects = self._refresh()
        hit = np.zeros(len(items), dtype=bool)
        for r in self._views():
            hit |= _meeting(rects, r)
        return {items[i] for i in np.flatnonzero(hit).tolist()}

    def _grow(self, rect: QRectF) -> None:
        """Hold ``rect`` within the sheet's bounds. They only grow, as the scene's own do,
        while the sheet is in a scene: never the world, whose size would leave the scene's
        index of items one cell for the whole graph (every repaint then asked every item)."""
        if not self._bounds.contains(rect):
            self.prepareGeometryChange()
            self._bounds = self._bounds.united(rect)

    def reset_bounds(self) -> None:
        """Forget the bounds (out of the scene: the next hand-over fits them again)."""
        self.prepareGeometryChange()
        self._bounds = QRectF()

    def touch_all(self) -> None:
        """Repaint everything the views show (a new trace changes every item): until then,
        no item's change needs a rectangle of its own. Their viewports are asked, not the
        scene: an update of the sheet's own bounds had Qt look over every item of the scene
        for what changed (a fitted repaint by a new trace cost 3–4 ms more than one asked of
        the viewport, 1,000 cards)."""
        if self.isVisible():
            self.all_touched = True
            scene = self.scene()
            for view in scene.views() if scene is not None else ():
                view.viewport().update()

    def moved(self) -> None:
        """An item came, went or changed its bounds without a move the scene noted."""
        self._version += 1

    def _refresh(self) -> tuple[list[T], np.ndarray]:
        key = (moves.count(), self._version)
        if self._index is None or key != self._index_key:
            # In the order they first came (the scene's, as Qt stacks items of one z): a card
            # that painted itself a while (selected) goes back under the ones after it.
            items = sorted(self._items, key=_order_of)
            rects = np.empty((len(items), 4))
            for i, item in enumerate(items):
                r = self._rect_of(item)
                rects[i] = (r.left(), r.top(), r.right(), r.bottom())
            self._index, self._index_key = (items, rects), key
        return self._index

    # ---- QGraphicsItem ---------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        """Around every item it draws (views and exports leave it out of what they measure)."""
        return self._bounds

    def shape(self) -> QPainterPath:
        return QPainterPath()  # never under the mouse: clicks and rubber bands find the items

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        self.all_touched = False
        self._sight = self._seen = None  # the views may have moved: asked again when needed
        items, rects = self._refresh()
        if not items:
            return
        hit = np.flatnonzero(_meeting(rects, option.exposedRect)).tolist()
        shown = [items[i] for i in hit if items[i].isVisible()]
        if shown:
            lod = option.levelOfDetailFromTransform(painter.worldTransform())
            self._paint_all(painter, shown, widget is not None, lod)


def _meeting(rects: np.ndarray, r: QRectF) -> np.ndarray:
    """Which rows of ``rects`` (left, top, right, bottom) meet ``r``."""
    return (
        (rects[:, 0] <= r.right())
        & (rects[:, 2] >= r.left())
        & (rects[:, 1] <= r.bottom())
        & (rects[:, 3] >= r.top())
    )


def hand_over(
    item: QGraphicsItem,
    held: FarSheet | None,
    sheet: FarSheet | None,
    parts: tuple[QGraphicsItem, ...] = (),
) -> None:
    """Move ``item`` from the sheet that ``held`` it to ``sheet`` (None: it paints itself);
    ``parts`` (an edge line's arrow head) are drawn with it and stop or start painting too."""
    for one in (item, *parts):
        one.setFlag(_Flag.ItemHasNoContents, sheet is not None)
    if held is not None:
        held.drop(item)
        for one in (item, *parts):
            QGraphicsItem.update(one)  # its own paint again, past an update sent to a sheet
    if sheet is not None:
        sheet.take(item)


_ORDER = itertools.count()


def _order_of(item: QGraphicsItem) -> int:
    return item._sheet_order  # type: ignore[attr-defined]


_IDENTITY = QTransform()


def paint_cards(painter: QPainter, cards: list, fast: bool, lod: float) -> None:
    """The card sheet's cards (NodeItems), each as it would paint itself. In a view, a card
    drawn before at this scale, unchanged since, is its face image and its number (two calls
    into Qt): how a repaint of 285 cards costs no more than blitting their cached pixmaps."""
    painter.setRenderHint(_AA)
    painter.setRenderHint(_TEXT_AA)
    t = painter.worldTransform()
    plain = fast and t.m12() == t.m21() == t.m13() == t.m23() == 0.0 and t.m11() == t.m22()
    font = None
    if plain:
        cards[0].build_pictures(cards, lod)  # (NodeItem.build_pictures)
    for card in cards:
        plan = card.sheet_plan(lod) if plain else None
        if plan is None:
            card.paint_on_sheet(painter, fast, lod)
            font = None
            continue
        pos = card.pos()
        x, y = pos.x(), pos.y()
        corner = t.map(QPointF(x - CARD_MARGIN, y - CARD_MARGIN))
        painter.setWorldTransform(_IDENTITY)
        at = QPointF(round(corner.x()), round(corner.y()))
        painter.drawImage(at, plan.face)
        painter.setWorldTransform(t)
        if plan.maps:
            paint_thumbnails(painter, plan.maps, card.map_border, x, y)
            font = None
        if plan.number:
            if plan.font is not font:
                font = plan.font
                painter.setFont(font)
                painter.setPen(card.number_color)
            painter.drawText(QPointF(x + plan.at.x(), y + plan.at.y()), plan.number)


def translated(t: QTransform, x: float, y: float) -> QTransform:
    """``t`` after moving by (x, y) first: an item's transform from the sheet's."""
    return QTransform(t).translate(x, y)
