"""How a notebook draws the model: a drawing function installed from above, never imported here.

Drawing needs the canvas and Qt, which the model may not import (pyproject.toml's contracts). So
``Graph._repr_svg_`` asks this hook, and ``backprop_studio.api`` installs the canvas exporter in
it when it is imported (the package's first top-level name imports it): the model stays pure,
and a notebook still sees pictures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Graph

Draw = Callable[["Graph"], "str | None"]
_draw: Draw | None = None


def install(draw: Draw | None) -> None:
    """Use ``draw(graph) -> SVG text or None`` to show graphs (None: show no pictures)."""
    global _draw
    _draw = draw


def svg(graph: Graph) -> str | None:
    """The graph as SVG text, or None when nothing is installed or there is nothing to draw."""
    return None if _draw is None else _draw(graph)


def html(graph: Graph) -> str | None:
    """The same picture inside a ``<div>``, for notebooks that prefer HTML."""
    text = svg(graph)
    if text is None:
        return None
    start = text.find("<svg")
    return f"<div>{text[start:] if start >= 0 else text}</div>"
