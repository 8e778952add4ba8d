"""The canvas holds still while the backward pass plays at 1280×800: the explanation's changing
text, the callouts and the flow marks near the edge never move the cards on the screen."""

from __future__ import annotations

import pytest

from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle


def _where(window, names: list[str]) -> tuple:
    """What would move the picture: the viewport's size and scroll, each card's screen spot."""
    view = window.view
    spots = tuple(
        (p.x(), p.y())
        for p in (view.mapFromScene(window.scene.node_item(n).scenePos()) for n in names)
    )
    bars = (view.horizontalScrollBar().value(), view.verticalScrollBar().value())
    return view.viewport().size().toTuple(), bars, view.transform().m11(), spots


@pytest.mark.parametrize("example", ["seed", "moons_mlp"])
def test_the_cards_hold_still_through_the_backward_pass(qtbot, laptop, example):
    window = laptop
    window.files.open_example(example_path(example))
    settle(qtbot, window, timeout=60_000)
    names = list(window.graph.names)
    before = _where(window, names)
    panel = window.backward
    frames = []
    assert panel.load()
    for _ in range(panel.flow.count + 1):  # every step, its narration, callouts and marks
        panel.step_forward()
        qtbot.wait(5)
        frames.append(_where(window, names))
    panel.flow.rewind()
    panel.start()  # and played, between the steps too
    for _ in range(20):
        qtbot.wait(40)
        frames.append(_where(window, names))
    moved = [k for k, frame in enumerate(frames) if frame != before]
    assert not moved, f"frame {moved[0]}: {frames[moved[0]]} != {before}"
