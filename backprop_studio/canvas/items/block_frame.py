"""The outline of an open block's frame, from its member cards and the other cards near them.

The frame is the union of its cards, each grown by a pad (wide enough across a column gap and a
row gap of the layout to join neighbours, short of a card that is not a member). A tidy frame
(a slide's) also fills the gap between two members one under the other where no other card is
between (no waist or bay where a column is taller than the next), and when the members are
then together and the cards from outside only bite into their edge, it is their box with those
bites taken out: a rectangle with notches where outside inputs stand, not a comb of pieces.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPath

from ..style import CORNER_RADIUS

FRAME_PAD_X = 56.0
FRAME_PAD_Y = 24.0
BRIDGE_GAP = 160.0  # member cards this close one under the other are framed as one piece
BITE = 14.0  # the frame keeps this far from a card that is not a member: a slide's column gap
# (70) less the pad, so a notch lines up with the frame round the next column's cards
_RADIUS = CORNER_RADIUS + 3


def frame_outline(
    cards: list[QRectF], others_in: Callable[[QRectF], list[QRectF]], tidy: bool = False
) -> QPainterPath:
    """The frame around ``cards``: their grown union, or ``tidy``, bridged and then boxed where
    that can be; ``others_in(rect)`` gives the cards in a rect that are not members."""
    hull = QPainterPath()
    for rect in [*cards, *(_bridges(cards, others_in) if tidy else [])]:
        hull = hull.united(_rounded(_grown(rect)))
    if not tidy or len(hull.toFillPolygons()) != 1:
        return hull  # scattered members: each group its own piece, as before
    boxed = _boxed(hull.boundingRect(), cards, others_in)
    return boxed if boxed is not None else hull


def _grown(rect: QRectF) -> QRectF:
    return rect.adjusted(-FRAME_PAD_X, -FRAME_PAD_Y, FRAME_PAD_X, FRAME_PAD_Y)


def _rounded(rect: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(rect, _RADIUS, _RADIUS)
    return path


def _bridges(cards: list[QRectF], others_in: Callable[[QRectF], list[QRectF]]) -> list[QRectF]:
    columns: dict[float, list[QRectF]] = {}
    for rect in cards:
        columns.setdefault(round(rect.left()), []).append(rect)
    out = []
    for column in columns.values():
        column.sort(key=QRectF.top)
        for upper, lower in zip(column, column[1:]):
            if not 0 < lower.top() - upper.bottom() <= BRIDGE_GAP:
                continue
            gap = QRectF(upper.left(), upper.bottom(), upper.width(), lower.top() - upper.bottom())
            if not others_in(gap.adjusted(0, -FRAME_PAD_Y, 0, FRAME_PAD_Y)):
                out.append(gap)
    return out


def _boxed(
    box: QRectF, cards: list[QRectF], others_in: Callable[[QRectF], list[QRectF]]
) -> QPainterPath | None:
    """``box`` less a notch for each outside card in it, open to the sides it is within a pad
    of; None when an outside card stands deeper in (a notch would be a channel through the
    frame) or the notches would cut the frame in two or into a member."""
    path = _rounded(box)
    for other in others_in(box):
        cut = other.adjusted(-BITE, -BITE, BITE, BITE)
        depth = {
            "left": cut.left() - box.left(),
            "right": box.right() - cut.right(),
            "top": cut.top() - box.top(),
            "bottom": box.bottom() - cut.bottom(),
        }
        pads = {
            "left": FRAME_PAD_X,
            "right": FRAME_PAD_X,
            "top": FRAME_PAD_Y,
            "bottom": FRAME_PAD_Y,
        }
        near = [side for side in depth if depth[side] <= pads[side]]
        if not near:
            return None
        # open to every side it is near: a card in a corner is a corner notch
        if "left" in near:
            cut.setLeft(box.left() - _RADIUS)
        if "right" in near:
            cut.setRight(box.right() + _RADIUS)
        if "top" in near:
            cut.setTop(box.top() - _RADIUS)
        if "bottom" in near:
            cut.setBottom(box.bottom() + _RADIUS)
        path = path.subtracted(_rounded(cut))
    if len(path.toFillPolygons()) != 1:
        return None
    if not all(path.contains(card) for card in cards):
        return None
    return path
