"""Edits the graph refuses are never recorded, change nothing and say why; copies of the longest
names still get valid names."""

from __future__ import annotations

import pytest

from backprop_studio import commands
from backprop_studio.model.gallery import example_path
from backprop_studio.model.graph import MAX_NAME_LENGTH, check_name
from backprop_studio.model.program import parse_program
from tests.app.conftest import settle
from tests.app.gestures import type_into


def _choose_kind(window, name: str, op: str) -> None:
    window.scene.select_names([name])
    box = window.inspector.kind
    index = box.findData(op)
    assert index >= 0
    box.setCurrentIndex(index)
    box.activated.emit(index)


@pytest.mark.parametrize(("name", "op", "why"), [("W1", "const", "W1"), ("x", "param", "dataset")])
def test_a_refused_kind_switch_records_nothing(qtbot, window, name, op, why):
    window.files.open_example(example_path("moons_mlp"))
    settle(qtbot, window, timeout=60_000)
    window.graph.blocks.set_collapsed("Linear 1", False)  # W1 is inside: show it to select it
    stack = window.document.undo_stack
    before, count = window.graph.structure(), stack.count()
    was = window.graph.node(name).op

    _choose_kind(window, name, op)

    assert stack.count() == count
    assert window.graph.structure() == before
    assert why in window.statusBar().currentMessage()
    assert window.inspector.kind.currentData() == was  # the box shows the kind the node has


def test_copies_of_the_longest_name_are_valid_and_undo_cleanly(qtbot, window):
    long = "w" * MAX_NAME_LENGTH
    window.edits.add_node("param", window.edits.view_center())
    first = window.scene.selected_names()[0]
    assert window.push(commands.Rename(window.graph, first, long))
    start = window.graph.structure()
    stack = window.document.undo_stack
    count = stack.count()

    for _ in range(3):
        window.scene.select_names([long])
        window.edits.duplicate()
    window.scene.select_names([long])
    assert window.edits.copy_selection()
    window.edits.paste()
    window.edits.paste()

    copies = [n for n in window.graph.names if n != long]
    assert len(copies) == 5 and len(set(copies)) == 5
    for name in copies:
        check_name(name)  # raises for an invalid name
    assert stack.count() == count + 5
    for _ in range(5):
        stack.undo()
    assert window.graph.structure() == start


def test_a_refusal_stays_readable_when_a_status_tip_clears_the_bar(qtbot, window):
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QApplication

    window.scene.status_message.emit("connecting 'loss' to 'w' would make a cycle")
    # what Qt does when the mouse passes a widget or action with a status tip
    QApplication.sendEvent(window, QStatusTipEvent(""))
    assert "cycle" in window.statusBar().currentMessage()
    window.say("Saved story.json", 4000)  # something newer replaces it at once
    QApplication.sendEvent(window, QStatusTipEvent(""))
    assert window.statusBar().currentMessage() == "Saved story.json"


def test_a_refused_value_of_a_program_constant_names_it_as_its_card_does(qtbot, window):
    program = window.program.editor
    program.setPlainText("x = data(1.0)\ny = x * 2")
    window.program.apply_requested.emit(parse_program(program.toPlainText()))
    settle(qtbot, window)
    assert window.scene.node_item("const_1").title == "2"
    window.scene.select_names(["const_1"])
    computed = window.inspector.computed.toPlainText()
    assert "const_1" not in computed and "a constant is never differentiated" in computed
    count = window.document.undo_stack.count()
    type_into(qtbot, window.inspector.value_edit, "NaN")
    assert window.statusBar().currentMessage() == "the constant 2: a value must be finite, not nan"
    assert window.document.undo_stack.count() == count
    assert window.graph.node("const_1").value == 2.0
