"""The command line with the shape ops: the row-wise layer norm evaluates, a reshape that does not
fit is one clear line, and the exported script runs and prints the studio's numbers."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.test_cli import run

LAYER_NORM = (
    "x = param([[1.0, 2.0, 4.0], [-1.0, 0.5, 3.5]])\n"
    "w = data([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])\n"
    "d = x - mean(x, axis=1, keepdim=True)\n"
    "y = d / sqrt(mean(d**2, axis=1, keepdim=True) + 1e-05)\n"
    "loss = sum(reshape(y, shape=(-1,)) * w)"
)


def test_the_layer_norm_evaluates_from_the_command_line(capsys):
    code, out, err = run(capsys, "eval", "-e", LAYER_NORM, "--json")
    assert code == 0 and err == ""
    nodes = json.loads(out)["nodes"]
    assert nodes["d"]["shape"] == [2, 3]
    assert [round(sum(row), 12) for row in nodes["d"]["value"]] == [0.0, 0.0]


def test_a_reshape_that_does_not_fit_is_one_clear_line(capsys):
    program = "x = param([1.0, 2.0, 3.0])\nsum(reshape(x, shape=(2, 2)))"
    code, out, err = run(capsys, "eval", "-e", program)
    assert code == 1 and out == ""
    assert "cannot reshape 3 (3 elements) to 2×2 (4 elements)" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_exported_script_runs_and_matches(capsys, tmp_path):
    script = tmp_path / "layer_norm.py"
    code, _, err = run(capsys, "export", "-e", LAYER_NORM, "-o", str(script))
    assert code == 0, err
    text = script.read_text(encoding="utf-8")
    assert "keepdim=True" in text and "torch.reshape(" in text
    printed = subprocess.run(
        [sys.executable, str(script), "--json"], capture_output=True, text=True, check=True
    ).stdout
    code, out, _ = run(capsys, "eval", "-e", LAYER_NORM, "--json")
    studio = json.loads(out)["nodes"]
    for line in printed.splitlines():
        name, rest = line.split(" value=", 1)
        value, grad = rest.rsplit(" grad=", 1)
        assert json.loads(value) == studio[name]["value"], name
        assert json.loads(grad) == studio[name]["grad"], name
