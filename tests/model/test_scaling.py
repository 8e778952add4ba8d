"""Large inputs give the same results as small ones: documents with edges in any order, long
reassignment chains, a million-number list. Sized so that a quadratic step would take minutes
(the numbers are in benchmarks/scaling.py); no assertion here is about time."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_studio.model import program_lists
from backprop_studio.model.document_io import MAX_NODES, DocumentError, loads
from backprop_studio.model.graph import Edge, Graph, GraphError, Node
from backprop_studio.model.program import ProgramError, parse_program


def chain_nodes(n: int) -> tuple[list[dict], list[dict]]:
    """``w``, ``s0``, then ``s_i = s_(i-1) + w``: n nodes, 2(n - 2) edges in flow order."""
    nodes = [
        {"name": "w", "op": "param", "position": [0, 0], "value": 1.0},
        {"name": "s0", "op": "data", "position": [0, 0], "value": 0.0},
    ]
    edges = []
    for i in range(1, n - 1):
        nodes.append({"name": f"s{i}", "op": "add", "position": [i, 0]})
        edges.append({"from": f"s{i - 1}", "to": f"s{i}", "port": "a"})
        edges.append({"from": "w", "to": f"s{i}", "port": "b"})
    return nodes, edges


def dag_nodes(n: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    nodes = [
        {"name": f"v{i}", "op": "param", "position": [0, i], "value": rng.uniform(-1, 1)}
        for i in range(10)
    ]
    edges = []
    for i in range(10, n):
        op = rng.choice(("add", "sub", "mul", "tanh"))
        nodes.append({"name": f"v{i}", "op": op, "position": [i, 0]})
        for port in ("a",) if op == "tanh" else ("a", "b"):
            edges.append({"from": f"v{rng.randrange(i)}", "to": f"v{i}", "port": port})
    return nodes, edges


def document(nodes: list[dict], edges: list[dict]) -> str:
    return json.dumps({"format": "backprop-studio", "version": 1, "nodes": nodes, "edges": edges})


def test_the_cap_is_ten_thousand_nodes():
    assert MAX_NODES == 10_000
    nodes, edges = chain_nodes(MAX_NODES + 1)
    with pytest.raises(DocumentError, match=r"^nodes: at most 10,000 nodes, this file has 10,001"):
        loads(document(nodes, edges))


def test_a_chain_with_its_edges_listed_backwards_loads_as_the_same_graph():
    nodes, edges = chain_nodes(MAX_NODES)
    forward = loads(document(nodes, edges)).graph
    backward = loads(document(nodes, edges[::-1])).graph
    assert backward.names == forward.names
    assert backward.edges == forward.edges[::-1]  # the file's order is kept
    assert backward.topological_order() == forward.topological_order()
    assert backward.analyse().ok
    assert backward.analyse().shapes == forward.analyse().shapes
    copied = backward.copy()
    assert copied.structure() == backward.structure()


def test_a_random_dag_with_shuffled_edges_loads_as_the_same_graph():
    nodes, edges = dag_nodes(MAX_NODES)
    shuffled = edges[:]
    random.Random(1).shuffle(shuffled)
    inorder = loads(document(nodes, edges)).graph
    graph = loads(document(nodes, shuffled)).graph
    assert graph.edges == [Edge(e["from"], e["to"], e["port"]) for e in shuffled]
    assert set(graph.edges) == set(inorder.edges)
    assert graph.topological_order() == inorder.topological_order()
    assert graph.analyse().ok


def test_a_cycle_deep_in_a_backwards_chain_names_the_edge_that_closes_it():
    nodes, edges = chain_nodes(MAX_NODES)
    edges = edges[::-1]
    # s100 → s50.b would close s50 → … → s100 → s50 once the chain between them exists.
    late = next(i for i, e in enumerate(edges) if e["to"] == "s50" and e["port"] == "b")
    edges[late] = {"from": "s100", "to": "s50", "port": "b"}
    with pytest.raises(DocumentError) as caught:
        loads(document(nodes, edges))
    assert str(caught.value) == (f"edges[{late}]: connecting 's100' to 's50' would make a cycle")
    # An edge at fault for another reason before the cycle is the one reported.
    edges[5] = {"from": "w", "to": "s3", "port": "x"}
    with pytest.raises(DocumentError, match=r"^edges\[5\]\.port: 's3' \(add\) has no input 'x'"):
        loads(document(nodes, edges))
    # …and after it, the cycle still comes first.
    edges[5], edges[late + 1] = edges[late + 1], edges[5]
    with pytest.raises(DocumentError, match=rf"^edges\[{late}\]: .* would make a cycle"):
        loads(document(nodes, edges))


EDGE = st.tuples(
    st.sampled_from(["a", "b", "c", "d", "e"]),
    st.sampled_from(["a", "b", "c", "d", "e", "zz"]),
    st.sampled_from(["a", "b", "x"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(EDGE, max_size=6), st.lists(EDGE, max_size=10))
def test_a_batch_of_edges_is_refused_exactly_where_one_by_one_would_be(before, batch):
    def graph_with(edges: list[tuple[str, str, str]]) -> Graph:
        graph = Graph()
        for name, op in zip("abcde", ["param", "add", "mul", "tanh", "sub"]):
            graph.add_node(Node(name, op, value=1.0 if op == "param" else None))
        for src, dst, port in edges:
            if graph.can_connect(src, dst, port) is None:
                graph.connect(src, dst, port)
        return graph

    one_by_one, batched = graph_with(before), graph_with(before)
    expected = None
    for i, (src, dst, port) in enumerate(batch):
        reason = one_by_one.can_connect(src, dst, port)
        if reason is not None:
            expected = (i, reason)
            break
        one_by_one.connect(src, dst, port)
    edges = [Edge(*e) for e in batch]
    assert batched.first_edge_problem(edges) == expected
    if expected is None:
        batched.add_edges(edges)
        assert batched.structure() == one_by_one.structure()
    else:
        untouched = batched.structure()
        with pytest.raises(GraphError, match=re.escape(expected[1])):
            batched.add_edges(edges)
        assert batched.structure() == untouched


def test_unique_names_reuse_a_suffix_freed_by_removal_or_rename():
    graph = Graph()
    for name in ("c", "c_2", "c_3", "c_4"):
        graph.add_node(Node(name, "param", value=1.0))
    assert graph.unique_name("c") == "c_5"
    graph.remove_node("c_3")
    assert graph.unique_name("c") == "c_3"
    graph.add_node(Node("c_3", "param", value=1.0))
    graph.rename_node("c_2", "other")
    assert graph.unique_name("c") == "c_2"


def test_ten_thousand_reassignments_name_every_node_like_a_short_program():
    n = 10_000
    graph = parse_program("c = 0.0\n" + "c = c + 1\n" * (n - 1))
    adds = [f"c_{k}" for k in range(2, n + 1)]
    assert [name for name in graph.names if name == "c" or name.startswith("c_")] == ["c", *adds]
    assert len(graph) == 2 * n - 1  # each `+ 1` adds a const
    assert graph.output == f"c_{n}"
    for k in (2, 500, n):
        inputs = graph.inputs_of(f"c_{k}")
        assert inputs["a"].src == ("c" if k == 2 else f"c_{k - 1}")
        assert graph.node(inputs["b"].src).op == "const"
    short = parse_program("c = 0.0\n" + "c = c + 1\n" * 2)
    assert short.structure() == _prefix(graph, short)


def _prefix(graph: Graph, like: Graph) -> tuple:
    """The structure of ``graph`` cut to the first nodes of ``like`` (positions from ``like``)."""
    names = like.names
    part = Graph()
    for name in names:
        node = graph.node(name)
        part.add_node(Node(name, node.op, node.label, like.node(name).position, node.value))
    part.add_edges(e for e in graph.edges if e.src in names and e.dst in names)
    part.set_output(like.explicit_output)
    return part.structure()


def test_ten_thousand_chained_statements_connect_in_order():
    n = 10_000
    text = "w = 1.0\ns0 = data(0.0)\n" + "".join(f"s{i} = s{i - 1} + w\n" for i in range(1, n - 1))
    graph = parse_program(text)
    assert graph.names == ["w", "s0", *(f"s{i}" for i in range(1, n - 1))]
    assert graph.edges == [
        e
        for i in range(1, n - 1)
        for e in (Edge(f"s{i - 1}", f"s{i}", "a"), Edge("w", f"s{i}", "b"))
    ]
    assert graph.output == f"s{n - 2}"


def numbers(n: int) -> list[float]:
    return [((i * 37) % 101 - 50) / 8 for i in range(n)]


def test_a_million_numbers_parse_to_their_values():
    values = numbers(1_000_000)
    text = f"x = data([{', '.join(repr(v) for v in values)}])\ny = sum(x * x)\n"
    graph = parse_program(text)
    assert graph.node("x").value == values
    assert graph.analyse().shapes["x"] == (1_000_000,)


@pytest.mark.parametrize(
    "items",
    [
        ["1", "-2", "3.5", "1e-3", "-0", "2E+2", "12345678901234567890"],  # read by json
        [".5", "1.", "+1", "- 2", "0x10", "1_000"],  # valid Python json does not read
    ],
)
def test_a_long_list_reads_as_ast_would(monkeypatch, items):
    rows = [[items[(i + j) % len(items)] for j in range(40)] for i in range(300)]
    body = ",\n  ".join("[" + ", ".join(row) + "]" for row in rows)
    text = f"w = 1.0\nx = param([{body}],\n)\ny = sum(x * w)\n"
    assert len(text) > program_lists.MIN_LENGTH
    lifted = bool(program_lists.lift_long_lists(text)[1])
    assert lifted == (items[0] == "1")
    fast = parse_program(text)
    monkeypatch.setattr(program_lists, "MIN_LENGTH", 10**9)
    assert parse_program(text).structure() == fast.structure()


def test_errors_after_a_long_list_keep_their_line_and_column(monkeypatch):
    row = ", ".join(["1.5"] * 4000)
    text = f"w = 1.0\nx = data([{row},\n {row}], seed=[[1]])\ny = x + ~w\n"
    with pytest.raises(ProgramError) as fast:
        parse_program(text)
    monkeypatch.setattr(program_lists, "MIN_LENGTH", 10**9)
    with pytest.raises(ProgramError) as slow:
        parse_program(text)
    assert (fast.value.line, fast.value.column, str(fast.value)) == (
        slow.value.line,
        slow.value.column,
        str(slow.value),
    )
    assert (fast.value.line, fast.value.column) == (3, len(f" {row}], seed=[") + 1)
    bad = f"x = data([{row}, 1e999])\n"
    with pytest.raises(ProgramError, match=r"^line 1: 1e999 is not a finite number"):
        parse_program(bad)
