"""Editor behaviour a user relies on: rubber band and delete, quick-add, program view, clipboard,
bad files, recovery after a crash, and the exception hook."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from backprop_studio.app.files import file_actions as files_module
from backprop_studio.app.main import install_excepthook
from backprop_studio.document import Document, orphaned_recoveries
from tests.app.conftest import settle
from tests.canvas.canvas_helpers import drag, to_view

SEED = files_module.examples_dir() / "seed.json"


def open_seed(window) -> None:
    assert window.files.open_path(SEED, ask=False)
    window.view.fit_to_graph()


def test_rubber_band_select_then_delete_then_undo(qtbot, window):
    open_seed(window)
    before = window.graph.structure()
    rect = window.view.mapFromScene(window.scene.itemsBoundingRect()).boundingRect()
    drag(qtbot, window.view, rect.topLeft() - QPoint(20, 20), rect.bottomRight() + QPoint(20, 20))
    assert sorted(window.scene.selected_names()) == sorted(window.graph.names)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert len(window.graph) == 0
    window.document.undo_stack.undo()
    assert window.graph.structure() == before


def test_tab_opens_quick_add_and_enter_creates_the_node(qtbot, window):
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    popup = window.edits._quick
    assert popup.isVisible()
    qtbot.keyClicks(popup.edit, "tanh")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    assert [n.op for n in window.graph] == ["tanh"]
    assert window.scene.selected_names() == ["tanh_1"]


def test_edge_dropped_on_empty_canvas_adds_a_connected_node(qtbot, window):
    open_seed(window)
    loss = window.scene.node_item("loss")
    start = to_view(window.view, loss.output_anchor())
    drag(qtbot, window.view, start, start + QPoint(150, 120))
    popup = window.edits._quick
    qtbot.keyClicks(popup.edit, "sqrt")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    assert window.graph.inputs_of("sqrt_1")["a"].src == "loss"
    window.document.undo_stack.undo()  # node and edge go in one step
    assert "sqrt_1" not in window.graph


def test_program_view_apply_keeps_positions_and_shows_errors(qtbot, window):
    open_seed(window)
    w_pos = window.graph.node("w").position
    editor = window.program.editor
    editor.setPlainText(editor.toPlainText().replace("w = 1.0", "w = 3.0") + "extra = tanh(loss)\n")
    qtbot.mouseClick(window.program.apply_button, Qt.MouseButton.LeftButton)
    assert window.graph.node("w").value == 3.0
    assert window.graph.node("w").position == w_pos
    assert "extra" in window.graph
    trace = settle(qtbot, window)
    assert trace.output == "extra"
    editor.setPlainText("x = data(1.0)\ny = relu2(x)\n")
    qtbot.mouseClick(window.program.apply_button, Qt.MouseButton.LeftButton)
    assert "line 2: unknown function 'relu2'" in window.program.message.text()
    assert "extra" in window.graph  # the graph is untouched by a failed apply
    window.document.undo_stack.undo()
    assert window.graph.node("w").value == 1.0 and "extra" not in window.graph


def test_canvas_edits_rewrite_the_program_text(qtbot, window):
    open_seed(window)
    window.edits.rename("w", "weight")
    qtbot.waitUntil(lambda: "weight = 1.0" in window.program.editor.toPlainText())


def test_copy_paste_across_documents(qtbot, window):
    open_seed(window)
    window.scene.select_names(["w", "y_hat", "x"])
    assert window.edits.copy_selection()
    window.files.new()
    window.edits.paste()
    assert sorted(window.graph.names) == ["w", "x", "y_hat"]
    assert window.graph.node("y_hat").label == "ŷ"
    assert len(window.graph.edges) == 2
    window.edits.paste()  # a second paste renames to stay unique
    assert sorted(window.graph.names) == ["w", "w_2", "x", "x_2", "y_hat", "y_hat_2"]
    assert window.graph.inputs_of("y_hat_2")["a"].src == "w_2"


def test_duplicate_is_one_undo_step(qtbot, window):
    open_seed(window)
    seed = len(window.graph)
    window.scene.select_names(["y_hat", "w"])
    window.edits.duplicate()
    assert "w_2" in window.graph and len(window.graph) == seed + 2
    window.document.undo_stack.undo()
    assert len(window.graph) == seed


def test_malformed_files_leave_the_document_untouched(qtbot, window, tmp_path, dialogs):
    open_seed(window)
    window.edits.rename("w", "weight")
    before = window.graph.structure()
    cases = {
        "garbage.json": b"\x89PNG not json",
        "newer.json": json.dumps({"format": "backprop-studio", "version": 99}).encode(),
        "broken.json": b'{"format": "backprop-studio", "version": 1, "nodes": [',
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert not window.files.open_path(path, ask=False)
        assert dialogs.shown[-1][0] == "warning" and name in dialogs.shown[-1][2]
        assert window.graph.structure() == before
        assert window.document.dirty
    assert "newer Backprop Studio" in dialogs.shown[1][2]


def test_recovery_after_a_simulated_crash(qtbot, window, tmp_path, dialogs):
    open_seed(window)
    window.edits.rename("w", "weight")
    window.document.write_recovery()  # what the autosave timer does a few seconds after an edit
    written = window.document.recovery_path
    assert written.exists()
    # the crashed app's pid is gone: pretend the file came from a dead process
    dead = written.with_name(f"recovery-999999999-{written.name.split('-', 2)[2]}")
    os.replace(written, dead)
    assert orphaned_recoveries() == [dead]
    window.document.undo_stack.setClean()
    window.files.new()
    dialogs.answer = QMessageBox.StandardButton.Yes
    assert window.files.offer_recovery()
    assert "weight" in window.graph
    assert window.document.dirty  # restored work is unsaved until saved
    assert not dead.exists()


def test_autosave_timer_writes_a_recovery_copy(qtbot, window):
    window.document.autosave.quiet_s = 0.05
    window.edits.add_node("param", QPointF(0, 0))
    qtbot.waitUntil(window.document.recovery_path.exists, timeout=5000)
    data = json.loads(window.document.recovery_path.read_text())
    assert [n["name"] for n in data["nodes"]] == ["w"]
    window.document.undo_stack.undo()  # back to clean: the copy is no longer needed
    assert not window.document.recovery_path.exists()


def test_exception_hook_reports_and_keeps_running(qtbot, window, capsys):
    old, old_thread = sys.excepthook, threading.excepthook
    try:
        install_excepthook(window)
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        box = window.findChild(QMessageBox, "unexpected-error")
        assert box is not None and box.isVisible()
        assert "boom in a slot" in box.text()
        assert "boom in a slot" in capsys.readouterr().err
        box.close()
    finally:
        sys.excepthook, threading.excepthook = old, old_thread
    assert window.isVisible()


def test_save_as_json_and_title(qtbot, window, tmp_path, monkeypatch):
    window.edits.add_node("param", QPointF(0, 0))
    assert window.windowTitle().startswith("Untitled*")
    target = str(tmp_path / "one")  # the extension is added
    monkeypatch.setattr(files_module.QFileDialog, "getSaveFileName", lambda *a, **k: (target, ""))
    assert window.files.save_as()
    assert window.windowTitle().startswith("one.json —")
    assert Document.open(tmp_path / "one.json").graph.names == ["w"]
    assert Path(window.files.recent()[0]).name == "one.json"
    QApplication.processEvents()


def test_dark_palette_switches_the_canvas_theme(qtbot, window):
    from PySide6.QtGui import QColor, QPalette

    from backprop_studio.canvas import style

    app = QApplication.instance()
    old = app.palette()
    try:
        dark = QPalette(old)
        dark.setColor(QPalette.ColorRole.Window, QColor(30, 30, 30))
        dark.setColor(QPalette.ColorRole.WindowText, QColor(230, 230, 230))
        app.setPalette(dark)
        qtbot.waitUntil(lambda: window.scene.theme is style.DARK)
    finally:
        app.setPalette(old)
    qtbot.waitUntil(lambda: window.scene.theme is style.LIGHT)


def test_auto_layout_glides_then_is_one_undo_step(qtbot, window):
    open_seed(window)
    window.graph.set_position("w", (900.0, 900.0))  # mess one node up (not through the stack)
    before = window.graph.node("w").position
    count = window.document.undo_stack.count()
    window.edits.auto_layout()
    qtbot.waitUntil(lambda: window.document.undo_stack.count() == count + 1, timeout=3000)
    after = window.graph.node("w").position
    assert after != before
    item = window.scene.node_item("w")
    assert (item.pos().x(), item.pos().y()) == after
    window.document.undo_stack.undo()
    assert window.graph.node("w").position == before


def test_auto_layout_with_nothing_to_change_says_so(qtbot, window):
    open_seed(window)
    window.graph.set_position("w", (900.0, 900.0))  # mess one node up, so the first call moves
    window.edits.auto_layout()
    qtbot.waitUntil(lambda: "Auto-layout" in window.document.undo_stack.undoText(), timeout=3000)
    count = window.document.undo_stack.count()
    window.edits.auto_layout()  # laid out already: no glide, no step, one sentence
    assert window.document.undo_stack.count() == count
    assert "nothing to change" in window.statusBar().currentMessage()


def test_paste_keeps_op_settings(qtbot, window):
    from backprop_studio import document_commands
    from backprop_studio.model.program import parse_program

    graph = parse_program("h = param([[1.0, 2.0], [3.0, 4.0]])\ns = sum(h, axis=1)")

    window.push(document_commands.ReplaceGraph(window.graph, graph))
    window.scene.select_names(["h", "s"])
    assert window.edits.copy_selection()
    window.edits.paste()
    assert window.graph.node("s_2").attrs == {"axis": 1}


def test_an_edit_is_analysed_at_most_once_on_the_ui_thread(qtbot, window, monkeypatch):
    from backprop_studio.commands import SetValue
    from backprop_studio.model import graph as graph_module
    from backprop_studio.model.gallery import example_path

    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window)
    threads = []
    real = graph_module.analyse
    monkeypatch.setattr(
        graph_module, "analyse", lambda g: threads.append(threading.current_thread()) or real(g)
    )
    assert window.push(SetValue(window.graph, "w", 3.0))
    trace = settle(qtbot, window)
    assert trace.value("w") == 3.0
    on_ui = [t for t in threads if t is threading.main_thread()]
    assert len(on_ui) <= 1 and len(threads) <= 2, threads
