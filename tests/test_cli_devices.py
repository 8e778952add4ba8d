"""``train`` with mini-batches and a device; ``eval`` of programs with attributes and recipes."""

from __future__ import annotations

import json

import pytest

from backprop_studio.engine.devices import available_devices
from backprop_studio.model.gallery import example_path
from tests.test_cli import run

MOONS = str(example_path("moons_mlp"))


def test_train_uses_the_files_batches_and_the_command_line_overrides(capsys):
    code, out, _ = run(capsys, "train", MOONS, "--steps", "3", "--json")
    data = json.loads(out)
    assert "losses" not in data  # a batch's loss is not a loss on all the data
    batched = data["batch_losses"]
    assert data["batches"]["size"] == 32 and data["batches"]["groups"][0]["rows"] == 200
    code, out, _ = run(capsys, "train", MOONS, "--steps", "3", "--batch-size", "full", "--json")
    assert code == 0
    full = json.loads(out)["losses"]
    assert "batch_losses" not in json.loads(out)
    assert batched[0] != full[0]  # a batch of 32 rows, then all 200
    code, out, _ = run(capsys, "train", MOONS, "--steps", "3", "--batch-size", "200", "--json")
    assert json.loads(out)["losses"] == full


@pytest.mark.parametrize("device", ["cpu", "cuda", "mps"])
def test_train_on_a_device(capsys, device):
    code, out, err = run(capsys, "train", MOONS, "--steps", "2", "--device", device, "--json")
    if device in available_devices():
        assert code == 0 and len(json.loads(out)["batch_losses"]) == 2
    else:
        assert code == 1
        assert "is not available on this machine" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch-size", "0"], "must be from 1 to 100,000, or 'full'"),
        (["--batch-size", "x"], "'x' is not a whole number or 'full'"),
        (["--device", "tpu"], "invalid choice: 'tpu'"),
    ],
)
def test_bad_options_are_one_line(capsys, args, message):
    with pytest.raises(SystemExit) as info:
        run(capsys, "train", MOONS, *args)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_eval_a_program_with_recipes_and_attributes(capsys):
    program = (
        'x, y = dataset("xor", n=4, noise=0.0)\nW = param(shape=(2, 2), init="ones")\n'
        "loss = cross_entropy(x @ W, y)"
    )
    code, out, err = run(capsys, "eval", "-e", program, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["output"] == pytest.approx(0.6931471805599453)  # equal logits: log 2
    assert data["nodes"]["x"]["value"] == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
