"""Messages name a node as its card shows it: a number of a program is "the constant 2", not the
auto-name const_1 that appears nowhere on the screen; every other node keeps its name."""

from __future__ import annotations

import pytest

from backprop_studio.model.graph import Graph, GraphError, Node
from backprop_studio.model.program import parse_program


def program_graph() -> Graph:
    return parse_program("x = data(1.0)\nk = const(3.0)\ny = x * 2 + k * -0.5")


def test_a_number_of_a_program_is_the_constant_its_card_shows():
    g = program_graph()
    assert (g.node("const_1").title, g.node("const_1").spoken) == ("2", "the constant 2")
    assert g.node("const_2").spoken == "the constant -0.5"
    assert g.node("const_1").called == "the constant 2"


def test_other_nodes_keep_their_names():
    g = program_graph()
    assert g.node("x").spoken == "'x'" and g.node("x").called == "x"
    assert g.node("k").spoken == "'k'"  # named by the user, though titled 3.0
    unlabelled = Node("const_9", "const", value=1.0)  # its card shows const_9
    assert unlabelled.spoken == "'const_9'"
    assert Node("mul_1", "mul").spoken == "'mul_1'"


def test_a_refused_value_speaks_of_the_constant():
    g = program_graph()
    with pytest.raises(GraphError) as caught:
        g.set_value("const_1", float("nan"))
    assert str(caught.value) == "the constant 2: a value must be finite, not nan"
    assert caught.value.node == "const_1"  # the id stays, for the canvas to mark it
    with pytest.raises(GraphError, match=r"^'k': a value must be finite"):
        g.set_value("k", float("inf"))


def test_connecting_into_a_constant_speaks_of_it():
    g = program_graph()
    assert g.can_connect("x", "const_1", "a") == "the constant 2 is a leaf and takes no inputs"
    assert g.can_connect("x", "k", "a") == "'k' is a leaf and takes no inputs"
