"""``backprop-studio train``: the documented JSON, defaults from the file, one-line errors."""

from __future__ import annotations

import io
import json

import pytest
import torch

from backprop_studio.cli import train as cli_train
from backprop_studio.cli.main import main
from tests.test_cli import SEED, SEED_FILE, run


def test_train_seed_program_json_is_exact(capsys):
    code, out, err = run(capsys, "train", "-e", SEED, "--steps", "1", "--lr", "0.01", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    keys = ["losses", "params", "final_loss", "steps", "warnings", "stopped", "grad_norms"]
    assert list(data) == keys
    assert data["steps"] == 1 and data["warnings"] == [] and data["stopped"] is None
    assert data["losses"] == [1.0]
    assert data["grad_norms"] == {"w": [2.0]}  # |2(wx − y)x| at w = 1, x = 1, y = 2
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
    losses, norms = [], []
    for _ in range(20):
        loss = (w * 1.0 - 2.0) ** 2
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        norms.append(w.grad.norm().item())
        opt.step()
    assert data["losses"] == pytest.approx(losses, abs=1e-9)
    assert data["grad_norms"]["w"] == pytest.approx(norms, abs=1e-9)
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


# ---- divergence --------------------------------------------------------------------------
def test_a_finite_divergence_is_warned_about_on_stderr(capsys):
    code, out, err = run(capsys, "train", str(SEED_FILE), "--lr", "1.5", "--steps", "300")
    assert code == 0
    warnings = err.splitlines()
    assert warnings[0] == (
        "backprop-studio train: warning: iteration 5: the loss is 1024, 1e+03× its lowest "
        "(1 at iteration 0): training is diverging (try a lower --lr than 1.5, e.g. --lr 0.15, "
        "or --clip 1)"
    )
    assert 3 <= len(warnings) <= 10  # a few times as it grows, not every step
    assert warnings[-1].startswith(
        "backprop-studio train: warning: the run ended with the loss at 4.15e+180"
    )
    assert out.splitlines()[0] == "trained 300 steps with SGD, lr 1.5"
    code, out, err = run(capsys, "train", str(SEED_FILE), "--lr", "1.5", "--steps", "300", "--json")
    data = json.loads(out)
    assert len(data["warnings"]) == len(warnings) and data["stopped"] is None


def test_a_non_finite_stop_names_the_last_finite_loss_parameters_and_a_hint(capsys):
    code, out, err = run(capsys, "train", str(SEED_FILE), "--lr", "10", "--steps", "300")
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if "warning" not in line]
    assert lines == [
        "backprop-studio train: iteration 121: 'loss' (power) has a non-finite value (inf) in the "
        "forward pass",
        "backprop-studio train: last finite loss: 7.9591e+306 at iteration 120, "
        "with w = -2.8212e+153",
        "backprop-studio train: hint: try a lower --lr than 10, e.g. --lr 1, or --clip 1",
    ]


def test_with_json_the_history_up_to_a_stop_is_printed(capsys):
    code, out, err = run(capsys, "train", str(SEED_FILE), "--lr", "10", "--steps", "300", "--json")
    assert code == 1 and "Traceback" not in err
    data = json.loads(out)
    assert len(data["losses"]) == 121 and data["steps"] == 121
    assert data["final_loss"] is None
    assert data["stopped"] == {
        "iteration": 121,
        "node": "loss",
        "message": "iteration 121: 'loss' (power) has a non-finite value (inf) in the forward pass",
        "last_finite_iteration": 120,
    }
    # the parameters of the last finite loss, as torch's own loop gives them
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=10.0)
    for _ in range(120):
        opt.zero_grad()
        ((w - 2.0) ** 2).backward()
        opt.step()
    assert data["params"]["w"] == w.item()
    assert data["losses"][-1] == ((w - 2.0) ** 2).item()


def test_a_stop_in_a_fresh_process_is_status_1_without_a_traceback():
    from tests.test_cli_usage import cli

    done = cli("train", str(SEED_FILE), "--lr", "10", "--steps", "300", "--json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert json.loads(done.stdout.splitlines()[0])["stopped"]["iteration"] == 121


# ---- options -----------------------------------------------------------------------------
def test_momentum_clip_and_dtype_are_torchs(capsys):
    code, out, _ = run(
        capsys,
        "train",
        "-e",
        SEED,
        "--optimizer",
        "momentum",
        "--momentum",
        "0.5",
        "--clip",
        "0.3",
        "--lr",
        "0.1",
        "--steps",
        "10",
        "--dtype",
        "float32",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    w = torch.tensor(1.0, dtype=torch.float32, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.5)
    losses = []
    for _ in range(10):
        loss = (w * torch.tensor(1.0) - torch.tensor(2.0)) ** 2
        losses.append(loss.item())
        loss.backward()
        torch.nn.utils.clip_grad_norm_([w], 0.3)
        opt.step()
        opt.zero_grad()
    assert data["losses"] == losses
    assert data["params"]["w"] == w.item()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--momentum", "1"], "argument --momentum: must be at least 0 and less than 1"),
        (["--momentum", "x"], "argument --momentum: 'x' is not a number"),
        (["--clip", "0"], "argument --clip: must be a positive number"),
        (["--seed", "-1"], "argument --seed: must be from 0 to"),
        (["--dtype", "float16"], "argument --dtype: invalid choice: 'float16'"),
        (["--precision", "40"], "argument --precision: must be from 0 to 17"),
        (["--batch-size", "half"], "argument --batch-size: 'half' is not a whole number"),
    ],
)
def test_every_option_is_checked_with_a_message_about_it(capsys, extra, message):
    with pytest.raises(SystemExit) as info:
        main(["train", str(SEED_FILE), *extra])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1
    assert err.startswith("backprop-studio train: " + message)


