"""Data ▸ Load CSV on an empty canvas offers a starter model: iris goes from the file to a
trained softmax regression and its confusion matrix; a numeric target gets linear regression,
and no Confusion tab."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from PySide6.QtCore import Qt

from backprop_studio.app.files.data_menu import load_csv
from backprop_studio.app.files.starter_dialog import StarterDialog
from backprop_studio.model.starter import starters
from tests.app.conftest import settle
from tests.app.test_data_menu import Loading

IRIS = Path(__file__).parents[1] / "data" / "iris.csv"


def _load(qtbot, window, target: str | None = None) -> list[str]:
    dialog = Loading(IRIS, window)
    dialog.standardize.setChecked(True)
    if target is not None:
        dialog.target.setCurrentIndex(dialog.target.findText(target))
        for i in range(dialog.features.count()):
            item = dialog.features.item(i)
            if item.text() == "species":
                item.setCheckState(Qt.CheckState.Unchecked)
    names = load_csv(window.parts, window.edits, IRIS, dialog)
    settle(qtbot, window)
    return names


def test_iris_to_a_trained_softmax_regression_and_its_confusion_matrix(qtbot, window, dialogs):
    dialogs.starter = "softmax"
    stack = window.document.undo_stack
    count = stack.count()
    names = _load(qtbot, window)
    (asked,) = [s for s in dialogs.shown if s[0] == "starter"]
    assert asked[2] == "softmax, mlp" and "3 classes" in asked[1]
    graph = window.graph
    assert set(names) == set(graph.names) == {"x", "y", "W", "b", "matmul_1", "logits", "loss"}
    assert stack.count() == count + 1 and stack.text(stack.index() - 1).startswith("Load iris")
    assert graph.output == "loss" and graph.node("loss").op == "cross_entropy"
    assert graph.node("W").trainable and graph.node("W").attrs["init"] == "xavier"
    assert window.trace.ok and window.trace.value("W") is not None
    assert window.fit.confusion_dock.isVisible()  # a classifier: the Confusion tab is there
    # set to train as the status bar says, in the same undo step
    training = window.document.settings["training"]
    assert (training["optimizer"], training["lr"], training["steps"]) == ("adam", 0.05, 300)
    assert window.training.panel.optimizer.currentData() == "adam"
    assert "press Run" in window.statusBar().currentMessage()
    before = window.trace.value("loss")
    qtbot.mouseClick(window.training.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.training.busy, timeout=10_000)
    qtbot.waitUntil(lambda: not window.training.busy, timeout=120_000)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not window.fit.pending, timeout=10_000)
    assert window.training.history.iteration == 300
    loss = window.training.history.loss_at(300)
    assert loss < 0.2 < before
    # the trained numbers, checked against torch directly
    x = torch.tensor(graph.node("x").value, dtype=torch.float64)
    w = torch.tensor(graph.node("W").value, dtype=torch.float64)
    b = torch.tensor(graph.node("b").value, dtype=torch.float64)
    y = torch.tensor(graph.node("y").value, dtype=torch.float64).squeeze(-1).long()
    assert torch.nn.functional.cross_entropy(x @ w + b, y).item() == pytest.approx(
        window.trace.value("loss"), rel=1e-9
    )
    counts = window.fit.confusion.counts
    expected = torch.zeros(3, 3, dtype=torch.long)
    for t, p in zip(y.tolist(), (x @ w + b).argmax(dim=1).tolist()):
        expected[t, p] += 1
    assert counts == expected.tolist() and sum(map(sum, counts)) == 150
    stack.undo()  # the training
    stack.undo()  # the file, the model and its settings, in one step
    assert len(window.graph) == 0 and stack.index() == count
    assert window.document.settings["training"].get("optimizer", "sgd") == "sgd"


def test_the_network_with_a_hidden_layer_is_wired_too(qtbot, window, dialogs):
    dialogs.starter = "mlp"
    _load(qtbot, window)
    graph = window.graph
    assert graph.node("W1").attrs["shape"] == (4, 16) and graph.node("W2").attrs["shape"] == (16, 3)
    assert graph.node("h").op == "relu" and window.trace.ok


def test_just_the_data_adds_the_leaves_alone(qtbot, window, dialogs):
    dialogs.starter = None
    assert _load(qtbot, window) == ["x", "y"]
    assert "wire a model from x" in window.statusBar().currentMessage()


def test_a_numeric_target_gets_linear_regression_and_no_confusion_tab(qtbot, window, dialogs):
    dialogs.starter = "linear"
    _load(qtbot, window, target="petal_width")
    (asked,) = [s for s in dialogs.shown if s[0] == "starter"]
    assert asked[2] == "linear"
    graph = window.graph
    assert graph.node("loss").op == "mse" and graph.node("W").attrs["shape"] == (3, 1)
    assert window.trace.ok
    qtbot.waitUntil(lambda: not window.fit.pending, timeout=10_000)
    assert window.fit.confusion_dock.isHidden()


def test_a_canvas_with_cards_is_not_offered_a_model(qtbot, window, dialogs):
    dialogs.starter = None
    _load(qtbot, window)
    dialogs.starter = "softmax"
    assert _load(qtbot, window) == ["x_2", "y_2"]
    assert len([s for s in dialogs.shown if s[0] == "starter"]) == 1


def test_the_dialog_offers_the_models_first_and_just_the_data_last(qtbot):
    dialog = StarterDialog(starters(3), "iris.csv: 150×4 features")
    qtbot.addWidget(dialog)
    assert [b.text() for b in dialog.buttons][0] == "Softmax regression"
    assert dialog.choice() == "softmax"
    dialog.buttons[1].setChecked(True)
    assert dialog.choice() == "mlp"
    dialog.none.setChecked(True)
    assert dialog.choice() is None
    assert [s.key for s in starters(0)] == ["linear"]
