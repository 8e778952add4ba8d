"""The Fit view's pictures of CSV-bound graphs, against torch computed here independently: a
many-class surface over chosen columns in the file's units, the confusion counts, predicted
against actual, and a 1-D fit through its standardisation."""

from __future__ import annotations

import numpy as np
import torch

from backprop_studio.engine.fit import MEAN, fit_target, picture
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
    shown = picture(trainer, target.with_axes((2, 3), MEAN))
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


def test_unusable_axes_fall_back_to_the_two_that_separate_the_classes(folder):  # noqa: F811
    graph, trainer, _ = _trained(SOFTMAX, 1)
    shown = picture(trainer, fit_target(graph).with_axes((2, 2)))
    assert shown.axis_names == ("petal_length", "petal_width") and shown.axes == (2, 3)


def test_by_default_iris_is_drawn_over_its_petals_with_the_sepals_following(folder):  # noqa: F811
    """Held at their mean (5.84 × 3.06 cm, a versicolor's sepals), the sepals made a model that
    tells 98% of the rows apart paint setosa's petals versicolor: over the sepals' plane 66% of
    the grid was versicolor, and at the rows' own petals the slice agreed with the model on 63%
    of them. Following the petals as the rows have them (a least-squares fit), it agrees on
    nearly all."""
    graph, trainer, p = _trained(SOFTMAX, 300)
    target = fit_target(graph)
    shown = picture(trainer, target)
    assert shown.axes == (2, 3) and shown.axis_names == ("petal_length", "petal_width")
    assert shown.note == "sepal_length, sepal_width: as the rows have them at each x, y"
    raw, mean, std = _raw(graph)
    # independently: the sepals from numpy's least squares on the petals, kept in the rows' range
    design = np.c_[raw[:, 2:].numpy(), np.ones(len(raw))]
    coefficients, *_ = np.linalg.lstsq(design, raw.numpy(), rcond=None)
    probabilities, bounds = shown.classes
    _, _, points = grid(bounds, 60)
    rows = np.clip(np.c_[points.numpy(), np.ones(len(points))] @ coefficients,
                   raw.numpy().min(axis=0), raw.numpy().max(axis=0))  # fmt: skip
    rows[:, 2:] = points.numpy()
    z = (torch.tensor(rows) - mean) / std
    expected = torch.softmax(z @ p["W"] + p["b"], dim=1)
    np.testing.assert_allclose(probabilities.reshape(-1, 3), expected.numpy(), atol=1e-9)

    def agreement(picture_) -> float:
        """How often the surface's class at a row's plotted point is the model's for the row."""
        probs, (x0, x1, y0, y1) = picture_.classes
        plane = picture_.points[0]
        j = np.clip(np.rint((plane[:, 0] - x0) / (x1 - x0) * 59).astype(int), 0, 59)
        i = np.clip(np.rint((plane[:, 1] - y0) / (y1 - y0) * 59).astype(int), 0, 59)
        z_rows = torch.tensor(graph.node("x").value, dtype=torch.float64)
        model = (z_rows @ p["W"] + p["b"]).argmax(dim=1).numpy()
        return float((probs[i, j].argmax(axis=-1) == model).mean())

    flat = picture(trainer, target.with_axes((2, 3), MEAN))
    assert agreement(flat) < 0.8 and agreement(shown) > 0.9


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
    shown = picture(trainer, fit_target(graph).with_axes((0, 1), MEAN))
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


def test_a_dataset_classifier_names_its_axes_by_column():
    """moons has no column names: its axes say which column of x they are, not nothing."""
    from backprop_studio.model.gallery import EXAMPLES, build_graph

    (moons,) = [e for e in EXAMPLES if e.name == "moons_mlp"]
    graph = build_graph(moons)
    trainer = Trainer(graph, TrainSettings(optimizer="adam", lr=0.01, dtype="float64"))
    trainer.step()
    shown = picture(trainer, fit_target(graph))
    assert shown.axis_names == ("x[:, 0]", "x[:, 1]")
