"""The view: wheel zoom around the cursor within limits, panning, fitting, the repaint mode."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsView

from backprop_studio.canvas.style import FIT_MAX_ZOOM, MAX_ZOOM, MIN_ZOOM
from backprop_studio.model.graph import Node


def _wheel(view, pos: QPoint, delta: int) -> None:
    event = QWheelEvent(
        QPointF(pos),
        QPointF(view.viewport().mapToGlobal(pos)),
        QPoint(),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)


def test_wheel_zooms_around_the_cursor_and_is_clamped(view):
    cursor = QPoint(300, 200)
    under = view.mapToScene(cursor)
    _wheel(view, cursor, 120)
    assert view.zoom > 1.0
    after = view.mapToScene(cursor)
    assert abs(after.x() - under.x()) < 2 and abs(after.y() - under.y()) < 2
    for _ in range(40):
        _wheel(view, cursor, 120)
    assert view.zoom == MAX_ZOOM or abs(view.zoom - MAX_ZOOM) < 1e-9
    for _ in range(80):
        _wheel(view, cursor, -120)
    assert abs(view.zoom - MIN_ZOOM) < 1e-9


def test_fit_shows_every_node_and_never_magnifies_too_much(view, scene):
    view.set_zoom(0.2)
    view.fit_to_graph()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    for item in scene.node_items().values():
        assert visible.contains(item.sceneBoundingRect())
    assert view.zoom <= FIT_MAX_ZOOM


def test_fit_of_a_single_small_node_is_not_blown_up(qtbot, view, scene):
    from backprop_studio.model.graph import Graph

    g = Graph()
    g.add_node(Node("a", "data", value=1.0))
    scene.set_graph(g)
    view.fit_to_graph()
    assert abs(view.zoom - FIT_MAX_ZOOM) < 1e-9


def test_middle_drag_pans(qtbot, view):
    before = view.mapToScene(QPoint(600, 400))
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.MiddleButton, pos=QPoint(600, 400))
    for x in (620, 660, 700):
        qtbot.mouseMove(vp, pos=QPoint(x, 430))
    qtbot.mouseRelease(vp, Qt.MouseButton.MiddleButton, pos=QPoint(700, 430))
    after = view.mapToScene(QPoint(600, 400))
    assert after.x() - before.x() == -100 and after.y() - before.y() == -30


def test_space_and_left_drag_pans_instead_of_moving_a_node(qtbot, view, scene):
    moves: list = []
    scene.nodes_moved.connect(lambda m: moves.append(m))
    view.setFocus()
    title = view.mapFromScene(scene.node_item("w").mapToScene(QPointF(60, 14)))
    before = view.mapToScene(title)
    qtbot.keyPress(view, Qt.Key.Key_Space)
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=title)
    for dx in (10, 30, 50):
        qtbot.mouseMove(vp, pos=title + QPoint(dx, 0))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=title + QPoint(50, 0))
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    assert moves == []
    assert view.mapToScene(title).x() - before.x() == -50


def test_whole_graph_recolour_repaints_in_full_once(qtbot, view, scene, seed):
    from tests.canvas.canvas_helpers import seed_trace

    scene.show_trace(seed_trace(seed))
    mode = QGraphicsView.ViewportUpdateMode
    assert view.viewportUpdateMode() == mode.FullViewportUpdate
    view.viewport().repaint()
    assert view.viewportUpdateMode() == mode.MinimalViewportUpdate


def test_view_rect_lets_the_user_pan_far_away(view):
    assert view.sceneRect().contains(QRectF(-1e5, -1e5, 2e5, 2e5))
