"""``backprop-studio train``: the documented JSON, defaults from the file, one-line errors."""

from __future__ import annotations

import io
import json

import pytest
import torch

from backprop_studio import cli_train
from backprop_studio.cli import main
from tests.test_cli import SEED, SEED_FILE, run


def test_train_seed_program_json_is_exact(capsys):
    code, out, err = run(capsys, "train", "-e", SEED, "--steps", "1", "--lr", "0.01", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["losses", "params", "final_loss", "steps", "warnings", "stopped"]
    assert data["steps"] == 1 and data["warnings"] == [] and data["stopped"] is None
    assert data["losses"] == [1.0]
    assert data["params"] == {"w": 1.02}
    assert data["final_loss"] == pytest.approx(0.9604, rel=1e-12)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_train_matches_a_torch_loop(capsys, optimizer):
    code, out, _ = run(
        capsys,
        "train",
        "-e",
        SEED,
        "--steps",
        "20",
        "--lr",
        "0.05",
        "--optimizer",
        optimizer,
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    opt = {
        "sgd": lambda: torch.optim.SGD([w], lr=0.05),
        "momentum": lambda: torch.optim.SGD([w], lr=0.05, momentum=0.9),
        "adam": lambda: torch.optim.Adam([w], lr=0.05),
    }[optimizer]()
    losses = []
    for _ in range(20):
        loss = (w * 1.0 - 2.0) ** 2
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert data["losses"] == pytest.approx(losses, abs=1e-9)
    assert data["params"]["w"] == pytest.approx(w.item(), abs=1e-9)
    assert data["final_loss"] == pytest.approx(((w - 2.0) ** 2).item(), abs=1e-9)


def test_defaults_come_from_the_file(capsys):
    code, out, _ = run(capsys, "train", str(SEED_FILE), "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["losses"]) == 100  # settings.training.steps
    assert data["losses"][:2] == [1.0, pytest.approx(0.9604)]  # lr 0.01, SGD


def test_summary_table(capsys):
    code, out, _ = run(capsys, "train", str(SEED_FILE), "--steps", "10")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "trained 10 steps with SGD, lr 0.01"
    assert lines[2].split() == ["0", "1.0000"]
    assert lines[3].split() == ["1", "0.9604"]
    assert lines[-1].startswith("w = ")


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["train", "-e", "x = data(1.0); x * x"], "nothing to train"),
        (["train", "-e", "w = param([1.0, 2.0]); w * w"], "single number"),
        (["train", "missing.json"], "missing.json"),
        (["train", "-e", "x = (1"], "line 1"),
    ],
)
def test_bad_input_gives_one_clear_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert fragment in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "extra", [["--steps", "0"], ["--steps", "x"], ["--lr", "-1"], ["--optimizer", "rmsprop"]]
)
def test_usage_errors_are_status_2(capsys, extra):
    with pytest.raises(SystemExit) as info:
        main(["train", str(SEED_FILE), *extra])
    assert info.value.code == 2


def test_progress_bar_draws_only_for_long_runs(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(cli_train.sys, "stderr", err)
    bar = cli_train.ProgressBar(1000, delay=0.0)
    bar.update(500, 0.25)
    assert "[###############               ]  50% 500/1,000 steps · loss 0.2500" in err.getvalue()
    bar.close()
    assert err.getvalue().endswith("\r")
    quiet = cli_train.ProgressBar(1000, delay=60.0)
    quiet.update(999, 0.1)
    quiet.close()
    assert not quiet.drawn
