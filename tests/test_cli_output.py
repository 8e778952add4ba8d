"""What ``eval`` prints: golden tables for scalars, vectors and matrices, and the JSON schema."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import SEED, SEED_FILE, run
from tests.test_cli_usage import cli

SEED_TABLE = """\
node   op     shape  value    ∂loss/∂node
-----  -----  -----  -------  -----------
x      data   ()     1        —
y      data   ()     2        —
w      param  ()     1.0000   -2.0000
y_hat  mul    ()     1.0000   -2.0000
sub_1  sub    ()     -1.0000  -2.0000
loss   power  ()     1.0000   1.0000

output: loss = 1.0000
"""

VECTOR = "w = param([1.0, -2.0, 0.5])\nx = data([1.0, 2.0, 3.0])\nloss = sum(w * x)"
VECTOR_TABLE = """\
node   op     shape  value                        ∂loss/∂node
-----  -----  -----  ---------------------------  ------------------------
w      param  (3,)   [ 1.0000, -2.0000,  0.5000]  [1.0000, 2.0000, 3.0000]
x      data   (3,)   [1, 2, 3]                    —
mul_1  mul    (3,)   [ 1.0000, -4.0000,  1.5000]  [1.0000, 1.0000, 1.0000]
loss   sum    ()     -1.5000                      1.0000

output: loss = -1.5000
"""

MATRIX = "w = param([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])\nt = data([0.0, 2.0])\nloss = cross_entropy(w, t)"
MATRIX_TABLE = """\
node  op             shape   value                 ∂loss/∂node
----  -------------  ------  --------------------  -----------------------
w     param          (2, 3)  [[1.00, 2.00, 3.00],  [[-0.45,  0.12,  0.33],
                              [4.00, 5.00, 6.00]]   [ 0.05,  0.12, -0.17]]
t     data           (2,)    [0, 2]                —
loss  cross_entropy  ()      1.41                  1.00

output: loss = 1.41
"""


@pytest.mark.parametrize(
    ("argv", "golden"),
    [
        ([str(SEED_FILE)], SEED_TABLE),
        (["-e", VECTOR], VECTOR_TABLE),
        (["-e", MATRIX, "--precision", "2"], MATRIX_TABLE),
    ],
)
def test_golden_tables(capsys, argv, golden):
    code, out, err = run(capsys, "eval", *argv)
    assert code == 0 and err == ""
    assert out.startswith(golden + "\n")


def test_a_matrix_gradient_in_the_chain_rule_is_whole(capsys):
    code, out, _ = run(capsys, "eval", "-e", MATRIX)
    assert code == 0
    assert out.splitlines()[-1] == (
        "  1. ∂loss/∂w (via loss.logits) = ∂loss/∂loss · ∂loss/∂w = "
        "[[-0.4550,  0.1224,  0.3326], [ 0.0450,  0.1224, -0.1674]]"
    )


def test_a_large_tensor_is_summarised_unless_full(capsys):
    program = 'w = param(init="ones", shape=(12, 12))\nloss = sum(w * w)'
    code, out, _ = run(capsys, "eval", "-e", program)
    lines = out.splitlines()
    assert lines[2].startswith("w      param  (12, 12)  [[1.0000, 1.0000, 1.0000, …, 1.0000,")
    assert len([line for line in lines if "…," in line and "1.0000" not in line]) == 2
    code, out, _ = run(capsys, "eval", "-e", program, "--full", "--precision", "0")
    lines = out.splitlines()
    assert "…" not in out
    assert lines[2] == (
        "w      param  (12, 12)  [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],"
        "  [[2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],"
    )
    assert "output: loss = 144" in out


def test_minus_zero_prints_as_zero_and_class_indices_as_integers(capsys):
    code, out, _ = run(capsys, "eval", "-e", "w = -0.0\nloss = w * 2.0")
    assert "w        param  ()     0.0000  2.0000" in out and "-0" not in out
    code, out, _ = run(capsys, "eval", "-e", MATRIX)
    assert "t     data           (2,)    [0, 2]" in out


def test_json_schema(capsys):
    code, out, _ = run(capsys, "eval", "-e", MATRIX, "--json", "--dtype", "float32")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["output", "output_node", "dtype", "nodes", "edges", "backward_order"]
    assert data["output_node"] == "loss" and data["dtype"] == "float32"
    for node in data["nodes"].values():
        assert list(node) == ["op", "shape", "dtype", "value", "grad"]
        assert node["dtype"] == "float32"
    assert data["nodes"]["w"]["shape"] == [2, 3] and data["nodes"]["loss"]["shape"] == []
    for edge in data["edges"]:
        assert list(edge) == ["from", "to", "port", "shape", "grad", "local_grad"]
    edge = data["edges"][0]
    assert edge["shape"] == [2, 3] and edge["local_grad"] is None  # not a scalar edge
    code, out, _ = run(capsys, "eval", "-e", SEED, "--json")
    edges = json.loads(out)["edges"]
    assert {(e["from"], e["local_grad"]) for e in edges} == {
        ("w", 1.0),
        ("x", None),
        ("y_hat", 1.0),
        ("y", None),
        ("sub_1", -2.0),
    }


def test_non_finite_numbers_are_printed_as_torch_gives_them_and_status_1(capsys):
    program = "w = 0.0\nloss = sqrt(w)"
    code, out, err = run(capsys, "eval", "-e", program)
    assert code == 1
    assert "w     param  ()     0.0000  inf" in out
    assert err.splitlines() == [
        "backprop-studio eval: the gradient of 'w' (via 'loss') is not finite (inf) in the "
        "backward pass"
    ]
    code, out, err = run(capsys, "eval", "-e", program, "--json")
    assert code == 1 and "Infinity" not in out
    data = json.loads(out)
    assert data["nodes"]["w"]["grad"] is None
    assert data["nodes"]["w"]["non_finite"] == {"grad": ["inf"]}
    assert data["edges"][0]["non_finite"] == {"grad": ["inf"], "local_grad": ["inf"]}
    code, out, _ = run(capsys, "eval", "-e", "w = param([-1.0, 1.0])\nloss = sum(log(w))", "--json")
    data = json.loads(out)
    assert data["nodes"]["log_1"]["value"] == [None, 0.0]
    assert data["nodes"]["log_1"]["non_finite"] == {"value": ["nan"]}


def test_a_non_scalar_output_is_refused_as_train_refuses_it():
    program = "x = data(1.0)\nw = 2.0\ny = w * x"
    done = cli("eval", "-e", program, "--set", "x=[1.0, 2.0]")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(
        "backprop-studio eval: the output 'y' must be a single number for backward, not a "
        "tensor of shape (2,) (add sum or mean, or pass --seed-grad ones)"
    )
    assert done.stdout.strip().splitlines() == ["loaded: torch=False qt=False"]


def test_seed_grad_ones_backpropagates_a_vector_as_torch_would(capsys):
    program = "x = data([1.0, 2.0])\nw = 2.0\ny = w * x"
    code, out, _ = run(capsys, "eval", "-e", program, "--seed-grad", "ones", "--json")
    assert code == 0
    assert json.loads(out)["nodes"]["w"]["grad"] == 3.0  # y.backward(torch.ones(2))
