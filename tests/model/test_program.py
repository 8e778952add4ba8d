"""Program text → Graph: the seed story, leaves and operators, naming, errors with lines, positions."""

from __future__ import annotations

import pytest

from backprop_studio.model.graph import Edge, Graph, Node
from backprop_studio.model.ops import LEAF_OPS, OPS
from backprop_studio.model.program import (
    ProgramError,
    auto_name,
    parse_program,
    to_program,
)
from tests.model.program_cases import SEED, assert_round_trip, edges_of, nodes_of

# ---- the seed story -----------------------------------------------------------------------------


def test_seed_story_builds_the_expected_graph():
    g = parse_program(SEED)
    assert nodes_of(g) == [
        ("x", "data", "", 1.0),
        ("y", "data", "", 2.0),
        ("w", "param", "", 1.0),
        ("y_hat", "mul", "", None),
        ("sub_1", "sub", "", None),
        ("loss", "power", "", None),  # `**2`: a number exponent is the power's own
    ]
    assert g.node("loss").attrs == {"exponent": 2.0}
    assert g.edges == [
        Edge("w", "y_hat", "a"),
        Edge("x", "y_hat", "b"),
        Edge("y_hat", "sub_1", "a"),
        Edge("y", "sub_1", "b"),
        Edge("sub_1", "loss", "a"),
    ]
    assert g.output == g.explicit_output == "loss"
    assert g.analyse().ok


def test_seed_story_prints_back_as_written():
    assert to_program(parse_program(SEED)) == SEED


def test_semicolons_separate_statements_and_a_bare_last_expression_is_the_output():
    g = parse_program("x = data(1.0); w = 1.0; w*x")
    assert nodes_of(g) == [
        ("x", "data", "", 1.0),
        ("w", "param", "", 1.0),
        ("mul_1", "mul", "", None),
    ]
    assert g.output == "mul_1"
    assert to_program(g) == "x = data(1.0)\nw = 1.0\nw * x\n"


# ---- leaves, numbers, operators -----------------------------------------------------------------


def test_leaf_declarations():
    g = parse_program(
        "a = 2\nb = -4.0\nc = +3\nd = param([[1, 2.5]])\ne = data([1.0, -2])\nf = const(7)\na"
    )
    assert nodes_of(g) == [
        ("a", "param", "", 2.0),
        ("b", "param", "", -4.0),
        ("c", "param", "", 3.0),
        ("d", "param", "", [[1.0, 2.5]]),
        ("e", "data", "", [1.0, -2.0]),
        ("f", "const", "7", 7.0),
    ]
    assert isinstance(g.node("a").value, float)
    assert g.output == "a"


def test_numbers_in_expressions_become_labelled_constants():
    g = parse_program("x = data(1.0)\ny = x * -2 + 0.5 / 1e-3")
    consts = [(n.name, n.label, n.value) for n in g.nodes if n.op == "const"]
    assert consts == [("const_1", "-2", -2.0), ("const_2", "0.5", 0.5), ("const_3", "1e-3", 0.001)]


def test_unary_minus_is_neg_except_on_a_literal_and_unary_plus_is_nothing():
    g = parse_program("a = 1.0\nb = -a\nc = +(a * a)\nd = a * -(2)\ne = -(2)")
    assert g.node("b").op == "neg"
    assert g.node("c").op == "mul"
    two = g.node(g.inputs_of("d")["b"].src)
    assert (two.op, two.value, two.label) == ("const", -2.0, "-2")
    assert (g.node("e").op, g.node("e").value) == ("param", -2.0)


def test_python_precedence_decides_the_tree():
    g = parse_program("a = 1.0\nb = -a**2\nc = (-a)**a\nd = a - a - a\ne = a**a**a")
    assert g.node("b").op == "neg" and g.inputs_of("b")["a"].src == "power_1"
    assert g.node("c").op == "pow" and g.node(g.inputs_of("c")["a"].src).op == "neg"
    assert g.inputs_of("d")["a"].src == "sub_1"  # (a - a) - a
    assert g.inputs_of("e")["b"].src == "pow_1"  # a ** (a ** a)


@pytest.mark.parametrize("op", sorted(set(OPS) - LEAF_OPS))
def test_every_catalogue_op_is_callable_by_name(op):
    inputs = OPS[op].inputs
    args = ", ".join(["a", "b"][: len(inputs)])
    g = parse_program(f"a = 1.0\nb = 2.0\nr = {op}({args})")
    assert g.node("r").op == op
    assert {port: e.src for port, e in g.inputs_of("r").items()} == dict(
        zip(inputs, ["a", "b"], strict=False)
    )


def test_infix_operators_map_to_their_ops():
    g = parse_program(
        "a = 1.0\nb = 2.0\np = a + b\nq = a - b\nr = a * b\ns = a / b\nt = a ** b\nu = a @ b"
    )
    assert [g.node(n).op for n in "pqrstu"] == ["add", "sub", "mul", "div", "pow", "matmul"]


def test_a_name_used_twice_feeds_both_ports():
    g = parse_program("w = 3.0\nsq = w * w")
    assert edges_of(g) == {("w", "sq", "a"), ("w", "sq", "b")}


def test_augmented_assignment_is_a_new_node():
    g = parse_program("c = 1.0\nc += 2\nc *= c")
    assert g.names == ["c", "const_1", "c_2", "c_3"]
    assert edges_of(g) >= {("c_2", "c_3", "a"), ("c_2", "c_3", "b")}


# ---- naming -------------------------------------------------------------------------------------


