"""keepdim, reshape, unsqueeze and squeeze as a learner finds them: in the palette, dropped on the
canvas, their attributes edited in the inspector (one undo step each), and a shape that does not
fit reported on the card."""

from __future__ import annotations

from tests.app.conftest import settle
from tests.app.gestures import param_into, select, type_into


def build(qtbot, window, op: str) -> tuple[str, str]:
    """x = [[1, 2, 3], [4, 5, 6]] dropped as a parameter, then ``op`` from the palette, x → a."""
    return param_into(qtbot, window, op, "[[1, 2, 3], [4, 5, 6]]")


def test_the_palette_offers_the_shape_ops_in_their_own_group(window):
    tree = window.palette.tree
    for op in ("reshape", "unsqueeze", "squeeze"):
        item = tree.item_for(op)
        assert item is not None and item.parent().text(0) == "Shape"
    window.palette.search.setText("squeeze")
    assert window.palette.visible_ops() == ["unsqueeze", "squeeze"]


def test_keepdim_is_a_check_box_and_one_undoable_step(qtbot, window):
    x, mean = build(qtbot, window, "mean")
    select(qtbot, window, mean)
    editor = window.inspector.attrs
    type_into(qtbot, editor.edits["axis"], "1")
    assert settle(qtbot, window).value(mean) == [2.0, 5.0]
    check = editor.checks["keepdim"]
    assert check.isVisible() and not check.isChecked()
    stack = window.document.undo_stack
    steps = stack.count()
    check.click()
    assert window.graph.node(mean).attrs == {"axis": 1, "keepdim": True}
    assert stack.count() == steps + 1
    assert settle(qtbot, window).value(mean) == [[2.0], [5.0]]
    assert "keepdim=True" in window.program.editor.toPlainText()
    stack.undo()
    assert window.graph.node(mean).attrs == {"axis": 1}
    settle(qtbot, window)
    assert not check.isChecked()  # the box follows the undo
    stack.redo()
    settle(qtbot, window)
    assert check.isChecked()
    check.click()  # unticked: unset again, the default False
    assert window.graph.node(mean).attrs == {"axis": 1}


def test_a_reshape_typed_in_the_inspector_and_a_count_that_does_not_fit(qtbot, window):
    x, reshape = build(qtbot, window, "reshape")
    trace = settle(qtbot, window)
    assert trace.value(reshape) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # unset: flattened
    select(qtbot, window, reshape)
    editor = window.inspector.attrs
    edit = editor.edits["shape"]
    assert edit.text() == "" and edit.placeholderText() == "default -1"
    type_into(qtbot, edit, "3, -1")
    assert window.graph.node(reshape).attrs == {"shape": (3, -1)}
    trace = settle(qtbot, window)
    assert trace.value(reshape) == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    type_into(qtbot, edit, "4, 2")
    assert window.graph.node(reshape).attrs == {"shape": (4, 2)}
    trace = settle(qtbot, window)
    assert reshape not in trace.values
    problem = window.scene.node_item(reshape).problem or ""
    assert "cannot reshape 2×3 (6 elements) to 4×2 (8 elements)" in problem
    type_into(qtbot, edit, "2, x")
    assert "type whole numbers separated by commas" in editor.error.text()
    assert window.graph.node(reshape).attrs == {"shape": (2,)}  # "2" was a shape on the way
    steps = window.document.undo_stack.count()
    type_into(qtbot, edit, "-1, -1")
    assert "one -1 at most" in editor.error.text()
    assert window.graph.node(reshape).attrs == {"shape": (-1,)}  # "-1, -1" refused, never applied
    assert window.document.undo_stack.count() == steps + 1
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    settle(qtbot, window)
    assert window.graph.node(reshape).attrs == {"shape": (4, 2)}
    assert edit.text() == "4, 2"


def test_a_squeeze_of_an_axis_longer_than_one_is_reported_on_its_card(qtbot, window):
    x, squeeze = build(qtbot, window, "squeeze")
    settle(qtbot, window)
    assert "axis 0 of 2×3 has size 2" in (window.scene.node_item(squeeze).problem or "")
    select(qtbot, window, squeeze)
    type_into(qtbot, window.inspector.attrs.edits["dim"], "5")
    settle(qtbot, window)
    assert "axis 5 does not exist on a 2×3 tensor" in (
        window.scene.node_item(squeeze).problem or ""
    )
