"""Undo restores the model exactly: single commands and random edit sequences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from backprop_studio import commands, document_commands
from backprop_studio.model.graph import Edge, Node
from backprop_studio.model.program import parse_program
from tests.builders import seed_graph


def test_remove_node_restores_edges_at_their_indices():
    graph = seed_graph()
    before = graph.structure()
    added, removed = [], []
    graph.edge_added.connect(lambda e, i: added.append(e))
    graph.edge_removed.connect(lambda e, i: removed.append(e))
    stack = QUndoStack()
    stack.push(commands.RemoveNode(graph, "y_hat"))
    assert "y_hat" not in graph
    assert sorted(removed, key=str) == sorted(
        [Edge("w", "y_hat", "a"), Edge("x", "y_hat", "b"), Edge("y_hat", "diff", "a")], key=str
    )
    stack.undo()
    assert graph.structure() == before
    assert sorted(added, key=str) == sorted(removed, key=str)


def test_delete_selection_is_one_step():
    graph = seed_graph()
    before = graph.structure()
    stack = QUndoStack()
    stack.push(commands.delete_items(graph, ["y_hat", "w"], [Edge("y", "diff", "b")]))
    assert stack.count() == 1
    assert graph.names == ["x", "y", "two", "diff", "loss"]
    assert Edge("y", "diff", "b") not in graph.edges
    stack.undo()
    assert graph.structure() == before


def test_typing_a_value_merges_into_one_step():
    graph = seed_graph()
    stack = QUndoStack()
    for text in ("1", "1.", "1.5"):
        stack.push(commands.SetValue(graph, "w", float(text)))
    assert stack.count() == 1
    assert graph.node("w").value == 1.5
    stack.undo()
    assert graph.node("w").value == 1.0


def test_replace_graph_round_trip():
    graph = seed_graph()
    before = graph.structure()
    other = seed_graph()
    other.remove_node("loss")
    stack = QUndoStack()
    stack.push(document_commands.ReplaceGraph(graph, other))
    assert graph.structure() == other.structure()
    stack.undo()
    assert graph.structure() == before
    stack.redo()
    assert graph.structure() == other.structure()


OPS = ["add", "mul", "tanh", "sub", "param", "data"]


@st.composite
def edit_scripts(draw):
    return draw(
        st.lists(st.tuples(st.integers(0, 7), st.integers(0, 50), st.integers(0, 50)), max_size=25)
    )


@settings(max_examples=60, deadline=None)
@given(edit_scripts())
def test_random_edits_then_undo_all_restore_the_graph(script):
    graph = seed_graph()
    graph.set_output("loss")
    before = graph.structure()
    stack = QUndoStack()
    counter = 0
    for kind, i, j in script:
        names = graph.names
        edges = graph.edges
        cmd = None
        if kind == 0:
            counter += 1
            op = OPS[i % len(OPS)]
            cmd = commands.AddNode(graph, Node(f"n{counter}", op, position=(i, j)))
        elif kind == 1 and names:
            cmd = commands.RemoveNode(graph, names[i % len(names)])
        elif kind == 2 and names:
            src, dst = names[i % len(names)], names[j % len(names)]
            spec = graph.node(dst).spec
            if spec.inputs:
                port = spec.inputs[j % len(spec.inputs)]
                if graph.can_connect(src, dst, port) is None:
                    cmd = commands.AddEdge(graph, Edge(src, dst, port))
        elif kind == 3 and edges:
            cmd = commands.RemoveEdge(graph, edges[i % len(edges)])
        elif kind == 4 and names:
            name = names[i % len(names)]
            old = graph.node(name).position
            cmd = commands.MoveNodes(graph, {name: (old, (float(i), float(j)))})
        elif kind == 5 and names:
            leaves = [n for n in graph if n.is_leaf]
            if leaves:
                cmd = commands.SetValue(graph, leaves[i % len(leaves)].name, float(j))
        elif kind == 6 and names:
            counter += 1
            cmd = commands.Rename(graph, names[i % len(names)], f"r{counter}")
        elif kind == 7 and names:
            cmd = commands.delete_items(graph, names[: 1 + i % 2], edges[: j % 2])
        if cmd is not None:
            stack.push(cmd)
    after = graph.structure()
    while stack.canUndo():
        stack.undo()
    assert graph.structure() == before
    while stack.canRedo():
        stack.redo()
    assert graph.structure() == after


def test_add_items_keeps_order_and_undoes_in_one_step():
    graph = seed_graph()
    before = graph.structure()
    stack = QUndoStack()
    nodes = [Node("p", "param", value=3.0), Node("q", "tanh"), Node("r", "neg")]
    stack.push(commands.add_items(graph, nodes, [Edge("p", "q", "a"), Edge("q", "r", "a")]))
    assert graph.names[-3:] == ["p", "q", "r"]
    assert Edge("q", "r", "a") in graph.edges
    stack.undo()
    assert graph.structure() == before


def test_undo_of_a_value_edit_restores_a_recipe():
    from backprop_studio.model.program import parse_program

    graph = parse_program('W = param(shape=(2, 3), init="xavier", seed=0)\nsum(W)')
    recipe = dict(graph.node("W").attrs)
    assert recipe
    stack = QUndoStack()
    stack.push(commands.SetValue(graph, "W", [[0.0] * 3] * 2))
    assert graph.node("W").attrs == {}
    stack.undo()
    assert graph.node("W").attrs == recipe


def test_the_stack_keeps_python_commands_alive(qapp):
    """Commands pushed from a function that drops them still undo and redo with their Python
    overrides after a garbage collection: the stack owns their wrappers."""
    import gc

    from backprop_studio.document import Document

    doc = Document(seed_graph())
    before = doc.graph.structure()

    def edit(k: int) -> None:
        doc.push(commands.AddNode(doc.graph, Node(f"n{k}", "param", value=float(k))))
        doc.push(commands.MoveNodes(doc.graph, {"w": ((0.0, 0.0), (k * 10.0, 5.0))}))

    for k in range(20):
        edit(k)
    after = doc.graph.structure()
    gc.collect()
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.graph.structure() == before
    gc.collect()
    while doc.undo_stack.canRedo():
        doc.undo_stack.redo()
    assert doc.graph.structure() == after


def test_undo_texts_speak_of_a_program_constant_as_its_card_shows_it(qapp):
    graph = parse_program("x = data(1.0)\ny = x * 2")
    edge = graph.inputs_of("y")["b"]
    assert commands.RemoveEdge(graph, edge).text() == "Disconnect the constant 2 → y.b"
    assert commands.RemoveNode(graph, "const_1").text() == "Remove the constant 2"
    assert commands.SetValue(graph, "const_1", 3.0).text() == "Set the constant 2"
    assert commands.SetValue(graph, "x", 3.0).text() == "Set x"
