"""User gestures on the real widgets: palette drops, port drags, typing in the inspector."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.canvas.canvas_helpers import drag, to_view


def drop_op(window, op: str, view_pos: QPointF) -> str:
    """Drag ``op`` from the palette onto the canvas at ``view_pos``; return the new node's name."""
    tree = window.palette.tree
    mime = tree.mimeData([tree.item_for(op)])  # exactly the payload a real drag carries
    before = set(window.graph.names)
    buttons, mods, action = (
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.DropAction.CopyAction,
    )
    enter = QDragEnterEvent(view_pos.toPoint(), action, mime, buttons, mods)
    move = QDragMoveEvent(view_pos.toPoint(), action, mime, buttons, mods)
    drop = QDropEvent(view_pos, action, mime, buttons, mods)
    viewport = window.view.viewport()
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, move)
    assert move.isAccepted()
    QApplication.sendEvent(viewport, drop)
    (name,) = set(window.graph.names) - before
    return name


def connect(qtbot, window, src: str, dst: str, port: str) -> None:
    scene, view = window.scene, window.view
    start = to_view(view, scene.node_item(src).output_anchor())
    end = to_view(view, scene.node_item(dst).input_anchor(port))
    drag(qtbot, view, start, end)


def select(qtbot, window, name: str) -> None:
    """Click the node's title."""
    item = window.scene.node_item(name)
    point = to_view(window.view, item.mapToScene(item.title_rect().center()))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.scene.selected_names() == [name]


def type_into(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def param_into(qtbot, window, op: str, value: str) -> tuple[str, str]:
    """A parameter dropped and typed ``value``, then ``op`` from the palette, fed into its port
    ``a``: the two node names."""
    x = drop_op(window, "param", QPointF(200, 250))
    select(qtbot, window, x)
    type_into(qtbot, window.inspector.value_edit, value)
    node = drop_op(window, op, QPointF(550, 250))
    connect(qtbot, window, x, node, "a")
    return x, node
