"""The ops real models use, in the model: catalogue texts, attributes, shape inference, the
program text (parse → write → parse), an n-ary add's ports and the document."""

from __future__ import annotations

import json

import pytest

from backprop_studio.model.attrs import AttrError, normalise_attrs
from backprop_studio.model.document_io import DocumentError, dumps, loads
from backprop_studio.model.graph import Graph, GraphError, Node
from backprop_studio.model.op_spec import MAX_INPUTS
from backprop_studio.model.ops import OPS, ops_in
from backprop_studio.model.program import ProgramError, parse_program, to_program
from backprop_studio.model.shapes import ShapeError, infer

NEW_OPS = (
    "tan identity bce leaky_relu gelu softplus elu clamp log1p maximum minimum max min square "
    "ones zeros"
).split()


def shape(op: str, attrs: dict, *inputs: tuple[int, ...]) -> tuple[int, ...]:
    return infer(OPS[op], list(inputs), attrs)


def test_every_new_op_is_in_a_palette_group_with_formula_and_derivative():
    for op in NEW_OPS:
        spec = OPS[op]
        assert spec in ops_in(spec.category)
        assert spec.formula and spec.derivative.startswith(("∂", "no gradient")), op


@pytest.mark.parametrize(
    ("op", "convention"),
    [
        ("leaky_relu", "slope at a = 0"),
        ("elu", "α at a = 0"),
        ("clamp", "passes the gradient at a = min or max"),
        ("maximum", "splits a tie: ½ to each"),
        ("minimum", "splits a tie: ½ to each"),
        ("max", "shares a tie evenly"),
        ("bce", "clamps each ln at −100"),
        ("softplus", "a > 20"),
    ],
)
def test_torchs_convention_at_a_kink_is_in_the_tooltip(op, convention):
    assert convention in OPS[op].tooltip


# ---- shapes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "attrs", "given", "expected"),
    [
        ("tan", {}, [(2, 3)], (2, 3)),
        ("gelu", {}, [(4,)], (4,)),
        ("clamp", {"min": 0.0}, [(2, 3)], (2, 3)),
        ("maximum", {}, [(2, 3), (3,)], (2, 3)),
        ("minimum", {}, [(2, 1), (1, 3)], (2, 3)),
        ("max", {}, [(2, 3)], ()),
        ("max", {"axis": 1}, [(2, 3)], (2,)),
        ("min", {"axis": 0, "keepdim": True}, [(2, 3)], (1, 3)),
        ("min", {"keepdim": True}, [(2, 3)], (1, 1)),
        ("bce", {}, [(4, 1), (4, 1)], ()),
        ("add", {"n": 3}, [(2, 3), (3,), ()], (2, 3)),
        ("mul", {"n": 4}, [(2, 1), (1, 3), (1,), (2, 3)], (2, 3)),
        ("ones", {"shape": (3, 2)}, [], (3, 2)),
        ("zeros", {}, [], ()),
    ],
)
def test_output_shapes(op, attrs, given, expected):
    assert shape(op, attrs, *given) == expected


@pytest.mark.parametrize(
    ("op", "attrs", "given", "message"),
    [
        ("clamp", {}, [(2,)], "clamp needs min, max or both set"),
        ("bce", {}, [(3,), (3, 1)], "pred 3 and target 3×1 must have the same shape"),
        ("maximum", {}, [(2,), (3,)], "do not broadcast"),
        ("add", {"n": 3}, [(2,), (2,), (3,)], "shapes 2 and 3 do not broadcast"),
        ("max", {"axis": 2}, [(2, 3)], "axis 2 does not exist on a 2×3 tensor"),
    ],
)
def test_impossible_shapes_say_why(op, attrs, given, message):
    with pytest.raises(ShapeError, match=message):
        shape(op, attrs, *given)


# ---- attributes ---------------------------------------------------------------------------------


