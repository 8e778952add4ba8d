"""Blocks: named groups of nodes ("Linear 1") that the canvas can draw as one card.

A block is a way of looking at the graph, not part of the computation: the engine never sees
blocks, and grouping, collapsing or renaming one changes no value, gradient or revision. A node
belongs to at most one block; removing a node takes it out of its block, renaming it keeps its
membership, and a block left without members goes away. Like the graph, ``Blocks`` validates,
then changes, then emits, so the scene can mirror it.

The edges that cross a block's boundary (:func:`boundary`) are the ports of its collapsed card.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .errors import GraphError
from .signal import Signal

if TYPE_CHECKING:
    from .graph import Edge, Graph

MAX_BLOCK_NAME_LENGTH = 64


@dataclass(frozen=True)
class Block:
    """A named set of nodes, in the order they were grouped; ``collapsed`` draws it as one card."""

    name: str
    members: tuple[str, ...]
    collapsed: bool = False


@dataclass(frozen=True)
class Boundary:
    """The edges entering a block (``inputs``) and leaving it (``outputs``), in graph edge order."""

    inputs: tuple[Edge, ...]
    outputs: tuple[Edge, ...]

    @property
    def edges(self) -> tuple[Edge, ...]:
        return self.inputs + self.outputs


def boundary(edges: Iterable[Edge], members: Iterable[str]) -> Boundary:
    """The edges of ``edges`` with exactly one end among ``members``."""
    inside = set(members)
    inputs, outputs = [], []
    for edge in edges:
        src, dst = edge.src in inside, edge.dst in inside
        if dst and not src:
            inputs.append(edge)
        elif src and not dst:
            outputs.append(edge)
    return Boundary(tuple(inputs), tuple(outputs))


def check_block_name(name: object) -> str:
    """``name`` if it can name a block (any short printable text), else GraphError saying why."""
    if not isinstance(name, str) or not name.strip():
        raise GraphError("a block needs a name, like 'Linear 1'")
    if not name.isprintable():
        raise GraphError("a block's name must be printable text on one line")
    if name != name.strip():
        raise GraphError(f"'{name}': a block's name may not start or end with a space")
    if len(name) > MAX_BLOCK_NAME_LENGTH:
        raise GraphError(f"a block's name may have at most {MAX_BLOCK_NAME_LENGTH} characters")
    return name


class Blocks:
    """The blocks of one graph, in order, with the block of each grouped node."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph
        self._blocks: dict[str, Block] = {}
        self._owner: dict[str, str] = {}  # node name → block name
        self.added = Signal()  # (block, index)
        self.removed = Signal()  # (block, index)
        self.changed = Signal()  # (old block, new block): members, collapsed flag or name
        graph.node_removed.connect(self._node_removed)
        graph.node_renamed.connect(self._node_renamed)

    # ---- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._blocks)

    def __iter__(self) -> Iterator[Block]:
        return iter(list(self._blocks.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._blocks

    @property
    def names(self) -> list[str]:
        return list(self._blocks)

    def block(self, name: str) -> Block:
        try:
            return self._blocks[name]
        except KeyError:
            raise GraphError(f"there is no block named '{name}'") from None

    def index_of(self, name: str) -> int:
        return list(self._blocks).index(self.block(name).name)

    def owner(self, node: str) -> str | None:
        """The name of the block that ``node`` belongs to, or None."""
        return self._owner.get(node)

    def boundary(self, name: str) -> Boundary:
        return boundary(self._graph.edges, self.block(name).members)

    def hidden(self) -> set[str]:
        """The nodes inside collapsed blocks: the canvas shows their block's card instead."""
        return {n for b in self._blocks.values() if b.collapsed for n in b.members}

    def snapshot(self) -> tuple[Block, ...]:
        """Every block, in order: comparable, and enough to ``load`` them again."""
        return tuple(self._blocks.values())

    def unique_name(self, base: str) -> str:
        """``base`` if no block has it, else ``base 2``, ``base 3``…"""
        if base not in self._blocks:
            return base
        k = 2
        while f"{base} {k}" in self._blocks:
            k += 1
        return f"{base} {k}"

    def problem(self, block: Block, replacing: str | None = None) -> str | None:
        """Why ``block`` cannot be added (or take the place of block ``replacing``), or None."""
        if block.name in self._blocks and block.name != replacing:
            return f"a block named '{block.name}' already exists"
        owners = {m: b for m, b in self._owner.items() if b != replacing}
        return self._member_problem(block, owners)

    # ---- changes -------------------------------------------------------------------------
    def insert(self, index: int, block: Block) -> Block:
        reason = self.problem(block)
        if reason:
            raise GraphError(reason)
        block = replace(block, members=tuple(block.members), collapsed=bool(block.collapsed))
        items = list(self._blocks.items())
        items.insert(index, (block.name, block))
        self._blocks = dict(items)
        self._owner.update((member, block.name) for member in block.members)
        self.added.emit(block, min(index, len(items) - 1))
        return block

    def add(self, block: Block) -> Block:
        return self.insert(len(self._blocks), block)

    def remove(self, name: str) -> int:
        """Ungroup: the block goes, its nodes stay; return its index."""
        block = self.block(name)
        index = self.index_of(name)
        del self._blocks[name]
        for member in block.members:
            del self._owner[member]
        self.removed.emit(block, index)
        return index

    def update(self, name: str, block: Block) -> Block:
        """Put ``block`` in the place of block ``name`` (its new members, flag or name)."""
        old = self.block(name)
        reason = self.problem(block, replacing=name)
        if reason:
            raise GraphError(reason)
        block = replace(block, members=tuple(block.members), collapsed=bool(block.collapsed))
        self._blocks = {(block.name if k == name else k): v for k, v in self._blocks.items()}
        self._blocks[block.name] = block
        for member in old.members:
            del self._owner[member]
        self._owner.update((member, block.name) for member in block.members)
        self.changed.emit(old, block)
        return block

    def put(self, index: int, block: Block) -> None:
        """Restore ``block`` as it was: update the block of that name, or insert it at ``index``."""
        if block.name in self._blocks:
            self.update(block.name, block)
        else:
            self.insert(index, block)

    def set_collapsed(self, name: str, collapsed: bool) -> None:
        self.update(name, replace(self.block(name), collapsed=collapsed))

    def rename(self, old: str, new: str) -> None:
        if new != old:
            self.update(old, replace(self.block(old), name=new))

    def load(self, blocks: Iterable[Block]) -> None:
        """Replace every block by ``blocks`` (checked first: on a problem nothing changes)."""
        blocks = list(blocks)
        owners: dict[str, str] = {}
        names: set[str] = set()
        for block in blocks:
            reason = (
                f"a block named '{block.name}' already exists"
                if block.name in names
                else self._member_problem(block, owners)
            )
            if reason:
                raise GraphError(reason)
            names.add(block.name)
        for name in reversed(self.names):
            self.remove(name)
        for block in blocks:
            self.add(block)

    # ---- internals -----------------------------------------------------------------------
    def _member_problem(self, block: Block, owners: dict[str, str]) -> str | None:
        """The first problem of ``block``'s name and members, given the nodes already in a
        block (``owners``, to which its members are added)."""
        try:
            check_block_name(block.name)
        except GraphError as exc:
            return str(exc)
        if not block.members:
            return f"block '{block.name}' has no nodes"
        for member in block.members:
            if member not in self._graph:
                return f"block '{block.name}': there is no node named '{member}'"
            if member in owners:
                other = owners[member]
                if other == block.name:
                    return f"block '{block.name}' lists '{member}' twice"
                return f"'{member}' is already in block '{other}'; a node is in one block at most"
            owners[member] = block.name
        return None

    def _node_removed(self, node: object, index: int) -> None:
        name = getattr(node, "name", None)
        owner = self._owner.get(name) if isinstance(name, str) else None
        if owner is None:
            return
        block = self._blocks[owner]
        members = tuple(m for m in block.members if m != name)
        if members:
            self.update(owner, replace(block, members=members))
        else:
            self.remove(owner)

    def _node_renamed(self, old: str, new: str) -> None:
        owner = self._owner.get(old)
        if owner is None:
            return
        block = self._blocks[owner]
        # The graph has already renamed the node, so the new member exists; the old one is gone.
        members = tuple(new if m == old else m for m in block.members)
        old_block = block
        block = replace(block, members=members)
        self._blocks[owner] = block
        del self._owner[old]
        self._owner[new] = owner
        self.changed.emit(old_block, block)


def inner_edges(edges: Iterable[Edge], blocks: Iterable[Block]) -> set[Edge]:
    """The edges with both ends in the same collapsed block: a collapsed card hides them."""
    owner = {m: b.name for b in blocks if b.collapsed for m in b.members}
    return {e for e in edges if e.src in owner and owner.get(e.dst) == owner[e.src]}


def visible_backward_order(
    edges: tuple[Edge, ...], order: Iterable[int], blocks: Iterable[Block]
) -> tuple[int, ...]:
    """A Trace's ``backward_order`` without the edges hidden inside collapsed blocks: through a
    collapsed block the backward pass is one step per boundary edge, in autograd's order."""
    hidden = inner_edges(edges, blocks)
    return tuple(i for i in order if edges[i] not in hidden)
