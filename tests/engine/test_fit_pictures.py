"""The Fit view's pictures of CSV-bound graphs, against torch computed here independently: a
many-class surface over chosen columns in the file's units, the confusion counts, predicted
against actual, and a 1-D fit through its standardisation."""

from __future__ import annotations

import numpy as np
import torch

from backprop_studio.engine.fit import fit_target, picture
from backprop_studio.engine.predict import grid
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.program import parse_program
from tests.engine.test_csv_training import SOFTMAX, folder  # noqa: F401 - the fixture

REGRESSION = """x, y = csv("iris.csv", target="petal_width", standardize=True,
    features=("sepal_length", "sepal_width", "petal_length"))
W = param(shape=(3, 1), init="xavier", seed=0)
b = param(shape=(1,), init="zeros")
loss = mse(x @ W + b, y)"""
LINE = """x, y = csv("iris.csv", target="petal_width", features=("petal_length",), standardize=True)
w = param(shape=(1, 1), init="xavier", seed=0)
b = param(shape=(1,), init="zeros")
loss = mse(x @ w + b, y)"""


def _trained(text: str, steps: int):
    graph = parse_program(text)
    trainer = Trainer(graph, TrainSettings(optimizer="adam", lr=0.05, dtype="float64"))
    for _ in range(steps):
        trainer.step()
    values = {n: p.detach().double() for n, p in zip(trainer.param_names, trainer.params)}
    return graph, trainer, values


def _raw(graph) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    attrs = graph.node("x").attrs
    mean, std = (torch.tensor(attrs[k], dtype=torch.float64) for k in ("mean", "std"))
    z = torch.tensor(graph.node("x").value, dtype=torch.float64)
    return z * std + mean, mean, std


def test_iris_surface_over_petals_in_centimetres(folder):  # noqa: F811
    graph, trainer, p = _trained(SOFTMAX, 100)
    target = fit_target(graph)
    assert target.columns == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert target.class_names == ("setosa", "versicolor", "virginica")
    shown = picture(trainer, target.with_axes((2, 3)))
    raw, mean, std = _raw(graph)
    plane, labels, classes = shown.points
    np.testing.assert_allclose(plane, raw[:, 2:].numpy(), atol=1e-12)
    assert classes == 3 and sorted(set(labels.reshape(-1))) == [0, 1, 2]
    assert shown.axis_names == ("petal_length", "petal_width")
    assert shown.legend == target.class_names
    assert shown.note == "other features at their mean: sepal_length 5.84, sepal_width 3.06"
    assert shown.surface is None
    probabilities, bounds = shown.classes
    # independently: the grid in cm, sepals at their raw mean, standardised, softmax(x W + b)
    _, _, points = grid(bounds, 60)
    rows = raw.mean(dim=0).repeat(len(points), 1)
    rows[:, 2:] = points
    expected = torch.softmax(((rows - mean) / std) @ p["W"] + p["b"], dim=1)
    np.testing.assert_allclose(probabilities.reshape(-1, 3), expected.numpy(), atol=1e-12)
    assert bounds[0] < raw[:, 2].min() and bounds[1] > raw[:, 2].max()
    # the confusion counts: arg-max of the training rows' logits against the species
    z = torch.tensor(graph.node("x").value, dtype=torch.float64)
    predicted = (z @ p["W"] + p["b"]).argmax(dim=1)
    true = torch.tensor(graph.node("y").value).reshape(-1).long()
    counts = np.zeros((3, 3), int)
    np.add.at(counts, (true.numpy(), predicted.numpy()), 1)
    assert shown.confusion == counts.tolist() and counts.sum() == 150


def test_unusable_axes_fall_back_to_the_first_two(folder):  # noqa: F811
    graph, trainer, _ = _trained(SOFTMAX, 1)
    shown = picture(trainer, fit_target(graph).with_axes((2, 2)))
    assert shown.axis_names == ("sepal_length", "sepal_width")


def test_predicted_against_actual(folder):  # noqa: F811
    graph, trainer, p = _trained(REGRESSION, 50)
    shown = picture(trainer, fit_target(graph))
    actual, predicted, classes = shown.points
    assert classes == 0 and shown.confusion is None and shown.classes is None
    np.testing.assert_allclose(actual.reshape(-1), np.array(graph.node("y").value).reshape(-1))
    z = torch.tensor(graph.node("x").value, dtype=torch.float64)
    np.testing.assert_allclose(predicted, (z @ p["W"] + p["b"]).reshape(-1).numpy(), atol=1e-12)
    assert shown.axis_names == ("actual petal_width", "predicted petal_width")
    xs, ys = shown.curve
    assert list(xs) == list(ys) and xs[0] <= min(actual.min(), predicted.min())


