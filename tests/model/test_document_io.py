"""The JSON document: round trips, the seed example, and one test per malformed or hostile input."""

from __future__ import annotations

import json
import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_studio.model import document_io
from backprop_studio.model.document_io import (
    DEFAULT_SETTINGS,
    FORMAT,
    MAX_NODES,
    VERSION,
    DocumentData,
    DocumentError,
    document_from_dict,
    document_to_dict,
    dumps,
    load_document,
    loads,
    save_document,
)
from backprop_studio.model.document_schema import normalise_settings, normalise_view
from backprop_studio.model.gallery import example_path
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.ops import LEAF_OPS, OPS


def small_graph() -> Graph:
    """A product of two leaves and a tensor data leaf: not the seed story, a document's shapes."""
    g = Graph()
    g.extend(
        [
            Node("x", "data", "", (0, 0), 1.0),
            Node("w", "param", "", (0, 110), 1.0),
            Node("y_hat", "mul", "ŷ", (220, 55)),
            Node("m", "data", "", (0, 220), [[1, 2.5], [3, -4e-3]]),
        ],
        [],
    )
    g.connect("w", "y_hat", "a")
    g.connect("x", "y_hat", "b")
    g.set_output("y_hat")
    return g


def good() -> dict:
    return document_to_dict(small_graph())


def fails(data: object, path: str | None, *words: str) -> DocumentError:
    """document_from_dict refuses ``data``; the message starts with ``path`` and says ``words``."""
    with pytest.raises(DocumentError) as info:
        document_from_dict(data)
    error = info.value
    assert error.path == path, str(error)
    if path:
        assert str(error).startswith(f"{path}: "), str(error)
    assert "\n" not in str(error)
    for word in words:
        assert word in str(error), str(error)
    return error


def mutated(change) -> dict:
    doc = good()
    change(doc)
    return doc


# ---- round trips -------------------------------------------------------------------------------
def test_round_trip_through_text_keeps_structure_settings_and_view():
    g = small_graph()
    s = {"dtype": "float32", "training": {"optimizer": "adam", "lr": 0.5, "clip": 2.0}}
    v = {"center": (12.5, -3.0), "zoom": 2.0}
    data = loads(dumps(g, s, v))
    assert data.graph.structure() == g.structure()
    assert data.settings["dtype"] == "float32"
    assert data.settings["training"] == {
        "optimizer": "adam",
        "lr": 0.5,
        "steps": 100,
        "momentum": 0.9,
        "clip": 2.0,
    }
    assert data.view == {"center": (12.5, -3.0), "zoom": 2.0}
    again = loads(dumps(data.graph, data.settings, data.view))
    assert (again.settings, again.view) == (data.settings, data.view)


def test_round_trip_through_a_file(tmp_path):
    g = small_graph()
    path = tmp_path / "doc.json"
    save_document(path, g, {"training": {"steps": 7}})
    data = load_document(path)
    assert isinstance(data, DocumentData)
    assert data.graph.structure() == g.structure()
    assert data.settings["training"]["steps"] == 7
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_written_document_has_every_key_and_defaults():
    doc = json.loads(dumps(Graph()))
    assert doc == {
        "format": FORMAT,
        "version": 1,  # the oldest version that holds it: older readers open it
        "nodes": [],
        "edges": [],  # and no "blocks": a graph without them reads as version 1 did
        "output": None,
        "settings": DEFAULT_SETTINGS,
        "view": {"center": [0.0, 0.0], "zoom": 1.0},
    }


def test_text_is_utf8_with_one_node_per_line():
    text = dumps(small_graph())
    assert '"label": "ŷ"' in text
    assert any(line.strip().startswith('{"name": "y_hat"') for line in text.splitlines())


def test_optional_keys_are_filled_and_unknown_keys_kept_or_ignored():
    doc = good()
    for key in ("output", "settings", "view"):
        del doc[key]
    for node in doc["nodes"]:
        del node["label"]
    doc["future_feature"] = {"anything": [1, 2]}
    data = document_from_dict(doc)
    assert data.graph.explicit_output is None
    assert data.settings == DEFAULT_SETTINGS
    assert data.view == {"center": (0.0, 0.0), "zoom": 1.0}
    doc = good()
    doc["settings"]["theme"] = {"accent": "teal"}
    doc["settings"]["training"]["beta2"] = 0.999
    doc["view"]["grid"] = True
    data = document_from_dict(doc)
    assert data.settings["theme"] == {"accent": "teal"}
    assert data.settings["training"]["beta2"] == 0.999
    assert data.view["grid"] is True
    assert json.loads(dumps(data.graph, data.settings, data.view))["settings"]["theme"]


