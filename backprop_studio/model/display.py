"""How a notebook draws the model: a drawing function installed from above, never imported here.

Drawing needs the canvas and Qt, which the model may not import (pyproject.toml's contracts). So
``Graph._repr_svg_`` asks this hook, and ``backprop_studio.api`` installs the canvas exporter in
it when it is imported (the package's first top-level name imports it): the model stays pure,
and a notebook still sees pictures.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .graph import Graph

Draw = Callable[["Graph"], "str | None"]
_draw: Draw | None = None
_last: tuple[weakref.ref[Any], tuple[int, Draw], str | None] | None = None  # the last picture


def install(draw: Draw | None) -> None:
    """Use ``draw(graph) -> SVG text or None`` to show graphs (None: show no pictures)."""
    global _draw
    _draw = draw


def svg(graph: Graph) -> str | None:
    """The graph as SVG text, or None when nothing is installed or there is nothing to draw.

    The last picture is kept until the graph changes: a notebook asks for the SVG and the HTML
    of one cell in a row, and the graph would otherwise be evaluated and drawn twice."""
    global _last
    if _draw is None:
        return None
    if _last is not None and _last[0]() is graph and _last[1] == (graph.revision, _draw):
        return _last[2]
    text = _draw(graph)
    _last = (weakref.ref(graph), (graph.revision, _draw), text)
    return text


def html(graph: Graph) -> str | None:
    """The same picture inside a ``<div>``, for notebooks that prefer HTML."""
    text = svg(graph)
    if text is None:
        return None
    start = text.find("<svg")
    return f"<div>{text[start:] if start >= 0 else text}</div>"
