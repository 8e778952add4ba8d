"""keepdim, reshape, unsqueeze and squeeze in the model: attributes, shape inference, the program
text (parse → write → parse) and the document."""

from __future__ import annotations

import json

import pytest

from backprop_studio.model.attrs import AttrError, normalise_attrs
from backprop_studio.model.document_io import DocumentError, dumps, loads
from backprop_studio.model.ops import OPS
from backprop_studio.model.program import ProgramError, parse_program, to_program
from backprop_studio.model.shapes import ShapeError, infer


def shape(op: str, attrs: dict, *inputs: tuple[int, ...]) -> tuple[int, ...]:
    return infer(OPS[op], list(inputs), attrs)


# ---- shapes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "attrs", "given", "expected"),
    [
        ("sum", {"axis": 1, "keepdim": True}, (2, 3), (2, 1)),
        ("mean", {"axis": 0, "keepdim": True}, (2, 3), (1, 3)),
        ("mean", {"axis": -1, "keepdim": True}, (4, 2, 3), (4, 2, 1)),
        ("sum", {"keepdim": True}, (2, 3), (1, 1)),
        ("sum", {"keepdim": False, "axis": 1}, (2, 3), (2,)),
        ("sum", {"keepdim": True}, (), ()),
        ("reshape", {"shape": (3, 2)}, (2, 3), (3, 2)),
        ("reshape", {"shape": (-1, 2)}, (2, 3), (3, 2)),
        ("reshape", {"shape": (2, -1, 1)}, (6,), (2, 3, 1)),
        ("reshape", {}, (2, 3), (6,)),  # the default (-1,): flattened
        ("reshape", {"shape": ()}, (1, 1), ()),
        ("reshape", {"shape": (1,)}, (), (1,)),
        ("unsqueeze", {}, (2, 3), (1, 2, 3)),
        ("unsqueeze", {"dim": 2}, (2, 3), (2, 3, 1)),
        ("unsqueeze", {"dim": -1}, (2, 3), (2, 3, 1)),
        ("unsqueeze", {"dim": -3}, (2, 3), (1, 2, 3)),
        ("unsqueeze", {"dim": 0}, (), (1,)),
        ("squeeze", {}, (1, 3), (3,)),
        ("squeeze", {"dim": -1}, (3, 1), (3,)),
        ("squeeze", {"dim": 0}, (), ()),
    ],
)
def test_output_shapes(op, attrs, given, expected):
    assert shape(op, attrs, given) == expected


@pytest.mark.parametrize(
    ("op", "attrs", "given", "message"),
    [
        ("reshape", {"shape": (4, 2)}, (2, 3), "cannot reshape 2×3 (6 elements) to 4×2 (8 elements)"),
        ("reshape", {"shape": (4, -1)}, (2, 3), "to 4×-1: 6 is not a multiple of 4"),
        ("reshape", {"shape": ()}, (2,), "cannot reshape 2 (2 elements) to a scalar (1 element)"),
        ("unsqueeze", {"dim": 3}, (2, 3), "dim 3 is out of range for a 2×3 tensor (a new axis goes at 0 to 2, or -3 to -1)"),
        ("unsqueeze", {"dim": 0}, (1,) * 8, "at most 8 axes"),
        ("squeeze", {"dim": 0}, (2, 3), "squeeze removes an axis of size 1, but axis 0 of 2×3 has size 2"),
        ("squeeze", {"dim": 2}, (2, 3), "axis 2 does not exist on a 2×3 tensor"),
        ("sum", {"axis": 2, "keepdim": True}, (2, 3), "axis 2 does not exist"),
    ],
)  # fmt: skip
def test_impossible_shapes_say_why(op, attrs, given, message):
    with pytest.raises(ShapeError) as caught:
        shape(op, attrs, given)
    assert message in str(caught.value)


# ---- attributes ---------------------------------------------------------------------------------


def test_the_attributes_and_their_defaults():
    assert OPS["mean"].attr("keepdim").default is False
    assert OPS["reshape"].attr("shape").default == (-1,)
    assert OPS["unsqueeze"].attr("dim").default == 0 and OPS["squeeze"].attr("dim").default == 0
    assert normalise_attrs(OPS["sum"], {"keepdim": True}) == {"keepdim": True}
    assert normalise_attrs(OPS["reshape"], {"shape": [2, -1]}) == {"shape": (2, -1)}
    assert normalise_attrs(OPS["reshape"], {"shape": 6}) == {"shape": (6,)}
    assert normalise_attrs(OPS["reshape"], {}) == {}


