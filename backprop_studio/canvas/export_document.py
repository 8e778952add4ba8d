"""What an exported picture embeds: the graph with the numbers its cards show, so that the file
reopens as drawn (File ▸ Open of a PNG or SVG), or only the exported selection.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..model import document_io, embedded
from ..model.graph import Graph
from ..model.subgraph import subgraph
from ..model.trace import Trace
from .scene import GraphScene


def fragment(graph: Graph, names: Collection[str] | None) -> Graph:
    """The graph, or only ``names`` and the edges between them (what the picture shows)."""
    return graph if names is None else subgraph(graph, names)


def shown_graph(scene: GraphScene) -> Graph | None:
    """The scene's graph with every parameter at the value its card shows. They differ when the
    timeline shows an earlier iteration: the cards hold that iteration's trace, the graph the
    trained numbers; the picture must reopen as drawn. (A trace older than the graph is not
    followed: cards of leaves edited since show the graph's value, as ``show_numbers`` does.)"""
    graph, trace = scene.graph, scene.trace
    return graph if graph is None else shown_values(graph, trace)


def shown_values(graph: Graph, trace: Trace | None) -> Graph:
    """``graph`` with every parameter at ``trace``'s value (itself when none differs)."""
    if trace is None or trace.older_than(graph.revision):
        return graph
    moved = [
        node.name
        for node in graph
        if node.trainable and node.name in trace.values and trace.values[node.name] != node.value
    ]
    if not moved:
        return graph
    shown = graph.copy()
    for name in moved:
        shown.set_trained_value(name, trace.values[name])
    return shown


def document_for(
    scene: GraphScene, names: Collection[str] | None = None, settings: dict[str, Any] | None = None
) -> str | None:
    """The document text to embed for what is exported (None: the scene shows no graph): the
    graph with the numbers its cards show (:func:`shown_graph`), or only ``names``."""
    graph = shown_graph(scene)
    if graph is None:
        return None
    part = fragment(graph, names)
    return embedded.document_text(document_io.document_to_dict(part, settings))
