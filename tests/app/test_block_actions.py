"""Group (Ctrl+G), ungroup (Ctrl+Shift+G), collapse, expand and rename a block from the window,
each one undo step; the canvas follows and evaluation does not change."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QInputDialog

from backprop_studio.app.editor import block_actions, template_dialog
from backprop_studio.app.editor.template_dialog import TemplateSizes
from backprop_studio.app.panels.palette import TEMPLATE_ROLE
from backprop_studio.model.blocks import Block
from tests.app.conftest import settle


def test_ctrl_g_groups_the_selection_and_ctrl_shift_g_ungroups(qtbot, window):
    window.files.new()
    window._open_seed()
    before = settle(qtbot, window)
    window.scene.select_names(["w", "y_hat"])
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.graph.blocks.snapshot() == (Block("Block 1", ("w", "y_hat")),)
    assert window.document.undo_stack.undoText() == "Group Block 1"
    assert "Block 1" in window.scene.block_items()
    window.scene.select_names(["w"])
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.graph.blocks.snapshot() == ()
    window.document.undo_stack.undo()
    assert window.graph.blocks.names == ["Block 1"]
    after = settle(qtbot, window) if window.trace is None else window.trace
    assert after.values == before.values and after.grads == before.grads


def test_toggle_rename_and_the_cards_own_button(qtbot, window, monkeypatch):
    window.files.new()
    window._open_seed()
    settle(qtbot, window)
    window.scene.select_names(["y_hat", "sub_1"])
    assert window.blocks.group()
    assert window.blocks.toggle()
    assert window.graph.blocks.block("Block 1").collapsed
    assert not window.scene.node_item("y_hat").isVisible()
    card = window.scene.block_items()["Block 1"]
    card.setSelected(True)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Linear 1", True)))
    assert window.blocks.rename()
    assert window.graph.blocks.names == ["Linear 1"]
    window.scene.block_toggle_requested.emit("Linear 1", False)  # as the card's button asks
    assert not window.graph.blocks.block("Linear 1").collapsed
    texts = [window.document.undo_stack.text(i) for i in range(window.document.undo_stack.count())]
    assert texts[-4:] == ["Group Block 1", "Collapse Block 1", "Rename block Block 1 to Linear 1",
                          "Expand Linear 1"]  # fmt: skip


def test_a_refused_group_says_why(qtbot, window):
    window.files.new()
    window._open_seed()
    window.scene.select_names(["w"])
    assert window.blocks.group()
    window.scene.select_names(["w", "x"])
    count = window.document.undo_stack.count()
    assert not window.blocks.group()
    assert window.document.undo_stack.count() == count
    assert "already in block" in window.statusBar().currentMessage()


def test_the_program_shows_blocks_as_they_change(qtbot, window):
    window.files.new()
    window._open_seed()
    settle(qtbot, window)
    window.scene.select_names(["w", "y_hat"])
    window.blocks.group("Model")
    assert 'block("Model", w, y_hat)' in window.program.editor.toPlainText()
    window.blocks.set_collapsed("Model", True)
    assert 'block("Model", w, y_hat, collapsed=True)' in window.program.editor.toPlainText()


def _drop_template(window, key: str, view_pos: QPointF) -> None:
    """Drag block template ``key`` from the palette onto the canvas, as a real drag does."""
    tree = window.palette.tree
    blocks = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0) == "Blocks"
    )
    item = next(
        blocks.child(j)
        for j in range(blocks.childCount())
        if blocks.child(j).data(0, TEMPLATE_ROLE) == key
    )
    mime = tree.mimeData([item])
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(view_pos.toPoint(), *args)
    QApplication.sendEvent(window.view.viewport(), enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(view_pos.toPoint(), *args)
    QApplication.sendEvent(window.view.viewport(), move)
    assert move.isAccepted()
    QApplication.sendEvent(window.view.viewport(), QDropEvent(view_pos, *args))


def test_a_palette_template_drops_in_as_one_undo_step(qtbot, window, monkeypatch):
    window.files.new()
    monkeypatch.setattr(
        template_dialog, "ask_sizes", lambda key, parent: TemplateSizes(3, 5, "kaiming")
    )
    monkeypatch.setattr(block_actions, "ask_sizes", template_dialog.ask_sizes)
    stack = window.document.undo_stack
    count = stack.count()
    _drop_template(window, "linear", QPointF(300, 200))
    assert stack.count() == count + 1 and stack.undoText() == "Add Linear 1"
    assert window.graph.blocks.snapshot() == (Block("Linear 1", ("W", "matmul_1", "b", "add_1")),)
    assert window.graph.node("W").attrs["shape"] == (3, 5)
    assert window.graph.node("W").attrs["init"] == "kaiming"
    assert "Linear 1" in window.scene.block_items()
    _drop_template(window, "mse", QPointF(300, 500))
    assert window.graph.blocks.names == ["Linear 1", "MSE loss 1"]
    stack.undo()
    stack.undo()
    assert len(window.graph) == 0 and window.graph.blocks.names == []


def test_a_cancelled_template_adds_nothing(qtbot, window, monkeypatch):
    window.files.new()
    monkeypatch.setattr(block_actions, "ask_sizes", lambda key, parent: None)
    window.palette.template_activated.emit("neuron")
    assert len(window.graph) == 0 and window.document.undo_stack.count() == 0
    monkeypatch.setattr(block_actions, "ask_sizes", lambda key, parent: TemplateSizes(2))
    window.palette.template_activated.emit("neuron")
    assert window.graph.blocks.names == ["Neuron 1"]
    assert window.graph.node("w").attrs["shape"] == (2, 1)


def test_the_template_dialog_reads_its_fields(qtbot):
    dialog = template_dialog.TemplateDialog("linear")
    qtbot.addWidget(dialog)
    dialog.inputs.setValue(4)
    dialog.outputs.setValue(8)
    dialog.init.setCurrentText("normal")
    assert dialog.sizes() == TemplateSizes(4, 8, "normal")
    assert template_dialog.ask_sizes("mse", None) == TemplateSizes()  # nothing to ask


def test_enter_in_the_palette_search_drops_the_only_template_found(qtbot, window, monkeypatch):
    window.files.new()
    monkeypatch.setattr(block_actions, "ask_sizes", lambda key, parent: TemplateSizes())
    window.palette.search.setText("MSE loss")
    assert window.palette.visible_templates() == ["mse"]
    window.palette.search.returnPressed.emit()
    assert window.graph.blocks.names == ["MSE loss 1"]


def test_selecting_a_hidden_node_selects_its_collapsed_card(qtbot, window):
    window.files.new()
    window._open_seed()
    window.scene.select_names(["y_hat", "sub_1"])
    window.blocks.group("Model")
    window.blocks.set_collapsed("Model", True)
    window.scene.select_names(["y_hat"])
    assert window.scene.selected_blocks() == ["Model"]


def test_a_selected_collapsed_card_copies_duplicates_and_deletes_its_nodes(qtbot, window):
    window.files.new()
    window._open_seed()
    settle(qtbot, window)
    window.scene.select_names(["y_hat", "sub_1"])
    assert window.blocks.group() and window.blocks.toggle()  # one collapsed card
    window.scene.select_names(["y_hat"])  # selects the card that stands for it
    assert window.scene.selected_names() == []
    assert window.scene.selected_members() == ["y_hat", "sub_1"]
    assert window.edits.copy_selection()
    count = len(window.graph)
    window.edits.duplicate()
    assert len(window.graph) == count + 2  # both hidden nodes, not none
    window.scene.select_names(["y_hat"])
    window.edits.delete_selection()
    assert "y_hat" not in window.graph and "sub_1" not in window.graph
    window.document.undo_stack.undo()
    assert "y_hat" in window.graph and "sub_1" in window.graph
