"""Group (Ctrl+G), ungroup (Ctrl+Shift+G), collapse, expand and rename a block from the window,
each one undo step; the canvas follows and evaluation does not change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

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