def test_caller_settings_are_not_shared_with_the_document():
    s = {"training": {"lr": 0.1}, "extra": [1]}
    doc = document_to_dict(Graph(), s)
    doc["settings"]["extra"].append(2)
    assert s == {"training": {"lr": 0.1}, "extra": [1]}
    assert DEFAULT_SETTINGS["training"]["lr"] == 0.01


# ---- hypothesis: random small graphs built through the Graph API --------------------------------
finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
coordinates = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)


@st.composite
def values(draw):
    if draw(st.booleans()):
        return draw(st.one_of(finite_floats, st.integers(-(10**6), 10**6)))
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))

    def build(dims):
        if not dims:
            return draw(st.one_of(finite_floats, st.integers(-9, 9)))
        return [build(dims[1:]) for _ in range(dims[0])]

    return build(shape)


@st.composite
def graphs(draw):
    g = Graph()
    for name in draw(st.lists(names, min_size=0, max_size=8, unique=True)):
        if name in g or g.unique_name(name) != name:
            continue
        op = draw(st.sampled_from(sorted(OPS)))
        value = draw(values()) if op in LEAF_OPS else None
        label = draw(st.text(max_size=5))
        g.add_node(Node(name, op, label, (draw(coordinates), draw(coordinates)), value))
    order = g.names
    for i, dst in enumerate(order):
        for port in g.node(dst).spec.inputs:
            if i and draw(st.booleans()):
                g.connect(order[draw(st.integers(0, i - 1))], dst, port)
    if order and draw(st.booleans()):
        g.set_output(draw(st.sampled_from(order)))
    return g


