"""The window on a laptop screen: a click selects and never moves; the window never grows past
the screen and the docks keep their size when their content changes; every primary control is
visible at 1280×800 on a fresh settings folder; plots belong to their document."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle
from tests.canvas.canvas_helpers import to_view


def _press_title(qtbot, window, name: str) -> QPoint:
    item = window.scene.node_item(name)
    point = to_view(window.view, item.mapToScene(item.title_rect().center()))
    qtbot.mousePress(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    return point


@pytest.mark.parametrize("name", ["W2", "x", "h1"])
def test_a_click_selects_and_never_moves(qtbot, window, name):
    window.files.open_example(example_path("moons_mlp"))
    settle(qtbot, window, timeout=60_000)
    if name not in window.graph:
        name = window.graph.names[len(window.graph) // 2]
    stack = window.document.undo_stack
    count, before = stack.count(), window.graph.structure()

    point = _press_title(qtbot, window, name)
    # the view moves under the still mouse, as when a dock widens after the click: Qt replays
    # the press as a mouse move with the button held
    bar = window.view.horizontalScrollBar()
    bar.setValue(bar.value() + 60)
    qtbot.wait(20)
    qtbot.mouseRelease(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)

    assert window.scene.selected_names() == [name]
    assert stack.count() == count
    assert window.graph.structure() == before
    item = window.scene.node_item(name)
    assert (item.pos().x(), item.pos().y()) == window.graph.node(name).position


def test_a_real_drag_still_moves(qtbot, window):
    window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    stack = window.document.undo_stack
    count = stack.count()
    x0, y0 = window.graph.node("w").position
    point = _press_title(qtbot, window, "w")
    for step in (5, 15, 40):
        qtbot.mouseMove(window.view.viewport(), point + QPoint(step, step))
    qtbot.mouseRelease(
        window.view.viewport(), Qt.MouseButton.LeftButton, pos=point + QPoint(40, 40)
    )
    assert stack.count() == count + 1
    x1, y1 = window.graph.node("w").position
    assert x1 > x0 and y1 > y0


def test_plots_belong_to_their_document(qtbot, window):
    window.files.open_example(example_path("xor_mlp"))
    settle(qtbot, window, timeout=60_000)
    window.fit.dock.raise_()
    qtbot.waitUntil(lambda: window.fit.plot.surface() is not None, timeout=60_000)
    for _ in range(3):
        qtbot.mouseClick(window.training.panel.step_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.training.runner.busy, timeout=60_000)
    xs, _ = window.training.loss_plot.curve.getData()
    assert xs is not None and len(xs) > 0

    window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    window.fit.refresh()

    assert window.fit.plot.surface() is None
    assert len(window.fit.plot.points.data) == 0
    xs, _ = window.training.loss_plot.curve.getData()
    assert xs is None or len(xs) == 0
    assert window.training.loss_plot.faded_count == 0