@pytest.mark.parametrize(
    ("op", "attrs", "message"),
    [
        ("sum", {"keepdim": 1}, "keepdim must be True or False, not 1"),
        ("mean", {"keepdim": "yes"}, "keepdim must be True or False"),
        ("reshape", {"shape": (-1, -1)}, "one -1 at most"),
        ("reshape", {"shape": (2, 0)}, "sizes of at least 1 (or -1)"),
        ("reshape", {"shape": (2.5,)}, "whole numbers like (2, 3)"),
        ("reshape", {"shape": (1,) * 9}, "at most 8 axes"),
        ("unsqueeze", {"dim": 0.5}, "dim must be a whole number"),
        ("squeeze", {"dim": True}, "dim must be a whole number"),
    ],
)
def test_bad_attribute_values_are_refused(op, attrs, message):
    with pytest.raises(AttrError) as caught:
        normalise_attrs(OPS[op], attrs)
    assert message in str(caught.value)


# ---- program text -------------------------------------------------------------------------------

ROUND_TRIPS = [
    "x = param([[1.0, 2.0], [3.0, 4.0]])\ny = x - mean(x, axis=1, keepdim=True)\n",
    "x = param([[1.0, 2.0], [3.0, 4.0]])\ns = sum(x, keepdim=True)\n",
    "x = param([[1.0, 2.0], [3.0, 4.0]])\ns = sum(x, axis=0, keepdim=False)\n",
    "x = param([[1.0, 2.0], [3.0, 4.0]])\nr = reshape(x, shape=(4, 1))\n",
    "x = param([[1.0, 2.0], [3.0, 4.0]])\nr = reshape(x, shape=(-1,))\n",
    "x = param([[1.0, 2.0], [3.0, 4.0]])\nr = reshape(x)\n",
    "x = param([4.0])\nr = reshape(x, shape=())\n",
    "x = param([1.0, 2.0])\nu = unsqueeze(x, dim=0)\ns = squeeze(u, dim=0)\n",
    "x = param([1.0, 2.0])\ns = sum(squeeze(unsqueeze(x, dim=-1), dim=1) * 2)\n",
    "x = param([[1.0, 2.0], [3.0, 4.0]])\nu = unsqueeze(x)\n",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_program_text_round_trips(text):
    graph = parse_program(text)
    written = to_program(graph)
    assert written == text
    assert parse_program(written).structure() == graph.structure()


def test_keyword_values_become_the_nodes_attributes():
    g = parse_program(
        "x = param([[1.0, 2.0], [3.0, 4.0]])\n"
        "m = mean(x, axis=1, keepdim=True)\nr = reshape(x, shape=(1, -1))\nu = unsqueeze(x, dim=2)"
    )
    assert g.node("m").attrs == {"axis": 1, "keepdim": True}
    assert g.node("r").attrs == {"shape": (1, -1)}
    assert g.node("u").attrs == {"dim": 2}
    assert g.analyse().shapes == {"x": (2, 2), "m": (2, 1), "r": (1, 4), "u": (2, 2, 1)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("s = sum(x, keepdim=1)", "keepdim must be True or False, not 1"),
        ("r = reshape(x, shape=(-1, -1))", "shape may have one -1 at most"),
        ("r = reshape(x, shape=((2, 2),))", "flat list"),
        ("u = unsqueeze(x, dim=x)", "dim= takes a number"),
        ("u = unsqueeze(x, axis=0)", "unsqueeze has no attribute 'axis' (it takes: dim)"),
    ],
)
def test_bad_keywords_are_errors_on_their_line(text, message):
    with pytest.raises(ProgramError) as caught:
        parse_program(f"x = param([1.0, 2.0])\n{text}")
    assert caught.value.line == 2
    assert message in str(caught.value)


def test_a_shape_that_does_not_fit_is_a_problem_not_a_syntax_error():
    g = parse_program("x = param([1.0, 2.0, 3.0])\nr = reshape(x, shape=(2, 2))")
    (problem,) = g.analyse().problems
    assert problem.node == "r"
    assert problem.message == (
        "'r' (reshape): cannot reshape 3 (3 elements) to 2×2 (4 elements): the counts must be equal"
    )


# ---- documents ----------------------------------------------------------------------------------


def test_the_attributes_are_saved_and_read_back():
    g = parse_program(
        "x = param([[1.0, 2.0], [3.0, 4.0]])\nm = mean(x, axis=1, keepdim=True)\n"
        "r = reshape(x - m, shape=(-1, 1))\ns = squeeze(unsqueeze(r, dim=0), dim=0)"
    )
    text = dumps(g)
    attrs = {n["name"]: n.get("attrs") for n in json.loads(text)["nodes"]}
    assert attrs["m"] == {"axis": 1, "keepdim": True}
    assert attrs["r"] == {"shape": [-1, 1]}
    assert loads(text).graph.structure() == g.structure()


def test_a_document_with_a_bad_keepdim_is_refused_with_its_path():
    g = parse_program("x = param([1.0, 2.0])\nm = mean(x, keepdim=True)")
    doc = json.loads(dumps(g))
    doc["nodes"][1]["attrs"]["keepdim"] = "yes"
    with pytest.raises(DocumentError, match=r"nodes\[1\]\.attrs\.keepdim.*True or False"):
        loads(json.dumps(doc))
