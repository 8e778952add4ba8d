"""The words of a node card: its badge, every line it draws, its tooltip, and what its small form
says (a mixin of NodeItem, ``canvas/items/node.py``, which holds the state these read)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF

from backprop_studio.model.ops import op_spec
from backprop_studio.model.shapes import Shape, Value

from ..style import HEADER_HEIGHT, NODE_WIDTH, TEXT_MARGIN
from ..value_text import full_text
from .node_body import body_lines
from .node_heat import HeatBand
from .node_summary import Summary, small_numbers, summarize


class NodeText:
    """NodeItem's text, read from its state (see the module's docstring)."""

    _name: str
    _op: str
    _symbol: str
    _body: list[tuple[str, ...]] | None
    _gutter: float
    _value: Value | None
    _grad: Value | None
    _trained: bool
    _problem: str | None
    _shape: Shape | None
    _numbers: tuple[str, tuple[str, ...]] | None
    _height: float
    _band: HeatBand
    title: str  # NodeItem's property: the label, else the name
    band_rect: Callable[[], QRectF | None]  # NodeItem's: where the heat maps are, if any

    @property
    def _lines(self) -> list[tuple[str, ...]]:
        """The rows the card draws at full detail (see ``body_lines``), written when first
        drawn or read after a change: a fitted network's cards show only their summary, so a
        new trace formats less."""
        if self._body is None:
            self._body = body_lines(
                self._value,
                self._grad,
                self._shape,
                self._trained,
                self._problem,
                NODE_WIDTH - TEXT_MARGIN - self._gutter,
            )
        return self._body

    def badge_text(self) -> str:
        spec = op_spec(self._op)
        if spec.is_leaf or self._symbol.lower() == spec.name:
            return spec.name
        return f"{self._symbol}  {spec.name}"

    def text_lines(self) -> list[str]:
        """Every piece of text the card draws, top to bottom (for tests and accessibility)."""
        body: list[str] = []
        previous = ""
        for kind, *texts in self._lines:
            text = (" | " if kind == "pair" else " ").join(texts)
            if kind == previous == "problem":
                body[-1] += " " + text  # one message over two lines
            else:
                body.append(text)
            previous = kind
        return [self.title, self.badge_text(), *body]

    def tooltip_text(self) -> str:
        spec = op_spec(self._op)
        head = self.title if self.title == self._name else f"{self.title} ({self._name})"
        shown = "" if self._symbol == spec.symbol else f"; here {self._symbol}"  # a power's n
        lines = [head, spec.tooltip + shown]
        if self._value is not None:
            lines.append(f"data: {full_text(self._value)}")
            lines.append(f"grad: {full_text(self._grad)}")
        if self._trained:
            lines.append("trained: training moved these numbers away from its recipe")
        if self._problem:
            lines.append(f"problem: {self._problem}")
        return "\n".join(lines)

    def summary(self, lod: float) -> Summary:
        """What the card draws at ``lod`` screen pixels per scene unit, when below DETAIL_ZOOM."""
        number, richer = self._summary_numbers()
        height = self.summary_height(lod)
        return summarize(self.title, number, NODE_WIDTH, height, HEADER_HEIGHT, lod, richer)

    def summary_height(self, lod: float) -> float:
        """How much of the card's height its summary may take at ``lod``."""
        band = self.band_rect()
        if band is not None and self._band.thumbnails_legible(lod):
            return band.top()  # the band keeps its thumbnails below the name
        return self._height

    def _summary_numbers(self) -> tuple[str, tuple[str, ...]]:
        """The small card's number and richer texts, formatted once per value, not per paint."""
        if self._numbers is None:
            number, richer = small_numbers(self._value, self._grad, self._shape)
            if number == self.title:  # a constant labelled with its value says it once
                number = ""
            self._numbers = (number, richer)
        return self._numbers
