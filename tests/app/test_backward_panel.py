"""The Backward menu, toolbar and Explain dock in the real window: play, step, edit, settings."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence

from backprop_studio import commands
from backprop_studio.app.files import file_actions as files_module
from tests.app.conftest import settle

SEED = files_module.examples_dir() / "seed.json"


def open_seed(qtbot, window):
    assert window.files.open_path(SEED, ask=False)
    return settle(qtbot, window)


def test_play_backward_runs_to_the_end_and_explains_each_edge(qtbot, window):
    trace = open_seed(qtbot, window)
    panel = window.backward
    panel.flow.set_speed(16.0)
    headings = []
    panel.flow.step_changed.connect(lambda _n: headings.append(panel.explain.heading.text()))
    with qtbot.waitSignal(panel.flow.finished, timeout=20_000):
        window.actions_by_name["backward_play"].trigger()
    assert "Backward · edge 3 of 3" in headings and "Backward · start" in headings
    assert panel.explain.formula.text() == "∂L/∂w (via ŷ) = ∂L/∂ŷ · ∂ŷ/∂w = (-2) · (1) = -2"
    assert panel.explain.body.text().endswith(
        "Done: every node now shows the gradient torch computed."
    )
    for name in trace.values:
        assert window.scene.node_item(name).grad == trace.grads[name]


def test_keys_step_through_the_animation(qtbot, window):
    open_seed(qtbot, window)
    flow = window.backward.flow
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert flow.is_active and flow.step == 1 and not flow.is_playing
    qtbot.keyClick(window.view, Qt.Key.Key_End)
    assert flow.step == flow.count
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert flow.step == flow.count - 1
    qtbot.keyClick(window.view, Qt.Key.Key_Home)
    assert flow.step == 0
    qtbot.keyClick(window.view, Qt.Key.Key_P)
    assert flow.is_playing
    qtbot.keyClick(window.view, Qt.Key.Key_P)
    assert not flow.is_playing and flow.is_active


def test_step_back_from_the_finished_picture_goes_one_step_back(qtbot, window):
    open_seed(qtbot, window)
    window.actions_by_name["backward_step_back"].trigger()
    flow = window.backward.flow
    assert flow.is_active and flow.step == flow.count - 1


def test_an_edit_during_the_animation_cancels_it_and_re_evaluates(qtbot, window):
    open_seed(qtbot, window)
    flow = window.backward.flow
    window.actions_by_name["backward_play"].trigger()
    qtbot.waitUntil(lambda: flow.step >= 2, timeout=10_000)
    window.push(commands.SetValue(window.graph, "w", 3.0))
    assert not flow.is_active and not flow.is_playing
    trace = settle(qtbot, window)
    assert trace.grads["w"] == 2 * (3.0 - 2.0) * 1.0  # d/dw (w·x − y)² with x = 1, y = 2
    assert window.scene.node_item("w").grad == trace.grads["w"]
    assert window.backward.explain.heading.text() == "Explain"


def test_autoplay_after_an_edit_is_a_remembered_setting(qtbot, window):
    open_seed(qtbot, window)
    flow = window.backward.flow
    assert not flow.is_active  # opening a file is not an edit
    window.actions_by_name["backward_auto"].setChecked(True)
    assert QSettings("Backprop Studio", "Backprop Studio").value("backward/auto_play") in (
        True,
        "true",
    )
    window.push(commands.SetValue(window.graph, "w", 3.0))
    settle(qtbot, window)
    assert flow.is_active and flow.is_playing
    window.actions_by_name["backward_auto"].setChecked(False)


def test_backward_shortcuts_are_unique_and_leave_space_to_the_canvas(window):
    seen: dict[str, str] = {}
    for name, action in window.actions_by_name.items():
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen, f"{text} is both {seen[text]} and {name}"
            seen[text] = name
    assert QKeySequence(Qt.Key.Key_Space).toString() not in seen
    assert seen["Ctrl+B"] == "backward_play" and seen["P"] == "backward_pause"


def test_selecting_an_edge_explains_its_chain_rule(qtbot, window):
    open_seed(qtbot, window)
    edge = next(e for e in window.graph.edges if e.src == "w")
    window.scene.edge_item(edge).setSelected(True)
    assert window.backward.explain.heading.text() == "Edge w → ŷ"
    assert window.backward.explain.formula.text().endswith("= (-2) · (1) = -2")


def test_home_end_and_p_keep_their_meaning_in_text_fields(qtbot, window):
    open_seed(qtbot, window)
    editor = window.program.editor
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_End)
    qtbot.keyClick(editor, Qt.Key.Key_P)
    qtbot.keyClick(editor, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert not window.backward.flow.is_active
    assert "p" in editor.toPlainText()


def test_a_training_step_is_animated_when_autoplay_is_on(qtbot, window):
    open_seed(qtbot, window)
    flow = window.backward.flow
    window.actions_by_name["backward_auto"].setChecked(True)
    try:
        panel = window.training.panel
        qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.graph.node("w").value == 1.02, timeout=10_000)
        settle(qtbot, window)
        qtbot.waitUntil(lambda: flow.is_active, timeout=10_000)
        assert flow.is_playing
    finally:
        window.actions_by_name["backward_auto"].setChecked(False)
