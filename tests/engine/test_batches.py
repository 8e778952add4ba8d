"""Mini-batches and devices: the same numbers as the loop written directly in torch."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from backprop_studio.engine import datasets
from backprop_studio.engine.devices import available_devices, device_problem
from backprop_studio.engine.training import Trainer, TrainingError, TrainSettings, train
from backprop_studio.model.program import parse_program

PROGRAM = """\
x, y = dataset("moons", n=50, noise=0.1, seed=0)
W = param(shape=(2, 2), init="xavier", seed=0)
b = param(shape=(2,), init="zeros")
loss = cross_entropy(x @ W + b, y)
"""


def _direct(steps, batch, shuffle, seed, lr=0.1):
    x, y = datasets.generate("moons", n=50, noise=0.1, seed=0)
    w = torch.nn.init.xavier_uniform_(
        torch.empty(2, 2, dtype=torch.float64), generator=torch.Generator().manual_seed(0)
    ).requires_grad_()
    b = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=lr)
    gen = torch.Generator().manual_seed(seed)
    losses, order, pos = [], None, 50
    for _ in range(steps):
        if pos >= 50:
            pos = 0
            order = torch.randperm(50, generator=gen) if shuffle else torch.arange(50)
        rows = order[pos : pos + batch]
        pos += batch
        loss = F.cross_entropy(x[rows] @ w + b, y[rows].squeeze(1).long())
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return losses, w


@pytest.mark.parametrize("shuffle", [True, False])
def test_mini_batches_match_a_torch_loop(shuffle):
    settings = TrainSettings(lr=0.1, batch_size=16, shuffle=shuffle, seed=3)
    losses, trainer = train(parse_program(PROGRAM), 12, settings)
    expected, w = _direct(12, 16, shuffle, 3)
    assert losses == pytest.approx(expected, abs=1e-12)
    assert torch.allclose(torch.tensor(trainer.param_values()["W"], dtype=torch.float64), w)


def test_full_batch_when_unset_or_larger_than_the_data():
    full, _ = train(parse_program(PROGRAM), 5, TrainSettings(lr=0.1))
    big, trainer = train(parse_program(PROGRAM), 5, TrainSettings(lr=0.1, batch_size=500))
    assert not trainer.batcher.active
    assert full == big == pytest.approx(_direct(5, 50, False, 0)[0], abs=1e-12)


def test_loss_and_trace_use_all_rows_and_reset_replays_the_batches():
    trainer = Trainer(parse_program(PROGRAM), TrainSettings(lr=0.1, batch_size=8))
    first = [trainer.step() for _ in range(4)]
    assert trainer.trace().shapes["x"] == (50, 2)
    assert len(trainer.trace().values["x"]) == 50
    trainer.reset()
    assert [trainer.step() for _ in range(4)] == first


def test_features_and_targets_get_the_same_rows():
    program = 'x, y = dataset("linear", n=40, noise=0.0)\nloss = mse(2 * x - 1, y)'
    trainer = Trainer(
        parse_program(program + "\nw = 1.0\nl2 = loss * w"), TrainSettings(batch_size=7)
    )
    assert all(trainer.step() == pytest.approx(0.0, abs=1e-20) for _ in range(12))


def test_leaves_of_one_dataset_must_have_the_same_rows():
    program = (
        'x = data([[1.0], [2.0], [3.0]], csv="t.csv", columns=(0,))\n'
        'y = data([[1.0], [2.0]], csv="t.csv", columns=(1,))\n'
        "w = 1.0\nloss = sum(x * w) + sum(y)"
    )
    with pytest.raises(TrainingError, match="same number of rows .'x' 3, 'y' 2."):
        Trainer(parse_program(program), TrainSettings(batch_size=2))


def test_a_bad_class_target_refuses_training_with_a_message():
    program = "z = param([[1.0, 2.0]])\nt = data([5.0])\nloss = cross_entropy(z, t)"
    with pytest.raises(TrainingError) as info:
        Trainer(parse_program(program))
    assert str(info.value).startswith("torch could not run the graph: cross-entropy class")
    assert "targets must be whole numbers from 0 to 1" in str(info.value)


def test_settings_from_a_document():
    settings = TrainSettings.from_dict(
        {
            "dtype": "float32",
            "training": {"batch_size": 32, "shuffle": False, "seed": 4, "device": "cpu"},
        }
    )
    assert (settings.batch_size, settings.shuffle, settings.seed, settings.device) == (
        32,
        False,
        4,
        "cpu",
    )
    assert TrainSettings.from_dict({}).batch_size is None


def test_devices():
    assert available_devices()[0] == "cpu"
    assert device_problem("cpu", "float64") is None
    assert "unknown device" in device_problem("tpu", "float32")
    if "cuda" not in available_devices():
        assert "not available" in device_problem("cuda", "float32")
        with pytest.raises(TrainingError, match="CUDA .an NVIDIA GPU. is not available"):
            Trainer(parse_program(PROGRAM), TrainSettings(device="cuda"))


@pytest.mark.parametrize("device", ["cpu", "cuda", "mps"])
def test_training_on_a_device_gives_the_cpu_numbers(device):
    if device not in available_devices():
        pytest.skip(f"{device} is not available here")
    settings = TrainSettings(lr=0.1, batch_size=16, dtype="float32", device=device)
    cpu = TrainSettings(lr=0.1, batch_size=16, dtype="float32")
    losses, trainer = train(parse_program(PROGRAM), 6, settings)
    expected, reference = train(parse_program(PROGRAM), 6, cpu)
    assert losses == pytest.approx(expected, rel=1e-4)
    assert trainer.params[0].device.type == device
    trace = trainer.trace()
    assert trace.ok and isinstance(trace.value("loss"), float)
    assert trainer.flat_params().device.type == "cpu"
    assert trainer.trace_at(trainer.flat_params()).value("loss") == pytest.approx(
        trace.value("loss"), rel=1e-5
    )


def test_plain_data_leaves_of_one_row_count_are_batched_together():
    program = (
        "x = data([[1.0], [2.0], [3.0], [4.0]])\ny = data([[2.0], [4.0], [6.0], [8.0]])\n"
        "w = param([[0.5]])\nloss = mse(matmul(x, w), y)"
    )
    trainer = Trainer(parse_program(program), TrainSettings(batch_size=2, shuffle=False))
    assert [[trainer.plan.names[s] for s in g.slots] for g in trainer.batcher.groups] == [
        ["x", "y"]
    ]
    x = torch.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=torch.float64)
    assert trainer.step() == F.mse_loss(x[:2] * 0.5, 2 * x[:2]).item()  # rows 0 and 1
    assert trainer.trace().shapes["x"] == (4, 1)  # the trace still sees all rows


def test_plain_data_leaves_of_different_row_counts_are_refused_only_when_split():
    program = "x = data([[1.0], [2.0], [3.0]])\nb = data([1.0, 2.0])\nw = 1.0\n"
    program += "loss = sum(x * w) + sum(b)"
    with pytest.raises(TrainingError, match="same number of rows to be split"):
        Trainer(parse_program(program), TrainSettings(batch_size=2))
    assert not Trainer(parse_program(program), TrainSettings(batch_size=3)).batcher.active


FIXED_RESHAPE = (
    "x = data([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])\n"
    "y = data([[1.0], [2.0], [3.0], [4.0]])\nw = param([[0.1], [0.2]])\n"
    "h = reshape(x, shape=({rows}, 2))\nloss = mse(h @ w, y)"
)


@pytest.mark.parametrize("batch", [2, 3])  # 3: a full batch of 3, then the last row alone
def test_a_fixed_row_count_reshape_is_refused_by_name_with_the_minus_one_hint(batch):
    graph = parse_program(FIXED_RESHAPE.format(rows=4))
    with pytest.raises(TrainingError) as caught:
        Trainer(graph, TrainSettings(batch_size=batch))
    message = str(caught.value)
    assert caught.value.node == "h"
    assert message.startswith("'h' (reshape) to the fixed shape 4×2 fits all 4 rows of 'x'")
    assert f"not a mini-batch of {batch} (cannot reshape {batch}×2" in message
    assert "write -1 for the batch dimension, shape=(-1, 2)" in message
    assert Trainer(graph).step() > 0  # the full batch trains as before


def test_a_reshape_with_minus_one_trains_on_mini_batches_as_torch_does():
    trainer = Trainer(
        parse_program(FIXED_RESHAPE.format(rows=-1)), TrainSettings(batch_size=3, shuffle=False)
    )
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], dtype=torch.float64)
    y = torch.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=torch.float64)
    w = torch.tensor([[0.1], [0.2]], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.01)
    for rows in (slice(0, 3), slice(3, 4)):  # a batch of 3, then the last row alone
        loss = F.mse_loss(torch.reshape(x[rows], (-1, 2)) @ w, y[rows])
        assert trainer.step() == loss.item()
        loss.backward()
        opt.step()
        opt.zero_grad()
    assert trainer.param_values()["w"] == w.detach().tolist()


def test_a_node_that_fits_only_all_rows_is_named_too():
    program = (
        "x = data([[1.0], [3.0], [5.0], [7.0]])\ny = data([[1.0], [2.0], [3.0], [4.0]])\n"
        "c = param([[1.0], [2.0], [3.0], [4.0]])\nw = param(0.1)\ns = x * w + c\n"
        "loss = mse(s, y)"
    )
    with pytest.raises(TrainingError, match=r"^'s' \(\+\) fits all 4 rows of 'x' but not a mini-b"):
        Trainer(parse_program(program), TrainSettings(batch_size=2))