def test_a_one_feature_fit_is_drawn_in_the_files_units(folder):  # noqa: F811
    graph, trainer, p = _trained(LINE, 50)
    shown = picture(trainer, fit_target(graph))
    raw, mean, std = _raw(graph)
    np.testing.assert_allclose(shown.points[0], raw.numpy(), atol=1e-12)
    xs, ys = shown.curve
    assert xs.min() < raw.min() and xs.max() > raw.max()
    expected = ((torch.tensor(xs) - mean) / std) * p["w"][0, 0] + p["b"][0]
    np.testing.assert_allclose(ys, expected.numpy(), atol=1e-12)
    assert shown.axis_names == ("petal_length", "petal_width")


def test_two_csv_classes_draw_class_ones_probability(folder, tmp_path):  # noqa: F811
    rows = open("iris.csv").read().splitlines()
    kept = [rows[0]] + [r for r in rows[1:] if not r.endswith("virginica")]
    (tmp_path / "two.csv").write_text("\n".join(kept) + "\n")
    text = (
        SOFTMAX.replace("iris.csv", "two.csv").replace("(4, 3)", "(4, 2)").replace("(3,)", "(2,)")
    )
    graph, trainer, p = _trained(text, 30)
    shown = picture(trainer, fit_target(graph))
    assert shown.classes is None and shown.legend == ("setosa", "versicolor")
    probability, bounds = shown.surface
    raw, mean, std = _raw(graph)
    _, _, points = grid(bounds, 60)
    rows_ = raw.mean(dim=0).repeat(len(points), 1)
    rows_[:, :2] = points
    expected = torch.softmax(((rows_ - mean) / std) @ p["W"] + p["b"], dim=1)[:, 1]
    np.testing.assert_allclose(probability.reshape(-1), expected.numpy(), atol=1e-12)
    assert not shown.same_scale and sum(map(sum, shown.confusion)) == 100


def _two_classes(tmp_path) -> str:
    rows = open("iris.csv").read().splitlines()
    kept = [rows[0]] + [r for r in rows[1:] if not r.endswith("virginica")]
    (tmp_path / "two.csv").write_text("\n".join(kept) + "\n")
    return "two.csv"


def test_a_one_feature_classifier_is_drawn_as_a_probability_with_its_threshold(
    folder,  # noqa: F811
    tmp_path,
):
    name = _two_classes(tmp_path)
    text = f"""x, y = csv("{name}", target="species", features=("sepal_length",), standardize=True)
W = param(shape=(1, 2), init="xavier", seed=0)
b = param(shape=(2,), init="zeros")
loss = cross_entropy(x @ W + b, y)"""
    graph, trainer, p = _trained(text, 40)
    shown = picture(trainer, fit_target(graph))
    xs, probability = shown.curve
    raw, mean, std = _raw(graph)
    logits = ((torch.tensor(xs).reshape(-1, 1) - mean) / std) @ p["W"] + p["b"]
    expected = torch.softmax(logits, dim=1)[:, 1]  # independently: softmax of two logits
    np.testing.assert_allclose(probability, expected.numpy(), atol=1e-12)
    assert 0 <= probability.min() < 0.5 < probability.max() <= 1
    assert shown.threshold == 0.5
    assert shown.axis_names == ("sepal_length", "P(versicolor)")
    points, labels, classes = shown.points
    np.testing.assert_allclose(points, raw.numpy(), atol=1e-12)
    assert classes == 2 and sorted(set(labels.reshape(-1))) == [0.0, 1.0]


def test_a_one_feature_logistic_regression_is_a_sigmoid(folder, tmp_path):  # noqa: F811
    name = _two_classes(tmp_path)
    text = f"""x, y = csv("{name}", target="species", features=("petal_length",), standardize=True)
w = param(shape=(1, 1), init="xavier", seed=0)
b = param(shape=(1,), init="zeros")
loss = bce_logits(x @ w + b, y)"""
    graph, trainer, p = _trained(text, 40)
    shown = picture(trainer, fit_target(graph))
    xs, probability = shown.curve
    _, mean, std = _raw(graph)
    z = (torch.tensor(xs) - mean) / std
    expected = torch.sigmoid(z * p["w"][0, 0] + p["b"][0])
    np.testing.assert_allclose(probability, expected.numpy(), atol=1e-12)
    assert shown.threshold == 0.5 and shown.axis_names[1] == "P(versicolor)"
