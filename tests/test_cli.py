"""The command line: exact JSON for the seed story, one clear line and status 1/2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from backprop_studio.cli.main import main
from backprop_studio.model.gallery import example_path

SEED = "x = data(1.0)\ny = data(2.0)\nw = 1.0\ny_hat = w * x\nloss = (y_hat - y)**2"
SEED_FILE = example_path("seed")  # the checkout's own, wherever the install maps resources


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_seed_program_json(capsys):
    code, out, err = run(capsys, "eval", "-e", SEED, "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["output", "output_node", "dtype", "nodes", "edges", "backward_order"]
    assert data["output"] == 1.0 and data["output_node"] == "loss"
    assert data["nodes"]["w"] == {
        "op": "param",
        "shape": [],
        "dtype": "float64",
        "value": 1.0,
        "grad": -2.0,
    }
    assert data["nodes"]["x"]["grad"] is None and data["nodes"]["y"]["grad"] is None
    edges = data["edges"]
    assert {
        "from": "w",
        "to": "y_hat",
        "port": "a",
        "shape": [],
        "grad": -2.0,
        "local_grad": 1.0,
    } in edges
    order = [(edges[k]["from"], edges[k]["to"]) for k in data["backward_order"]]
    assert order == [("sub_1", "loss"), ("y_hat", "sub_1"), ("w", "y_hat")]


def test_eval_seed_file_table_shows_chain_rule(capsys):
    code, out, _ = run(capsys, "eval", str(SEED_FILE))
    assert code == 0
    assert "output: loss = 1.0000" in out
    assert (
        "∂loss/∂w (via y_hat.a) = ∂loss/∂y_hat · ∂y_hat/∂w = (-2.0000) · (1.0000) = -2.0000" in out
    )
    assert "used more than once" not in out  # no node of the seed story fans out


FAN_OUT = "x = 3.0\nw = 2.0\ny = x * x\nz = w * x\nloss = y + z"


def test_each_edge_row_names_the_port_it_enters(capsys):
    code, out, _ = run(capsys, "eval", "-e", FAN_OUT)
    assert code == 0
    rows = [line.split(". ", 1)[1] for line in out.splitlines() if line[:4].strip().endswith(".")]
    heads = [row.split(" = ")[0] for row in rows]
    # x enters y twice (both ports of x * x) and z once: three rows, none alike
    assert sorted(h for h in heads if h.startswith("∂loss/∂x ")) == [
        "∂loss/∂x (via y.a)",
        "∂loss/∂x (via y.b)",
        "∂loss/∂x (via z.b)",
    ]
    assert len(set(rows)) == len(rows) == 6
    assert "∂loss/∂w (via z.a)" in heads
    # and the node's gradient is their sum, said once
    assert "∂loss/∂x = 3.0000 (y.a) + 3.0000 (y.b) + 2.0000 (z.b) = 8.0000" in out
    assert "∂loss/∂w = " not in out  # w is used once


def test_set_overrides_a_leaf(capsys):
    code, out, _ = run(capsys, "eval", str(SEED_FILE), "--set", "w=3", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["nodes"]["w"]["value"] == 3.0 and data["nodes"]["w"]["grad"] == 2.0


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["eval", "-e", "x = data(1.0)\ny = relu2(x)"], "line 2: unknown function 'relu2'"),
        (["eval", "-e", "x = (1"], "line 1"),
        (["eval", "missing.json"], "missing.json"),
        (["eval", "-e", SEED, "--set", "q=1"], "no node named 'q'"),
        (["eval", "-e", SEED, "--set", "w=abc"], "not a number"),
        (["eval", "-e", SEED, "--set", "w"], "NAME=VALUE"),
        (
            ["eval", "-e", "w = param([1.0, 2.0])\nv = param([1.0, 2.0, 3.0])\nw + v"],
            "do not broadcast",
        ),
    ],
)
def test_bad_input_gives_one_clear_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert out == ""
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_malformed_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "backprop-studio", "version": 1, "nodes": [{"name": 3}], "edges": []}'
    )
    code, _, err = run(capsys, "eval", str(bad))
    assert code == 1 and "nodes[0]" in err and "Traceback" not in err


def test_usage_error_is_status_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["eval"])
    assert info.value.code == 2


def test_python_dash_m_in_a_fresh_process():
    out = subprocess.run(
        [sys.executable, "-m", "backprop_studio", "eval", "-e", "w = 2.0; w * w", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["nodes"]["w"]["grad"] == 4.0


def test_a_program_file_and_standard_input(tmp_path, capsys, monkeypatch):
    import io

    story = tmp_path / "story.bps"
    story.write_text(SEED.replace("; ", "\n") + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "eval", str(story), "--json")
    assert code == 0
    assert json.loads(out)["nodes"]["w"]["grad"] == -2.0

    monkeypatch.setattr("sys.stdin", io.StringIO(SEED))
    code, out, _ = run(capsys, "eval", "-e", "-", "--json")
    assert code == 0 and json.loads(out)["output"] == 1.0

    monkeypatch.setattr("sys.stdin", io.StringIO("w = ("))
    code, out, err = run(capsys, "eval", "-e", "-")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        "backprop-studio eval: <stdin>: line 1: '(' was never closed"
    ]

    broken = tmp_path / "broken.bps"
    broken.write_bytes(b"w = 1.0\n\xff\xfe")
    code, _, err = run(capsys, "eval", str(broken))
    assert code == 1 and "not UTF-8" in err and len(err.strip().splitlines()) == 1
