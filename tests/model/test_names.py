"""Names made for copies and reassignments keep within the name rule, even from the longest
names."""

from __future__ import annotations

from backprop_studio.model.graph import MAX_NAME_LENGTH, Graph, Node, check_name
from backprop_studio.model.names import free_name
from backprop_studio.model.program import parse_program

LONG = "a" * MAX_NAME_LENGTH


def test_free_name_shortens_the_stem_of_a_long_name():
    taken = {LONG}
    first = free_name(LONG, "param", taken, MAX_NAME_LENGTH)
    taken.add(first)
    second = free_name(LONG, "param", taken, MAX_NAME_LENGTH)
    assert first.endswith("_2") and second.endswith("_3")
    for name in (first, second):
        check_name(name)
    assert free_name("mul_3", "mul", {"mul_3", "mul_1"}, MAX_NAME_LENGTH) == "mul_2"
    assert free_name("w", "param", set(), MAX_NAME_LENGTH) == "w"


def test_unique_name_of_a_long_name_is_valid():
    graph = Graph()
    graph.add_node(Node(LONG, "param", value=1.0))
    name = graph.unique_name(LONG)
    check_name(name)
    graph.add_node(Node(name, "param", value=1.0))
    assert graph.unique_name(LONG) not in graph


def test_reassigning_the_longest_name_in_a_program():
    graph = parse_program(f"{LONG} = 1.0\n{LONG} = {LONG} + 1\n{LONG} = {LONG} * 2")
    assert len(set(graph.names)) == len(graph.names)
    for name in graph.names:
        check_name(name)
