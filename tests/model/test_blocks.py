"""Blocks group nodes without changing the graph; they follow removals and renames."""

from __future__ import annotations

import pytest

from backprop_studio.model.blocks import Block, boundary
from backprop_studio.model.graph import Edge, GraphError
from tests.builders import seed_graph


def _recorded(graph):
    events = []
    graph.blocks.added.connect(lambda b, i: events.append(("added", b.name, i)))
    graph.blocks.removed.connect(lambda b, i: events.append(("removed", b.name, i)))
    graph.blocks.changed.connect(lambda old, new: events.append(("changed", old.name, new)))
    return events


def test_a_block_groups_nodes_and_changes_nothing_else():
    graph = seed_graph()
    before, revision = graph.structure(), graph.revision
    events = _recorded(graph)
    graph.blocks.add(Block("Model", ("w", "y_hat")))
    assert graph.blocks.owner("w") == "Model" and graph.blocks.owner("x") is None
    assert graph.structure() == before and graph.revision == revision
    assert events == [("added", "Model", 0)]


def test_boundary_is_the_edges_with_one_end_inside():
    graph = seed_graph()
    edges = graph.edges
    found = boundary(edges, {"y_hat", "diff"})
    assert found.inputs == (
        Edge("w", "y_hat", "a"),
        Edge("x", "y_hat", "b"),
        Edge("y", "diff", "b"),
    )
    assert found.outputs == (Edge("diff", "loss", "a"),)
    assert boundary(edges, set(graph.names)).edges == ()


@pytest.mark.parametrize(
    "block, message",
    [
        (Block("", ("w",)), "needs a name"),
        (Block(" A", ("w",)), "start or end with a space"),
        (Block("A\nB", ("w",)), "printable"),
        (Block("x" * 65, ("w",)), "at most 64"),
        (Block("A", ()), "has no nodes"),
        (Block("A", ("nope",)), "no node named 'nope'"),
        (Block("A", ("w", "w")), "lists 'w' twice"),
        (Block("Taken", ("x",)), "already exists"),
        (Block("B", ("y_hat",)), "already in block 'Taken'"),
    ],
)
def test_bad_blocks_are_refused_with_a_reason(block, message):
    graph = seed_graph()
    graph.blocks.add(Block("Taken", ("y_hat",)))
    before = graph.blocks.snapshot()
    with pytest.raises(GraphError, match=message):
        graph.blocks.add(block)
    assert graph.blocks.snapshot() == before


def test_removing_a_member_shrinks_the_block_and_the_last_removes_it():
    graph = seed_graph()
    graph.blocks.add(Block("Model", ("w", "y_hat")))
    events = _recorded(graph)
    graph.remove_node("w")
    assert graph.blocks.block("Model").members == ("y_hat",)
    graph.remove_node("y_hat")
    assert "Model" not in graph.blocks and graph.blocks.owner("y_hat") is None
    assert [e[0] for e in events] == ["changed", "removed"]


def test_renaming_a_member_keeps_it_in_its_block():
    graph = seed_graph()
    graph.blocks.add(Block("Model", ("w", "y_hat")))
    graph.rename_node("w", "weight")
    assert graph.blocks.block("Model").members == ("weight", "y_hat")
    assert graph.blocks.owner("weight") == "Model" and graph.blocks.owner("w") is None


def test_collapse_rename_and_put_back():
    graph = seed_graph()
    graph.blocks.add(Block("A", ("x",)))
    graph.blocks.add(Block("B", ("w", "y_hat")))
    graph.blocks.set_collapsed("B", True)
    graph.blocks.rename("B", "Linear 1")
    assert graph.blocks.names == ["A", "Linear 1"]
    assert graph.blocks.block("Linear 1") == Block("Linear 1", ("w", "y_hat"), True)
    assert graph.blocks.owner("w") == "Linear 1"
    assert graph.blocks.hidden() == {"w", "y_hat"}
    old = graph.blocks.block("Linear 1")
    index = graph.blocks.remove("Linear 1")
    graph.blocks.put(index, old)
    assert graph.blocks.snapshot() == (Block("A", ("x",)), old)


def test_copy_keeps_blocks_and_load_checks_before_changing():
    graph = seed_graph()
    graph.blocks.add(Block("Model", ("w", "y_hat"), collapsed=True))
    other = graph.copy()
    assert other.blocks.snapshot() == graph.blocks.snapshot()
    with pytest.raises(GraphError, match="already in block"):
        other.blocks.load([Block("A", ("x",)), Block("B", ("x",))])
    assert other.blocks.snapshot() == graph.blocks.snapshot()
    assert graph.blocks.unique_name("Model") == "Model 2"
