"""Size bounds from shapes: every node and the whole graph, refused before anything is allocated."""

from __future__ import annotations

import pytest

from backprop_studio.model import limits, recipes
from backprop_studio.model.graph import Graph, GraphError, Node
from backprop_studio.model.limits import MAX_GRAPH_ELEMENTS, MAX_NODE_ELEMENTS
from backprop_studio.model.program import ProgramError, parse_program

BROADCAST = (
    'a = param(init="zeros", shape=(20000, 1))\n'
    'b = param(init="zeros", shape=(1, 20000))\n'
    "s = sum(a + b)"
)


@pytest.fixture
def cheap_recipes(monkeypatch):
    """Recipes made as one shared row per leaf (fast at any size), counting every call."""
    made: list[tuple[int, ...]] = []

    def materialise(op, attrs):
        shape = recipes.check_leaf_attrs(op, dict(attrs))
        made.append(shape)
        row = [0.0] * shape[-1]
        return [row] * shape[0] if len(shape) == 2 else row

    monkeypatch.setattr(recipes, "_materialiser", materialise)
    return made


def test_the_limits_leave_room_for_a_million_numbers():
    assert MAX_NODE_ELEMENTS >= 1_000_000 and MAX_GRAPH_ELEMENTS >= 4 * 1_000_000


def test_a_broadcast_too_large_is_the_problem_of_its_node():
    analysis = parse_program(BROADCAST).analyse()
    problems = {p.node: p.message for p in analysis.problems}
    assert "20,000×20,000" in problems["add_1"] and "400,000,000" in problems["add_1"]
    assert f"{MAX_NODE_ELEMENTS:,}" in problems["add_1"]
    assert "s" in problems  # the output cannot be computed, and says so
    assert "add_1" not in analysis.shapes and analysis.shapes["a"] == (20000, 1)


def test_a_matmul_result_too_large_is_refused():
    graph = parse_program(
        'a = param(init="zeros", shape=(5000, 1))\nb = param(init="zeros", shape=(1, 5000))\n'
        "p = a @ b"
    )
    (problem,) = graph.analyse().problems
    assert problem.node == "p" and "5,000×5,000 = 25,000,000 elements" in problem.message


def test_a_million_number_data_list_stays_allowed():
    graph = Graph()
    graph.add_node(Node("x", "data", value=[float(i % 7) for i in range(1_000_000)]))
    graph.add_node(Node("w", "param", value=0.5))
    graph.add_node(Node("p", "mul"))
    graph.add_node(Node("s", "sum"))
    graph.connect("x", "p", "a")
    graph.connect("w", "p", "b")
    graph.connect("p", "s", "a")
    analysis = graph.analyse()
    assert analysis.ok and analysis.shapes["p"] == (1_000_000,)


def test_the_graph_total_counts_values_and_edge_gradients(cheap_recipes):
    lines = ['h0 = param(init="zeros", shape=(1000, 1000))']
    lines += [f"h{i} = tanh(h{i - 1})" for i in range(1, 20)]
    analysis = parse_program("\n".join(lines)).analyse()
    # each 1,000,000-number node costs 2,000,000 (its value, the gradient of its one out-edge)
    crossing = MAX_GRAPH_ELEMENTS // 2_000_000
    problems = {p.node: p.message for p in analysis.problems}
    assert f"h{crossing}" in problems
    assert "1,000×1,000" in problems[f"h{crossing}"]
    assert f"{MAX_GRAPH_ELEMENTS:,}" in problems[f"h{crossing}"]
    assert all(f"h{i}" in analysis.shapes for i in range(crossing))


def test_cost_and_messages():
    assert limits.graph_cost((3, 4), 2) == 36 and limits.elements(()) == 1
    assert limits.node_problem((MAX_NODE_ELEMENTS,)) is None
    assert limits.total_problem((2,), MAX_GRAPH_ELEMENTS) is None
    assert "scalar" in limits.total_problem((), MAX_GRAPH_ELEMENTS + 1)


def test_recipes_past_the_graph_total_are_refused_before_they_are_made(cheap_recipes):
    program = "\n".join(f'w{i} = param(init="normal", shape=(10000, 1000))' for i in range(10))
    with pytest.raises(ProgramError) as info:
        parse_program(program)
    allowed = MAX_GRAPH_ELEMENTS // 10_000_000
    assert f"'w{allowed}'" in str(info.value) and f"{MAX_GRAPH_ELEMENTS:,}" in str(info.value)
    assert len(cheap_recipes) == allowed


def test_the_recipe_budget_follows_removals_and_edits(cheap_recipes, monkeypatch):
    monkeypatch.setattr(limits, "MAX_GRAPH_ELEMENTS", 3_000)
    graph = Graph()
    big = {"init": "zeros", "shape": (10, 100)}
    for i in range(3):
        graph.add_node(Node(f"w{i}", "param", attrs=dict(big)))
    with pytest.raises(GraphError, match="'w3'"):
        graph.add_node(Node("w3", "param", attrs=dict(big)))
    assert "w3" not in graph
    graph.remove_node("w0")
    graph.add_node(Node("w3", "param", attrs=dict(big)))
    graph.set_value("w1", 1.0)  # no longer a recipe: its numbers no longer count
    graph.set_attrs("w2", {"init": "ones", "shape": (10, 100)})  # replacing itself fits
    graph.add_node(Node("w4", "param", attrs=dict(big)))
    with pytest.raises(GraphError, match="'w5'"):
        graph.add_node(Node("w5", "param", attrs=dict(big)))
    assert "w4" in graph.copy()


def test_copies_are_checked_against_the_recipe_budget_before_they_are_added(
    cheap_recipes, monkeypatch
):
    monkeypatch.setattr(limits, "MAX_GRAPH_ELEMENTS", 2_500)
    graph = Graph()
    graph.add_node(Node("w0", "param", attrs={"init": "zeros", "shape": (10, 100)}))
    copies = [Node(f"c{i}", "param", attrs={"init": "zeros", "shape": (10, 100)}) for i in range(2)]
    assert graph.recipe_problem(copies[:1]) is None
    reason = graph.recipe_problem(copies)
    assert reason.startswith("'c1' (param)") and "2,500" in reason
    assert graph.recipe_problem([Node("v", "param", value=1.0)]) is None
