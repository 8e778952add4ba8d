"""The command line under hostile input: one line and status 1, the same for every command."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from backprop_studio.canvas.flow.frames import MAX_FRAME_MS
from backprop_studio.cli import evaluate as cli_commands
from backprop_studio.cli.main import main
from backprop_studio.model import embedded
from backprop_studio.model.limits import MAX_GRAPH_ELEMENTS
from tests.test_cli import SEED_FILE, run

MISSING_INPUT = {
    "format": "backprop-studio",
    "version": 1,
    "nodes": [
        {"name": "w", "op": "param", "position": [0, 0], "value": 1.0},
        {"name": "m", "op": "mul", "position": [1, 0]},
    ],
    "edges": [{"from": "w", "to": "m", "port": "a"}],
}


def write(tmp_path, name: str, doc: dict):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("command", "out"),
    [
        (["eval"], None),
        (["train", "--steps", "2"], None),
        (["export", "-o"], "m.png"),
        (["export", "-o"], "m.svg"),
        (["export", "-o"], "m.gif"),
        (["export", "-o"], "m.py"),
    ],
)
def test_a_graph_with_a_problem_is_status_1_for_every_command(capsys, tmp_path, command, out):
    path = write(tmp_path, "missing.json", MISSING_INPUT)
    argv = [command[0], path, *command[1:]] + ([str(tmp_path / out)] if out else [])
    code, _, err = run(capsys, *argv)
    assert code == 1 and one_line(err) and "'m' (×) needs input 'b' connected" in err
    assert out is None or not (tmp_path / out).exists()


def test_no_values_draws_a_graph_with_a_problem(capsys, tmp_path):
    path = write(tmp_path, "missing.json", MISSING_INPUT)
    out = tmp_path / "m.svg"
    assert run(capsys, "export", path, "-o", str(out), "--no-values")[0] == 0 and out.exists()


@pytest.mark.parametrize("command", ["eval", "train", "export"])
def test_help_states_the_exit_status(capsys, command):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "exit status: 0 done; 1 bad input" in " ".join(capsys.readouterr().out.split())


def test_a_deeply_nested_set_value_is_one_line(capsys):
    deep = "[" * 1000 + "1" + "]" * 1000
    code, _, err = run(capsys, "eval", "-e", "w = 1.0\nw * w", "--set", f"w={deep}")
    assert code == 1 and one_line(err) and "--set w" in err


def test_a_very_slow_gif_holds_its_frames_as_long_as_a_gif_can(capsys, tmp_path):
    out = tmp_path / "slow.gif"
    code, _, err = run(capsys, "export", str(SEED_FILE), "-o", str(out), "--speed", "0.0001")
    assert code == 0, err
    with Image.open(out) as image:
        durations = []
        for i in range(image.n_frames):
            image.seek(i)
            durations.append(image.info["duration"])
    assert max(durations) == MAX_FRAME_MS


def test_a_broadcast_too_large_is_one_line_naming_the_node(capsys):
    program = (
        'a = param(init="zeros", shape=(20000, 1))\n'
        'b = param(init="zeros", shape=(1, 20000))\nbig = a + b\ns = sum(big)'
    )
    code, _, err = run(capsys, "eval", "-e", program)
    assert code == 1 and one_line(err) and "'big' (+)" in err and "20,000×20,000" in err


def test_ten_large_recipes_are_one_line(capsys, tmp_path):
    leaf = {"op": "param", "position": [0, 0], "attrs": {"init": "normal", "shape": [10000, 1000]}}
    doc = {**MISSING_INPUT, "nodes": [{"name": f"w{i}", **leaf} for i in range(10)], "edges": []}
    code, _, err = run(capsys, "eval", write(tmp_path, "ten.json", doc))
    assert code == 1 and one_line(err) and f"{MAX_GRAPH_ELEMENTS:,}" in err


def test_an_svg_with_a_bogus_encoding_is_one_line(capsys, tmp_path):
    path = tmp_path / "bogus.svg"
    path.write_text(
        '<?xml version="1.0" encoding="bogus"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
        f"{embedded.svg_metadata('{}')}</svg>"
    )
    code, _, err = run(capsys, "eval", str(path))
    assert code == 1 and one_line(err) and "encoding" in err


def test_running_out_of_memory_is_one_line(capsys, monkeypatch):
    def no_memory(_ns):
        raise MemoryError

    monkeypatch.setattr(cli_commands, "run_eval", no_memory)
    code, _, err = run(capsys, "eval", str(SEED_FILE))
    assert code == 1 and one_line(err) and "not enough memory" in err


@pytest.mark.parametrize(
    ("program", "kind"), [("w = -1.0\nlog(w)", "(nan)"), ("w = 0.0\nlog(w)", "(-inf)")]
)
def test_non_finite_results_are_named_as_they_are(capsys, program, kind):
    code, _, err = run(capsys, "eval", "-e", program)
    assert code == 1 and one_line(err) and kind in err


def test_a_huge_scale_is_one_short_line(capsys, tmp_path):
    out = tmp_path / "huge.png"
    code, _, err = run(capsys, "export", str(SEED_FILE), "-o", str(out), "--scale", "1e300")
    assert code == 1 and one_line(err) and len(err) < 200 and "too large" in err
    assert not out.exists()
