"""The seed story built with the mouse and keyboard alone, read off the canvas, undone, saved."""

from __future__ import annotations

from PySide6.QtCore import QPointF

from backprop_studio.document import Document
from tests.app.conftest import settle
from tests.app.gestures import connect, drop_op, select, type_into


def build_seed(qtbot, window) -> None:
    p = lambda x, y: QPointF(x, y)  # noqa: E731 - viewport coordinates
    names = {}
    for key, op, pos in [
        ("w", "param", p(150, 90)),
        ("x", "data", p(150, 225)),
        ("y", "data", p(150, 360)),
        ("y_hat", "mul", p(450, 150)),
        ("diff", "sub", p(700, 250)),
        ("two", "const", p(700, 390)),
        ("loss", "pow", p(950, 315)),
    ]:  # inside the canvas, which the training docks leave ~500 px high in a 1400×900 window
        names[key] = drop_op(window, op, pos)
    # rename the data leaves and set values through the inspector, as a user would
    inspector = window.inspector
    select(qtbot, window, names["y"])
    type_into(qtbot, inspector.value_edit, "2")
    type_into(qtbot, inspector.name_edit, "y")
    select(qtbot, window, names["two"])
    type_into(qtbot, inspector.value_edit, "2")
    names["y"] = "y"
    connect(qtbot, window, names["w"], names["y_hat"], "a")
    connect(qtbot, window, names["x"], names["y_hat"], "b")
    connect(qtbot, window, names["y_hat"], names["diff"], "a")
    connect(qtbot, window, "y", names["diff"], "b")
    connect(qtbot, window, names["diff"], names["loss"], "a")
    connect(qtbot, window, names["two"], names["loss"], "b")
    return names


def test_build_seed_story_with_gestures_and_read_the_numbers(qtbot, window):
    names = build_seed(qtbot, window)
    assert names["w"] == "w" and names["x"] == "x"
    assert len(window.graph.edges) == 6
    trace = settle(qtbot, window)
    assert trace.ok
    assert trace.value(names["loss"]) == 1.0
    assert trace.grad("w") == -2.0
    loss_text = " ".join(window.scene.node_item(names["loss"]).text_lines())
    w_text = " ".join(window.scene.node_item("w").text_lines())
    assert "1.0000" in loss_text
    assert "-2.0000" in w_text or "−2.0000" in w_text
    # the program view shows the same graph as code, the output last
    text = window.program.editor.toPlainText()
    assert "mul_1 = w * x" in text
    assert text.strip().splitlines()[-1] == "sub_1**c"

    # undo everything: back to an empty canvas
    stack = window.document.undo_stack
    while stack.canUndo():
        stack.undo()
    assert len(window.graph) == 0
    assert window.scene.node_items() == {}
    while stack.canRedo():
        stack.redo()
    assert len(window.graph.edges) == 6


def test_save_and_reopen_gives_identical_graph(qtbot, window, tmp_path):
    build_seed(qtbot, window)
    settle(qtbot, window)
    path = tmp_path / "seed.json"
    window.document.save(path)
    assert not window.document.dirty
    assert window.windowTitle().startswith("seed.json")
    reopened = Document.open(path)
    assert reopened.graph.structure() == window.graph.structure()
    assert window.files.open_path(path, ask=False)
    assert window.graph.structure() == reopened.graph.structure()
    trace = settle(qtbot, window)
    assert trace.grad("w") == -2.0
