"""A part of a graph as a graph of its own: what copy and "export the selection" take."""

from __future__ import annotations

import copy
from collections.abc import Collection

from .graph import Graph


def subgraph(graph: Graph, names: Collection[str]) -> Graph:
    """``names`` and the edges between them, as a graph of their own (copy, export a selection);
    the output stays the output when it is among them, and so do the blocks all of whose nodes
    are."""
    keep = set(names)
    part = Graph()
    for node in graph:
        if node.name in keep:
            part.add_node(copy.deepcopy(node))
    for edge in graph.edges:
        if edge.src in keep and edge.dst in keep:
            part.connect(edge.src, edge.dst, edge.port)
    if graph.explicit_output in keep:
        part.set_output(graph.explicit_output)
    part.blocks.load(b for b in graph.blocks if set(b.members) <= keep)
    return part
