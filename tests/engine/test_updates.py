"""Training steps are bit for bit those of torch.optim: the loop a user would write by hand.

``Trainer.step`` takes its gradients from ``torch.autograd.grad`` and applies the optimiser's
update itself (``engine/updates.py``); here every parameter after many steps must equal, with
``torch.equal``, the parameters of ``loss.backward(); opt.step(); opt.zero_grad()`` with
``torch.optim`` on the same starting tensors and the same mini-batches.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F

from backprop_studio.engine.batches import Batcher
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import example_path
from tests.builders import build, seed_graph

STEPS = 60


def _optimizer(settings: TrainSettings, params: list[torch.Tensor]) -> torch.optim.Optimizer:
    if settings.optimizer == "sgd":
        return torch.optim.SGD(params, lr=settings.lr)
    if settings.optimizer == "momentum":
        return torch.optim.SGD(params, lr=settings.lr, momentum=settings.momentum)
    return torch.optim.Adam(params, lr=settings.lr)


def _mlp():
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(64, 2, generator=gen)
    return build(
        {
            "x": ("data", x.tolist()),
            "y": ("data", (x[:, :1] * x[:, 1:]).tanh().tolist()),
            "W1": ("param", (torch.randn(2, 16, generator=gen) * 0.5).tolist()),
            "b1": ("param", torch.zeros(16).tolist()),
            "W2": ("param", (torch.randn(16, 1, generator=gen) * 0.5).tolist()),
            "b2": ("param", [0.0]),
        },
        [
            ("xW1", "matmul", ["x", "W1"]),
            ("z1", "add", ["xW1", "b1"]),
            ("h", "tanh", ["z1"]),
            ("hW2", "matmul", ["h", "W2"]),
            ("pred", "add", ["hW2", "b2"]),
            ("loss", "mse", ["pred", "y"]),
        ],
    )


def _mlp_by_hand(W1, b1, W2, b2, x, y):
    return torch.mean((torch.tanh(x @ W1 + b1) @ W2 + b2 - y) ** 2)


def _moons_by_hand(W1, b1, W2, b2, W3, b3, x, y):
    h1 = torch.relu(x @ W1 + b1)
    h2 = torch.relu(h1 @ W2 + b2)
    return F.cross_entropy(h2 @ W3 + b3, y.squeeze(-1).long())


def _torch_run(trainer: Trainer, loss_fn, names: list[str], steps: int):
    """The hand-written loop from the trainer's starting tensors and its batch order."""
    plan, settings = trainer.plan, trainer.settings
    leaves = {n: trainer.slots[plan.slot_of[n]].detach().clone() for n in names}
    params = [leaves[n].requires_grad_() for n in trainer.param_names]
    opt = _optimizer(settings, params)
    full = list(trainer.slots)
    for name in names:
        full[plan.slot_of[name]] = leaves[name]
    batcher = Batcher(plan, full, settings.batch_size, settings.shuffle, settings.seed)
    losses = []
    for _ in range(steps):
        slots = list(full)
        if batcher.active:
            batcher.feed(slots, full)
        loss = loss_fn(*(slots[plan.slot_of[n]] for n in names))
        losses.append(loss.item())
        loss.backward()
        if settings.clip is not None:
            torch.nn.utils.clip_grad_norm_(params, settings.clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
    return losses, params


def _assert_same(trainer: Trainer, loss_fn, names: list[str]) -> None:
    expected_losses, expected = _torch_run(trainer, loss_fn, names, STEPS)
    losses = [trainer.step() for _ in range(STEPS)]
    assert losses == expected_losses
    for name, p, q in zip(trainer.param_names, trainer.params, expected):
        assert torch.equal(p.detach(), q.detach()), name
        assert p.grad is None  # no .grad left behind


SETTINGS = [
    TrainSettings(optimizer="sgd", lr=0.05),
    TrainSettings(optimizer="momentum", lr=0.02, momentum=0.8),
    TrainSettings(optimizer="adam", lr=0.05),
    TrainSettings(optimizer="adam", lr=0.05, clip=0.5),
    TrainSettings(optimizer="momentum", lr=0.05, clip=0.1),
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s.optimizer}-clip{s.clip}")
def test_seed_story_is_torch_optim_bit_for_bit(settings):
    def by_hand(w, x, y, two):
        return (w * x - y) ** two

    _assert_same(Trainer(seed_graph(), settings), by_hand, ["w", "x", "y", "two"])


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s.optimizer}-clip{s.clip}")
def test_mlp_is_torch_optim_bit_for_bit(settings):
    names = ["W1", "b1", "W2", "b2", "x", "y"]
    _assert_same(Trainer(_mlp(), settings), _mlp_by_hand, names)


@pytest.mark.parametrize("batch", [32, None])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_moons_mlp_is_torch_optim_bit_for_bit(batch, optimizer):
    data = load_document(example_path("moons_mlp"))
    settings = replace(
        TrainSettings.from_dict(data.settings), batch_size=batch, optimizer=optimizer
    )
    names = ["W1", "b1", "W2", "b2", "W3", "b3", "x", "y"]
    _assert_same(Trainer(data.graph, settings), _moons_by_hand, names)


def test_float32_adam_is_torch_optim_bit_for_bit():
    settings = TrainSettings(optimizer="adam", lr=0.01, dtype="float32")
    names = ["W1", "b1", "W2", "b2", "x", "y"]
    _assert_same(Trainer(_mlp(), settings), _mlp_by_hand, names)


def test_a_reset_starts_the_optimiser_state_again():
    settings = TrainSettings(optimizer="adam", lr=0.05)
    trainer = Trainer(_mlp(), settings)
    for _ in range(10):
        trainer.step()
    trainer.reset()
    names = ["W1", "b1", "W2", "b2", "x", "y"]
    _assert_same(trainer, _mlp_by_hand, names)


def test_a_parameter_the_loss_ignores_keeps_its_value_as_torch_optim_leaves_it():
    graph = build(
        {"w": ("param", 1.5), "u": ("param", 0.25), "x": ("data", 2.0)},
        [("loss", "mul", ["w", "x"]), ("side", "mul", ["u", "x"])],
    )
    graph.set_output("loss")
    trainer = Trainer(graph, TrainSettings(optimizer="adam", lr=0.1))
    for _ in range(5):
        trainer.step()
    values = trainer.param_values()
    assert values["u"] == 0.25
    w = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.1)
    for _ in range(5):
        (w * 2.0).backward()
        opt.step()
        opt.zero_grad()
    assert values["w"] == w.item()
