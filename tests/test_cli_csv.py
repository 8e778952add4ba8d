"""``backprop-studio train -e 'x, y = csv("iris.csv", …) …'``: headless, the file relative to the
working folder, one line on stderr when it is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.test_cli import run

DATA = Path(__file__).parent / "data"
PROGRAM = (
    'x, y = csv("iris.csv", target="species", standardize=True); '
    'W = param(shape=(4, 3), init="xavier"); b = param(shape=(3,), init="zeros"); '
    "loss = cross_entropy(x @ W + b, y)"
)


def test_train_a_csv_program_headless(capsys, tmp_path, monkeypatch):
    shutil.copy(DATA / "iris.csv", tmp_path / "iris.csv")
    monkeypatch.chdir(tmp_path)
    args = ("train", "-e", PROGRAM, "--optimizer", "adam", "--lr", "0.1", "--steps", "200")
    code, out, err = run(capsys, *args, "--json")
    assert code == 0 and err == ""
    losses = json.loads(out)["losses"]
    assert len(losses) == 200 and losses[-1] < 0.2 < losses[0]


def test_a_missing_csv_file_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "train", "-e", PROGRAM)
    assert code == 1 and out == ""
    assert err == (
        "backprop-studio train: line 1: csv: cannot open 'iris.csv': No such file or directory\n"
    )
