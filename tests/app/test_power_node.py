"""`**2` as a learner finds it: in the palette, dropped on the canvas, its exponent edited in the
inspector (one undo step), and a fractional power of a negative number reported on its card."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from tests.app.conftest import settle
from tests.app.gestures import connect, drop_op, select, type_into


def build_square(qtbot, window) -> tuple[str, str]:
    """w = 3 dropped as a parameter, then `**2` from the palette, connected w → a."""
    w = drop_op(window, "param", QPointF(200, 250))
    select(qtbot, window, w)
    type_into(qtbot, window.inspector.value_edit, "3")
    square = drop_op(window, "power", QPointF(550, 250))
    connect(qtbot, window, w, square, "a")
    return w, square


def test_the_palette_offers_square_and_search_finds_it(window):
    tree = window.palette.tree
    assert tree.item_for("power").text(0) == "**2   power"
    assert tree.item_for("pow").text(0) == "**   pow"  # the exponent from a node, as before
    window.palette.search.setText("**2")
    assert window.palette.visible_ops() == ["power"]


def test_dropping_square_gives_a_card_that_reads_square(qtbot, window):
    w, square = build_square(qtbot, window)
    node = window.graph.node(square)
    assert (node.op, node.attrs) == ("power", {"exponent": 2.0})
    assert [e.src for e in window.graph.edges] == [w]  # no constant node for the exponent
    trace = settle(qtbot, window)
    assert trace.value(square) == 9.0 and trace.grad(w) == 6.0
    lines = window.scene.node_item(square).text_lines()
    assert lines[1] == "**2  power"
    assert "9.0000" in " ".join(lines)
    assert window.program.editor.toPlainText().strip().splitlines()[-1] == f"{w}**2"


def test_editing_the_exponent_in_the_inspector_is_one_undoable_step(qtbot, window):
    w, square = build_square(qtbot, window)
    settle(qtbot, window)
    select(qtbot, window, square)
    edit = window.inspector.attrs.edits["exponent"]
    assert edit.isVisible() and edit.text() == "2"
    assert not window.inspector.value_edit.isVisible()  # an op has no value of its own
    stack = window.document.undo_stack
    steps = stack.count()
    type_into(qtbot, edit, "-0.5")  # typed key by key: "-", "-0", "-0.", "-0.5"
    assert window.graph.node(square).attrs == {"exponent": -0.5}
    assert stack.count() == steps + 1
    type_into(qtbot, edit, "3")
    assert stack.count() == steps + 2  # a new edit after Enter is a new step
    trace = settle(qtbot, window)
    assert trace.value(square) == 27.0 and trace.grad(w) == 27.0  # 3·3²
    assert window.scene.node_item(square).badge_text() == "**3  power"
    assert window.program.editor.toPlainText().strip().splitlines()[-1] == f"{w}**3"
    stack.undo()
    assert window.graph.node(square).attrs == {"exponent": -0.5}
    assert window.scene.node_item(square).badge_text() == "**-0.5  power"
    settle(qtbot, window)
    assert edit.text() == "-0.5"  # the line follows the undo, though it still has the focus
    stack.undo()
    assert window.graph.node(square).attrs == {"exponent": 2.0}
    assert settle(qtbot, window).value(square) == 9.0
    stack.redo()
    stack.redo()
    assert window.graph.node(square).attrs == {"exponent": 3.0}


def test_an_exponent_out_of_bounds_is_explained_and_never_applied(qtbot, window):
    _, square = build_square(qtbot, window)
    select(qtbot, window, square)
    steps = window.document.undo_stack.count()
    editor = window.inspector.attrs
    type_into(qtbot, editor.edits["exponent"], "1000")  # 1, 10 and 100 were numbers on the way
    assert "exponent must be from −100 to 100, not 1000" in editor.error.text()
    assert window.graph.node(square).attrs == {"exponent": 100.0}
    assert window.document.undo_stack.count() == steps + 1
    type_into(qtbot, editor.edits["exponent"], "two")
    assert "type a number" in editor.error.text()
    assert window.graph.node(square).attrs == {"exponent": 100.0}
    assert window.document.undo_stack.count() == steps + 1
    window.document.undo_stack.undo()
    assert window.graph.node(square).attrs == {"exponent": 2.0}
    settle(qtbot, window)
    assert editor.edits["exponent"].text() == "2" and editor.error.text() == ""


def test_a_negative_number_to_the_power_one_half_is_reported_on_its_card(qtbot, window):
    w, square = build_square(qtbot, window)
    select(qtbot, window, w)
    type_into(qtbot, window.inspector.value_edit, "-4")
    select(qtbot, window, square)
    type_into(qtbot, window.inspector.attrs.edits["exponent"], "0.5")
    trace = settle(qtbot, window)
    assert trace.error_node == square
    assert "a negative number to the power 0.5 has no real value" in trace.error
    assert "negative number to the power 0.5" in (window.scene.node_item(square).problem or "")


def test_quick_add_finds_square_by_its_symbol(qtbot, window):
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    popup = window.edits._quick
    qtbot.keyClicks(popup.edit, "**2")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    assert [(n.op, n.attrs) for n in window.graph] == [("power", {"exponent": 2.0})]