def test_reassigned_names_get_unique_variants_and_later_lines_see_the_newest():
    g = parse_program("a = 1.0\nc = a * 2\nc = c + 1\nc = c * c\nout = c - a")
    assert [n for n in g.names if n.startswith("c")] == ["const_1", "c", "const_2", "c_2", "c_3"]
    assert g.inputs_of("out")["a"].src == "c_3"
    assert g.inputs_of("c_3")["a"].src == "c_2"


def test_auto_names_take_the_first_free_number():
    g = parse_program("a = 1.0\nmul_1 = a * a\nb = a * a * a")
    assert g.names == ["a", "mul_1", "mul_2", "b"]
    g = parse_program("a = 1.0\nmul_1 = a * (a * a)")
    assert g.names == ["a", "mul_2", "mul_1"]  # the line's own name is reserved first


def test_auto_name_skips_taken_names():
    g = Graph()
    assert auto_name(g, "mul") == "mul_1"
    g.add_node(Node("mul_1", "mul"))
    g.add_node(Node("mul_3", "mul"))
    assert auto_name(g, "mul") == "mul_2"
    g.add_node(Node("mul_2", "mul"))
    assert auto_name(g, "mul") == "mul_4"
    assert auto_name(g, "const") == "const_1"


# ---- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("x = 1.0\ny = x\nz = relu2(y)", 2, "only gives 'x' another name"),
        ("x = 1.0\ny = 2.0\nz = relu2(y)", 3, "unknown function 'relu2'"),
        ("x = 1.0\ny = 2.0\nz = foo * x", 3, "'foo' is not defined"),
        ("x = 1.0\ny = x(2)", 2, "'x' is not a function"),
        ("y = relu", 1, "'relu' is a function"),
        ("relu = 1.0", 1, "'relu' is reserved"),
        ("param = 1.0", 1, "'param' is reserved"),
        ("x = 1.0\ny = mse(x)", 2, "mse takes 2 inputs (pred, target), got 1"),
        ("x = 1.0\ny = exp(x, x)", 2, "exp takes 1 input (a), got 2"),
        ("x = 1.0\ny = relu(a=x)", 2, "inputs are passed in order"),
        ("x = 1.0\ny = x.T", 2, "attribute access (a.b) is not supported"),
        ("x = 1.0\ny = x[0]", 2, "indexing (a[i]) is not supported"),
        ("f = lambda: 1", 1, "lambda is not supported"),
        ("x = 1.0\ny = [x for _ in x]", 2, "comprehensions are not supported"),
        ("y = 'hello'", 1, "str values are not supported"),
        ("y = True", 1, "True/False values are not supported"),
        ("import os", 1, "imports are not supported"),
        ("x = 1.0\ny = x // 2", 2, "the operator '//' is not supported"),
        ("x = 1.0\ny = x if x else x", 2, "'if ... else' is not supported"),
        ("x = 1e999", 1, "1e999 is not a finite number"),
        ("x = data([[1.0], [2.0, 3.0]])", 1, "rectangular"),
        ("x = data([])", 1, "must not be empty"),
        ("x = param('a')", 1, "param(...) takes a number or a nested list"),
        ("x = 1.0\ny = data(1.0) * x", 2, "data(...) declares a leaf"),
        ("x = 1.0\nx * 2\ny = x", 2, "only the last line may be a bare expression"),
        ("a, b = 1.0, 2.0", 1, "assign to a plain name"),
        ("a = b = 1.0", 1, "assign one name per line"),
        ("c += 1", 1, "'c' is not defined"),
        ("x = 1.0\ny = (x +", 2, "never closed"),
        ("x = 1.0\ny = x x", 2, "invalid syntax"),
        ("__import__('os').system('true')", 1, "only catalogue functions"),
    ],
)
def test_errors_name_the_line_and_the_problem(text, line, message):
    with pytest.raises(ProgramError) as info:
        parse_program(text)
    assert info.value.line == line
    assert message in info.value.message
    assert str(info.value) == f"line {line}: {info.value.message}"


def test_error_string_matches_the_documented_form():
    with pytest.raises(ProgramError, match=r"^line 3: unknown function 'relu2'$") as info:
        parse_program("x = data(1.0)\nw = 1.0\ny = relu2(w * x)")
    assert info.value.column == 5
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n\n"])
def test_blank_program_is_a_clear_error(text):
    with pytest.raises(ProgramError, match="empty") as info:
        parse_program(text)
    assert info.value.line is None


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(ProgramError, match="nested too deeply"):
        parse_program("a = 1.0\nb = " + " + ".join(["a"] * 5000))


def test_long_reassignment_chains_parse():
    text = "a = 1.0\n" + "".join(f"a = a + {i}\n" for i in range(300))
    g = parse_program(text)
    assert len(g) == 601 and g.output == "a_301"
    assert_round_trip(g)


# ---- positions ----------------------------------------------------------------------------------


def test_positions_are_kept_by_name_and_new_nodes_are_placed_apart():
    old = parse_program(SEED)
    kept = {n.name: (1000.0 + i * 7, 500.0 - i * 3) for i, n in enumerate(old.nodes)}
    g = parse_program(SEED + "big = loss * 10\n", positions=kept)
    for name, pos in kept.items():
        assert g.node(name).position == pos
    assert g.node("big").position[0] > g.node("loss").position[0]
    spots = [n.position for n in g.nodes]
    assert len(set(spots)) == len(spots)


def test_without_positions_the_layout_places_every_node():
    g = parse_program(SEED)
    spots = {n.position for n in g.nodes}
    assert len(spots) == len(g)
    loss, sub = g.node("loss").position, g.node("sub_1").position
    assert loss[::-1] > sub[::-1]  # after the subtraction: to its right, or in a band below
