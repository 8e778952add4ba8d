"""One test per malformed or hostile document: header, nodes, edges, settings, view and text."""

from __future__ import annotations

import pytest

from backprop_studio.model import document_io
from backprop_studio.model.document_io import (
    MAX_NODES,
    VERSION,
    DocumentError,
    document_from_dict,
    document_to_dict,
    dumps,
    loads,
)
from backprop_studio.model.graph import Graph, Node
from tests.model.document_cases import fails, good, mutated, small_graph


# ---- header ------------------------------------------------------------------------------------
def test_top_level_must_be_an_object():
    fails([1, 2], None, "must be an object", "a list")


def test_format_and_version():
    fails(mutated(lambda d: d.pop("format")), "format", "missing")
    fails(mutated(lambda d: d.update(format="other")), "format", "backprop-studio")
    fails(mutated(lambda d: d.pop("version")), "version", "missing")
    fails(mutated(lambda d: d.update(version=True)), "version", "whole number")
    fails(mutated(lambda d: d.update(version="1")), "version", "whole number")
    fails(mutated(lambda d: d.update(version=0)), "version", "whole number")
    fails(
        mutated(lambda d: d.update(version=VERSION + 1)),
        "version",
        f"newer Backprop Studio (format version {VERSION + 1}); this version reads version "
        f"{VERSION}",
    )


# ---- nodes -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d.pop("nodes"), "nodes", ["missing"]),
        (lambda d: d.update(nodes={}), "nodes", ["must be a list"]),
        (lambda d: d["nodes"].__setitem__(1, "w"), "nodes[1]", ["must be an object"]),
        (lambda d: d["nodes"][1].pop("name"), "nodes[1].name", ["missing"]),
        (lambda d: d["nodes"][1].update(name=3), "nodes[1].name", ["must be a string"]),
        (lambda d: d["nodes"][1].update(name="2w"), "nodes[1].name", ["not a valid name"]),
        (lambda d: d["nodes"][1].update(name="lambda"), "nodes[1].name", ["reserved"]),
        (lambda d: d["nodes"][1].update(name="x"), "nodes[1].name", ["'x' already exists"]),
        (lambda d: d["nodes"][1].pop("op"), "nodes[1].op", ["missing"]),
        (lambda d: d["nodes"][2].update(op="relu2"), "nodes[2].op", ["unknown op 'relu2'"]),
        (lambda d: d["nodes"][2].update(op=None), "nodes[2].op", ["must be a string", "null"]),
        (lambda d: d["nodes"][2].update(label=5), "nodes[2].label", ["must be a string"]),
        (lambda d: d["nodes"][2].update(label="\ud800"), "nodes[2].label", ["Unicode"]),
        (lambda d: d["nodes"][0].pop("position"), "nodes[0].position", ["missing"]),
        (lambda d: d["nodes"][0].update(position=[1]), "nodes[0].position", ["two numbers"]),
        (lambda d: d["nodes"][0].update(position=[1, 2, 3]), "nodes[0].position", ["two"]),
        (lambda d: d["nodes"][0].update(position="1,2"), "nodes[0].position", ["two numbers"]),
        (lambda d: d["nodes"][0].update(position=[True, 2]), "nodes[0].position", ["two"]),
        (
            lambda d: d["nodes"][0].update(position=[float("nan"), 0]),
            "nodes[0].position",
            ["finite"],
        ),
        (lambda d: d["nodes"][0].update(position=[1e300, 0]), "nodes[0].position", ["within"]),
        (lambda d: d["nodes"][0].pop("value"), "nodes[0].value", ["missing"]),
        (
            lambda d: d["nodes"][0].update(value="1.0"),
            "nodes[0].value",
            ["must be a number or a list of numbers", "a string"],
        ),
        (lambda d: d["nodes"][0].update(value=True), "nodes[0].value", ["true/false"]),
        (lambda d: d["nodes"][0].update(value=None), "nodes[0].value", ["null"]),
        (lambda d: d["nodes"][0].update(value={"a": 1}), "nodes[0].value", ["an object"]),
        (lambda d: d["nodes"][0].update(value=[]), "nodes[0].value", ["empty"]),
        (lambda d: d["nodes"][0].update(value=[[1, 2], [3]]), "nodes[0].value", ["rectangular"]),
        (lambda d: d["nodes"][0].update(value=[1, True]), "nodes[0].value", ["number"]),
        (lambda d: d["nodes"][0].update(value=[1, "2"]), "nodes[0].value", ["number"]),
        (lambda d: d["nodes"][0].update(value=float("nan")), "nodes[0].value", ["finite"]),
        (
            lambda d: d["nodes"][3].update(value=[[1, 2], [3, float("-inf")]]),
            "nodes[3].value[1][1]",
            ["finite", "-inf"],
        ),
        (lambda d: d["nodes"][0].update(value=10**400), "nodes[0].value", ["finite"]),
        (lambda d: d["nodes"][0].update(value=[[[[[[[[[1]]]]]]]]]), "nodes[0].value", ["8"]),
        (lambda d: d["nodes"][3].update(shape=[2]), "nodes[3].shape", ["[2]", "[2, 2]"]),
        (lambda d: d["nodes"][3].update(shape="2x2"), "nodes[3].shape", ["whole numbers"]),
        (lambda d: d["nodes"][3].update(shape=[True, 2]), "nodes[3].shape", ["whole numbers"]),
        (lambda d: d["nodes"][2].update(value=1.0), "nodes[2].value", ["only leaves", "mul"]),
    ],
)
def test_bad_nodes(change, path, words):
    fails(mutated(change), path, *words)


