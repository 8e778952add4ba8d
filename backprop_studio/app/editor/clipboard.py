"""Copy and paste of nodes, across documents and app instances, through the system clipboard.

The payload is a document fragment (the same JSON as a file), so pasting goes through the same
validation as opening a file: a hostile clipboard can do no more than a hostile file.
"""

from __future__ import annotations

import copy
import json

from PySide6.QtCore import QMimeData

from ...model import document_io
from ...model.graph import MAX_NAME_LENGTH, Edge, Graph, Node
from ...model.names import free_name
from ...model.subgraph import subgraph

GRAPH_MIME = "application/x-backprop-studio-graph"
PASTE_OFFSET = 40.0


def fragment(graph: Graph, names: list[str]) -> Graph:
    """The selected nodes and the edges between them, as a graph of their own."""
    return subgraph(graph, names)


def to_mime(part: Graph) -> QMimeData:
    mime = QMimeData()
    text = json.dumps(document_io.document_to_dict(part), ensure_ascii=False)
    mime.setData(GRAPH_MIME, text.encode("utf-8"))
    mime.setText(text)
    return mime


def from_mime(mime: QMimeData | None) -> Graph | None:
    """The fragment on the clipboard, or None when it holds nothing we can paste."""
    if mime is None:
        return None
    if mime.hasFormat(GRAPH_MIME):
        raw = bytes(mime.data(GRAPH_MIME).data())
    elif mime.hasText() and '"backprop-studio"' in mime.text():
        raw = mime.text().encode("utf-8")
    else:
        return None
    try:
        return document_io.loads(raw).graph
    except document_io.DocumentError:
        return None


def placed_copies(
    target: Graph, part: Graph, offset: tuple[float, float]
) -> tuple[list[Node], list[Edge]]:
    """Copies of ``part``'s nodes renamed to be unique in ``target``, moved by ``offset``."""
    renamed: dict[str, str] = {}
    taken = set(target.names)
    nodes = []
    for node in part:
        new = free_name(node.name, node.op, taken, MAX_NAME_LENGTH)
        taken.add(new)
        renamed[node.name] = new
        x, y = node.position
        nodes.append(
            Node(
                new,
                node.op,
                node.label,
                (x + offset[0], y + offset[1]),
                copy.deepcopy(node.value),
                copy.deepcopy(node.attrs),
                node.trained,
            )
        )
    edges = [Edge(renamed[e.src], renamed[e.dst], e.port) for e in part.edges]
    return nodes, edges
