"""The JSON document: round trips of random graphs and the seed example."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_studio.model.document_io import (
    DEFAULT_SETTINGS,
    FORMAT,
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
from tests.model.document_cases import good, small_graph


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