def test_shape_is_optional_and_ints_are_numbers():
    doc = mutated(lambda d: [n.pop("shape", None) for n in d["nodes"]])
    doc["nodes"][0]["value"] = 3
    data = document_from_dict(doc)
    assert data.graph.node("x").value == 3.0


def test_what_loading_would_refuse_is_not_written(monkeypatch):
    monkeypatch.setattr(document_io, "MAX_NODES", 3)
    with pytest.raises(DocumentError, match="^nodes: .*at most 3 nodes"):
        dumps(small_graph())
    monkeypatch.undo()
    monkeypatch.setattr(document_io, "MAX_BYTES", 100)
    with pytest.raises(DocumentError, match="too large"):
        dumps(small_graph())


def test_too_many_nodes_is_refused_before_building():
    node = {"name": "n", "op": "add", "position": [0, 0]}
    doc = mutated(lambda d: d.update(nodes=[node] * (MAX_NODES + 1)))
    fails(doc, "nodes", f"{MAX_NODES:,}")


# ---- edges and output --------------------------------------------------------------------------
def edge(src: str, dst: str, port: str) -> dict:
    return {"from": src, "to": dst, "port": port}


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d.pop("edges"), "edges", ["missing"]),
        (lambda d: d.update(edges=None), "edges", ["must be a list"]),
        (lambda d: d["edges"].append([1]), "edges[2]", ["must be an object"]),
        (lambda d: d["edges"].append({"to": "y_hat"}), "edges[2].from", ["missing"]),
        (lambda d: d["edges"][0].update(to=7), "edges[0].to", ["must be a string"]),
        (lambda d: d["edges"][0].update(port=None), "edges[0].port", ["must be a string"]),
        (lambda d: d["edges"][0].update({"from": "ghost"}), "edges[0].from", ["'ghost'"]),
        (lambda d: d["edges"][0].update(to="ghost"), "edges[0].to", ["'ghost'"]),
        (lambda d: d["edges"][0].update(port="c"), "edges[0].port", ["no input 'c'"]),
        (lambda d: d["edges"][0].update(to="x"), "edges[0].to", ["leaf"]),
        (
            lambda d: d["edges"].append(edge("m", "y_hat", "a")),
            "edges[2]",
            ["input 'a' of 'y_hat' is already fed by edges[0]"],
        ),
        (lambda d: d["edges"].__setitem__(1, edge("y_hat", "y_hat", "b")), "edges[1]", ["cycle"]),
        (lambda d: d.update(output=3), "output", ["must be a string"]),
        (lambda d: d.update(output="ghost"), "output", ["no node named 'ghost'"]),
    ],
)
def test_bad_edges_and_output(change, path, words):
    fails(mutated(change), path, *words)


def test_cycle_names_the_edge():
    g = Graph()
    g.extend([Node("a", "neg"), Node("b", "neg")], [])
    g.connect("a", "b", "a")
    doc = document_to_dict(g)
    doc["edges"].append(edge("b", "a", "a"))
    fails(doc, "edges[1]", "connecting 'b' to 'a' would make a cycle")


