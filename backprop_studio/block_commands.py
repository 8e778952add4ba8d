"""Undoable edits of blocks: group, ungroup, collapse or expand, rename (see model/blocks.py).

Like every command in ``commands.py`` they call model methods only, validate before they change
anything, and remember the block's index so that undo puts it back where it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from .commands import Command, Macro, add_items
from .model.blocks import Block
from .model.graph import Edge, Graph, Node


class Group(Command):
    """Make ``members`` a block called ``name`` (Ctrl+G)."""

    def __init__(
        self, graph: Graph, name: str, members: Sequence[str], collapsed: bool = False
    ) -> None:
        super().__init__(f"Group {name}")
        self.graph, self.block = graph, Block(name, tuple(members), collapsed)
        self.index: int | None = None  # fixed at the first apply

    def apply(self) -> None:
        if self.index is None:
            self.index = len(self.graph.blocks)
        self.graph.blocks.insert(self.index, self.block)

    def revert(self) -> None:
        self.graph.blocks.remove(self.block.name)


class Ungroup(Command):
    """The block goes, its nodes stay (Ctrl+Shift+G)."""

    def __init__(self, graph: Graph, name: str) -> None:
        super().__init__(f"Ungroup {name}")
        self.graph, self.name = graph, name
        self.block: Block | None = None
        self.index = -1

    def apply(self) -> None:
        self.block = self.graph.blocks.block(self.name)
        self.index = self.graph.blocks.remove(self.name)

    def revert(self) -> None:
        assert self.block is not None
        self.graph.blocks.insert(self.index, self.block)


class SetCollapsed(Command):
    """Collapse a block into one card, or expand it in place."""

    def __init__(self, graph: Graph, name: str, collapsed: bool) -> None:
        super().__init__(f"{'Collapse' if collapsed else 'Expand'} {name}")
        self.graph, self.name, self.new = graph, name, collapsed
        self.old: bool | None = None  # read at the first apply

    def apply(self) -> None:
        if self.old is None:
            self.old = self.graph.blocks.block(self.name).collapsed
        self.graph.blocks.set_collapsed(self.name, self.new)

    def revert(self) -> None:
        self.graph.blocks.set_collapsed(self.name, bool(self.old))


class RenameBlock(Command):
    def __init__(self, graph: Graph, old: str, new: str) -> None:
        super().__init__(f"Rename block {old} to {new}")
        self.graph, self.old, self.new = graph, old, new

    def apply(self) -> None:
        self.graph.blocks.rename(self.old, self.new)

    def revert(self) -> None:
        self.graph.blocks.rename(self.new, self.old)


def ungroup_all(graph: Graph, names: Sequence[str]) -> Macro:
    """One step that ungroups every block in ``names``."""
    count = len(names)
    return Macro(
        f"Ungroup {names[0]}" if count == 1 else f"Ungroup {count} blocks",
        [Ungroup(graph, name) for name in names],
    )


def add_block(
    graph: Graph, name: str, nodes: list[Node], edges: list[Edge], collapsed: bool = False
) -> Macro:
    """Nodes, their edges and the block holding them, as one step (a palette template)."""
    children: list[Command] = [*add_items(graph, nodes, edges).children]
    children.append(Group(graph, name, [node.name for node in nodes], collapsed))
    return Macro(f"Add {name}", children)