training = st.fixed_dictionaries(
    {},
    optional={
        "optimizer": st.sampled_from(["sgd", "momentum", "adam"]),
        "lr": st.floats(min_value=1e-9, max_value=10),
        "steps": st.integers(1, 10_000),
        "momentum": st.floats(min_value=0, max_value=0.99),
        "clip": st.none() | st.floats(min_value=0.01, max_value=100),
    },
)
doc_settings = st.fixed_dictionaries(
    {}, optional={"dtype": st.sampled_from(["float64", "float32"]), "training": training}
)
doc_views = st.fixed_dictionaries(
    {}, optional={"center": st.tuples(coordinates, coordinates), "zoom": st.floats(0.01, 100)}
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), doc_settings, doc_views)
def test_random_graphs_round_trip(g, s, v):
    data = loads(dumps(g, s, v))
    assert data.graph.structure() == g.structure()
    assert data.settings == normalise_settings(s)
    assert data.view == normalise_view(v)
    again = loads(dumps(data.graph, data.settings, data.view).encode("utf-8"))
    assert (again.graph.structure(), again.settings, again.view) == (
        g.structure(),
        data.settings,
        data.view,
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _places(doc, prefix=()):
    yield prefix
    children = (
        doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    )
    for key, child in children:
        yield from _places(child, (*prefix, key))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_damaged_document_gives_document_error_or_a_graph(data):
    doc = good()
    places = list(_places(doc))[1:]
    where = data.draw(st.sampled_from(places))
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = data.draw(json_values)
    try:
        result = document_from_dict(doc)
    except DocumentError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(result.graph, Graph)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_arbitrary_bytes_give_document_error(raw):
    with pytest.raises(DocumentError):
        loads(raw)


# ---- the seed example --------------------------------------------------------------------------
def test_seed_example_is_the_seed_story():
    # the checkout's own file (an editable install may map the resources elsewhere)
    path = example_path("seed")
    data = loads(path.read_bytes())
    g = data.graph
    assert g.names == ["x", "y", "w", "y_hat", "sub_1", "loss"]
    assert [(n.op, n.value) for n in g.nodes if n.is_leaf] == [
        ("data", 1.0),
        ("data", 2.0),
        ("param", 1.0),
    ]
    assert [(n.name, n.op, n.attrs) for n in g.nodes if not n.is_leaf] == [
        ("y_hat", "mul", {}),
        ("sub_1", "sub", {}),
        ("loss", "power", {"exponent": 2.0}),  # (ŷ − y)**2: the exponent is on the card
    ]
    edges = {(e.src, e.dst, e.port) for e in g.edges}
    assert edges == {
        ("w", "y_hat", "a"),
        ("x", "y_hat", "b"),
        ("y_hat", "sub_1", "a"),
        ("y", "sub_1", "b"),
        ("sub_1", "loss", "a"),
    }
    assert g.node("y_hat").label == "ŷ"
    assert g.explicit_output == "loss"
    assert data.settings["training"] == {
        "optimizer": "sgd",
        "lr": 0.01,
        "steps": 100,
        "momentum": 0.9,
        "clip": None,
    }
    xs = {n.name: n.position[0] for n in g.nodes}
    assert all(xs[e.src] < xs[e.dst] for e in g.edges)  # reads left to right
    g.validate()
    assert dumps(g, data.settings, data.view) == path.read_text(encoding="utf-8")


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


# ---- files -------------------------------------------------------------------------------------
def test_loading_missing_directory_binary_empty_and_huge_files(tmp_path, monkeypatch):
    with pytest.raises(DocumentError, match="cannot open"):
        load_document(tmp_path / "missing.json")
    with pytest.raises(DocumentError, match="folder"):
        load_document(tmp_path)
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(DocumentError, match="PNG image is damaged"):
        load_document(binary)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"label": "caf\xe9"}')
    with pytest.raises(DocumentError, match="not UTF-8"):
        load_document(latin)
    zeros = tmp_path / "zeros.bin"
    zeros.write_bytes(b"\x00" * 100)
    with pytest.raises(DocumentError, match="not valid JSON"):
        load_document(zeros)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(DocumentError, match="empty"):
        load_document(empty)
    monkeypatch.setattr(document_io, "MAX_BYTES", 10)
    with pytest.raises(DocumentError, match="too large"):
        load_document(binary)
    with pytest.raises(DocumentError):
        load_document(str(tmp_path / "nul\x00.json"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a fifo")
def test_loading_a_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="regular file"):
        load_document(fifo)


def _old_file(tmp_path):
    path = tmp_path / "doc.json"
    save_document(path, small_graph())
    return path, path.read_bytes()


def test_unwritable_graph_leaves_the_old_file_intact(tmp_path):
    path, before = _old_file(tmp_path)
    g = small_graph()
    g.node("x").value = float("nan")  # the graph refuses it; a caller writing it directly
    with pytest.raises(DocumentError, match=r"^nodes\[0\]\.value: must be finite"):
        save_document(path, g)
    with pytest.raises(DocumentError, match=r"^settings\.extra: .*object"):
        save_document(path, small_graph(), {"extra": object()})
    g = small_graph()
    g.node("x").label = "\udcff"
    with pytest.raises(DocumentError, match=r"^nodes\[0\]\.label"):
        save_document(path, g)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch, failing):
    path, before = _old_file(tmp_path)

    def boom(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(document_io.os, failing, boom)
    g = small_graph()
    g.set_value("x", 5.0)
    with pytest.raises(DocumentError, match="No space left"):
        save_document(path, g)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="permissions do not bind root"
)
def test_read_only_directory_leaves_the_old_file(tmp_path):
    path, before = _old_file(tmp_path)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(DocumentError, match="cannot save"):
            save_document(path, Graph())
    finally:
        tmp_path.chmod(0o700)
    assert path.read_bytes() == before


def test_save_into_a_missing_folder_or_onto_a_folder(tmp_path):
    with pytest.raises(DocumentError, match="cannot save"):
        save_document(tmp_path / "nope" / "doc.json", Graph())
    (tmp_path / "dir").mkdir()
    with pytest.raises(DocumentError, match="cannot save"):
        save_document(tmp_path / "dir", Graph())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and symlinks")
def test_save_keeps_permissions_and_writes_through_symlinks(tmp_path):
    path, _ = _old_file(tmp_path)
    path.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(path)
    g = small_graph()
    g.set_value("w", 3.0)
    save_document(link, g)
    assert link.is_symlink()
    assert (path.stat().st_mode & 0o777) == 0o640
    assert load_document(path).graph.node("w").value == 3.0


def test_a_file_named_like_an_image_that_is_none_says_it_holds_no_graph(tmp_path):
    path = tmp_path / "picture.png"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DocumentError, match="this PNG file holds no Backprop Studio graph"):
        load_document(path)
    renamed = tmp_path / "story.png"  # a document under an image's name still opens
    renamed.write_text(json.dumps(document_to_dict(small_graph())), encoding="utf-8")
    assert load_document(renamed).graph.structure() == small_graph().structure()


def test_an_unknown_op_is_named_before_missing_edges():
    doc = {"format": "backprop-studio", "version": 1, "nodes": [{"name": "a", "op": "frob"}]}
    with pytest.raises(DocumentError, match=r"nodes\[0\]\.op: unknown op 'frob'"):
        loads(json.dumps(doc))
