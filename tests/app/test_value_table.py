"""Small tensors edit as a table (one undo step per typing session); matrices show as heat maps."""

from __future__ import annotations

from backprop_studio import document_commands
from backprop_studio.model.program import parse_program
from tests.app.conftest import settle


def test_matrix_value_edits_in_the_table_and_undoes_in_one_step(qtbot, window):
    graph = parse_program("W = param([[1.0, 2.0], [3.0, 4.0]])\nx = data([1.0, -1.0])\nsum(x @ W)")
    window.push(document_commands.ReplaceGraph(window.graph, graph))
    trace = settle(qtbot, window)
    window.scene.select_names(["W"])
    table = window.inspector.table
    assert table.isVisible() and (table.rowCount(), table.columnCount()) == (2, 2)
    assert window.inspector.heat_value.isVisible() and window.inspector.heat_grad.isVisible()
    count = window.document.undo_stack.count()
    table.item(0, 1).setText("5")
    table.item(1, 0).setText("-1")
    assert window.graph.node("W").value == [[1.0, 5.0], [-1.0, 4.0]]
    assert window.document.undo_stack.count() == count + 1  # one typing session, one step
    table.item(0, 0).setText("nan")  # refused, marked, nothing pushed
    assert window.graph.node("W").value == [[1.0, 5.0], [-1.0, 4.0]]
    window.document.undo_stack.undo()
    assert window.graph.node("W").value == [[1.0, 2.0], [3.0, 4.0]]
    trace = settle(qtbot, window)
    assert trace.grad("W") == [[1.0, 1.0], [-1.0, -1.0]]


def test_scalars_and_big_tensors_keep_the_text_field(qtbot, window):
    graph = parse_program('w = 1.0\nB = param(shape=(30, 2), init="normal", seed=0)\nsum(B) * w')
    window.push(document_commands.ReplaceGraph(window.graph, graph))
    settle(qtbot, window)
    window.scene.select_names(["w"])
    assert not window.inspector.table.isVisible()
    window.scene.select_names(["B"])
    assert not window.inspector.table.isVisible()
    assert window.inspector.value_edit.isVisible()
