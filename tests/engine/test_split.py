"""The train/test split: deterministic for a seed, a partition of the dataset's rows, and a test
loss equal to torch evaluated here on the held-out rows; the command line reports it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from backprop_studio.engine.session import TrainingSession
from backprop_studio.engine.split import held_out_rows
from backprop_studio.engine.training import Trainer, TrainingError, TrainSettings
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import example_path


def _moons(fraction: float, seed: int = 0, **more) -> Trainer:
    graph = load_document(example_path("moons_mlp")).graph
    settings = TrainSettings(optimizer="adam", lr=0.01, test_fraction=fraction, seed=seed, **more)
    return Trainer(graph, settings)


def _rows(trainer: Trainer, slots, name: str) -> torch.Tensor:
    return slots[trainer.plan.slot_of[name]].detach()


def test_the_split_is_a_seeded_partition_of_the_rows():
    train, test = held_out_rows(200, 0.25, seed=7)
    assert len(test) == 50 and len(train) == 150
    assert sorted(torch.cat([train, test]).tolist()) == list(range(200))
    again = held_out_rows(200, 0.25, seed=7)
    assert torch.equal(again[1], test) and torch.equal(again[0], train)
    assert not torch.equal(held_out_rows(200, 0.25, seed=8)[1], test)
    trainer = _moons(0.25, seed=7)
    full = trainer.plan.leaf_tensors(requires_grad=False)
    x, y = (full[trainer.plan.slot_of[n]] for n in ("x", "y"))
    assert torch.equal(_rows(trainer, trainer.test_slots, "x"), x[test])
    assert torch.equal(_rows(trainer, trainer.test_slots, "y"), y[test])  # rows stay paired
    assert torch.equal(_rows(trainer, trainer.slots, "x"), x[train])


def test_the_test_loss_is_torch_on_the_held_out_rows_and_training_never_sees_them():
    trainer = _moons(0.3, seed=2)
    for _ in range(20):
        trainer.step()
    p = {n: t.detach() for n, t in zip(trainer.param_names, trainer.params)}

    def loss(x: torch.Tensor, y: torch.Tensor) -> float:
        h1 = torch.relu(x @ p["W1"] + p["b1"])
        h2 = torch.relu(h1 @ p["W2"] + p["b2"])
        return float(F.cross_entropy(h2 @ p["W3"] + p["b3"], y.reshape(-1).long()))

    held = [_rows(trainer, trainer.test_slots, n) for n in ("x", "y")]
    kept = [_rows(trainer, trainer.slots, n) for n in ("x", "y")]
    assert len(held[0]) == 60 and len(kept[0]) == 140
    assert trainer.test_loss() == pytest.approx(loss(*held), rel=1e-12)
    assert trainer.loss() == pytest.approx(loss(*kept), rel=1e-12)


def test_a_session_reports_test_losses_and_a_graph_without_a_dataset_is_refused():
    doc = load_document(example_path("moons_mlp"))
    settings = {"dtype": "float64", "training": {"optimizer": "adam", "test_fraction": 0.2}}
    session = TrainingSession(doc.graph, settings)
    first = session.trainer.test_loss()
    session.run(10)
    its, losses = session.test_curve()
    assert its[0] == 0 and losses[0] == first and its[-1] == 10
    assert losses[-1] == session.trainer.test_loss()
    seed = load_document(example_path("seed")).graph
    with pytest.raises(TrainingError, match="needs data bound to a dataset"):
        Trainer(seed, TrainSettings(test_fraction=0.2))
    with pytest.raises(TrainingError, match="leaves no rows to test"):
        _moons(0.001)


def test_train_json_gains_test_losses():
    done = subprocess.run(
        [sys.executable, "-m", "backprop_studio", "train", str(example_path("moons_mlp")),
         "--steps", "4", "--test-fraction", "0.25", "--batch-size", "full", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(done.stdout)
    assert len(data["losses"]) == 4 and len(data["test_losses"]) == 5
    trainer = _moons(0.25, batch_size=None)
    expected = [trainer.test_loss()]
    for _ in range(4):
        trainer.step()
        expected.append(trainer.test_loss())
    assert data["test_losses"] == pytest.approx(expected, rel=1e-12)
    plain = subprocess.run(
        [sys.executable, "-m", "backprop_studio", "train", str(example_path("moons_mlp")),
         "--steps", "2", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "test_losses" not in json.loads(plain.stdout)
