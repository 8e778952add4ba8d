"""Documents with attributes: stored only when present, recipes without values, paths on errors."""

from __future__ import annotations

import json

import pytest

from backprop_studio.model.document_io import DocumentError, document_to_dict, dumps, loads
from backprop_studio.model.program import parse_program
from tests.builders import seed_graph

PROGRAM = """\
x, y = dataset("xor", n=8, noise=0.05, seed=3)
W = param(shape=(2, 4), init="xavier_normal", seed=2)
h = tanh(x @ W)
s = sum(h, axis=1)
loss = mse(s, y)
"""


def _doc(nodes, edges=(), output=None):
    return {"format": "backprop-studio", "version": 1, "nodes": nodes, "edges": list(edges)}


def test_documents_without_attrs_are_unchanged():
    doc = document_to_dict(seed_graph())
    assert all("attrs" not in node for node in doc["nodes"])
    assert loads(json.dumps(doc)).graph.structure() == seed_graph().structure()


def test_round_trip_with_attrs_and_recipes():
    g = parse_program(PROGRAM)
    text = dumps(g, {"training": {"batch_size": 4, "shuffle": False, "seed": 1}})
    doc = json.loads(text)
    nodes = {n["name"]: n for n in doc["nodes"]}
    assert nodes["x"]["attrs"] == {"dataset": "xor", "n": 8, "noise": 0.05, "seed": 3, "part": "x"}
    assert "value" not in nodes["x"] and nodes["x"]["shape"] == [8, 2]
    assert nodes["W"]["attrs"] == {"shape": [2, 4], "init": "xavier_normal", "seed": 2}
    assert "value" not in nodes["W"] and nodes["W"]["shape"] == [2, 4]
    assert nodes["s"]["attrs"] == {"axis": 1}
    assert "attrs" not in nodes["h"]
    data = loads(text)
    assert data.graph.structure() == g.structure()
    assert data.settings["training"]["batch_size"] == 4
    assert data.settings["training"]["shuffle"] is False
    assert len(text) < 2000  # eight rows and eight weights are not stored


def test_csv_leaves_store_values_and_origin():
    g = parse_program('x = data([[1.0], [2.0]], csv="a.csv", columns=("a",))\nout = sum(x)')
    doc = json.loads(dumps(g))
    assert doc["nodes"][0]["attrs"] == {"csv": "a.csv", "columns": ["a"]}
    assert doc["nodes"][0]["value"] == [[1.0], [2.0]]
    assert loads(dumps(g)).graph.structure() == g.structure()


LEAF = {"name": "w", "op": "param", "position": [0, 0]}
SUM = {"name": "s", "op": "sum", "position": [0, 0]}


@pytest.mark.parametrize(
    ("node", "path", "words"),
    [
        ({**SUM, "attrs": {"axis": "1"}}, "nodes[0].attrs.axis", "axis must be a whole number"),
        ({**SUM, "attrs": {"axes": 1}}, "nodes[0].attrs.axes", "sum has no attribute 'axes'"),
        ({**SUM, "attrs": [1]}, "nodes[0].attrs", "must be an object"),
        (
            {**LEAF, "attrs": {"init": "glorot", "shape": [2]}},
            "nodes[0].attrs.init",
            "unknown initialiser",
        ),
        ({**LEAF, "attrs": {"init": "normal"}}, "nodes[0].attrs.shape", "needs a shape"),
        (
            {**LEAF, "attrs": {"init": "normal", "shape": [2, -1]}},
            "nodes[0].attrs.shape",
            "at least 1",
        ),
        (
            {**LEAF, "attrs": {"init": "normal", "shape": [2]}, "value": [1.0, 2.0]},
            "nodes[0].value",
            "stores no value",
        ),
        (
            {**LEAF, "attrs": {"init": "normal", "shape": [2]}, "shape": [3]},
            "nodes[0].shape",
            "does not match the recipe",
        ),
        (
            {**LEAF, "op": "data", "attrs": {"csv": "a.csv", "columns": [0]}},
            "nodes[0].value",
            "missing",
        ),
        ({**LEAF, "attrs": {"seed": 1}, "value": 1.0}, "nodes[0].attrs.seed", "only applies"),
    ],
)
def test_bad_attrs_report_the_json_path(node, path, words):
    with pytest.raises(DocumentError) as info:
        loads(json.dumps(_doc([node])))
    assert info.value.path == path or str(info.value).startswith(path)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("training", "path", "words"),
    [
        ({"batch_size": 0}, "settings.training.batch_size", "null (full batch) or a whole"),
        ({"batch_size": 2.5}, "settings.training.batch_size", "whole number"),
        ({"shuffle": 1}, "settings.training.shuffle", "true or false"),
        ({"seed": -1}, "settings.training.seed", "whole number from 0"),
        ({"device": "tpu"}, "settings.training.device", "cpu, cuda, mps"),
        ({"expect_loss_below": 0}, "settings.training.expect_loss_below", "positive"),
    ],
)
def test_training_settings_are_checked(training, path, words):
    doc = {**document_to_dict(seed_graph()), "settings": {"training": training}}
    with pytest.raises(DocumentError) as info:
        loads(json.dumps(doc))
    assert info.value.path == path
    assert words in str(info.value)
