"""Graph validation speaks to a learner and names the node; signals follow every change."""

from __future__ import annotations

import pytest

from backprop_studio.model.graph import Edge, Graph, GraphError, Node
from tests.builders import seed_graph


def test_cycle_is_refused_at_connect_time():
    graph = seed_graph()
    graph.remove_edge(Edge("w", "y_hat", "a"))
    with pytest.raises(GraphError, match="would make a cycle"):
        graph.connect("loss", "y_hat", "a")
    graph.add_node(Node("t", "tanh"))
    assert graph.can_connect("t", "t", "a") == "connecting 't' to 't' would make a cycle"


def test_wrong_arity_and_filled_ports_are_refused():
    graph = seed_graph()
    assert "has no input 'c'" in graph.can_connect("x", "y_hat", "c")
    assert "(its inputs: a, b)" in graph.can_connect("x", "y_hat", "c")
    assert "is a leaf and takes no inputs" in graph.can_connect("x", "w", "a")
    assert "already connected" in graph.can_connect("y", "y_hat", "a")


def test_unknown_op_and_bad_names_are_refused():
    graph = Graph()
    with pytest.raises(GraphError, match="unknown op 'relu2'"):
        graph.add_node(Node("r", "relu2"))
    for bad in ("2x", "for", "tanh", "a-b", "é"):
        with pytest.raises(GraphError):
            graph.add_node(Node(bad, "param", value=1.0))


def test_missing_input_names_the_node_and_the_ports():
    graph = seed_graph()
    graph.remove_edge(Edge("w", "y_hat", "a"))
    problems = graph.analyse().problems
    assert [p.node for p in problems] == ["y_hat", "loss"]
    assert problems[0].message == "'y_hat' (×) needs input 'a' connected"
    assert "output 'loss' cannot be computed" in problems[1].message


def test_shape_mismatch_shows_both_shapes():
    graph = Graph()
    graph.add_node(Node("a", "param", value=[1.0, 2.0]))
    graph.add_node(Node("b", "param", value=[1.0, 2.0, 3.0]))
    graph.add_node(Node("s", "add"))
    graph.connect("a", "s", "a")
    graph.connect("b", "s", "b")
    (problem,) = graph.analyse().problems
    assert problem.node == "s" and "2 and 3 do not broadcast" in problem.message


def test_no_output_in_an_empty_graph():
    problems = Graph().analyse().problems
    assert problems and problems[0].node is None and "empty" in problems[0].message


def test_signals_follow_every_change():
    graph = seed_graph()
    seen = []
    graph.node_renamed.connect(lambda old, new: seen.append(("renamed", old, new)))
    graph.node_changed.connect(lambda node, attr: seen.append(("changed", node.name, attr)))
    graph.edge_removed.connect(lambda edge, i: seen.append(("edge-", edge.src, i)))
    graph.rename_node("w", "weight")
    graph.set_value("weight", 3.0)
    graph.remove_edge(Edge("weight", "y_hat", "a"))
    assert seen == [
        ("renamed", "w", "weight"),
        ("changed", "weight", "value"),
        ("edge-", "weight", 0),
    ]
    assert graph.inputs_of("y_hat") == {"b": Edge("x", "y_hat", "b")}


def test_analysis_is_computed_once_per_revision_and_shared_by_copies(monkeypatch):
    from backprop_studio.model import graph as graph_module
    from backprop_studio.model.program import parse_program

    calls = []
    real = graph_module.analyse
    monkeypatch.setattr(graph_module, "analyse", lambda g: calls.append(g) or real(g))
    g = parse_program("x = data(1.0)\nw = 1.0\nloss = (w * x - 2) ** 2")
    calls.clear()  # parsing reads the shapes to size the cards it places
    first = g.analyse()
    assert g.analyse() is first and len(calls) == 1
    snapshot = g.copy()
    assert snapshot.analyse() is first and len(calls) == 1  # same contents, same revision
    g.set_value("w", 3.0)
    again = g.analyse()
    assert again is not first and len(calls) == 2
    assert snapshot.analyse() is first  # the snapshot did not change
    g.set_output("x")
    assert g.analyse().output == "x" and len(calls) == 3


def test_the_implicit_output_follows_every_edit():
    """Without an explicit output, the last sink op is the output, asked again after each
    edit (it is kept per revision): a new sink, a new edge, a rename, an op made a leaf."""
    graph = seed_graph()
    assert graph.output == "loss"
    graph.add_node(Node("t", "tanh"))
    assert graph.output == "t"  # the newest sink op
    graph.connect("loss", "t", "a")
    assert graph.output == "t"
    graph.remove_edge(Edge("loss", "t", "a"))
    graph.remove_node("t")
    assert graph.output == "loss"
    graph.rename_node("loss", "cost")
    assert graph.output == "cost"
    graph.add_node(Node("u", "tanh"))
    graph.connect("cost", "u", "a")
    assert graph.output == "u"
    graph.set_output("cost")
    assert graph.output == "cost"
    graph.set_output(None)
    assert graph.output == "u"
