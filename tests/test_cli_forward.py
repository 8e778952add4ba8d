"""``eval --forward NAME``: a tangent on every node, from torch's forward mode."""

from __future__ import annotations

import json

import pytest
import torch

from .test_cli import SEED, run

PROGRAM = "x = data([1.0, 2.0])\nw = 3.0\ny = w * x\nloss = sum(y ** 2)"


def test_json_adds_a_tangent_to_every_node(capsys):
    code, out, err = run(capsys, "eval", "-e", SEED, "--forward", "w", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["forward"] == "w"
    tangents = {name: node["tangent"] for name, node in data["nodes"].items()}
    # ŷ = w·x, loss = (ŷ − y)²: ∂ŷ/∂w = x = 1, ∂loss/∂w = 2(ŷ − y)·x = −2 (the backward grad)
    assert tangents == {"x": 0.0, "y": 0.0, "w": 1.0, "y_hat": 1.0, "sub_1": 1.0, "loss": -2.0}
    assert tangents["loss"] == data["nodes"]["w"]["grad"]


def test_one_entry_is_a_jacobian_column(capsys):
    code, out, _ = run(capsys, "eval", "-e", PROGRAM, "--forward", "x[1]", "--json")
    assert code == 0
    nodes = json.loads(out)["nodes"]
    x = torch.tensor([1.0, 2.0], dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda x: 3.0 * x, x)
    assert nodes["y"]["tangent"] == jac[:, 1].tolist()
    assert nodes["loss"]["tangent"] == pytest.approx(2 * 9 * 2.0)


def test_the_table_lists_the_tangents(capsys):
    code, out, _ = run(capsys, "eval", "-e", PROGRAM, "--forward", "x")
    assert code == 0
    assert "forward mode from x" in out
    assert "∂node/∂x" in out


def test_without_forward_the_json_is_unchanged(capsys):
    _code, out, _ = run(capsys, "eval", "-e", SEED, "--json")
    data = json.loads(out)
    assert "forward" not in data and "tangent" not in data["nodes"]["w"]


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("y", "'y' is not a leaf"),
        ("nope", "no node named 'nope'"),
        ("x[5]", "no such entry"),
        ("x[", "is not NAME or NAME[i]"),
    ],
)
def test_a_bad_target_is_one_line(capsys, target, words):
    code, out, err = run(capsys, "eval", "-e", PROGRAM, "--forward", target, "--json")
    assert code == 1 and out == ""
    assert err.startswith("backprop-studio eval: --forward: ") and words in err
    assert len(err.strip().splitlines()) == 1