def test_the_attributes_and_their_defaults():
    assert OPS["leaky_relu"].attr("slope").default == 0.01
    assert OPS["elu"].attr("alpha").default == 1.0
    assert OPS["clamp"].attr_names == ("min", "max")
    assert OPS["max"].attr_names == OPS["sum"].attr_names == ("axis", "keepdim")
    assert OPS["ones"].attr("shape").default == ()
    assert normalise_attrs(OPS["clamp"], {"min": 0, "max": None}) == {"min": 0.0}
    assert normalise_attrs(OPS["add"], {"n": 2}) == {}  # two inputs: as every add always was
    assert normalise_attrs(OPS["mul"], {"n": 5}) == {"n": 5}
    assert normalise_attrs(OPS["ones"], {"shape": ()}) == {}  # a scalar: ones() reads back so


@pytest.mark.parametrize(
    ("op", "attrs", "message"),
    [
        ("add", {"n": 1}, "n must be from 2 to 8, not 1"),
        ("mul", {"n": MAX_INPUTS + 1}, "n must be from 2 to 8, not 9"),
        ("leaky_relu", {"slope": "x"}, "slope must be a number"),
        ("clamp", {"min": float("inf")}, "min must be a finite number"),
        ("ones", {"shape": (0, 2)}, "sizes of at least 1"),
        ("sub", {"n": 3}, "sub takes no attributes"),
    ],
)
def test_bad_attribute_values_are_refused(op, attrs, message):
    with pytest.raises(AttrError, match=message):
        normalise_attrs(OPS[op], attrs)


def test_an_nary_add_has_one_port_per_input_and_keeps_their_number():
    g = Graph()
    node = g.add_node(Node("s", "add", attrs={"n": 3}))
    assert node.inputs == ("a", "b", "c")
    assert Node("t", "add").inputs == ("a", "b")
    g.add_node(Node("x", "param", value=1.0))
    g.connect("x", "s", "c")
    with pytest.raises(GraphError, match=r"has no input 'd' \(its inputs: a, b, c\)"):
        g.connect("x", "s", "d")
    with pytest.raises(GraphError, match="keeps its 3 inputs"):
        g.set_attrs("s", {"n": 2})
    assert g.analyse().problems[0].message == "'s' (+) needs inputs 'a', 'b' connected"


def test_ones_take_no_inputs():
    g = parse_program("x = param(1.0)\no = ones(2)")
    assert g.can_connect("x", "o", "a") == "'o' (ones) is made of its shape and takes no inputs"


# ---- program text -------------------------------------------------------------------------------

