"""XOR and moons open from the gallery, train with the real buttons, and the boundary forms."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from backprop_studio.model.gallery import EXAMPLES, example_path
from tests.app.conftest import settle


@pytest.mark.parametrize("name", ["xor_mlp", "moons_mlp"])
def test_training_forms_the_decision_boundary(qtbot, window, name):
    assert window.files.open_example(example_path(name))
    settle(qtbot, window)
    window.fit.dock.raise_()
    qtbot.waitUntil(lambda: window.fit.plot.surface() is not None, timeout=10_000)
    before = window.fit.plot.surface().copy()
    assert before.shape == (60, 60)
    points = window.fit.plot.points.data
    assert len(points) == len(window.graph.node("x").value)
    threshold = window.document.settings["training"]["expect_loss_below"]
    qtbot.mouseClick(window.training.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.training.busy, timeout=10_000)
    qtbot.waitUntil(lambda: not window.training.busy, timeout=120_000)
    trace = settle(qtbot, window)
    qtbot.waitUntil(lambda: not window.fit.pending, timeout=10_000)
    assert trace.value(window.graph.output) < threshold
    after = window.fit.plot.surface()
    assert np.abs(after - before).max() > 0.2  # the surface moved
    assert after.min() < 0.1 and after.max() > 0.9  # and now separates the classes


def test_examples_menus_list_the_gallery(window):
    titles = {example.title for example in EXAMPLES}
    for menu_title in ("&File", "&Help"):
        menu = next(a.menu() for a in window.menuBar().actions() if a.text() == menu_title)
        examples = next(a.menu() for a in menu.actions() if a.text() == "&Examples")
        assert titles <= {a.text() for a in examples.actions()}


def test_a_graph_without_a_dataset_says_so(qtbot, window):
    from backprop_studio.app.files import file_actions as files_module

    assert window.files.open_path(files_module.examples_dir() / "seed.json", ask=False)
    settle(qtbot, window)
    assert window.fit.plot.surface() is None
    assert "bound to a dataset" in window.fit.plot.message.text()


def test_batch_shuffle_and_device_controls_write_the_document(qtbot, window):
    assert window.files.open_example(example_path("moons_mlp"))
    settle(qtbot, window)
    panel = window.training.panel
    training = window.document.settings["training"]
    assert panel.batch.value() == (training.get("batch_size") or 0)
    panel.batch.setValue(16)
    assert window.document.settings["training"]["batch_size"] == 16
    panel.batch.setValue(0)
    assert window.document.settings["training"]["batch_size"] is None
    panel.shuffle.setChecked(not panel.shuffle.isChecked())
    shuffle = window.document.settings["training"]["shuffle"]
    assert shuffle == panel.shuffle.isChecked()
    assert window.document.dirty
    window.document.undo_stack.undo()
    assert window.document.settings["training"]["shuffle"] != shuffle
    assert [panel.device.itemData(i) for i in range(panel.device.count())][0] == "cpu"


def test_a_regression_shows_its_fit_line(qtbot, window):
    assert window.files.open_example(example_path("linear_regression"))
    settle(qtbot, window)
    window.fit.dock.raise_()
    qtbot.waitUntil(lambda: window.fit.plot.curve.xData is not None, timeout=10_000)
    assert window.fit.plot.surface() is None
    xs, ys = window.fit.plot.curve.getData()
    assert len(xs) == 200 and xs[0] < xs[-1]
    qtbot.mouseClick(window.training.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.training.busy, timeout=10_000)
    qtbot.waitUntil(lambda: not window.training.busy, timeout=60_000)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not np.allclose(window.fit.plot.curve.getData()[1], ys), timeout=10_000)


def test_recipe_leaves_show_their_real_values_in_the_inspector(qtbot, window):
    assert window.files.open_example(example_path("xor_mlp"))
    real = settle(qtbot, window).value("W1")
    # what a file opened before torch finished loading holds: zeros of the recipe's shape
    node = window.graph.node("W1")
    node.value = [[0.0] * len(row) for row in real]
    window._recipes_checked = None
    window.runner.evaluate_now(window.graph, window.dtype)
    settle(qtbot, window)
    assert window.graph.node("W1").value == real
    assert window.graph.node("W1").recipe  # still a recipe, not a plain leaf