# ---- settings and view -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("settings_", "path", "words"),
    [
        ([], "settings", ["must be an object"]),
        ({"dtype": "float16"}, "settings.dtype", ["float64, float32"]),
        ({"training": 3}, "settings.training", ["must be an object"]),
        ({"training": {"optimizer": "rmsprop"}}, "settings.training.optimizer", ["adam"]),
        ({"training": {"lr": 0}}, "settings.training.lr", ["must be a positive number"]),
        ({"training": {"lr": -1}}, "settings.training.lr", ["positive"]),
        ({"training": {"lr": "0.1"}}, "settings.training.lr", ["positive number"]),
        ({"training": {"lr": True}}, "settings.training.lr", ["true/false"]),
        ({"training": {"lr": float("inf")}}, "settings.training.lr", ["finite"]),
        ({"training": {"steps": 1.5}}, "settings.training.steps", ["whole number"]),
        ({"training": {"steps": 0}}, "settings.training.steps", ["whole number"]),
        ({"training": {"steps": 10**9}}, "settings.training.steps", ["1,000,000"]),
        ({"training": {"momentum": 1}}, "settings.training.momentum", ["less than 1"]),
        ({"training": {"clip": 0}}, "settings.training.clip", ["positive"]),
        ({"training": {"clip": "no"}}, "settings.training.clip", ["positive number"]),
        ({"extra": [1, float("nan")]}, "settings.extra[1]", ["finite"]),
        ({"training": {"extra": {"k": set()}}}, "settings.training.extra.k", ["set"]),
    ],
)
def test_bad_settings(settings_, path, words):
    fails(mutated(lambda d: d.update(settings=settings_)), path, *words)


@pytest.mark.parametrize(
    ("view", "path", "words"),
    [
        ("big", "view", ["must be an object"]),
        ({"center": [0]}, "view.center", ["two numbers"]),
        ({"center": [0, float("nan")]}, "view.center", ["finite"]),
        ({"zoom": 0}, "view.zoom", ["positive"]),
        ({"zoom": None}, "view.zoom", ["positive number", "null"]),
    ],
)
def test_bad_view(view, path, words):
    fails(mutated(lambda d: d.update(view=view)), path, *words)


def test_first_problem_is_reported():
    doc = good()
    doc["nodes"][1]["op"] = "nope"
    doc["edges"][0]["to"] = "ghost"
    doc["settings"] = {"dtype": 1}
    fails(doc, "nodes[1].op", "unknown op 'nope'")


# ---- text-level hostility ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ["empty"]),
        ("  \n", ["empty"]),
        ("{", ["not valid JSON", "line 1"]),
        ("[1, 2,]", ["not valid JSON"]),
        ('{"format": "backprop-studio", "format": "x"}', ["'format' appears twice"]),
        ("[" * 10_000 + "]" * 10_000, ["too deeply"]),
        ('{"a":' * 10_000 + "1" + "}" * 10_000, ["too deeply"]),
        ("1" * 5000, ["not valid JSON"]),
    ],
)
def test_bad_text(text, words):
    for form in (text, text.encode("utf-8")):
        with pytest.raises(DocumentError) as info:
            loads(form)
        for word in words:
            assert word in str(info.value)


def test_deep_value_in_a_document_is_refused_cleanly():
    doc = dumps(small_graph()).replace(
        '"value": 1.0', '"value": ' + "[" * 10_000 + "1" + "]" * 10_000, 1
    )
    with pytest.raises(DocumentError, match="too deeply"):
        loads(doc)
    doc = dumps(small_graph()).replace('"value": 1.0', '"value": ' + "[" * 500 + "1" + "]" * 500, 1)
    with pytest.raises(DocumentError, match=r"^nodes\[0\]\.value: .*8 dimensions"):
        loads(doc)


def test_nan_and_infinity_literals_and_overflowing_numbers_are_refused_with_a_path():
    base = dumps(small_graph())
    for literal in ("NaN", "Infinity", "-Infinity", "1e400"):
        with pytest.raises(DocumentError, match=r"^nodes\[0\]\.value: must be finite"):
            loads(base.replace('"value": 1.0', f'"value": {literal}', 1))
    with pytest.raises(DocumentError, match=r"^nodes\[0\]\.position: "):
        loads(base.replace('"position": [0.0, 0.0]', '"position": [NaN, 0]', 1))


def test_byte_order_mark_is_accepted_but_other_encodings_are_not():
    text = dumps(small_graph())
    assert loads(b"\xef\xbb\xbf" + text.encode()).graph.structure() == small_graph().structure()
    with pytest.raises(DocumentError, match="not UTF-8"):
        loads(text.encode("utf-16"))
    with pytest.raises(DocumentError, match="not UTF-8"):
        loads(text.replace("ŷ", "\xff").encode("latin-1"))


def test_huge_text_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(document_io, "MAX_BYTES", 1000)
    text = dumps(small_graph()) + " " * 1000
    for form in (text, text.encode()):
        with pytest.raises(DocumentError, match="too large"):
            loads(form)


def test_non_text_input_is_refused():
    with pytest.raises(DocumentError):
        loads(None)  # type: ignore[arg-type]
