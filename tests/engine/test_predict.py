"""Applying a trained graph to new inputs: a regression line, a decision surface."""

from __future__ import annotations

import pytest
import torch

from backprop_studio.engine.predict import decision_surface, evaluate_on, grid
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import example_path
from backprop_studio.model.program import parse_program
from backprop_studio.model.recipes import bindings


def test_bindings_name_the_features_and_targets():
    graph = load_document(example_path("moons_mlp")).graph
    (binding,) = bindings(graph)
    assert (binding.features, binding.targets, binding.dataset, binding.classes) == (
        "x",
        "y",
        "moons",
        2,
    )
    assert bindings(parse_program("w = 1.0\nx = data(2.0)\nl = w * x")) == []
    csv = parse_program('x = data([[1.0], [2.0]], csv="a.csv", columns=(0,))\nl = sum(x)')
    assert [(b.features, b.targets, b.dataset) for b in bindings(csv)] == [("x", None, None)]


def test_a_regression_line_on_new_x(one_thread):
    trainer = Trainer(load_document(example_path("linear_regression")).graph, TrainSettings(lr=0.5))
    for _ in range(100):
        trainer.step()
    xs = torch.linspace(-1, 1, 5, dtype=torch.float64).unsqueeze(1)
    line = evaluate_on(trainer, {"x": xs}, "y_hat")
    assert line.shape == (5, 1)
    assert torch.allclose(line, 2 * xs - 1, atol=0.1)  # the data came from y = 2x − 1


def test_a_decision_surface_separates_the_moons(one_thread):
    data = load_document(example_path("moons_mlp"))
    trainer = Trainer(data.graph, TrainSettings.from_dict(data.settings))
    for _ in range(300):
        trainer.step()
    surface = decision_surface(trainer, "x", "logits", (-1.5, 2.5, -1.0, 1.5), 40)
    assert surface.shape == (40, 40, 2)
    xs, ys, _ = grid((-1.5, 2.5, -1.0, 1.5), 40)
    p1 = torch.softmax(surface, -1)[..., 1]
    i_top, j_mid = int((ys - 1.0).abs().argmin()), int(xs.abs().argmin())  # (0, 1): outer moon
    i_low, j_right = int((ys + 0.4).abs().argmin()), int((xs - 1.0).abs().argmin())  # inner
    assert p1[i_top, j_mid] < 0.1 and p1[i_low, j_right] > 0.9
    assert trainer.loss() == pytest.approx(trainer.loss())  # the trainer's own rows untouched
    assert len(trainer.trace().values["x"]) == 200


def test_unknown_names():
    trainer = Trainer(load_document(example_path("xor_mlp")).graph)
    with pytest.raises(KeyError, match="'z'"):
        evaluate_on(trainer, {"z": [[0.0, 0.0]]}, "logits")
