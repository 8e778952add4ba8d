"""Real data trains: softmax regression on standardised iris, a 13→16→3 MLP on standardised wine.

The engine's Trainer, headless, on the leaves ``csv(...)`` makes; the losses are torch's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.program import parse_program

DATA = Path(__file__).parents[1] / "data"
SOFTMAX = """x, y = csv("iris.csv", target="species", standardize=True)
W = param(shape=(4, 3), init="xavier", seed=0)
b = param(shape=(3,), init="zeros")
loss = cross_entropy(x @ W + b, y)"""
MLP = """x, y = csv("wine.csv", target="cultivar", standardize=True)
W1 = param(shape=(13, 16), init="kaiming", seed=1)
b1 = param(shape=(16,), init="zeros")
W2 = param(shape=(16, 3), init="xavier", seed=2)
b2 = param(shape=(3,), init="zeros")
loss = cross_entropy(relu(x @ W1 + b1) @ W2 + b2, y)"""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    for name in ("iris.csv", "wine.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)


def train(text: str, steps: int, lr: float) -> tuple[Trainer, float]:
    trainer = Trainer(parse_program(text), TrainSettings(optimizer="adam", lr=lr))
    for _ in range(steps):
        trainer.step()
    return trainer, trainer.loss()


def test_softmax_regression_on_standardised_iris(folder):
    trainer, loss = train(SOFTMAX, 300, 0.05)
    assert loss < 0.2
    x = trainer.slots[trainer.plan.slot_of["x"]]
    w, b = (trainer.params[trainer.param_names.index(n)] for n in ("W", "b"))
    y = trainer.slots[trainer.plan.slot_of["y"]].squeeze(-1).long()
    expected = torch.nn.functional.cross_entropy(x @ w + b, y).item()  # torch, independently
    assert loss == pytest.approx(expected, rel=1e-12)


def test_mlp_on_standardised_wine(folder):
    _, loss = train(MLP, 200, 0.01)
    assert loss < 0.1


def test_unstandardised_wine_trains_worse(folder):
    """Why standardise: the same MLP on raw features (0.1 to 1,680) ends far higher."""
    _, raw = train(MLP.replace(", standardize=True", ""), 200, 0.01)
    _, scaled = train(MLP, 200, 0.01)
    assert raw > 5 * scaled


def test_one_hot_labels_train_as_class_indices(folder):
    """cross_entropy reads one-hot rows as class probabilities: the same loss as indices."""
    _, indices = train(SOFTMAX, 30, 0.05)
    _, onehot = train(
        SOFTMAX.replace("standardize=True", 'standardize=True, labels="onehot"'), 30, 0.05
    )
    assert onehot == pytest.approx(indices, rel=1e-9)
