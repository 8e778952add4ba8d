"""``x, y = csv("iris.csv", target=…)`` in a program: read at parse time, self-contained after."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backprop_studio.model.program import ProgramError, parse_program, to_program

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    for name in ("iris.csv", "na_gaps.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_csv_gives_two_leaves_with_values_and_origin(folder):
    graph = parse_program('x, y = csv("iris.csv", target="species", standardize=True)\nsum(x)')
    x, y = graph.node("x"), graph.node("y")
    assert x.op == y.op == "data" and len(x.value) == len(y.value) == 150
    assert x.attrs["csv"] == "iris.csv" and len(x.attrs["mean"]) == 4
    assert y.attrs["class_names"] == ("setosa", "versicolor", "virginica")
    assert y.value[0] == [0.0] and y.value[-1] == [2.0]


def test_options_pick_features_and_encode_labels(folder):
    graph = parse_program(
        'a, b = csv("na_gaps.csv", target="species", features=("petal_length", "petal_width"), '
        'labels="onehot", missing="drop")\nsum(a)'
    )
    assert graph.node("a").attrs["columns"] == ("petal_length", "petal_width")
    # only gaps in the chosen columns drop a row: one petal length, one species
    assert len(graph.node("a").value) == 28 and graph.node("b").value[0] == [1.0, 0.0, 0.0]
    assert (
        graph.node("b").attrs["labels"] == "onehot" and graph.node("a").attrs["missing"] == "drop"
    )


def test_reading_options_when_detection_guesses_wrong(folder):
    (folder / "plain.txt").write_text("1;2;a\n3;4;b\n5;6;a\n")
    graph = parse_program('x, y = csv("plain.txt", target=2, header=False, delimiter=";")\nsum(x)')
    assert graph.node("x").value == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    assert graph.node("x").attrs["columns"] == ("0", "1")
    assert graph.node("y").attrs["class_names"] == ("a", "b")


def test_the_text_written_back_needs_no_file(folder):
    text = 'x, y = csv("iris.csv", target="species", standardize=True)\nsum(x)'
    graph = parse_program(text)
    written = to_program(graph)
    (folder / "iris.csv").unlink()
    again = parse_program(written)
    for name in ("x", "y"):
        assert again.node(name).value == graph.node(name).value
        assert again.node(name).attrs == graph.node(name).attrs


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('x, y = csv("missing.csv", target="a")', "line 1: csv: cannot open 'missing.csv'"),
        ('x, y = csv("iris.csv")', 'name the column to predict: target="species"'),
        ('x, y = csv("iris.csv", target="kind")', "there is no column named 'kind'"),
        ('x, y = csv("iris.csv", target="species", colour=1)', "unknown keyword 'colour'"),
        ('x, y = csv("iris.csv", target="species", standardize=1)', "standardize=1 is not a bool"),
        ('x, y = csv("iris.csv", target=True)', "target=True is not a str or int"),
        ('x, y = csv("iris.csv", target="species", features=True)', "features=True is not"),
        ('x, y = csv("iris.csv", target="species", decimal=";")', "decimal= is '.' or ','"),
        ('x, y = csv("na_gaps.csv", target="species")', "line 5, column 'sepal_width'"),
        ('x, y = csv(target="species")', "csv(...) takes the file's name first"),
        ('x = csv("iris.csv", target="species")', "csv(...) gives two leaves"),
        ('x, y, z = csv("iris.csv", target="species")', "write the features and targets"),
    ],
)
def test_bad_csv_lines_are_one_message(folder, text, message):
    with pytest.raises(ProgramError) as info:
        parse_program(text + "\nsum(x)")
    assert message in str(info.value)


def test_applying_the_readable_text_keeps_a_csv_leafs_exact_numbers_and_origin(folder):
    from backprop_studio.model.program_writer import keep_exact_values

    graph = parse_program('x, y = csv("iris.csv", target="species", standardize=True)\nw = 1.0')
    shown = to_program(graph, 6)  # what the program view shows: six digits
    applied = parse_program(shown.replace("w = 1.0", "w = 2.0"))
    assert applied.node("x").value != graph.node("x").value  # the text rounds
    keep_exact_values(graph, applied, 6)
    for name in ("x", "y"):
        assert applied.node(name).value == graph.node(name).value
        assert applied.node(name).attrs == graph.node(name).attrs
