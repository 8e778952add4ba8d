"""A small card stamps its backdrop and name from one image of itself once it draws again at the
same scale: what it shows must be what painting it afresh shows, after every change."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QGraphicsItem

from backprop_studio.canvas.items import NodeItem
from backprop_studio.canvas.style import DARK, LIGHT
from tests.canvas.canvas_helpers import card_pixels

_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache
_PAINTED = QGraphicsItem.CacheMode.NoCache


def _pixels(card: NodeItem, scale: float, mode: QGraphicsItem.CacheMode) -> np.ndarray:
    """The card drawn at ``scale`` on white: stamped when ``mode`` caches, else painted."""
    return card_pixels(card, scale, cached=mode != QGraphicsItem.CacheMode.NoCache)


def _stamped(card: NodeItem, scale: float) -> np.ndarray:
    """Drawn twice at ``scale`` with the card's cache on: the second one from its face image."""
    _pixels(card, scale, _CACHED)
    return _pixels(card, scale, _CACHED)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and float(np.abs(a - b).mean()) < 1.0


def _card() -> NodeItem:
    card = NodeItem("weight", "param", LIGHT)
    card.set_data(1.25, -0.5, ())
    return card


def test_a_stamped_card_looks_like_a_painted_one(qtbot):
    card = _card()
    for scale in (0.3, 0.45):
        assert _same(_stamped(card, scale), _pixels(card, scale, _PAINTED)), scale


def test_a_stamped_card_shows_each_new_number(qtbot):
    card = _card()
    before = _stamped(card, 0.4)
    card.set_data(-27.5, 3.0, ())  # a new trace: the face is the same, the number is not
    after = _pixels(card, 0.4, _CACHED)
    assert not _same(before, after)
    assert _same(after, _pixels(card, 0.4, _PAINTED))


def test_a_new_name_theme_or_selection_makes_a_new_face(qtbot):
    card = _card()
    _stamped(card, 0.4)
    card.set_label("bias")
    assert _same(_pixels(card, 0.4, _CACHED), _pixels(card, 0.4, _PAINTED))
    _stamped(card, 0.4)
    card.set_theme(DARK)
    assert _same(_pixels(card, 0.4, _CACHED), _pixels(card, 0.4, _PAINTED))
    _stamped(card, 0.4)
    card.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
    card.setSelected(True)
    assert _same(_pixels(card, 0.4, _CACHED), _pixels(card, 0.4, _PAINTED))


def test_a_zoom_step_draws_the_card_at_its_new_scale(qtbot):
    card = _card()
    _stamped(card, 0.3)
    at_new_scale = _pixels(card, 0.5, _CACHED)
    assert _same(at_new_scale, _pixels(card, 0.5, _PAINTED))
    assert _same(_pixels(card, 0.5, _CACHED), at_new_scale)  # and from its new face after it


def test_two_zooms_drawn_in_turn_each_keep_their_face(qtbot):
    card = _card()  # e.g. a fitted view and an overview of the same scene
    for _ in range(2):
        _pixels(card, 0.3, _CACHED)
        _pixels(card, 0.15, _CACHED)
    card.set_label("bias")  # a new face at both
    card.set_data(-8.0, 0.25, ())
    for scale in (0.3, 0.15):
        assert _same(_pixels(card, scale, _CACHED), _pixels(card, scale, _PAINTED)), scale
