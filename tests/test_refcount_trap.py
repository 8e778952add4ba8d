"""PySide6-Essentials 6.12.0 on CPython < 3.12 over-releases None on void calls and aborts the app."""

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from CPython 3.12 on")
def test_void_calls_do_not_over_release_none():
    from PySide6.QtWidgets import QGraphicsRectItem

    item = QGraphicsRectItem(0, 0, 10, 10)
    before = sys.getrefcount(None)
    for i in range(100_000):
        item.setPos(i % 7, 2.0)
    after = sys.getrefcount(None)
    # a broken binding loses one reference per call: 100,000 in all
    assert after > before - 1_000
