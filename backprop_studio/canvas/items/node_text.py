"""The words of a node card: its badge, every line it draws, and its tooltip (a mixin of
NodeItem, ``canvas/items/node.py``, which holds the state these read)."""

from __future__ import annotations

from backprop_studio.model.ops import op_spec
from backprop_studio.model.shapes import Value

from ..value_text import full_text


class NodeText:
    """NodeItem's text, read from its state (see the module's docstring)."""

    _name: str
    _op: str
    _symbol: str
    _lines: list[tuple[str, ...]]
    _value: Value | None
    _grad: Value | None
    _trained: bool
    _problem: str | None
    title: str  # NodeItem's property: the label, else the name

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
