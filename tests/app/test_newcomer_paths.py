"""What a newcomer does first: new leaves get the names they expect, quick-add works from either
kind of port, the inspector speaks of the node itself, Open asks about unsaved work only once a
file was chosen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt

from backprop_studio import commands
from backprop_studio.app.files import file_actions as files_module
from backprop_studio.model.gallery import example_path
from backprop_studio.model.graph import Node
from tests.app.gestures import drop_op
from tests.canvas.canvas_helpers import drag, to_view


def test_new_leaves_get_the_names_a_learner_expects(qtbot, window):
    names = [drop_op(window, "data", QPointF(100 + 150 * i, 100)) for i in range(3)]
    assert names == ["x", "y", "x_2"]
    assert drop_op(window, "param", QPointF(100, 300)) == "w"
    assert drop_op(window, "param", QPointF(300, 300)) == "b"


def test_quick_add_from_a_free_input_feeds_it(qtbot, window):
    window.push(commands.AddNode(window.graph, Node("h", "tanh", position=(300.0, 100.0))))
    qtbot.wait(10)
    item = window.scene.node_item("h")
    start = to_view(window.view, item.input_anchor("a"))
    drag(qtbot, window.view, start, start - QPoint(160, 40))
    popup = window.edits._quick
    assert popup is not None and popup.isVisible()
    qtbot.keyClicks(popup.edit, "param")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    edge = window.graph.inputs_of("h")["a"]
    assert window.graph.node(edge.src).op == "param"
    count = window.document.undo_stack.count()
    window.document.undo_stack.undo()  # node and edge in one step
    assert window.graph.names == ["h"] and window.document.undo_stack.count() == count


def test_the_inspector_names_the_node_not_the_palette_symbol(qtbot, window):
    window.files.open_example(example_path("seed"))
    window.scene.select_names(["y"])
    text = window.inspector.title.text()
    assert "<b>y</b>" in text and "data" in text and "<b>x</b>" not in text


def test_open_asks_about_unsaved_work_only_after_a_file_is_chosen(
    qtbot, window, dialogs, monkeypatch, tmp_path
):
    window.edits.add_node("param", QPointF(0, 0))
    assert window.document.dirty
    monkeypatch.setattr(files_module.QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    window.files.open_dialog()  # cancelled: nothing asked, nothing changed
    assert dialogs.shown == [] and window.document.dirty
    path = example_path("seed")
    monkeypatch.setattr(
        files_module.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "")
    )
    window.files.open_dialog()
    assert [kind for kind, _title, _text in dialogs.shown] == ["question"]


def test_redo_answers_both_usual_shortcuts(window):
    redo = window.actions_by_name["redo"]
    keys = {k.toString() for k in redo.shortcuts()}
    assert {"Ctrl+Y", "Ctrl+Shift+Z"} <= keys


def test_a_failed_apply_keeps_the_cursor_where_the_user_types(qtbot, window):
    window.files.open_example(example_path("seed"))
    editor = window.program.editor
    editor.setPlainText("w = 3.0\nloss = (w - 1")
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    end = editor.textCursor().position()
    qtbot.mouseClick(window.program.apply_button, Qt.MouseButton.LeftButton)
    assert "never closed" in window.program.message.text()
    assert editor.textCursor().position() == end
    qtbot.keyClicks(editor, ")**2")
    assert editor.toPlainText().endswith("loss = (w - 1)**2")


def test_a_shipped_example_named_as_a_file_opens_as_an_untitled_copy(qtbot, window, monkeypatch):
    """`backprop-studio resources/examples/seed.json`: Save must not overwrite the gallery."""
    path = example_path("seed")
    before = path.read_bytes()
    assert window.files.open_path(path, ask=False)
    assert window.document.path is None
    assert window.windowTitle().startswith("The seed story (example)")
    assert window.push(commands.SetValue(window.graph, "w", 3.0))
    asked = []
    monkeypatch.setattr(
        files_module.QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a) or ("", "")
    )
    assert not window.files.save()  # Save asks where, and the user cancels
    assert len(asked) == 1 and path.read_bytes() == before
