"""Training in the editor: the real buttons, the graph, the canvas text, undo and the timeline."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt

from backprop_studio.canvas.value_text import format_number
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model import document_io
from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle

SEED_FILE = example_path("seed")  # the checkout's own, wherever the install maps resources
LEFT = Qt.MouseButton.LeftButton


def open_seed(qtbot, window):
    assert window.files.open_path(SEED_FILE, ask=False)
    settle(qtbot, window)
    return window.training


def card(window, name: str) -> str:
    return " ".join(window.scene.node_item(name).text_lines())


def run_to_end(qtbot, training, steps: int) -> None:
    training.panel.steps.setValue(steps)
    qtbot.mouseClick(training.panel.run_button, LEFT)
    qtbot.waitUntil(lambda: not training.busy, timeout=20_000)


def test_step_moves_w_in_the_graph_and_on_the_canvas(qtbot, window):
    training = open_seed(qtbot, window)
    qtbot.mouseClick(training.panel.step_button, LEFT)
    qtbot.waitUntil(lambda: window.graph.node("w").value == 1.02)
    trace = settle(qtbot, window)
    assert trace.value("w") == 1.02
    assert trace.value("loss") == pytest.approx(0.9604, rel=1e-12)
    assert "1.0200" in card(window, "w")
    assert "0.9604" in card(window, "loss")
    assert "loss 0.9604" in training.panel.status.text()
    stack = window.document.undo_stack
    assert stack.text(stack.index() - 1) == "Train 1 step"


def test_run_then_pause_leaves_one_undo_step_and_undo_restores_w(qtbot, window):
    training = open_seed(qtbot, window)
    training.panel.steps.setValue(1_000_000)
    stack = window.document.undo_stack
    before = stack.count()
    qtbot.mouseClick(training.panel.run_button, LEFT)
    assert not training.panel.run_button.isEnabled() and training.panel.pause_button.isEnabled()
    qtbot.waitUntil(lambda: training.history is not None and training.history.iteration > 5)
    qtbot.mouseClick(training.panel.pause_button, LEFT)
    qtbot.waitUntil(lambda: not training.busy)
    trained = training.history.iteration
    assert 5 < trained < 1_000_000
    assert stack.count() == before + 1
    assert stack.text(stack.index() - 1) == f"Train {trained} steps"
    w = window.graph.node("w").value
    assert w == training.history.values_at(trained)["w"] and w > 1.0
    assert training.panel.run_button.isEnabled()

    stack.undo()
    assert window.graph.node("w").value == 1.0
    settle(qtbot, window)
    assert "1.0000" in card(window, "w")
    assert training.history is None  # the run belonged to the values undone
    assert training.loss_plot.faded_count == 1


def _trainer_at(iteration: int) -> Trainer:
    trainer = Trainer(document_io.load_document(SEED_FILE).graph, TrainSettings(lr=0.01))
    for _ in range(iteration):
        trainer.step()
    return trainer


def test_timeline_shows_an_earlier_iteration(qtbot, window):
    training = open_seed(qtbot, window)
    run_to_end(qtbot, training, 10)
    assert training.timeline.slider.maximum() == 10
    expected = _trainer_at(3).trace()

    training.timeline.slider.setValue(3)  # as a drag or a click on the slider does
    qtbot.waitUntil(
        lambda: window.trace is not None and window.trace.value("w") == expected.value("w")
    )
    shown = window.trace
    for name in expected.values:
        assert shown.value(name) == pytest.approx(expected.value(name), abs=1e-12)
        if expected.grad(name) is not None:
            assert shown.grad(name) == pytest.approx(expected.grad(name), abs=1e-12)
    assert training.timeline.status_text() == "showing iteration 3 of 10"
    assert "iteration 3 of 10" in window.status_value.text()
    assert format_number(expected.value("w")) in card(window, "w")
    assert format_number(expected.grad("w")) in card(window, "w")
    assert training.loss_plot.marker.getData()[0][0] == 3
    assert training.loss_plot.readout(3) == (3, pytest.approx(expected.value("loss")))
    # the graph keeps the trained values; the canvas only looks back
    assert window.graph.node("w").value == _trainer_at(10).param_values()["w"]

    # an editor evaluation (a node moved) does not pull the canvas back to the present
    window.runner.evaluate_now(window.graph, window.dtype)
    settle(qtbot, window)
    assert window.trace.value("w") == expected.value("w")

    # an edit of the computation returns to live
    window.edits.set_value("x", 1.5, 99)
    settle(qtbot, window)
    assert training.timeline.live
    assert window.trace.value("x") == 1.5
    assert "showing" not in training.timeline.status_text()


def test_divergence_stops_with_node_and_iteration(qtbot, window, dialogs):
    training = open_seed(qtbot, window)
    training.panel.lr.setValue(10.0)
    run_to_end(qtbot, training, 10_000)
    message = training.panel.message.text()
    assert f"iteration {training.history.iteration + 1}: 'loss'" in message
    assert "learning rate" in message
    w = window.graph.node("w").value
    assert math.isfinite(w)
    assert training.history.iteration < 10_000
    assert math.isfinite(training.history.loss_at(training.history.iteration))
    # lower the learning rate and go on: a new run from the last finite values
    training.panel.lr.setValue(0.01)
    run_to_end(qtbot, training, 5)
    assert training.panel.message.text() == ""
    assert training.loss_plot.faded_count == 1


def test_settings_are_saved_undoable_and_mark_the_document_modified(qtbot, window):
    training = open_seed(qtbot, window)
    assert not window.document.dirty
    training.panel.lr.stepBy(1)  # the arrows walk 0.01 → 0.02 → 0.05
    training.panel.lr.stepBy(1)
    assert window.document.settings["training"]["lr"] == 0.05
    assert window.document.dirty
    stack = window.document.undo_stack
    assert stack.text(stack.index() - 1) == "Set learning rate"
    index = training.panel.optimizer.findData("adam")
    training.panel.optimizer.setCurrentIndex(index)
    training.panel.optimizer.activated.emit(index)
    assert window.document.settings["training"]["optimizer"] == "adam"
    stack.undo()
    stack.undo()
    assert window.document.settings["training"] == {
        "optimizer": "sgd",
        "lr": 0.01,
        "steps": 100,
        "momentum": 0.9,
        "clip": None,
    }
    assert training.panel.lr.value() == 0.01 and training.panel.optimizer.currentData() == "sgd"
    assert not window.document.dirty


def test_reset_restores_the_values_before_training_in_one_step(qtbot, window):
    training = open_seed(qtbot, window)
    run_to_end(qtbot, training, 20)
    trained = window.graph.node("w").value
    qtbot.mouseClick(training.panel.reset_button, LEFT)
    assert window.graph.node("w").value == 1.0
    stack = window.document.undo_stack
    assert stack.text(stack.index() - 1) == "Reset parameters"
    stack.undo()
    assert window.graph.node("w").value == trained


def test_a_new_learning_rate_starts_a_new_run_and_fades_the_old_curve(qtbot, window):
    training = open_seed(qtbot, window)
    run_to_end(qtbot, training, 10)
    assert training.loss_plot.faded_count == 0
    training.panel.lr.setValue(0.1)
    qtbot.mouseClick(training.panel.reset_button, LEFT)
    run_to_end(qtbot, training, 10)
    assert training.loss_plot.faded_count == 1
    x, y = training.history.loss_curve()
    assert list(x) == list(range(11)) and y[0] == 1.0
    assert training.loss_plot.readout_text(0) == "iteration 0\nloss 1.0000"


def _start_long_run(qtbot, training):
    training.panel.steps.setValue(1_000_000)
    qtbot.mouseClick(training.panel.run_button, LEFT)
    qtbot.waitUntil(lambda: training.history is not None and training.history.iteration > 5)


def test_an_edit_during_a_run_ends_it_without_writing_values(qtbot, window):
    training = open_seed(qtbot, window)
    _start_long_run(qtbot, training)
    window.edits.set_value("x", 2.0, 7)  # the user edits while training runs
    assert not training.busy and training.history is None
    assert window.graph.node("w").value == 1.0  # what was trained belonged to x = 1
    qtbot.wait(100)
    assert window.graph.node("w").value == 1.0
    # the next step trains the edited graph: loss (2w - 2)² at w = 1 is 0, so w stays
    window.actions_by_name["train_step"].trigger()
    qtbot.waitUntil(lambda: training.history is not None and not training.busy)
    assert training.history.loss_at(0) == 0.0


def test_opening_another_document_stops_and_forgets_the_run(qtbot, window):
    training = open_seed(qtbot, window)
    _start_long_run(qtbot, training)
    window.files.new()
    assert not training.busy and training.history is None
    assert training.loss_plot.faded_count == 0
    assert training.panel.status.text() == "not trained yet"


def test_shortcuts_step_and_walk_the_timeline(qtbot, window):
    training = open_seed(qtbot, window)
    acts = window.actions_by_name
    assert acts["train_step"].shortcut().toString() == "Ctrl+T"
    assert acts["train_run"].shortcut().toString() == "Ctrl+R"
    assert acts["train_reset"].shortcut().toString() == "Ctrl+Shift+R"
    for _ in range(3):
        acts["train_step"].trigger()
        qtbot.waitUntil(lambda: not training.busy)
    assert training.history.iteration == 3
    acts["iteration_back"].trigger()
    acts["iteration_back"].trigger()
    assert training.timeline.status_text() == "showing iteration 1 of 3"
    qtbot.waitUntil(lambda: window.trace.value("w") == 1.02)
    acts["iteration_forward"].trigger()
    acts["iteration_forward"].trigger()
    assert training.timeline.live


def test_a_large_graph_reaches_the_canvas_when_the_run_stops(qtbot, window):
    from backprop_studio.app.training.frame_pacer import LIVE_CANVAS_NUMBERS
    from backprop_studio.document import Document
    from backprop_studio.engine.train_history import numbers_in
    from tests.builders import build

    rows = [[float(i), 1.0] for i in range(300)]
    graph = build(
        {"x": ("data", rows), "W": ("param", [[0.1], [0.2]])},
        [("xW", "matmul", ["x", "W"]), ("loss", "mean", ["xW"])],
    )
    window.set_document(Document(graph))
    settle(qtbot, window)
    training = window.training
    _start_long_run(qtbot, training)
    qtbot.waitUntil(lambda: training.session.latest is not None)
    assert numbers_in(training.session.latest) > LIVE_CANVAS_NUMBERS
    qtbot.waitUntil(lambda: "canvas follows on pause" in training.panel.status.text())
    qtbot.mouseClick(training.panel.pause_button, LEFT)
    qtbot.waitUntil(lambda: not training.busy)
    trained = window.graph.node("W").value
    assert window.trace.value("W") == trained  # the canvas shows the final numbers


def test_clipping_and_adam_from_the_panel(qtbot, window):
    training = open_seed(qtbot, window)
    training.panel.clip.setChecked(True)  # max gradient norm 1: ∂loss/∂w = -2 becomes -1
    assert window.document.settings["training"]["clip"] == 1.0
    qtbot.mouseClick(training.panel.step_button, LEFT)
    qtbot.waitUntil(lambda: not training.busy)
    assert window.graph.node("w").value == pytest.approx(1.01, abs=1e-6)  # torch adds 1e-6
    index = training.panel.optimizer.findData("adam")
    training.panel.optimizer.setCurrentIndex(index)
    training.panel.optimizer.activated.emit(index)
    training.panel.clip.setChecked(False)
    qtbot.mouseClick(training.panel.step_button, LEFT)
    qtbot.waitUntil(lambda: not training.busy)
    # Adam's first step moves every parameter by lr, whatever the gradient's size
    assert window.graph.node("w").value == pytest.approx(1.01 + 0.01, abs=1e-6)
    assert training.loss_plot.faded_count == 1  # another optimizer: another run


def test_a_step_says_it_is_training_until_its_first_numbers_arrive(qtbot, window):
    training = open_seed(qtbot, window)
    assert training.panel.status.text() == "not trained yet"
    qtbot.mouseClick(training.panel.step_button, LEFT)  # the worker's news waits for the loop
    assert training.busy and training.panel.status.text() == "training…"
    qtbot.waitUntil(lambda: not training.busy, timeout=30_000)
    assert training.panel.status.text().startswith("iteration 1")
