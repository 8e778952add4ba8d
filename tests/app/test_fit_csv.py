"""Standardised iris trained from the panel: the Fit view names the classes and the plotted
columns, draws the rows in centimetres over axes the user picks, and the Confusion view counts
what engine.confusion counts; a regression on several columns shows predicted against actual."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from backprop_studio.engine.confusion import trainer_confusion
from backprop_studio.engine.fit import fit_target
from backprop_studio.engine.training import Trainer, TrainSettings
from tests.app.conftest import settle
from tests.engine.test_csv_training import SOFTMAX

DATA = Path(__file__).parents[1] / "data"
REGRESSION = """x, y = csv("iris.csv", target="petal_width", standardize=True,
    features=("sepal_length", "sepal_width", "petal_length"))
W = param(shape=(3, 1), init="xavier", seed=0)
b = param(shape=(1,), init="zeros")
loss = mse(x @ W + b, y)"""


def _iris() -> tuple[list[str], np.ndarray, list[str]]:
    with open(DATA / "iris.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0][:4], np.array([[float(v) for v in r[:4]] for r in rows[1:]]), rows[1:]


def _program(qtbot, window, tmp_path, monkeypatch, text: str) -> None:
    shutil.copy(DATA / "iris.csv", tmp_path / "iris.csv")
    monkeypatch.chdir(tmp_path)  # csv("iris.csv") reads from the working folder
    window.program.editor.setPlainText(text)
    qtbot.mouseClick(window.program.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)


def _train(qtbot, window, steps: int) -> None:
    panel = window.training.panel
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("adam"))
    panel.lr.setValue(0.05)
    panel.steps.setValue(steps)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.training.busy, timeout=10_000)
    qtbot.waitUntil(lambda: not window.training.busy, timeout=120_000)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not window.fit.pending, timeout=10_000)


@pytest.fixture
def iris(qtbot, window, tmp_path, monkeypatch):
    _program(qtbot, window, tmp_path, monkeypatch, SOFTMAX)
    window.fit.dock.raise_()
    _train(qtbot, window, 40)
    return window


def _plotted(window) -> tuple[np.ndarray, np.ndarray]:
    data = window.fit.plot.points.data
    return np.asarray(data["x"], float), np.asarray(data["y"], float)


def test_iris_fit_names_classes_and_columns_in_raw_units(qtbot, iris):
    window, fit = iris, iris.fit
    columns, raw, _ = _iris()
    assert fit.plot.legend_names() == ["0  setosa", "1  versicolor", "2  virginica"]
    view = fit.view
    assert view.axes_row.isVisible()
    assert [view.x_axis.itemText(i) for i in range(view.x_axis.count())] == columns
    assert [view.y_axis.itemText(i) for i in range(view.y_axis.count())] == columns
    assert view.axes() == (2, 3)  # the petals, which tell the species apart
    xs, ys = _plotted(window)
    np.testing.assert_allclose(xs, raw[:, 2], atol=1e-9)  # centimetres, not z-scores
    np.testing.assert_allclose(ys, raw[:, 3], atol=1e-9)
    assert fit.plot.plot.getAxis("bottom").labelText == "petal_length"
    assert view.held.currentText() == "others follow"
    assert view.note.text() == "sepal_length, sepal_width: as the rows have them at each x, y"
    view.held.setCurrentIndex(view.held.findData("mean"))  # a flat slice, as a user asks
    qtbot.waitUntil(lambda: not fit.pending, timeout=10_000)
    assert "sepal_length 5.84" in view.note.text() and "at their mean" in view.note.text()
    view.x_axis.setCurrentIndex(0)
    view.y_axis.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not fit.pending, timeout=10_000)
    assert view.axes() == (0, 1)
    np.testing.assert_allclose(_plotted(window)[0], raw[:, 0], atol=1e-9)
    assert "petal_length 3.76" in view.note.text() and "at their mean" in view.note.text()
    image = fit.plot.image.image
    assert image is not None and image.shape == (60, 60, 3)  # a colour per likeliest class
    assert len({tuple(c) for c in image.reshape(-1, 3)}) > 3

    view.x_axis.setCurrentIndex(2)  # as a user picks petal_length
    qtbot.waitUntil(lambda: not fit.pending, timeout=10_000)
    xs, ys = _plotted(window)
    np.testing.assert_allclose(xs, raw[:, 2], atol=1e-9)
    np.testing.assert_allclose(ys, raw[:, 1], atol=1e-9)
    assert fit.plot.plot.getAxis("bottom").labelText == "petal_length"
    assert "sepal_length 5.84" in view.note.text()
    area = fit.plot.image.mapRectToParent(fit.plot.image.boundingRect())
    assert area.left() < raw[:, 2].min() and area.right() > raw[:, 2].max()  # the grid in cm

    view.y_axis.setCurrentIndex(2)  # the same column twice: the other axis gives way
    qtbot.waitUntil(lambda: not fit.pending, timeout=10_000)
    assert view.axes() == (1, 2)
    np.testing.assert_allclose(_plotted(window)[0], raw[:, 1], atol=1e-9)


def test_the_axes_chosen_survive_an_applied_edit(qtbot, iris):
    window, view = iris, iris.fit.view
    view.x_axis.setCurrentIndex(3)  # petal_width; y gives way to petal_length, x's before
    qtbot.waitUntil(lambda: not window.fit.pending, timeout=10_000)
    assert view.axes() == (3, 2)
    editor = window.program.editor
    editor.setPlainText(editor.toPlainText().replace("seed=0", "seed=1"))
    qtbot.mouseClick(window.program.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not window.fit.pending, timeout=10_000)
    assert view.axes() == (3, 2)
    # the text shows the z-scores to 6 digits; Apply keeps the exact numbers it did not change
    np.testing.assert_allclose(_plotted(window)[0], _iris()[1][:, 3], atol=1e-9)


def test_the_confusion_tab_counts_what_torch_predicts(qtbot, iris):
    window = iris
    window.fit.confusion_dock.raise_()
    confusion = window.fit.confusion
    counts = confusion.counts
    assert sum(map(sum, counts)) == 150
    graph = window.graph
    target = fit_target(graph)
    trainer = Trainer(graph, TrainSettings())  # the trained numbers the run wrote back
    assert counts == trainer_confusion(trainer, target.prediction, "y", 3)
    # and independently: torch's arg-max of x @ W + b against the species column
    x = torch.tensor(graph.node("x").value, dtype=torch.float64)
    w = torch.tensor(graph.node("W").value, dtype=torch.float64)
    b = torch.tensor(graph.node("b").value, dtype=torch.float64)
    names = ["setosa", "versicolor", "virginica"]
    true = [names.index(r[4]) for r in _iris()[2]]
    expected = np.zeros((3, 3), int)
    for t, p in zip(true, (x @ w + b).argmax(dim=1).tolist()):
        expected[t, p] += 1
    assert counts == expected.tolist()
    assert confusion.cell_texts() == [[str(c) for c in row] for row in counts]
    right = int(np.trace(expected))
    summary = confusion.summary.text()
    assert f"accuracy {100 * right / 150:.1f}% of 150 rows" in summary
    assert f"setosa {100 * expected[0, 0] / expected[0].sum():.0f}%" in summary
    assert right > 100  # 40 Adam steps already tell most irises apart


def test_a_regression_on_several_columns_shows_predicted_against_actual(
    qtbot, window, tmp_path, monkeypatch
):
    _program(qtbot, window, tmp_path, monkeypatch, REGRESSION)
    window.fit.dock.raise_()
    _train(qtbot, window, 30)
    fit = window.fit
    assert not fit.view.axes_row.isVisible()
    actual, predicted = _plotted(window)
    np.testing.assert_allclose(actual, _iris()[1][:, 3], atol=1e-9)
    graph = window.graph
    x = torch.tensor(graph.node("x").value, dtype=torch.float64)
    w = torch.tensor(graph.node("W").value, dtype=torch.float64)
    b = torch.tensor(graph.node("b").value, dtype=torch.float64)
    np.testing.assert_allclose(predicted, (x @ w + b).reshape(-1).numpy(), atol=1e-9)
    assert fit.plot.plot.getAxis("bottom").labelText == "actual petal_width"
    xs, ys = fit.plot.curve.getData()
    np.testing.assert_allclose(xs, ys)  # the line where prediction equals target
    assert "predicted against actual" in fit.plot.message.text()
    assert "classifier" in fit.confusion.summary.text()
