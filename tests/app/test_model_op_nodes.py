"""The ops real models use, in the window: palette groups and tooltips, attributes edited in the
inspector as one undo step each (a leaky ReLU's slope, a clamp's bounds, the shape of ones), and
an n-ary add from the program text drawn with one port per input."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from tests.app.conftest import settle
from tests.app.gestures import drop_op, param_into, select, type_into


def build(qtbot, window, op: str) -> tuple[str, str]:
    """A parameter [-2, 0.5, 3] dropped, then ``op`` from the palette, x → a."""
    return param_into(qtbot, window, op, "[-2, 0.5, 3]")


def test_the_palette_offers_each_op_in_its_group_with_its_derivative(window):
    tree = window.palette.tree
    groups = {
        "Arithmetic": ("square", "maximum", "minimum"),
        "Functions": ("tan", "log1p", "identity", "clamp"),
        "Activations": ("leaky_relu", "gelu", "softplus", "elu"),
        "Reductions": ("max", "min"),
        "Losses": ("bce",),
        "Leaves": ("ones", "zeros"),
    }
    for group, ops in groups.items():
        for op in ops:
            item = tree.item_for(op)
            assert item is not None and item.parent().text(0) == group, op
            assert "∂" in item.toolTip(0) or "no gradient" in item.toolTip(0)
    assert "torch takes the slope at a = 0" in tree.item_for("leaky_relu").toolTip(0)


def test_a_leaky_relus_slope_is_typed_in_the_inspector_as_one_step(qtbot, window):
    x, node = build(qtbot, window, "leaky_relu")
    assert settle(qtbot, window).value(node) == [-0.02, 0.5, 3.0]  # the default slope 0.01
    select(qtbot, window, node)
    edit = window.inspector.attrs.edits["slope"]
    assert edit.placeholderText() == "default 0.01"
    steps = window.document.undo_stack.count()
    type_into(qtbot, edit, "0.25")
    assert window.graph.node(node).attrs == {"slope": 0.25}
    assert window.document.undo_stack.count() == steps + 1
    trace = settle(qtbot, window)
    assert trace.value(node) == [-0.5, 0.5, 3.0]
    assert f"leaky_relu({x}, slope=0.25)" in window.program.editor.toPlainText()
    window.document.undo_stack.undo()
    assert window.graph.node(node).attrs == {}


def test_a_clamp_needs_a_bound_and_takes_each_one_typed(qtbot, window):
    x, node = build(qtbot, window, "clamp")
    settle(qtbot, window)
    assert "clamp needs min, max or both set" in (window.scene.node_item(node).problem or "")
    select(qtbot, window, node)
    editor = window.inspector.attrs
    type_into(qtbot, editor.edits["min"], "-1")
    assert settle(qtbot, window).value(node) == [-1.0, 0.5, 3.0]
    type_into(qtbot, editor.edits["max"], "1")
    assert settle(qtbot, window).value(node) == [-1.0, 0.5, 1.0]
    assert window.graph.node(node).attrs == {"min": -1.0, "max": 1.0}
    type_into(qtbot, editor.edits["max"], "big")
    assert "max: type a number" in editor.error.text()


def test_ones_from_the_palette_take_their_shape_from_the_inspector(qtbot, window):
    node = drop_op(window, "ones", QPointF(300, 250))
    assert settle(qtbot, window).value(node) == 1.0  # unset: a scalar
    select(qtbot, window, node)
    edit = window.inspector.attrs.edits["shape"]
    type_into(qtbot, edit, "2, 3")
    assert window.graph.node(node).attrs == {"shape": (2, 3)}
    assert settle(qtbot, window).value(node) == [[1.0] * 3] * 2
    type_into(qtbot, edit, "2, x")
    assert "type whole numbers separated by commas" in window.inspector.attrs.error.text()


def test_an_nary_add_from_the_program_has_a_port_per_input(qtbot, window):
    editor = window.program.editor
    editor.setPlainText("a = 1.0\nb = 2.0\nc = 3.0\ns = add(a, b, c)\nloss = s * s")
    qtbot.mouseClick(window.program.apply_button, Qt.MouseButton.LeftButton)
    trace = settle(qtbot, window)
    assert trace.value("s") == 6.0 and trace.grad("c") == 12.0
    item = window.scene.node_item("s")
    ports = [p.port for p in item.ports() if p.port is not None]
    assert ports == ["a", "b", "c"]
    edge = next(e for e in window.graph.edges if e.dst == "s" and e.port == "c")
    assert window.scene.edge_item(edge) is not None
    select(qtbot, window, "s")
    assert not window.inspector.attrs.isVisible()  # nothing to edit: the edges fix n
