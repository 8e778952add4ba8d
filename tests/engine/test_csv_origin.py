"""The label mapping and the standardisation of CSV leaves survive a save and a reopen, and the
exported script: it names the classes, applies the same transform and reproduces the numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from backprop_studio.engine.codegen import to_script
from backprop_studio.engine.training import TrainSettings, train
from backprop_studio.model.csv_data import read_csv
from backprop_studio.model.document_io import load_document, save_document
from backprop_studio.model.program import parse_program
from tests.engine.test_codegen import assert_matches_studio, parse, run_in_process
from tests.engine.test_csv_training import SOFTMAX

DATA = Path(__file__).parents[1] / "data"
SETTINGS = {"dtype": "float64", "training": {"optimizer": "adam", "lr": 0.05, "steps": 40}}


@pytest.fixture
def iris(tmp_path, monkeypatch):
    shutil.copy(DATA / "iris.csv", tmp_path / "iris.csv")
    monkeypatch.chdir(tmp_path)
    return parse_program(SOFTMAX)


def test_save_and_reopen_keep_classes_and_transform(iris, tmp_path):
    path = tmp_path / "iris.json"
    save_document(path, iris, SETTINGS)
    (tmp_path / "iris.csv").unlink()  # the document holds the rows
    again = load_document(path).graph
    for name in ("x", "y"):
        assert again.node(name).attrs == iris.node(name).attrs
        assert again.node(name).value == iris.node(name).value
    assert again.node("y").attrs["class_names"] == ("setosa", "versicolor", "virginica")
    assert again.node("x").attrs["mean"] == iris.node("x").attrs["mean"]  # exact floats


def test_the_script_names_the_classes_and_standardises_new_rows(iris):
    script = to_script(iris, SETTINGS, train=True)
    assert 'y_classes = ["setosa", "versicolor", "virginica"]' in script
    space: dict = {"__name__": "generated"}
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(script, "<generated>", "exec"), space)
    raw = read_csv(DATA / "iris.csv").select(iris.node("x").attrs["columns"])
    again = space["standardise_x"](raw)
    assert torch.equal(again, torch.tensor(iris.node("x").value, dtype=torch.float64))


def test_the_script_reproduces_the_studios_training(iris):
    found = parse(run_in_process(to_script(iris, SETTINGS, train=True)))
    assert_matches_studio(iris, found)
    losses, trainer = train(iris, 40, TrainSettings.from_dict(SETTINGS))
    assert found["training"]["losses"] == losses
    for name, value in trainer.param_values().items():
        assert found["training"][f"trained {name}"] == value
