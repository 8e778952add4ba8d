"""Undoable edits. Each command calls Graph methods only; the scene follows the graph's signals.

Every command is atomic: ``apply`` and ``revert`` either complete or raise with the graph exactly
as it was (a single Graph call validates before it changes anything; a command of several calls
checks first or rolls back). ``Document.push`` applies a command itself before the undo stack sees
it, so a refused edit is never recorded, and the stack's first ``redo()`` is then skipped.

Commands remember indices so that undo puts nodes and edges back exactly where they were, which
keeps the program text, the document and the Trace's edge order stable across undo and redo.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand

from .model.blocks import Block
from .model.graph import Edge, Graph, Node
from .model.shapes import Value

MERGE_SET_VALUE = 1


class Command(QUndoCommand):
    """One undoable edit. Never given a Qt parent: a Python subclass owned by a Qt parent loses
    its overrides when its wrapper goes, and the stack then calls into freed memory."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.applied_by_push = False

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self.applied_by_push:  # Document.push already applied it, before recording it
            self.applied_by_push = False
            return
        self.apply()

    def undo(self) -> None:
        self.revert()


def _called(graph: Graph, name: str) -> str:
    """The node as the user sees it (``Node.called``: the constant 2, not const_1)."""
    return graph.node(name).called if name in graph else name


class AddNode(Command):
    def __init__(self, graph: Graph, node: Node) -> None:
        super().__init__(f"Add {node.called}")
        self.graph, self.node = graph, node
        self.index: int | None = None  # fixed at the first redo, so a batch keeps its order

    def apply(self) -> None:
        if self.index is None:
            self.index = len(self.graph)
        self.graph.insert_node(self.index, copy.deepcopy(self.node))

    def revert(self) -> None:
        self.graph.remove_node(self.node.name)


class RemoveNode(Command):
    """Removes a node and the edges that touch it; undo restores all of them at their indices."""

    def __init__(self, graph: Graph, name: str) -> None:
        super().__init__(f"Remove {_called(graph, name)}")
        self.graph, self.name = graph, name
        self.node: Node | None = None
        self.index = -1
        self.edges: list[tuple[Edge, int]] = []
        self.was_output = False
        self.block: tuple[int, Block] | None = None  # the node's block as it was, and its index

    def apply(self) -> None:
        self.node = copy.deepcopy(self.graph.node(self.name))
        self.was_output = self.graph.explicit_output == self.name
        owner = self.graph.blocks.owner(self.name)
        if owner is not None:
            self.block = (self.graph.blocks.index_of(owner), self.graph.blocks.block(owner))
        touching = sorted(self.graph.edges_of(self.name), key=self.graph.edges.index, reverse=True)
        self.edges = [(edge, self.graph.remove_edge(edge)) for edge in touching]
        self.index = self.graph.remove_node(self.name)

    def revert(self) -> None:
        assert self.node is not None
        self.graph.insert_node(self.index, copy.deepcopy(self.node))
        for edge, index in reversed(self.edges):
            self.graph.insert_edge(index, edge)
        if self.was_output:
            self.graph.set_output(self.name)
        if self.block is not None:
            self.graph.blocks.put(*self.block)


class AddEdge(Command):
    def __init__(self, graph: Graph, edge: Edge) -> None:
        super().__init__(f"Connect {_called(graph, edge.src)} → {edge.dst}.{edge.port}")
        self.graph, self.edge = graph, edge

    def apply(self) -> None:
        self.graph.connect(self.edge.src, self.edge.dst, self.edge.port)

    def revert(self) -> None:
        self.graph.remove_edge(self.edge)


class RemoveEdge(Command):
    def __init__(self, graph: Graph, edge: Edge) -> None:
        super().__init__(f"Disconnect {_called(graph, edge.src)} → {edge.dst}.{edge.port}")
        self.graph, self.edge, self.index = graph, edge, -1

    def apply(self) -> None:
        self.index = self.graph.remove_edge(self.edge)

    def revert(self) -> None:
        self.graph.insert_edge(self.index, self.edge)


class Macro(Command):
    """Several commands as one undo step, all or nothing: when a child fails, the children done
    so far are reverted before the error goes on, so a macro is never left half-applied.
    Children stay Python-owned (no Qt parent), so their overrides never outlive their wrappers."""

    def __init__(self, text: str, children: Sequence[Command]) -> None:
        super().__init__(text)
        self.children = list(children)

    def apply(self) -> None:
        _all_or_nothing([(c.apply, c.revert) for c in self.children])

    def revert(self) -> None:
        _all_or_nothing([(c.revert, c.apply) for c in reversed(self.children)])


def _all_or_nothing(steps: list[tuple]) -> None:
    """Run each ``(do, undo)`` pair's ``do``; if one raises, ``undo`` those done, newest first."""
    done = []
    try:
        for do, undo in steps:
            do()
            done.append(undo)
    except BaseException:
        for undo in reversed(done):
            undo()
        raise


def delete_items(graph: Graph, names: list[str], edges: list[Edge]) -> Macro:
    """One undo step for a selection: loose edges first, then nodes with their own edges."""
    count = len(names) + len(edges)
    doomed = set(names)
    children: list[Command] = [
        RemoveEdge(graph, edge)
        for edge in edges
        if edge.src not in doomed and edge.dst not in doomed
    ]
    children += [RemoveNode(graph, name) for name in names]
    return Macro(f"Delete {count} item{'s' if count != 1 else ''}", children)


