"""Real mouse and drop events on the viewport become the scene's intent signals, and only those."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from backprop_studio.canvas import OP_MIME, make_op_mime, op_from_mime
from backprop_studio.canvas.items import PortState, TitleEditor
from backprop_studio.canvas.style import Z_TEMP_EDGE
from backprop_studio.model.graph import Edge, Node
from tests.canvas.canvas_helpers import drag, to_view


def _recorder(signal) -> list:
    calls: list = []
    signal.connect(lambda *args: calls.append(args))
    return calls


def _free_b(seed) -> None:
    """Free input b of y_hat so a drag can connect to it."""
    seed.remove_edge(Edge("x", "y_hat", "b"))


def _drop_events(view, pos: QPointF, mime):
    buttons, mods, copy = (
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.DropAction.CopyAction,
    )
    point = pos.toPoint()
    enter = QDragEnterEvent(point, copy, mime, buttons, mods)
    move = QDragMoveEvent(point, copy, mime, buttons, mods)
    drop = QDropEvent(pos, copy, mime, buttons, mods)
    return enter, move, drop


# ---- drop from the palette ------------------------------------------------------------------
def test_palette_drop_asks_for_a_node_at_the_drop_point(view, scene):
    calls = _recorder(scene.node_drop_requested)
    mime = make_op_mime("tanh")
    pos = QPointF(700, 650)  # empty canvas below the graph
    enter, move, drop = _drop_events(view, pos, mime)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(view.viewport(), move)
    assert move.isAccepted()
    QApplication.sendEvent(view.viewport(), drop)
    assert drop.isAccepted()
    assert len(calls) == 1
    op, scene_pos = calls[0]
    expected = view.mapToScene(pos.toPoint())
    assert op == "tanh"
    assert abs(scene_pos.x() - expected.x()) <= 1 and abs(scene_pos.y() - expected.y()) <= 1


def test_foreign_or_unknown_payloads_are_refused(view, scene):
    calls = _recorder(scene.node_drop_requested)
    mime = make_op_mime("no_such_op")
    enter, move, drop = _drop_events(view, QPointF(700, 650), mime)
    QApplication.sendEvent(view.viewport(), enter)
    assert not enter.isAccepted()
    QApplication.sendEvent(view.viewport(), drop)
    assert calls == []
    assert op_from_mime(make_op_mime("mul")) == "mul"
    assert make_op_mime("mul").hasFormat(OP_MIME)


# ---- new edges ---------------------------------------------------------------------------------
def test_drag_from_output_to_free_input_asks_to_connect(qtbot, view, scene, seed):
    _free_b(seed)
    calls = _recorder(scene.connect_requested)
    port = scene.node_item("y_hat").input_port("b")
    start = to_view(view, scene.node_item("x").output_anchor())
    end = to_view(view, port.anchor())
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 6):
        qtbot.mouseMove(viewport, pos=start + (end - start) * (i / 5))
    assert port.state == PortState.OK
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert port.state == PortState.IDLE
    assert calls == [("x", "y_hat", "b")]
    assert Edge("x", "y_hat", "b") not in seed.edges  # the scene never edits the graph


def test_drag_backwards_from_input_to_output_asks_the_same(qtbot, view, scene, seed):
    _free_b(seed)
    calls = _recorder(scene.connect_requested)
    start = to_view(view, scene.node_item("y_hat").input_anchor("b"))
    end = to_view(view, scene.node_item("x").output_anchor())
    drag(qtbot, view, start, end)
    assert calls == [("x", "y_hat", "b")]


def test_drop_on_a_node_body_picks_its_first_free_input(qtbot, view, scene, seed):
    _free_b(seed)
    calls = _recorder(scene.connect_requested)
    start = to_view(view, scene.node_item("x").output_anchor())
    body = scene.node_item("y_hat").sceneBoundingRect().center()
    drag(qtbot, view, start, to_view(view, body))
    assert calls == [("x", "y_hat", "b")]


def test_occupied_port_turns_red_and_explains_why(qtbot, view, scene, seed):
    connects = _recorder(scene.connect_requested)
    messages = _recorder(scene.status_message)
    port = scene.node_item("y_hat").input_port("a")
    start = to_view(view, scene.node_item("x").output_anchor())
    end = to_view(view, port.anchor())
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 6):
        qtbot.mouseMove(viewport, pos=start + (end - start) * (i / 5))
    assert port.state == PortState.REFUSED
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert port.state == PortState.IDLE
    assert connects == []
    assert messages and "already connected" in messages[-1][0]


def test_connection_into_a_cycle_is_refused(qtbot, view, scene, seed):
    _free_b(seed)
    seed.add_node(Node("z", "neg", position=(300, 330)))
    seed.connect("y_hat", "z", "a")
    connects = _recorder(scene.connect_requested)
    messages = _recorder(scene.status_message)
    start = to_view(view, scene.node_item("z").output_anchor())
    end = to_view(view, scene.node_item("y_hat").input_anchor("b"))
    drag(qtbot, view, start, end)
    assert connects == []
    assert "cycle" in messages[-1][0]


def test_releasing_a_new_edge_on_empty_canvas_asks_for_quick_add(qtbot, view, scene):
    calls = _recorder(scene.edge_drop_on_empty)
    connects = _recorder(scene.connect_requested)
    start = to_view(view, scene.node_item("loss").output_anchor())
    end = QPoint(1150, 700)
    drag(qtbot, view, start, end)
    assert connects == []
    assert len(calls) == 1
    src, pos = calls[0]
    expected = view.mapToScene(end)
    assert src == "loss"
    assert abs(pos.x() - expected.x()) <= 1 and abs(pos.y() - expected.y()) <= 1
    assert not [i for i in scene.items() if i.zValue() == Z_TEMP_EDGE]  # the temporary edge is gone


# ---- moving nodes --------------------------------------------------------------------------------
def _title_point(view, scene, name: str) -> QPoint:
    item = scene.node_item(name)
    return to_view(view, item.mapToScene(QPointF(60, 14)))


def test_dragging_a_node_emits_one_move_with_old_and_new_positions(qtbot, view, scene, seed):
    moves = _recorder(scene.nodes_moved)
    start = _title_point(view, scene, "w")
    drag(qtbot, view, start, start + QPoint(40, 30), steps=6)
    assert len(moves) == 1
    (moved,) = moves[0]
    assert set(moved) == {"w"}
    old, new = moved["w"]
    assert old == (0.0, 0.0)
    assert new == pytest.approx((40.0, 30.0), abs=1.0)
    assert seed.node("w").position == (0.0, 0.0)  # the app's command moves the model
    edge = scene.edge_item(Edge("w", "y_hat", "a"))
    assert edge.path().elementAt(0).y == pytest.approx(scene.node_item("w").output_anchor().y())


def test_dragging_a_selection_moves_all_of_it_in_one_step(qtbot, view, scene):
    moves = _recorder(scene.nodes_moved)
    scene.select_names(["w", "x"])
    start = _title_point(view, scene, "x")
    drag(qtbot, view, start, start + QPoint(-20, 50))
    assert len(moves) == 1
    assert set(moves[0][0]) == {"w", "x"}


def test_a_click_without_moving_emits_no_move(qtbot, view, scene):
    moves = _recorder(scene.nodes_moved)
    p = _title_point(view, scene, "w")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=p)
    assert moves == []
    assert scene.selected_names() == ["w"]


# ---- delete and rename ---------------------------------------------------------------------------
def test_delete_key_asks_to_delete_the_selection(qtbot, view, scene):
    calls = _recorder(scene.delete_requested)
    scene.select_names(["w"])
    scene.edge_item(Edge("w", "y_hat", "a")).setSelected(True)  # goes with w
    scene.edge_item(Edge("y", "sub_1", "b")).setSelected(True)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert calls == [(["w"], [Edge("y", "sub_1", "b")])]


def test_double_click_on_the_title_renames_with_enter(qtbot, view, scene):
    calls = _recorder(scene.rename_requested)
    view.setFocus()
    qtbot.mouseDClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=_title_point(view, scene, "w")
    )
    editor = scene.focusItem()
    assert isinstance(editor, TitleEditor)
    qtbot.keyClicks(view, "weight")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert calls == [("w", "weight")]
    assert editor.scene() is None


def test_escape_cancels_a_rename_and_bad_names_are_explained(qtbot, view, scene):
    calls = _recorder(scene.rename_requested)
    messages = _recorder(scene.status_message)
    view.setFocus()
    scene.begin_rename("w")
    qtbot.keyClicks(view, "other")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert calls == []
    scene.begin_rename("w")
    qtbot.keyClicks(view, "y_hat")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert calls == [] and "already exists" in messages[-1][0]
    scene.begin_rename("w")
    qtbot.keyClicks(view, "2bad")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert calls == [] and "not a valid name" in messages[-1][0]