ROUND_TRIPS = [
    "x = param([0.5, -1.0])\ny = tan(x)",
    "x = param([0.5, -1.0])\ny = identity(x)",
    "p = param([0.2, 0.9])\nt = data([0.0, 1.0])\nloss = bce(p, t)",
    "x = param([0.5, -1.0])\ny = leaky_relu(x, slope=0.2)",
    "x = param([0.5, -1.0])\ny = leaky_relu(x)",
    "x = param([0.5, -1.0])\ny = elu(x, alpha=0.5)",
    "x = param([0.5, -1.0])\ny = gelu(x) + softplus(x) + log1p(x) + square(x)",
    "x = param([0.5, -1.0])\ny = clamp(x, min=-0.5, max=0.5)",
    "x = param([0.5, -1.0])\ny = clamp(x, max=0.5)",
    "a = param([0.5, -1.0])\nb = param(0.0)\ny = maximum(a, b) - minimum(a, b)",
    "x = param([[1.0, 2.0], [3.0, 0.0]])\ny = max(x, axis=1, keepdim=True) - min(x)",
    "a = param(1.0)\nb = param(2.0)\nc = param(3.0)\ny = add(a, b, c)",
    "a = param(1.0)\nb = param(2.0)\ny = mul(a, b, a * b, 2, b)",
    "x = param([[1.0, 2.0]])\no = ones(1, 2)\ny = x * o + zeros(2)",
    "x = param(1.0)\ny = x + ones()",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_program_text_round_trips(text):
    g = parse_program(text)
    written = to_program(g)
    again = parse_program(written)
    assert again.structure()[1:] == g.structure()[1:]
    assert [n[:2] + n[4:] for n in again.structure()[0]] == [
        n[:2] + n[4:] for n in g.structure()[0]
    ]
    assert to_program(again) == written
    assert not g.analyse().problems


def test_the_text_is_written_as_torch_writes_it():
    g = parse_program("a = param(1.0)\nb = param(2.0)\nc = param(3.0)\ns = add(a, b, c)\n"
                      "o = ones(3, 2)\nz = zeros(shape=(2,))\np = mul(a, b)")  # fmt: skip
    text = to_program(g)
    assert "s = add(a, b, c)" in text and "n=" not in text
    assert "o = ones(3, 2)" in text and "z = zeros(2)" in text
    assert "p = a * b" in text
    assert g.node("s").attrs == {"n": 3} and g.node("o").attrs == {"shape": (3, 2)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a = param(1.0)\ny = add(a)", "line 2: add takes 2 to 8 inputs, like add(a, b, c), got 1"),
        ("a = param(1.0)\ny = mul(a, a, a, a, a, a, a, a, a)", "mul takes 2 to 8 inputs"),
        ("a = param(1.0)\ny = add(a, a, n=2)", "add counts its inputs itself"),
        ("y = ones(2.5)", "ones takes the sizes of its shape, like ones(3, 2)"),
        ("a = param(1.0)\ny = ones(a)", "ones takes the sizes of its shape"),
        ("y = zeros(2, shape=(2,))", "not both"),
        ("y = ones(0)", "sizes of at least 1"),
        ("a = param(1.0)\ny = maximum(a)", "maximum takes 2 inputs (a, b), got 1"),
        ("a = param(1.0)\ny = leaky_relu(a, slope=True)", "slope must be a number"),
    ],
)
def test_mistakes_are_errors_on_their_line(text, message):
    with pytest.raises(ProgramError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_program(text)


def test_a_clamp_without_bounds_is_a_problem_on_its_node():
    g = parse_program("x = param(1.0)\ny = clamp(x)")
    assert g.analyse().problems[0].message == "'y' (clamp): clamp needs min, max or both set"


# ---- documents ----------------------------------------------------------------------------------


def test_the_attributes_and_the_extra_ports_are_saved_and_read_back():
    g = parse_program(
        "x = param([[1.0, 2.0], [3.0, 4.0]])\no = ones(2, 2)\ns = add(x, o, x)\n"
        "c = clamp(s, max=2.5)\nl = leaky_relu(c, slope=0.1)\ne = elu(l, alpha=2.0)\n"
        "m = max(e, axis=0, keepdim=True)\np = mul(m, m, o)\nloss = bce(sigmoid(p), o)"
    )
    text = dumps(g)
    doc = json.loads(text)
    attrs = {n["name"]: n.get("attrs") for n in doc["nodes"]}
    assert attrs["o"] == {"shape": [2, 2]} and attrs["s"] == {"n": 3}
    assert attrs["c"] == {"max": 2.5} and attrs["l"] == {"slope": 0.1}
    assert attrs["e"] == {"alpha": 2.0} and attrs["m"] == {"axis": 0, "keepdim": True}
    assert {"from": "x", "to": "s", "port": "c"}.items() <= next(
        e for e in doc["edges"] if e["to"] == "s" and e["port"] == "c"
    ).items()
    assert loads(text).graph.structure() == g.structure()


def test_a_document_edge_into_a_port_an_add_does_not_have_is_refused_with_its_path():
    g = parse_program("x = param(1.0)\ns = add(x, x, x)")
    doc = json.loads(dumps(g))
    doc["nodes"][1]["attrs"] = {}
    with pytest.raises(DocumentError, match=r"edges\[2\].port.*has no input 'c'"):
        loads(json.dumps(doc))
