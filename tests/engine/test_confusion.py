"""Confusion matrix and per-class accuracy of a trained classifier, and its grid on chosen axes
in the file's units."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from backprop_studio.engine.confusion import (
    accuracy,
    confusion_matrix,
    per_class_accuracy,
    trainer_confusion,
)
from backprop_studio.engine.predict import evaluate_on, surface_on_axes, to_raw
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.csv_data import read_csv
from backprop_studio.model.program import parse_program
from tests.engine.test_csv_training import SOFTMAX

DATA = Path(__file__).parents[1] / "data"


def test_counts_by_true_and_predicted_class():
    logits = torch.tensor([[2.0, 0, 0], [0, 3, 0], [0, 3, 0], [0, 0, 1], [1, 0, 0]])
    indices = torch.tensor([[0.0], [1], [2], [2], [2]])
    matrix = confusion_matrix(logits, indices, 3)
    assert matrix == [[1, 0, 0], [0, 1, 0], [1, 1, 1]]
    onehot = torch.nn.functional.one_hot(indices.reshape(-1).long(), 3).double()
    assert confusion_matrix(logits, onehot, 3) == matrix
    assert per_class_accuracy(matrix) == [1.0, 1.0, pytest.approx(1 / 3)]
    assert accuracy(matrix) == 3 / 5
    assert per_class_accuracy([[0, 0], [1, 1]]) == [None, 0.5]
    binary = confusion_matrix(
        torch.tensor([[-1.0], [2.0], [0.5]]), torch.tensor([[0.0], [1], [0]]), 2
    )
    assert binary == [[1, 1], [0, 1]]
    with pytest.raises(ValueError, match="not class indices from 0 to 1"):
        confusion_matrix(logits, indices, 2)


@pytest.fixture
def trained_iris(tmp_path, monkeypatch):
    shutil.copy(DATA / "iris.csv", tmp_path / "iris.csv")
    monkeypatch.chdir(tmp_path)
    graph = parse_program(
        SOFTMAX.replace(
            "loss = cross_entropy(x @ W + b, y)", "z = x @ W + b\nloss = cross_entropy(z, y)"
        )
    )
    trainer = Trainer(graph, TrainSettings(optimizer="adam", lr=0.05))
    for _ in range(150):
        trainer.step()
    return graph, trainer


def test_iris_confusion_matches_an_independent_count(trained_iris):
    graph, trainer = trained_iris
    matrix = trainer_confusion(trainer, "z", "y", 3)
    x = torch.tensor(graph.node("x").value, dtype=torch.float64)
    w, b = (trainer.params[trainer.param_names.index(n)].detach() for n in ("W", "b"))
    predicted = (x @ w + b).argmax(1).tolist()
    true = [int(r[0]) for r in graph.node("y").value]
    for t in range(3):
        for p in range(3):
            assert matrix[t][p] == sum(1 for a, b_ in zip(true, predicted) if (a, b_) == (t, p))
    assert sum(map(sum, matrix)) == 150 and accuracy(matrix) > 0.9


def test_a_grid_on_two_chosen_axes_in_raw_units(trained_iris):
    graph, trainer = trained_iris
    attrs = graph.node("x").attrs
    transform = (attrs["mean"], attrs["std"])
    x = trainer.slots[trainer.plan.slot_of["x"]]
    raw = read_csv(DATA / "iris.csv").select(attrs["columns"])
    assert torch.allclose(to_raw(x, transform), torch.tensor(raw, dtype=torch.float64))
    bounds = (1.0, 7.0, 0.1, 2.5)  # petal length and width, in cm
    surface = surface_on_axes(trainer, "x", "z", bounds, (2, 3), None, transform, resolution=5)
    assert surface.shape == (5, 5, 3)
    # one grid point by hand: petal (1.0 cm, 0.1 cm), sepals at their raw means, standardised
    point = torch.tensor(raw, dtype=torch.float64).mean(0)
    point[2], point[3] = 1.0, 0.1
    mean, std = (torch.tensor(t, dtype=torch.float64) for t in transform)
    expected = evaluate_on(trainer, {"x": ((point - mean) / std).reshape(1, 4)}, "z")[0]
    assert torch.allclose(surface[0, 0], expected, rtol=0, atol=1e-12)
    assert surface[-1, -1].argmax() == 2  # petals 7 cm × 2.5 cm: virginica
    with pytest.raises(ValueError, match="two different feature columns"):
        surface_on_axes(trainer, "x", "z", bounds, (1, 1), None, transform)
