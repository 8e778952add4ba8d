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


@pytest.mark.parametrize("name", ["y", "x", "h1"])  # W2 is inside the collapsed Linear 2
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
        qtbot.waitUntil(lambda: not window.training.busy, timeout=60_000)
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


def _primary_controls(window) -> dict:
    panel = window.training.panel
    controls = {
        "Step": panel.step_button,
        "Run": panel.run_button,
        "Pause": panel.pause_button,
        "Reset": panel.reset_button,
        "training status": panel.status,
        "Apply": window.program.apply_button,
        "Revert": window.program.revert_button,
        "timeline": window.training.timeline,
        "status value": window.status_value,
    }
    bar = window.backward.toolbar
    for action in bar.actions():
        widget = bar.widgetForAction(action)
        if widget is not None and action.text():
            controls[f"toolbar {action.text()}"] = widget
    return controls


def _assert_on_screen(window, width: int, height: int) -> None:
    assert window.width() <= width and window.height() <= height
    for label in (window.training.timeline.label, window.status_value):
        assert label.width() >= 200  # fixed-width messages are never squeezed to a stub
    screen = window.rect()
    for name, widget in _primary_controls(window).items():
        assert widget.isVisible(), f"{name} is hidden"
        assert not widget.visibleRegion().isEmpty(), f"{name} is covered or scrolled away"
        top_left = widget.mapTo(window, widget.rect().topLeft())
        bottom_right = widget.mapTo(window, widget.rect().bottomRight())
        assert screen.contains(top_left) and screen.contains(bottom_right), f"{name} is off-screen"


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1366, 768)])
def test_a_laptop_screen_shows_every_primary_control(qtbot, width, height):
    from backprop_studio.app.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window, before_close_func=lambda w: w.document.undo_stack.setClean())
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    try:
        _assert_on_screen(window, width, height)
        assert window.minimumSizeHint().width() <= width
        assert window.minimumSizeHint().height() <= height

        # a tensor in the inspector (table, heat maps) changes neither the window nor a dock
        window.files.open_example(example_path("moons_mlp"))
        settle(qtbot, window, timeout=60_000)
        docks = [window.inspector_dock, window.program_dock, *window.training_docks]
        sizes = [window.size(), *(d.size() for d in docks)]
        for name in ("W2", "x", "loss", "W1"):
            window.scene.select_names([name])
            qtbot.wait(20)
            assert [window.size(), *(d.size() for d in docks)] == sizes, name
            # and the inspector fits its dock: no field runs past the edge
            assert window.inspector.minimumSizeHint().width() <= window.inspector_dock.width()
        # nor does a long message in the status bar, the program dock or the training panel
        window.status_value.setText("⚠ " + "a very long problem description " * 10)
        window.program.message.setText("line 1: " + "something went wrong " * 10)
        window.training.panel.status.setText("iteration 101 · loss 0.0169 · 539 it/s " * 4)
        qtbot.wait(20)
        assert [window.size(), *(d.size() for d in docks)] == sizes
        _assert_on_screen(window, width, height)
    finally:
        window.runner.shutdown()


def test_training_brings_the_loss_plot_to_the_front(qtbot, window):
    window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    window.backward.dock.show()
    window.backward.dock.raise_()
    qtbot.wait(20)
    loss = window.training_docks[1]
    assert loss.visibleRegion().isEmpty()  # the Explain tab is in front
    qtbot.mouseClick(window.training.panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.training.busy, timeout=60_000)
    qtbot.wait(20)
    assert not loss.visibleRegion().isEmpty()


def test_an_empty_canvas_invites_the_first_step(qtbot, window, dialogs):
    hint = window.hint.label
    assert len(window.graph) == 0 and hint.isVisible()
    assert "Palette" in hint.text() and "Tab" in hint.text()
    centre = hint.geometry().center()
    assert abs(centre.x() - window.view.viewport().rect().center().x()) <= 2
    settle(qtbot, window, timeout=60_000)  # the empty graph's evaluation
    assert window.status_value.text() == ""  # the hint says it in full; no elided echo of it

    hint.linkActivated.emit("seed")  # the link under "Open the seed story"
    settle(qtbot, window, timeout=60_000)
    assert window.graph.names and not hint.isVisible()
    assert window.windowTitle().startswith("The seed story (example)")
    assert window.document.path is None  # an example stays an untitled copy

    window.actions_by_name["getting_started"].trigger()
    from PySide6.QtWidgets import QMessageBox

    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert boxes and "Getting started" in boxes[0].text()
    boxes[0].close()


def test_every_palette_entry_reads_in_full_at_1280x800(qtbot, window):
    window.resize(1280, 800)
    qtbot.wait(20)
    tree = window.palette.tree
    metrics = tree.fontMetrics()
    room = tree.viewport().width()
    cut = []
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        for j in range(group.childCount()):
            item = group.child(j)
            tree.scrollToItem(item)
            right = tree.visualItemRect(item).left() + metrics.horizontalAdvance(item.text(0))
            if right + 6 > room:  # the item's own padding
                cut.append(item.text(0))
    assert cut == []
    window.palette.search.setText("leaky relu")  # the spelled-out symbol still finds it
    assert window.palette.visible_ops() == ["leaky_relu"]
