"""Hovering Step previews the next values (and the Step gives them); Re-initialise draws new
initial values as one undoable step."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from backprop_studio.app.files import file_actions as files_module
from backprop_studio.model.gallery import example_path
from tests.app.conftest import menu_action, settle


def _hover(qtbot, window):
    preview = window.step_preview
    QApplication.sendEvent(window.training.panel.step_button, QEvent(QEvent.Type.Enter))
    qtbot.waitUntil(lambda: not preview.pending, timeout=20_000)
    return preview.shown


def _step(qtbot, window):
    window.training.panel.step_button.click()
    qtbot.waitUntil(lambda: not window.training.busy, timeout=20_000)
    settle(qtbot, window)


def test_the_hover_preview_equals_the_step_that_follows(qtbot, window):
    assert window.files.open_path(files_module.examples_dir() / "seed.json", ask=False)
    settle(qtbot, window)
    shown = _hover(qtbot, window)
    assert shown.before == {"w": 1.0} and shown.loss == 1.0
    assert "w: 1 → 1.02" in window.training.panel.step_button.toolTip()
    _step(qtbot, window)
    assert window.graph.node("w").value == shown.after["w"]
    again = _hover(qtbot, window)  # the second step goes on with the session's trainer
    assert again.before["w"] == shown.after["w"]
    _step(qtbot, window)
    assert window.graph.node("w").value == again.after["w"]
    assert window.training.session.history.loss_at(1) == again.loss


def test_reinitialise_draws_new_values_and_undo_brings_the_old_back(qtbot, window):
    assert window.files.open_example(example_path("moons_mlp"))
    settle(qtbot, window)
    before = {n: window.graph.node(n).value for n in ("W1", "W2", "W3", "b1")}
    seeds = {n: window.graph.node(n).attrs["seed"] for n in ("W1", "W2", "W3")}
    menu_action(window, "Run", "Re-initialise Parameters").trigger()
    for name in ("W1", "W2", "W3"):
        node = window.graph.node(name)
        assert node.attrs["seed"] != seeds[name] and node.value != before[name]
        assert node.attrs["init"] in ("kaiming", "xavier") and not node.trained
    assert window.graph.node("b1").value == before["b1"]  # zeros draw nothing
    window.document.undo_stack.undo()
    assert {n: window.graph.node(n).value for n in before} == before
    assert {n: window.graph.node(n).attrs["seed"] for n in seeds} == seeds


def test_reinitialise_without_an_initialiser_says_so(qtbot, window):
    assert window.files.open_path(files_module.examples_dir() / "seed.json", ask=False)
    settle(qtbot, window)
    count = window.document.undo_stack.count()
    menu_action(window, "Run", "Re-initialise Parameters").trigger()
    assert window.document.undo_stack.count() == count
    assert "initialiser" in window.statusBar().currentMessage()
