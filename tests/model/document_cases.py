"""What the document tests share: a small graph, its dict, and a check that a dict is refused."""

from __future__ import annotations

import pytest

from backprop_studio.model.document_io import (
    DocumentError,
    document_from_dict,
    document_to_dict,
)
from backprop_studio.model.graph import Graph, Node


def small_graph() -> Graph:
    """A product of two leaves and a tensor data leaf: not the seed story, a document's shapes."""
    g = Graph()
    g.extend(
        [
            Node("x", "data", "", (0, 0), 1.0),
            Node("w", "param", "", (0, 110), 1.0),
            Node("y_hat", "mul", "ŷ", (220, 55)),
            Node("m", "data", "", (0, 220), [[1, 2.5], [3, -4e-3]]),
        ],
        [],
    )
    g.connect("w", "y_hat", "a")
    g.connect("x", "y_hat", "b")
    g.set_output("y_hat")
    return g


def good() -> dict:
    return document_to_dict(small_graph())


def fails(data: object, path: str | None, *words: str) -> DocumentError:
    """document_from_dict refuses ``data``; the message starts with ``path`` and says ``words``."""
    with pytest.raises(DocumentError) as info:
        document_from_dict(data)
    error = info.value
    assert error.path == path, str(error)
    if path:
        assert str(error).startswith(f"{path}: "), str(error)
    assert "\n" not in str(error)
    for word in words:
        assert word in str(error), str(error)
    return error


def mutated(change) -> dict:
    doc = good()
    change(doc)
    return doc
