"""Training gives the same numbers as the same loop written directly in torch."""

from __future__ import annotations

import math

import pytest
import torch

from backprop_studio.engine.training import Trainer, TrainingError, TrainSettings, train
from backprop_studio.model.graph import Node
from tests.builders import build, seed_graph


def test_seed_story_one_sgd_step():
    losses, trainer = train(seed_graph(), 1, TrainSettings(lr=0.01))
    assert losses == [1.0]
    assert trainer.param_values() == {"w": 1.02}
    assert math.isclose(trainer.loss(), 0.9604, rel_tol=1e-12)


def _torch_optimizer(name, params, lr):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    return torch.optim.Adam(params, lr=lr)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_seed_story_matches_torch_loop(optimizer):
    losses, trainer = train(seed_graph(), 25, TrainSettings(optimizer=optimizer, lr=0.05))
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    opt = _torch_optimizer(optimizer, [w], 0.05)
    expected = []
    for _ in range(25):
        loss = (w * 1.0 - 2.0) ** 2
        expected.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert losses == pytest.approx(expected, abs=1e-9)
    assert trainer.param_values()["w"] == pytest.approx(w.item(), abs=1e-9)


def _mlp_values():
    gen = torch.Generator().manual_seed(1)
    return {
        "x": torch.randn(8, 2, generator=gen, dtype=torch.float64),
        "y": torch.randn(8, 1, generator=gen, dtype=torch.float64),
        "W1": torch.randn(2, 4, generator=gen, dtype=torch.float64),
        "b1": torch.zeros(4, dtype=torch.float64),
        "W2": torch.randn(4, 1, generator=gen, dtype=torch.float64),
    }


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_small_mlp_matches_torch_loop(optimizer):
    v = _mlp_values()
    graph = build(
        {
            "x": ("data", v["x"].tolist()),
            "y": ("data", v["y"].tolist()),
            "W1": ("param", v["W1"].tolist()),
            "b1": ("param", v["b1"].tolist()),
            "W2": ("param", v["W2"].tolist()),
        },
        [
            ("xw", "matmul", ["x", "W1"]),
            ("z", "add", ["xw", "b1"]),
            ("h", "tanh", ["z"]),
            ("pred", "matmul", ["h", "W2"]),
            ("loss", "mse", ["pred", "y"]),
        ],
    )
    losses, trainer = train(graph, 30, TrainSettings(optimizer=optimizer, lr=0.1))
    params = [v[n].clone().requires_grad_() for n in ("W1", "b1", "W2")]
    W1, b1, W2 = params
    opt = _torch_optimizer(optimizer, params, 0.1)
    expected = []
    for _ in range(30):
        loss = torch.mean((torch.tanh(v["x"] @ W1 + b1) @ W2 - v["y"]) ** 2)
        expected.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert losses == pytest.approx(expected, abs=1e-9)
    final = trainer.param_values()
    for name, p in zip(("W1", "b1", "W2"), params):
        assert torch.allclose(torch.tensor(final[name], dtype=torch.float64), p.detach(), atol=1e-9)


def test_trace_at_current_parameters_and_reset():
    trainer = Trainer(seed_graph(), TrainSettings(lr=0.01))
    trainer.step()
    trace = trainer.trace()
    assert trace.value("w") == 1.02
    assert math.isclose(trace.grad("w"), 2 * (1.02 - 2.0), rel_tol=1e-12)
    assert trainer.param_values()["w"] == 1.02  # the trace did not touch the trainer's tensors
    trainer.reset()
    assert trainer.param_values()["w"] == 1.0 and trainer.iteration == 0


def test_divergence_names_iteration_and_node():
    trainer = Trainer(seed_graph(), TrainSettings(lr=10.0))
    with pytest.raises(TrainingError) as info:
        for _ in range(1000):
            trainer.step()
    assert info.value.iteration is not None and info.value.iteration > 0
    assert info.value.node is not None
    assert f"iteration {info.value.iteration}" in str(info.value)


def test_refuses_graphs_it_cannot_train():
    with pytest.raises(TrainingError, match="nothing to train"):
        Trainer(build({"x": ("data", 1.0)}, [("t", "tanh", ["x"])]))
    with pytest.raises(TrainingError, match="single number"):
        Trainer(build({"w": ("param", [1.0, 2.0])}, [("t", "tanh", ["w"])]))
    graph = seed_graph()
    graph.add_node(Node("dangling", "mul"))
    graph.set_output("dangling")
    with pytest.raises(TrainingError, match="dangling"):
        Trainer(graph)
