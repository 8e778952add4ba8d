"""``backprop-studio check``: the JSON contract, exit status 0/1/2, files, programs and stdin."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from backprop_studio.model.gallery import EXAMPLES, example_path

from .test_cli import SEED, run

KINK = "w = 0.0\nrelu(w) + w"


def test_check_seed_program_json(capsys):
    code, out, err = run(capsys, "check", "-e", SEED, "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["ok", "params"]
    assert data["ok"] is True
    assert list(data["params"]) == ["w"]
    w = data["params"]["w"]
    assert w["ok"] is True and w["checked"] == 1
    assert 0 <= w["max_rel_error"] < 1e-8


def test_a_kink_exits_1_and_the_table_explains_it(capsys):
    code, out, err = run(capsys, "check", "-e", KINK)
    assert code == 1 and err == ""
    assert "✗ w" in out
    assert "finite difference 1.5, autograd 1" in out
    assert "kink" in out and "'relu_1' (relu)" in out
    code, out, _ = run(capsys, "check", "-e", KINK, "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["params"]["w"]["ok"] is False


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_every_gallery_file_checks(capsys, example):
    code, out, err = run(capsys, "check", str(example_path(example.name)), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] and all(p["ok"] for p in data["params"].values())


def test_program_file_and_stdin(capsys, tmp_path, monkeypatch):
    path = tmp_path / "kink.bps"
    path.write_text(KINK, encoding="utf-8")
    assert run(capsys, "check", str(path), "--json")[0] == 1
    monkeypatch.setattr("sys.stdin", io.StringIO(SEED))
    code, out, _ = run(capsys, "check", "-e", "-")
    assert code == 0 and "✓ w" in out and "all agree" in out


def test_set_moves_the_point_off_the_kink(capsys):
    code, _, _ = run(capsys, "check", "-e", KINK, "--set", "w=1.0")
    assert code == 0


@pytest.mark.parametrize(
    ("argv", "status", "words"),
    [
        (["check"], 2, "give a FILE or -e PROGRAM"),
        (["check", "-e", SEED, "--jsn"], 2, "did you mean '--json'"),
        (["check", "-e", "x = data(1.0)\nx * 2"], 1, "no parameter to check"),
        (["check", "-e", "w = -1.0\nlog(w)"], 1, "not finite"),
        (["check", "-e", "w = = 1"], 1, "line 1"),
        (["check", "missing.json"], 1, "missing.json"),
    ],
)
def test_bad_input_is_one_line(capsys, argv, status, words):
    with pytest.raises(SystemExit) if status == 2 else contextlib.nullcontext():
        code, out, err = run(capsys, *argv)
        assert code == status and out == ""
        assert len(err.strip().splitlines()) == 1 and words in err
    if status == 2:
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1


def test_help_lists_check(capsys):
    code, out, _ = run(capsys, "help", "check")
    assert code == 0 and "finite difference" in out