# ---- mini-batches ------------------------------------------------------------------------
PLAIN = (
    "x = data([[1.0], [2.0], [3.0], [4.0]])\ny = data([[2.0], [4.0], [6.0], [8.0]])\n"
    "w = param([[0.5]])\nloss = mse(matmul(x, w), y)"
)


def torch_batches(order_of_epoch, steps: int, lr: float = 0.01):
    x = torch.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=torch.float64)
    y = 2 * x
    w = torch.tensor([[0.5]], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr)
    losses, pos, order = [], 4, None
    for _ in range(steps):
        if pos >= 4:
            order, pos = order_of_epoch(), 0
        index = order[pos : pos + 2]
        pos += 2
        loss = torch.nn.functional.mse_loss(x[index] @ w, y[index])
        losses.append(loss.item())
        loss.backward()
        opt.step()
        opt.zero_grad()
    return losses, w


def test_batch_size_splits_plain_data_leaves_that_share_their_rows(capsys):
    code, out, _ = run(capsys, "train", "-e", PLAIN, "--batch-size", "2", "--steps", "6",
                       "--no-shuffle", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["batches"] == {
        "size": 2,
        "groups": [{"leaves": ["x", "y"], "rows": 4}],
        "shuffle": False,
        "seed": 0,
    }
    losses, w = torch_batches(lambda: torch.arange(4), 6)
    assert data["batch_losses"] == pytest.approx(losses, abs=1e-15)
    assert data["params"]["w"][0][0] == pytest.approx(w.item(), abs=1e-15)
    assert data["initial_loss"] == pytest.approx(16.875, rel=1e-12)  # all rows, w = 0.5


def test_shuffle_uses_the_seed_and_says_so(capsys):
    code, out, _ = run(capsys, "train", "-e", PLAIN, "--batch-size", "2", "--steps", "6",
                       "--seed", "7", "--json")  # fmt: skip
    data = json.loads(out)
    generator = torch.Generator().manual_seed(7)
    losses, _ = torch_batches(lambda: torch.randperm(4, generator=generator), 6)
    assert data["batch_losses"] == pytest.approx(losses, abs=1e-15)
    assert data["batches"]["shuffle"] is True and data["batches"]["seed"] == 7
    code, out, _ = run(capsys, "train", "-e", PLAIN, "--batch-size", "2", "--steps", "4")
    lines = out.splitlines()
    assert lines[1] == "mini-batches of 2 rows of x, y (4 rows), shuffled each epoch, seed 0"
    assert lines[2].split() == ["iteration", "batch", "loss"]
    assert lines[-2].startswith("full-data loss: ")


def test_batch_size_refuses_data_leaves_of_different_row_counts(capsys):
    program = "x = data([[1.0], [2.0], [3.0]])\nb = data([1.0, 2.0])\nw = 1.0\n"
    program += "loss = sum(x * w) + sum(b)"
    code, out, err = run(capsys, "train", "-e", program, "--batch-size", "2")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "data leaves must have the same number of rows to be split into mini-batches" in err
    assert "('x' 3, 'b' 2)" in err
    code, _, _ = run(capsys, "train", "-e", program, "--batch-size", "3", "--steps", "1")
    assert code == 0  # a batch of all rows is no split


def test_export_train_takes_the_training_options(capsys, tmp_path):
    out = tmp_path / "seed.py"
    code, _, err = run(capsys, "export", str(SEED_FILE), "-o", str(out), "--train",
                       "--optimizer", "adam", "--lr", "0.1", "--steps", "7")  # fmt: skip
    assert code == 0, err
    text = out.read_text()
    assert "torch.optim.Adam([w], lr=0.1)" in text and "steps = 7" in text
    with pytest.raises(SystemExit) as info:
        main(["export", str(SEED_FILE), "-o", str(tmp_path / "s.png"), "--lr", "0.1"])
    assert info.value.code == 2
    assert "--lr sets the training loop: it needs --train" in capsys.readouterr().err


def test_noise_of_a_converged_loss_is_not_called_a_divergence():
    watch = cli_train.DivergenceWatch(lr=0.1)
    for i, loss in enumerate([1.0, 1e-3, 1e-32, 4e-29, 1e-31, 3e-28]):
        assert watch.see(i, loss) is None
    assert watch.see(6, 2.0) is not None and watch.warnings


def test_a_fixed_row_count_reshape_with_batches_is_one_line_naming_it(capsys):
    program = (
        "x = data([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])\n"
        "y = data([[1.0], [2.0], [3.0], [4.0]])\nw = param([[0.1], [0.2]])\n"
        "h = reshape(x, shape=(4, 2))\nloss = mse(h @ w, y)"
    )
    code, out, err = run(capsys, "train", "-e", program, "--batch-size", "2", "--steps", "3")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("backprop-studio train: 'h' (reshape) to the fixed shape 4×2")
    assert "shape=(-1, 2)" in err and "--lr" not in err
    fixed = program.replace("(4, 2)", "(-1, 2)")
    code, out, _ = run(capsys, "train", "-e", fixed, "--batch-size", "2", "--steps", "3")
    assert code == 0 and "mini-batches of 2 rows" in out


def test_train_warns_of_exploding_gradients(capsys):
    code, out, err = run(capsys, "train", "-e", SEED, "--steps", "30", "--lr", "2", "--json")
    assert code == 0
    data = json.loads(out)
    (line,) = [w for w in data["warnings"] if "gradient" in w]
    assert line.startswith("iteration 7: the gradient of 'w' is exploding")
    assert line in err
    assert data["grad_norms"]["w"][7] >= 1000 * data["grad_norms"]["w"][0]
