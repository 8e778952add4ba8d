"""A block's frame outline: the union of its grown cards, or (tidy, as on a slide) their box with
a notch where an outside card bites in, the (bridged) union where a box would not be honest."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from backprop_studio.canvas.items.block_frame import frame_outline


def card(column: int, row: int) -> QRectF:
    """A 240 × 60 card in a grid of 310-wide columns and 100-high rows (a slide's spacing)."""
    return QRectF(column * 310.0, row * 100.0, 240.0, 60.0)


def outside(cards: list[QRectF]):
    return lambda rect: [c for c in cards if rect.intersects(c)]


def test_a_tidy_frame_is_the_box_of_its_cards_with_a_notch_for_an_outside_card(qapp):
    members = [card(0, 1), card(1, 0), card(1, 1), card(1, 2), card(0, 3)]
    strangers = [card(0, 0), card(0, 2)]  # the inputs from outside, in the first column
    path = frame_outline(members, outside(strangers), tidy=True)
    assert len(path.toFillPolygons()) == 1
    assert all(path.contains(c) for c in members)
    assert not any(path.intersects(c) for c in strangers)
    box = path.boundingRect()
    assert path.contains(QRectF(card(1, 0).right(), 0.0, 20.0, box.bottom() - 30))  # no bays
    untidy = frame_outline(members, outside(strangers))
    assert untidy.boundingRect() == box  # the same cards framed ...
    corner = QRectF(card(0, 3).right() + 80, card(1, 2).bottom() + 40, 200.0, 50.0)
    assert path.contains(corner) and not untidy.intersects(corner)  # ... as a comb of cards


def test_an_outside_card_deep_inside_or_members_apart_keep_the_union_of_cards(qapp):
    members = [card(0, 0), card(1, 0), card(2, 0), card(0, 2), card(1, 2), card(2, 2)]
    stranger = card(1, 1)  # in the middle: a notch would be a channel through the frame
    tidy = frame_outline(members, outside([stranger]), tidy=True)
    assert not tidy.intersects(stranger.adjusted(2, 2, -2, -2))
    assert all(tidy.contains(c) for c in members)
    beside = QRectF(0.0, card(0, 0).bottom(), 240.0, card(0, 2).top() - card(0, 0).bottom())
    assert tidy.contains(beside)  # the columns beside it stay framed whole: no channel
    assert tidy.boundingRect() == frame_outline(members, outside([stranger])).boundingRect()
    apart = [card(0, 0), card(3, 4)]  # two groups far apart: two pieces, as on the canvas
    assert len(frame_outline(apart, outside([]), tidy=True).toFillPolygons()) == 2
