"""A power with a number exponent (``a ** 2``): its attribute, the program text, the document."""

from __future__ import annotations

import json

import pytest

from backprop_studio.model.attrs import AttrError, normalise_attrs, op_symbol
from backprop_studio.model.document_io import DocumentError, dumps, loads
from backprop_studio.model.graph import Edge, Graph, GraphError, Node
from backprop_studio.model.ops import OPS, POWER
from backprop_studio.model.program import ProgramError, parse_program, to_program

SPEC = OPS[POWER]


def ops_of(graph: Graph) -> list[tuple[str, str, dict]]:
    return [(n.name, n.op, n.attrs) for n in graph.nodes]


# ---- the attribute ------------------------------------------------------------------------------


def test_a_power_always_has_its_exponent_two_unless_told():
    assert normalise_attrs(SPEC, {}) == {"exponent": 2.0}
    assert normalise_attrs(SPEC, {"exponent": None}) == {"exponent": 2.0}
    assert normalise_attrs(SPEC, {"exponent": 3}) == {"exponent": 3.0}
    g = Graph()
    g.add_node(Node("p", POWER))
    assert g.node("p").attrs == {"exponent": 2.0}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (10**400, "finite"),
        (1000, "from −100 to 100, not 1000"),
        (-100.5, "from −100 to 100, not -100.5"),
        ("2", "a number"),
        (True, "a number"),
    ],
)
def test_the_exponent_is_a_finite_bounded_number(value, reason):
    with pytest.raises(AttrError, match=reason):
        normalise_attrs(SPEC, {"exponent": value})
    g = Graph()
    g.add_node(Node("p", POWER))
    with pytest.raises(GraphError, match=reason):
        g.set_attrs("p", {"exponent": value})
    assert g.node("p").attrs == {"exponent": 2.0}  # a refused edit changes nothing


def test_the_exponent_bounds_themselves_are_allowed():
    assert normalise_attrs(SPEC, {"exponent": -100})["exponent"] == -100.0
    assert normalise_attrs(SPEC, {"exponent": 100.0})["exponent"] == 100.0


@pytest.mark.parametrize(
    ("exponent", "symbol"),
    [(2.0, "**2"), (3, "**3"), (0.5, "**0.5"), (-1.0, "**-1"), (-0.5, "**-0.5"), (0.0, "**0")],
)
def test_the_card_symbol_shows_the_exponent(exponent, symbol):
    assert op_symbol(SPEC, {"exponent": exponent}) == symbol


def test_other_ops_show_their_catalogue_symbol():
    assert op_symbol(OPS["pow"], {}) == "**"
    assert op_symbol(OPS["sum"], {"axis": 1}) == "Σ"
    assert op_symbol(SPEC, {}) == "**2"  # the palette's entry, before a node exists


# ---- program text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "exponent"),
    [("a ** 2", 2.0), ("a ** -1", -1.0), ("a ** 0.5", 0.5), ("a ** +3", 3.0), ("a**1e-3", 0.001)],
)
def test_a_number_exponent_makes_one_power_node_not_a_constant(written, exponent):
    g = parse_program(f"a = 3.0\ny = {written}")
    assert ops_of(g) == [("a", "param", {}), ("y", POWER, {"exponent": exponent})]
    assert g.edges == [Edge("a", "y", "a")]


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("a = 3.0\ny = a ** 2", "a = 3.0\ny = a**2\n"),
        ("a = 3.0\ny = a ** -1", "a = 3.0\ny = a**-1\n"),
        ("a = 3.0\ny = a ** 0.5", "a = 3.0\ny = a**0.5\n"),
        ("a = 3.0\ny = (a - 1) ** 2 * 3", "a = 3.0\ny = (a - 1)**2 * 3\n"),
        ("a = 3.0\ny = -a ** 2", "a = 3.0\ny = -(a**2)\n"),
        ("a = 3.0\ny = (-a) ** 2", "a = 3.0\ny = (-a)**2\n"),
        ("a = 3.0\ny = (a ** 2) ** 3", "a = 3.0\ny = (a**2)**3\n"),
        ("a = 3.0\ny = power(a, exponent=2.5)", "a = 3.0\ny = a**2.5\n"),
        ("a = 3.0\ny = power(a)", "a = 3.0\ny = a**2\n"),
    ],
)
def test_powers_print_back_as_written_and_round_trip(text, back):
    g = parse_program(text)
    assert to_program(g) == back
    again = parse_program(back)
    assert ops_of(again) == ops_of(g) and again.edges == g.edges
    assert to_program(again) == back


def test_a_node_exponent_still_makes_the_two_input_pow():
    g = parse_program("a = 3.0\nb = 2.0\ny = a ** b\nz = a ** -b\nt = 2 ** a")
    assert g.node("y").op == "pow" and g.inputs_of("y")["b"].src == "b"
    assert g.node("z").op == "pow" and g.node(g.inputs_of("z")["b"].src).op == "neg"
    assert g.node("t").op == "pow" and g.node(g.inputs_of("t")["a"].src).op == "const"
    assert to_program(g) == "a = 3.0\nb = 2.0\ny = a**b\nz = a**-b\nt = 2**a\n"


def test_a_pow_with_a_constant_exponent_prints_as_pow_so_it_stays_a_pow():
    # an older document's (ŷ − y)²: `**2` would now read back as a power, so it prints as pow()
    g = Graph()
    g.add_node(Node("d", "param", value=-1.0))
    g.add_node(Node("const_1", "const", "2", value=2.0))
    g.add_node(Node("loss", "pow"))
    g.connect("d", "loss", "a")
    g.connect("const_1", "loss", "b")
    text = to_program(g)
    assert text == "d = -1.0\nloss = pow(d, 2)\n"
    again = parse_program(text)
    assert ops_of(again) == ops_of(g) and again.edges == g.edges
    assert to_program(again) == text


def test_an_exponent_out_of_bounds_is_an_error_on_its_line():
    with pytest.raises(ProgramError) as caught:
        parse_program("a = 3.0\ny = a ** 1000")
    assert caught.value.line == 2 and caught.value.column == 10
    assert "exponent must be from −100 to 100, not 1000" in str(caught.value)


# ---- documents ----------------------------------------------------------------------------------


def test_the_exponent_is_saved_and_read_back():
    g = parse_program("a = 3.0\ny = a ** -0.5")
    text = dumps(g)
    node = next(n for n in json.loads(text)["nodes"] if n["name"] == "y")
    assert node["op"] == POWER and node["attrs"] == {"exponent": -0.5}
    assert loads(text).graph.structure() == g.structure()


def _power_doc(attrs: object = None) -> str:
    power = {"name": "y", "op": POWER, "position": [0, 0]}
    if attrs is not None:
        power["attrs"] = attrs
    return json.dumps(
        {
            "format": "backprop-studio",
            "version": 1,
            "nodes": [{"name": "a", "op": "param", "position": [0, 0], "value": 3.0}, power],
            "edges": [{"from": "a", "to": "y", "port": "a"}],
        }
    )


def test_a_document_without_the_exponent_reads_it_as_two():
    assert loads(_power_doc()).graph.node("y").attrs == {"exponent": 2.0}


def test_a_document_with_an_exponent_out_of_bounds_is_refused_with_its_path():
    with pytest.raises(DocumentError, match=r"nodes\[1\]\.attrs\.exponent.*from −100 to 100"):
        loads(_power_doc({"exponent": 1e9}))
