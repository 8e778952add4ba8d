"""Optimizers compared fairly: identical starts, each run equal to torch.optim run here on its
own, and their paths on one landscape."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from backprop_studio.engine.compare import Contender, compare
from backprop_studio.engine.landscape import PCA
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import example_path
from backprop_studio.model.program import parse_program

SEED = "x = data(1.0)\ny = data(2.0)\nw = 1.0\ny_hat = w * x\nloss = (y_hat - y)**2"
WHO = [Contender("sgd", 0.05), Contender("momentum", 0.05, 0.8), Contender("adam", 0.05)]


def _torch_run(who: Contender, steps: int) -> tuple[list[float], list[float]]:
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    if who.optimizer == "adam":
        opt = torch.optim.Adam([w], lr=who.lr)
    else:
        opt = torch.optim.SGD([w], lr=who.lr, momentum=who.momentum * (who.optimizer != "sgd"))
    losses, ws = [], [1.0]
    for _ in range(steps):
        opt.zero_grad()
        loss = (w * 1.0 - 2.0) ** 2
        loss.backward()
        opt.step()
        losses.append(loss.item())
        ws.append(w.item())
    return losses, ws


def test_three_optimizers_from_one_start_on_the_seed_story():
    result = compare(parse_program(SEED), {"dtype": "float64"}, WHO, 25, resolution=31)
    assert [r.name for r in result.runs] == ["SGD lr 0.05", "momentum 0.8 lr 0.05", "Adam lr 0.05"]
    assert all(r.rows[0].tolist() == [1.0] for r in result.runs)
    for run, who, path, on_curve in zip(result.runs, WHO, result.paths, result.path_losses):
        losses, ws = _torch_run(who, 25)
        np.testing.assert_allclose(run.losses, losses, rtol=1e-12)
        np.testing.assert_allclose(run.rows[:, 0], ws, rtol=1e-12)
        np.testing.assert_allclose(path[:, 0], ws, rtol=1e-12)
        np.testing.assert_allclose(on_curve, (np.array(ws) - 2.0) ** 2, atol=1e-12)
    assert result.picture.ys is None and result.picture.current[0] == 1.0


def test_the_moons_mlp_runs_share_a_start_and_a_principal_plane():
    doc = load_document(example_path("moons_mlp"))
    result = compare(doc.graph, doc.settings, WHO, 15, resolution=11)
    starts = [r.rows[0] for r in result.runs]
    assert all(np.array_equal(starts[0], s) for s in starts)
    assert not np.allclose(result.runs[0].rows[-1], result.runs[2].rows[-1])
    assert result.picture.axes.kind == PCA and result.picture.losses.shape == (11, 11)
    assert all(len(p) == 16 for p in result.paths)
    np.testing.assert_allclose(result.paths[0][0], [0.0, 0.0], atol=1e-12)
    lo, hi = result.picture.xs[[0, -1]]
    assert all(lo <= p[:, 0].min() and p[:, 0].max() <= hi for p in result.paths)
    assert result.runs[2].losses[0] == pytest.approx(result.runs[0].losses[0], rel=1e-15)


def test_a_run_reports_the_loss_after_its_last_step_as_training_does():
    """The loss a run ends with is the one after its last update (the training panel's
    "iteration 101 · loss …"), not the last step's own loss, which comes before its update."""
    result = compare(parse_program(SEED), {"dtype": "float64"}, WHO, 25, resolution=11)
    for who, run in zip(WHO, result.runs):
        losses, ws = _torch_run(who, 25)
        assert run.final == pytest.approx((ws[-1] * 1.0 - 2.0) ** 2, rel=1e-12)
        assert run.final != pytest.approx(losses[-1], rel=1e-6)  # the before-update one
