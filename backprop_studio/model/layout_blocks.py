"""Leaves that belong to one op: the layout draws them above or below it, not in a column of their own.

torchview and Model Explorer draw a layer's weights next to the op that uses them; a column of
leaves before the first op wastes the canvas and sends long edges across it. A source (a node
with no inputs) whose every out-edge goes to one consumer is *attached* to that consumer. Shared
sources (micrograd's ``a`` used by five ops) stay in the layered layout as ordinary nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .graph import Graph
from .ops import OPS


@dataclass
class Block:
    """One core node with the leaves drawn above it and below it, each list top to bottom."""

    name: str
    above: list[str] = field(default_factory=list)
    below: list[str] = field(default_factory=list)


def attach_leaves(graph: Graph, dag: nx.DiGraph) -> dict[str, Block]:
    """A Block for every core node (every node that is not an attached leaf), in graph order.

    The side follows the consumer's ports, which run top to bottom on the card: a leaf feeding a
    port before the first port fed by the main path goes above, the others below, so the edges
    of a block never cross. When every input is an attached leaf, the first half goes above.
    """
    owner: dict[str, str] = {}
    for name in graph.names:
        consumers = set(dag.successors(name))
        if dag.in_degree(name) == 0 and len(consumers) == 1:
            owner[name] = next(iter(consumers))
    blocks = {name: Block(name) for name in graph.names if name not in owner}
    for name, block in blocks.items():
        node = graph.node(name)
        order = list(node.inputs) if node.op in OPS else []
        fed = graph.inputs_of(name)
        ports = [p for p in order if p in fed] + sorted(p for p in fed if p not in order)
        leaves: list[str] = []
        first_core = None
        for port in ports:
            src = fed[port].src
            if owner.get(src) == name:
                if src not in leaves:
                    leaves.append(src)
            elif first_core is None:
                first_core = len(leaves)
        split = (len(leaves) + 1) // 2 if first_core is None else first_core
        block.above, block.below = leaves[:split], leaves[split:]
    return blocks


# The canvas's card geometry (canvas/style.py: header 28, padding 2 × 6, rows of 18): a scalar
# card shows one row (data | grad), a tensor card three (shape, data stats, grad stats) and the
# band of its heat maps (canvas/items/node_heat.py).
_CARD_BASE, _CARD_ROW, _CARD_HEAT_BAND = 40.0, 18.0, 52.0


def card_heights(graph: Graph) -> dict[str, float]:
    """The height each node's card will have on the canvas, from the shapes the graph implies,
    for laying out a graph before any canvas exists (the gallery, program text)."""
    shapes = graph.analyse().shapes
    heights: dict[str, float] = {}
    for node in graph:
        shape = shapes.get(node.name, getattr(node, "shape", None))
        rows = 1 if shape == () else 3
        rows = max(rows, len(node.inputs) if node.op in OPS else 1)
        band = _CARD_HEAT_BAND if shape else 0.0
        heights[node.name] = _CARD_BASE + rows * _CARD_ROW + band
    return heights