def add_items(graph: Graph, nodes: list[Node], edges: list[Edge], text: str = "Paste") -> Macro:
    """Nodes then the edges between them, as one step (paste, duplicate, quick-add + connect)."""
    children: list[Command] = [AddNode(graph, node) for node in nodes]
    children += [AddEdge(graph, edge) for edge in edges]
    return Macro(text, children)


class MoveNodes(Command):
    """A whole drag, one step: ``moves`` maps a name to (old position, new position)."""

    def __init__(
        self,
        graph: Graph,
        moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
        text: str = "Move",
    ) -> None:
        super().__init__(text if len(moves) != 1 else f"{text} {next(iter(moves))}")
        self.graph, self.moves = graph, dict(moves)

    def apply(self) -> None:
        for name in self.moves:
            self.graph.node(name)  # every name first: a move is all or nothing
        for name, (_, new) in self.moves.items():
            self.graph.set_position(name, new)

    def revert(self) -> None:
        for name in self.moves:
            self.graph.node(name)
        for name, (old, _) in self.moves.items():
            self.graph.set_position(name, old)


class SetValue(Command):
    """Typing a value is one step: consecutive edits of the same leaf merge."""

    def __init__(
        self,
        graph: Graph,
        name: str,
        value: Value,
        session: int = 0,
    ):
        super().__init__(f"Set {_called(graph, name)}")
        self.graph, self.name, self.session = graph, name, session
        self.old = copy.deepcopy(graph.node(name).value)
        self.old_attrs = copy.deepcopy(graph.node(name).attrs)  # a recipe comes back on undo
        self.old_trained = graph.node(name).trained  # and so do its trained numbers
        self.new = copy.deepcopy(value)

    def id(self) -> int:
        return MERGE_SET_VALUE

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetValue) or (other.name, other.session) != (
            self.name,
            self.session,
        ):
            return False
        self.new = other.new
        return True

    def apply(self) -> None:
        self.graph.set_value(self.name, self.new)

    def revert(self) -> None:
        self.graph.set_value(self.name, self.old)
        if self.old_attrs:
            self.graph.set_attrs(self.name, self.old_attrs)
        if self.old_trained:
            self.graph.set_trained_value(self.name, self.old)


class SetTrainedValue(Command):
    """Training's numbers for a leaf (or their Reset): its recipe stays, with the trained mark
    ``trained`` says; undo brings back the numbers and the mark it had."""

    def __init__(self, graph: Graph, name: str, value: Value, trained: bool = True) -> None:
        super().__init__(f"Train {name}")
        node = graph.node(name)
        self.graph, self.name, self.trained = graph, name, trained
        self.old, self.old_trained = copy.deepcopy(node.value), node.trained
        self.new = copy.deepcopy(value)

    def apply(self) -> None:
        self.graph.set_trained_value(self.name, self.new, self.trained)

    def revert(self) -> None:
        self.graph.set_trained_value(self.name, self.old, self.old_trained)


MERGE_SET_ATTRS = 3


class SetAttrs(Command):
    """An op's attributes (a power's exponent): typing a number is one step, as for a value."""

    def __init__(self, graph: Graph, name: str, attrs: dict, session: int = 0):
        super().__init__(f"Set {name}")
        self.graph, self.name, self.session = graph, name, session
        self.old = copy.deepcopy(graph.node(name).attrs)
        self.new = copy.deepcopy(attrs)

    def id(self) -> int:
        return MERGE_SET_ATTRS

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetAttrs) or (other.name, other.session) != (
            self.name,
            self.session,
        ):
            return False
        self.new = other.new
        return True

    def apply(self) -> None:
        self.graph.set_attrs(self.name, self.new)

    def revert(self) -> None:
        self.graph.set_attrs(self.name, self.old)


class SetLeafKind(Command):
    """param ↔ data ↔ const: the trainable flag."""

    def __init__(self, graph: Graph, name: str, op: str):
        super().__init__(f"Make {_called(graph, name)} {op}")
        self.graph, self.name, self.old, self.new = graph, name, graph.node(name).op, op

    def apply(self) -> None:
        self.graph.set_op(self.name, self.new)

    def revert(self) -> None:
        self.graph.set_op(self.name, self.old)


class Rename(Command):
    def __init__(self, graph: Graph, old: str, new: str):
        super().__init__(f"Rename {old} to {new}")
        self.graph, self.old, self.new = graph, old, new

    def apply(self) -> None:
        self.graph.rename_node(self.old, self.new)

    def revert(self) -> None:
        self.graph.rename_node(self.new, self.old)


class SetLabel(Command):
    def __init__(self, graph: Graph, name: str, label: str):
        super().__init__(f"Label {_called(graph, name)}")
        self.graph, self.name, self.old, self.new = graph, name, graph.node(name).label, label

    def apply(self) -> None:
        self.graph.set_label(self.name, self.new)

    def revert(self) -> None:
        self.graph.set_label(self.name, self.old)


class SetOutput(Command):
    def __init__(self, graph: Graph, name: str | None):
        super().__init__(f"Output {name}")
        self.graph, self.old, self.new = graph, graph.explicit_output, name

    def apply(self) -> None:
        self.graph.set_output(self.new)

    def revert(self) -> None:
        self.graph.set_output(self.old)
