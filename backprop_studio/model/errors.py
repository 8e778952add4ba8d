"""The model's one error type, in its own module so that the graph's parts can raise it too."""

from __future__ import annotations


class GraphError(ValueError):
    """An edit or a graph that cannot work; the message names the node and says why."""

    def __init__(self, message: str, node: str | None = None) -> None:
        super().__init__(message)
        self.node = node
