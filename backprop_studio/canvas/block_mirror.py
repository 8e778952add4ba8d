"""The scene's blocks: one BlockItem per block of the graph, kept in step with ``graph.blocks``.

While a block is collapsed its member cards and the edges between them are hidden, and the
edges that cross its boundary are re-routed to the ports of its card. Nothing here changes the
graph: a click on a block's button goes out through ``on_toggle`` as an intent.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGraphicsScene

from backprop_studio.model.blocks import Block
from backprop_studio.model.graph import Edge, Graph
from backprop_studio.model.names import auto_named

from .items.block import BlockItem
from .items.edge import EdgeItem
from .items.node import NodeItem
from .style import Theme


class BlockMirror:
    """Block name → BlockItem, for one scene whose node and edge dicts it reads (never owns)."""

    def __init__(
        self,
        scene: QGraphicsScene,
        nodes: dict[str, NodeItem],
        edges: dict[Edge, EdgeItem],
        on_toggle: Callable[[str, bool], None],
    ) -> None:
        self._scene = scene
        self._nodes = nodes
        self._edges = edges
        self._on_toggle = on_toggle
        self._graph: Graph | None = None
        self._items: dict[str, BlockItem] = {}
        self.theme: Theme | None = None

    def items(self) -> dict[str, BlockItem]:
        """Block name → item, in the graph's block order."""
        if self._graph is None:
            return dict(self._items)
        return {n: self._items[n] for n in self._graph.blocks.names if n in self._items}

    def attach(self, graph: Graph | None) -> None:
        """Follow ``graph``'s blocks (None: none); the scene has made its node and edge items."""
        if self._graph is not None:
            for signal, slot in self._slots(self._graph):
                signal.disconnect(slot)
        for name in list(self._items):
            self._drop(name)
        self._graph = graph
        if graph is None:
            return
        for signal, slot in self._slots(graph):
            signal.connect(slot)
        for block in graph.blocks:
            self._on_added(block, 0)

    def _slots(self, graph: Graph) -> list:
        blocks = graph.blocks
        return [
            (blocks.added, self._on_added),
            (blocks.removed, self._on_removed),
            (blocks.changed, self._on_changed),
        ]

    # ---- following the model ---------------------------------------------------------------
    def _on_added(self, block: Block, index: int) -> None:
        item = BlockItem(block.name, self.theme)
        item.on_toggle = self._on_toggle
        self._items[block.name] = item
        self._scene.addItem(item)
        self._sync(block)

    def _on_removed(self, block: Block, index: int) -> None:
        self._drop(block.name)

    def _on_changed(self, old: Block, new: Block) -> None:
        item = self._items.pop(old.name)
        self._items[new.name] = item
        self._release([m for m in old.members if m not in set(new.members)])
        self._sync(new)

    def sync_nodes(self, *names: str) -> None:
        """Re-read the blocks of ``names`` (an edge of theirs came or went, or one was renamed)."""
        if self._graph is None:
            return
        owners = {self._graph.blocks.owner(n) for n in names} - {None}
        for owner in owners:
            assert owner is not None
            self._sync(self._graph.blocks.block(owner))
        for name in names:
            for edge in self._graph.edges_of(name) if name in self._graph else ():
                self.route(edge)

    def route(self, edge: Edge) -> None:
        """Show ``edge`` between the cards that stand for its ends (hidden inside a block)."""
        item = self._edges.get(edge)
        if item is None or self._graph is None:
            return
        src, dst = self._shown_block(edge.src), self._shown_block(edge.dst)
        hidden = src is not None and src is dst
        item.setVisible(not hidden)
        if hidden and item.isSelected():
            item.setSelected(False)
        item.set_via(None if hidden else src, None if hidden else dst)

    # ---- internals -------------------------------------------------------------------------
    def _shown_block(self, node: str) -> BlockItem | None:
        """The collapsed card that stands for ``node``, if any."""
        assert self._graph is not None
        owner = self._graph.blocks.owner(node)
        item = self._items.get(owner) if owner is not None else None
        return item if item is not None and item.collapsed else None

    def _sync(self, block: Block) -> None:
        assert self._graph is not None
        item = self._items[block.name]
        members = [self._nodes[m] for m in block.members if m in self._nodes]
        for member in members:
            member.block_item = item
            member.setVisible(not block.collapsed)
            if block.collapsed and member.isSelected():
                member.setSelected(False)
        found = self._graph.blocks.boundary(block.name)
        graph = self._graph
        labels = {e: graph.node(e.src).label or e.src for e in found.inputs}  # as its card says
        labels |= output_labels(graph, found.outputs)
        item.set_state(
            block.name, members, block.collapsed, list(found.inputs), list(found.outputs), labels
        )
        for member in block.members:
            if member in self._graph:
                for edge in self._graph.edges_of(member):
                    self.route(edge)

    def _release(self, names: list[str]) -> None:
        """Cards no longer in a block: shown again, with their edges back on their own ports."""
        for name in names:
            member = self._nodes.get(name)
            if member is not None:
                member.block_item = None
                member.setVisible(True)
        if self._graph is not None:
            for name in names:
                if name in self._graph:
                    for edge in self._graph.edges_of(name):
                        self.route(edge)

    def _drop(self, name: str) -> None:
        item = self._items.pop(name)
        members = item.members
        if item.scene() is self._scene:
            self._scene.removeItem(item)
        self._release(members)


def output_labels(graph: Graph, outputs: list[Edge]) -> dict[Edge, str]:
    """What a collapsed block's output ports say: the inner node's label or chosen name, or
    "out" for a name the editor gave (``add_1`` names a node the collapsed card hides); several
    such ports are "out 1", "out 2"… in port order, one per inner node."""
    sources = list(dict.fromkeys(e.src for e in outputs))
    said: dict[str, str] = {}
    unnamed = [s for s in sources if not graph.node(s).label and auto_named(s, graph.node(s).op)]
    for src in sources:
        node = graph.node(src)
        if node.label:
            said[src] = node.label
        elif src in unnamed:
            said[src] = "out" if len(unnamed) == 1 else f"out {unnamed.index(src) + 1}"
        else:
            said[src] = src
    return {e: said[e.src] for e in outputs}
