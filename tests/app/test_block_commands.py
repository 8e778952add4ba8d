"""Group, collapse, expand, rename and ungroup blocks, each one undo step that undo restores
exactly; a removed member comes back into its block."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_studio import block_commands, commands, document_commands
from backprop_studio.document import Document
from backprop_studio.model.blocks import Block
from backprop_studio.model.graph import GraphError
from tests.builders import seed_graph

pytestmark = pytest.mark.usefixtures("qapp")


def _state(graph):
    return graph.structure(), graph.blocks.snapshot()


def test_group_collapse_rename_ungroup_and_undo_each():
    doc = Document(seed_graph())
    graph = doc.graph
    states = [_state(graph)]
    for command in (
        block_commands.Group(graph, "Model", ["w", "y_hat"]),
        block_commands.SetCollapsed(graph, "Model", True),
        block_commands.RenameBlock(graph, "Model", "Linear 1"),
        block_commands.SetCollapsed(graph, "Linear 1", False),
        block_commands.ungroup_all(graph, ["Linear 1"]),
    ):
        doc.push(command)
        states.append(_state(graph))
    assert graph.blocks.snapshot() == ()
    assert states[3][1] == (Block("Linear 1", ("w", "y_hat"), True),)
    for state in reversed(states[:-1]):
        doc.undo_stack.undo()
        assert _state(graph) == state
    for state in states[1:]:
        doc.undo_stack.redo()
        assert _state(graph) == state


def test_deleting_members_and_undo_puts_them_back_in_their_block():
    doc = Document(seed_graph())
    graph = doc.graph
    doc.push(block_commands.Group(graph, "A", ["x"]))
    doc.push(block_commands.Group(graph, "B", ["w", "y_hat", "diff"]))
    before = _state(graph)
    doc.push(commands.delete_items(graph, ["y_hat", "x", "w"], []))
    assert graph.blocks.snapshot() == (Block("B", ("diff",)),)
    doc.undo_stack.undo()
    assert _state(graph) == before


def test_a_refused_group_records_nothing():
    doc = Document(seed_graph())
    doc.push(block_commands.Group(doc.graph, "A", ["x"]))
    with pytest.raises(GraphError, match="already in block 'A'"):
        doc.push(block_commands.Group(doc.graph, "B", ["w", "x"]))
    assert doc.undo_stack.count() == 1 and doc.graph.blocks.names == ["A"]


def test_replacing_the_graph_carries_its_blocks_and_undo_brings_the_old_ones():
    doc = Document(seed_graph())
    doc.push(block_commands.Group(doc.graph, "A", ["x", "w"], collapsed=True))
    before = _state(doc.graph)
    new = seed_graph()
    new.blocks.add(Block("Loss", ("diff", "loss")))
    doc.push(document_commands.ReplaceGraph(doc.graph, new))
    assert doc.graph.blocks.snapshot() == (Block("Loss", ("diff", "loss")),)
    doc.undo_stack.undo()
    assert _state(doc.graph) == before


edit = st.tuples(
    st.sampled_from(["group", "ungroup", "toggle", "rename", "delete", "rename node"]),
    st.lists(st.integers(0, 20), min_size=1, max_size=4),
    st.sampled_from(["Linear 1", "Linear 2", "MSE loss"]),
)


def _command(graph, kind, picks, name):
    """The edit ``kind`` on the nodes and block that ``picks`` select."""
    names, blocks = graph.names, graph.blocks.names
    chosen = sorted({names[i % len(names)] for i in picks}) if names else []
    block = blocks[picks[0] % len(blocks)] if blocks else None
    if kind == "group":
        return block_commands.Group(graph, name, chosen, picks[0] % 2 == 0)
    if kind == "delete":
        return commands.delete_items(graph, chosen[:2], [])
    if kind == "rename node":
        if not chosen:
            raise GraphError("no node left to rename")  # (every node deleted before)
        return commands.Rename(graph, chosen[0], f"n{picks[0]}")
    if block is None:
        raise GraphError("no block yet")
    if kind == "ungroup":
        return block_commands.Ungroup(graph, block)
    if kind == "toggle":
        return block_commands.SetCollapsed(graph, block, not graph.blocks.block(block).collapsed)
    return block_commands.RenameBlock(graph, block, name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(edit, max_size=12))
def test_undo_all_restores_the_graph_and_its_blocks_exactly(edits):
    """Random selections grouped, collapsed, renamed, ungrouped and deleted: undo-all gives the
    start back, redo-all the end."""
    doc = Document(seed_graph())
    graph = doc.graph
    start = _state(graph)
    for kind, picks, name in edits:
        before = _state(graph)
        try:
            doc.push(_command(graph, kind, picks, name))
        except GraphError:
            assert _state(graph) == before
    end = _state(graph)
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert _state(graph) == start
    while doc.undo_stack.canRedo():
        doc.undo_stack.redo()
    assert _state(graph) == end
    doc.deleteLater()
