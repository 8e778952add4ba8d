"""Real CSV files to the values and attributes of data leaves: labels, gaps, standardisation."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pytest

from backprop_studio.model.csv_data import CsvError, parse_csv, read_csv
from backprop_studio.model.csv_prepare import CsvChoice, apply_transform, prepare
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.recipes import bindings

DATA = Path(__file__).parents[1] / "data"
IRIS = ("setosa", "versicolor", "virginica")


def load(name: str, **choice):
    table = read_csv(DATA / name)
    return table, prepare(table, CsvChoice(**choice), name)


@pytest.mark.parametrize(
    ("name", "target", "shape", "classes"),
    [
        ("iris.csv", "species", (150, 4), IRIS),
        ("wine.csv", "cultivar", (178, 13), ("class_0", "class_1", "class_2")),
        ("breast_cancer.csv", "diagnosis", (569, 30), ("benign", "malignant")),
        ("bom.csv", "kind", (4, 2), ('big "x"', "small, round")),
    ],
)
def test_real_files_load_to_their_shape_and_labels(name, target, shape, classes):
    table, data = load(name, target=target)
    assert table.has_header and (len(data.x), len(data.x[0])) == shape
    assert data.y_attrs["class_names"] == classes and data.classes == classes
    assert data.x_attrs["columns"] == tuple(c for c in table.columns if c != target)
    labels = table.texts(table.column_index(target))
    assert [classes[int(row[0])] for row in data.y] == labels  # the mapping is kept exactly


def test_a_european_file():
    table, data = load("european.csv", target="Art")
    assert (table.encoding, table.delimiter, table.decimal) == ("cp1252", ";", ",")
    assert table.columns[0] == "Kelchblatt Länge"
    assert (len(data.x), len(data.x[0])) == (15, 4) and data.x[0] == [5.1, 3.5, 1.4, 0.2]
    assert data.classes[0] == "Borstige Schwertlilie" and len(data.classes) == 3


def test_classes_are_numbered_in_sorted_order():
    table = parse_csv("v,k\n1,dog\n2,cat\n3,dog\n4,ant\n")
    data = prepare(table, CsvChoice(target="k"), "t.csv")
    assert data.classes == ("ant", "cat", "dog")
    assert data.y == [[2.0], [1.0], [2.0], [0.0]]
    onehot = prepare(table, CsvChoice(target="k", labels="onehot"), "t.csv")
    assert onehot.y == [[0, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]]
    assert onehot.y_attrs["labels"] == "onehot"
    numbers = parse_csv("v,w\n1,0\n2,1\n3,1\n")
    numeric = prepare(numbers, CsvChoice(target="w"), "t.csv")
    assert numeric.y == [[0.0], [1.0], [1.0]] and "class_names" not in numeric.y_attrs
    coded = prepare(numbers, CsvChoice(target="w", labels="onehot"), "t.csv")
    assert coded.y == [[1, 0], [0, 1], [0, 1]] and coded.classes == ("0", "1")


def test_missing_values_refused_dropped_or_filled():
    with pytest.raises(CsvError, match="line 5, column 'sepal_width' is missing"):
        load("na_gaps.csv", target="species")
    table, dropped = load("na_gaps.csv", target="species", missing="drop")
    assert len(dropped.x) == 26 and dropped.dropped == 4
    _, filled = load("na_gaps.csv", target="species", missing="mean")
    assert len(filled.x) == 29 and filled.x_attrs["missing"] == "mean"  # no label: dropped
    widths = [r[1] for i, r in enumerate(filled.x) if i != 3]
    assert filled.x[3][1] == pytest.approx(statistics.fmean(widths))
    assert all(math.isfinite(v) for row in filled.x for v in row)


def test_standardised_features_keep_their_transform():
    table, data = load("wine.csv", target="cultivar", standardize=True)
    raw = table.select(data.x_attrs["columns"])
    for j in range(13):
        column = [row[j] for row in data.x]
        assert statistics.fmean(column) == pytest.approx(0, abs=1e-12)
        assert statistics.pstdev(column) == pytest.approx(1)
        assert data.x_attrs["mean"][j] == pytest.approx(statistics.fmean(r[j] for r in raw))
    assert apply_transform(raw[:3], data.x_attrs) == data.x[:3]


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"target": "species", "features": ("species",)}, "both a feature and the target"),
        ({"target": "sepal_length", "features": ("species",)}, "'setosa' is not a number"),
        ({"target": "species", "labels": "words"}, "labels must be 'index' or 'onehot'"),
        ({"target": "species", "missing": "guess"}, "missing must be 'refuse'"),
        ({"target": "kind"}, "there is no column named 'kind'"),
    ],
)
def test_bad_choices_are_one_line(choice, message):
    with pytest.raises(CsvError, match=message):
        load("iris.csv", **choice)


def test_the_leaves_are_valid_nodes_and_one_binding():
    _, data = load("iris.csv", target="species", standardize=True)
    graph = Graph()
    graph.add_node(Node("x", "data", value=data.x, attrs=data.x_attrs))
    graph.add_node(Node("y", "data", value=data.y, attrs=data.y_attrs))
    (binding,) = bindings(graph.nodes)
    assert (binding.features, binding.targets, binding.classes) == ("x", "y", 3)
    assert binding.class_names == IRIS
    assert binding.transform == (data.x_attrs["mean"], data.x_attrs["std"])
