"""The minimap appears when the graph is larger than the view, shows where the cards are and
where the view is, and moves the view where it is clicked."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from backprop_studio.app.files.file_actions import settings
from backprop_studio.app.menus import MINIMAP_KEY
from backprop_studio.commands import MoveNodes
from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle


def open_at_100(qtbot, window, name: str):
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1280, 800))
    assert window.files.open_example(example_path(name))
    settle(qtbot, window, timeout=60_000)
    window.view.resetTransform()
    window.view.set_zoom(1.0)
    minimap = window.view.minimap
    drawn(qtbot, minimap)
    return minimap


def drawn(qtbot, minimap) -> None:
    """Wait until the scene's queued change notices have reached the minimap and it redrew."""
    QApplication.processEvents()
    qtbot.waitUntil(lambda: not minimap._stale and not minimap._rebuild_timer.isActive())


def test_a_graph_that_fits_shows_no_minimap(qtbot, window):
    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    window.view.fit_to_graph()
    drawn(qtbot, window.view.minimap)
    assert not window.view.minimap.isVisible()


def test_a_larger_graph_shows_the_minimap_in_the_corner(qtbot, window):
    minimap = open_at_100(qtbot, window, "moons_mlp")
    assert minimap.isVisible()
    viewport = window.view.viewport().geometry()
    assert viewport.contains(minimap.geometry())
    assert minimap.geometry().right() > viewport.width() * 3 // 4  # bottom-right corner
    assert minimap.geometry().bottom() > viewport.height() * 3 // 4
    outline = minimap.outline()
    area = minimap.width() * minimap.height()
    assert 0 < outline.width() * outline.height() < area  # the view shows part of the graph


def pixel_at_card(minimap, item) -> QColor:
    rect = minimap._from_scene(item.sceneBoundingRect())
    image: QImage = minimap.grab().toImage()
    point = rect.center().toPoint() * image.devicePixelRatio()
    return image.pixelColor(point)


def test_the_minimap_draws_each_card_where_it_is(qtbot, window):
    minimap = open_at_100(qtbot, window, "moons_mlp")
    background = minimap.grab().toImage().pixelColor(1, 1)
    shown = [n for n in window.graph if window.scene.node_item(n.name).isVisible()]
    for node in shown[:5]:
        item = window.scene.node_item(node.name)
        assert pixel_at_card(minimap, item) != background, node.name
    for block in window.scene.block_items().values():  # a collapsed layer is one card
        assert block.collapsed
        assert pixel_at_card(minimap, block) != background, block.name
    node = shown[0]
    item = window.scene.node_item(node.name)
    before = minimap.grab().toImage()
    x, y = node.position
    moved = (x, y - item.sceneBoundingRect().height() * 6)
    assert window.push(MoveNodes(window.graph, {node.name: ((x, y), moved)}))  # an edit
    drawn(qtbot, minimap)
    assert minimap.grab().toImage() != before
    assert pixel_at_card(minimap, item) != background  # drawn where it is now


def test_a_click_in_the_minimap_moves_the_view_there(qtbot, window):
    minimap = open_at_100(qtbot, window, "moons_mlp")
    far = max(window.graph, key=lambda n: window.scene.node_item(n.name).sceneBoundingRect().x())
    target = window.scene.node_item(far.name).sceneBoundingRect()
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert not shown.contains(target)
    click = minimap._from_scene(target).center().toPoint()
    qtbot.mouseClick(minimap, Qt.MouseButton.LeftButton, pos=click)
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert shown.contains(target.center())


def test_dragging_in_the_minimap_follows_the_pointer(qtbot, window):
    minimap = open_at_100(qtbot, window, "moons_mlp")
    qtbot.mousePress(minimap, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    end = QPoint(minimap.width() - 3, minimap.height() - 3)
    qtbot.mouseMove(minimap, end)
    qtbot.mouseRelease(minimap, Qt.MouseButton.LeftButton, pos=end)
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    assert (
        QRectF(minimap._to_scene(QPointF(end)), minimap._to_scene(QPointF(end)))
        .adjusted(-20, -20, 20, 20)
        .contains(centre)
    )


def test_view_minimap_turns_it_off_and_is_remembered(qtbot, window):
    minimap = open_at_100(qtbot, window, "moons_mlp")
    assert minimap.isVisible()
    window.actions_by_name["minimap"].setChecked(False)
    assert not minimap.isVisible()
    window.view.zoom_by(1.1)
    assert not minimap.isVisible()
    assert settings().value(MINIMAP_KEY) in (False, "false")
    window.actions_by_name["minimap"].setChecked(True)
    assert minimap.isVisible()


def test_a_new_trace_that_only_recolours_leaves_the_picture_but_a_resize_redraws_it(qtbot, window):
    """Training shows a trace every frame: only a card that changed size asks for a new
    picture of the cards (every trace used to, five times a second)."""
    minimap = open_at_100(qtbot, window, "seed")
    scene = window.view.scene()
    trace = scene.trace
    assert trace is not None
    scene.show_trace(trace)
    assert not minimap._stale
    bigger = dict(trace.values)
    bigger["w"] = [[1.0, 2.0], [3.0, 4.0]]  # a tensor: the card grows its heat-map band
    height = scene.node_item("w").card_height
    scene.show_trace(replace(trace, values=bigger, shapes={**trace.shapes, "w": (2, 2)}))
    assert scene.node_item("w").card_height > height
    assert minimap._stale
