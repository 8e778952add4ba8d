"""Graph → program text that the parser turns back into the same graph (``to_program``).

See ``model/program.py`` for the language; this module is its writing half.
"""

from __future__ import annotations

import ast
import json
from collections import Counter
from collections.abc import Mapping

from . import program_blocks, recipes
from .attrs import attr_value, number_text
from .graph import Graph, Node
from .names import auto_named
from .op_spec import FILL
from .ops import INFIX_OPS, OPS, POWER
from .program_literals import is_number
from .program_parser import _NEG, TRAINED_MARK, _Parser
from .shapes import Value

MAX_INLINE = 10  # nodes folded into one expression before to_program names an intermediate


_ATOM, _POW, _UNARY, _MUL, _ADD = 5, 4, 3, 2, 1  # Python's precedence, loosest last
_INFIX = {op: symbol for symbol, op in INFIX_OPS.items()}
_PRECEDENCE = {"+": _ADD, "-": _ADD, "*": _MUL, "/": _MUL, "@": _MUL, "**": _POW}


def incomplete_nodes(graph: Graph) -> list[str]:
    """Nodes with an unconnected input, or fed by one: to_program can only write them as comments."""
    order = graph.topological_order()
    feeds = _inputs(graph)
    broken: set[str] = set()
    for name in order:
        ports = graph.node(name).inputs
        if any(p not in feeds[name] or feeds[name][p] in broken for p in ports):
            broken.add(name)
    return [n for n in order if n in broken]


def to_program(graph: Graph, digits: int | None = None) -> str:
    """Program text that :func:`parse_program` turns back into ``graph`` (positions aside).

    One statement per node in topological order, the output last (a final bare name selects it if
    other nodes must follow it). An auto-named node (``mul_1``, ``const_3``) with one consumer that
    is not the output is folded into its consumer's expression when the parser would give it the
    same name and node order again; constants print as their label when it is their literal text.

    A graph still being built cannot be written in full: a node with an unconnected input, and
    everything it feeds, become comment lines (``?`` marks the missing input) after a line that
    says what is missing, e.g. ``# 'mul_1' has an unconnected input 'b'``. The text stays useful
    to read, but parsing it drops those nodes, so an editor should not rebuild a graph from it
    while :func:`incomplete_nodes` is non-empty. An empty graph gives an empty text.

    ``digits`` rounds leaf values to that many significant digits, for reading: a trained weight
    shows as ``1.87003`` rather than ``1.8700328352231417`` (the text then no longer rebuilds the
    exact values; see :func:`keep_exact_values`). A recipe leaf that training moved is written as
    its recipe and a mark, ``W = param(shape=(2, 16), init="kaiming")  # trained``, whatever
    ``digits``: its numbers stay in the graph and the document, and only
    :func:`keep_exact_values` brings them back to a graph parsed from the text.
    """
    return _Writer(graph, digits).text()


def keep_exact_values(old: Graph, new: Graph, digits: int) -> None:
    """Give ``new``'s leaves the exact values of ``old``'s where the text showed them rounded to
    ``digits`` and they were not edited, and ``old``'s labels where the text has no label, so
    that applying a readable text loses neither precision nor ŷ.

    A recipe line marked ``# trained`` gets the trained numbers of ``old``'s leaf of that name
    when its recipe is unchanged; with a changed recipe, or nothing trained to take them from,
    the leaf keeps the numbers its recipe makes and loses the mark. A recipe line whose mark
    was deleted starts again from its recipe."""
    for node in new:
        before = old.node(node.name) if node.name in old else None
        if before is None:
            if node.trained:
                new.set_trained_value(node.name, node.value or 0.0, trained=False)
            continue
        if node.trained:
            keep = before.is_leaf and before.trained and before.attrs == node.attrs
            source = before.value if keep else node.value
            new.set_trained_value(node.name, source or 0.0, trained=keep)
        if before.op != node.op:
            continue
        if before.label and not node.label:
            new.set_label(node.name, before.label)
        plain = node.recipe is None and before.recipe is None and node.attrs == before.attrs
        if node.is_leaf and before.value is not None and plain:  # a recipe makes its own numbers
            if _value(before.value, digits) == _value(node.value, digits):  # keeps a CSV origin
                new.set_trained_value(node.name, before.value, trained=False)


def recipe_text(node: Node) -> str | None:
    """A recipe leaf as the program writes it, ``param(shape=(2, 16), init="kaiming")``, with
    ``  # trained`` when training moved its numbers; None for a leaf without a recipe."""
    if not node.recipe:
        return None
    text = f"{node.op}({', '.join(_keywords(node.attrs))})"
    return f"{text}  {TRAINED_MARK}" if node.trained else text


def _inputs(graph: Graph) -> dict[str, dict[str, str]]:
    feeds: dict[str, dict[str, str]] = {name: {} for name in graph.names}
    for edge in graph.edges:
        feeds[edge.dst][edge.port] = edge.src
    return feeds


def _value(value: Value, digits: int | None = None) -> str:
    """A number as code: exact (``repr``), or with ``digits`` significant digits to read."""
    if isinstance(value, list):
        return "[" + ", ".join(_value(item, digits) for item in value) + "]"
    if digits is None:
        return repr(float(value))
    text = f"{float(value):.{digits}g}"
    return text if any(c in text for c in ".en") else text + ".0"


def _literal(node: Node, digits: int | None = None) -> str:
    """A constant's text: its label when that is a literal of its value, else its value."""
    value = node.value if node.value is not None else 0.0
    try:
        tree = ast.parse(node.label, mode="eval").body
        if is_number(tree) and not isinstance(value, list):
            number, text = _Parser(node.label).number(tree)
            if text == node.label and repr(number) == repr(float(value)):
                return text
    except (SyntaxError, ValueError, RecursionError):
        pass
    return _value(value, digits)


def _attr(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        items = [_attr(v) for v in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    return repr(value)


def _keywords(attrs: Mapping[str, object], skip: tuple[str, ...] = ()) -> list[str]:
    return [f"{key}={_attr(value)}" for key, value in attrs.items() if key not in skip]


def _pair(first: Node, second: Node) -> bool:
    """Two leaves the parser would make from one ``x, y = dataset(...)`` line."""
    a, b = first.attrs, second.attrs
    return (
        first.op == second.op == "data"
        and recipes.recipe_kind(a) == "dataset"
        and a.get("part") == "x"
        and b.get("part") == "y"
        and not first.label
        and not second.label
        and list(a) == list(b)
        and {k: v for k, v in a.items() if k != "part"}
        == {k: v for k, v in b.items() if k != "part"}
    )


def _auto_named(node: Node) -> bool:
    return auto_named(node.name, node.op)


class _Writer:
    def __init__(self, graph: Graph, digits: int | None = None) -> None:
        self.digits = digits
        self.graph = graph
        self.order = graph.topological_order()
        self.feeds = _inputs(graph)
        self.output = graph.output
        self.broken = set(incomplete_nodes(graph))
        uses = Counter(edge.src for edge in graph.edges)
        foldable = OPS.keys() - {"param", "data"}
        self.inline = {  # candidates; text() drops those the parser would not name the same
            name
            for name in self.order
            if name != self.output
            and uses[name] == 1
            and _auto_named(graph.node(name))
            and graph.node(name).op in foldable
            and not isinstance(graph.node(name).value, list)
        }
        out = graph.node(self.output) if self.output is not None else None
        self.bare = bool(  # e.g. a last line `w * x`
            out and out.op in foldable and _auto_named(out) and not isinstance(out.value, list)
        )
        self.created: list[str] = []
        self.taken: set[str] = set()
        self.next_k: Counter[str] = Counter()
        self.misfits: set[str] = set()
        self.reasons: list[str] = []
        self._limit_size()

    def _limit_size(self) -> None:
        size: dict[str, int] = {}
        for name in self.order:
            if name in self.inline:
                size[name] = 1 + sum(size.get(src, 0) for src in self.feeds[name].values())
                if size[name] > MAX_INLINE:
                    self.inline.discard(name)
                    size[name] = 0

    def text(self) -> str:
        while True:  # fold less until the parser would rebuild exactly these names and order
            lines, misfits = self._write()
            if not misfits:
                return "".join(line + "\n" for line in lines)
            self.inline -= misfits
            if self.output in misfits:
                self.bare = False

    def _write(self) -> tuple[list[str], set[str]]:
        self.created, self.taken, self.next_k, self.misfits = [], set(), Counter(), set()
        roots = [n for n in self.order if n not in self.inline]
        lines = []
        paired = None
        for i, name in enumerate(roots):
            if name == paired:
                continue
            after = roots[i + 1] if i + 1 < len(roots) else None
            if after is not None and _pair(self.graph.node(name), self.graph.node(after)):
                lines.append(self._dataset_pair(name, after))
                paired = after
            else:
                lines.append(self._statement(name))
        written = [n for n in roots if n not in self.broken]
        output_written = self.output is not None and self.output not in self.broken
        if output_written and written and written[-1] != self.output:
            lines.append(str(self.output))  # a bare name on the last line selects the output
        lines += program_blocks.block_lines(self.graph, set(self.order) - self.broken)
        created = set(self.created)
        expected = {name: i for i, name in enumerate(n for n in self.order if n in created)}
        for i, name in enumerate(self.created):
            if expected[name] < i and name in self.inline:  # folded into a later line
                self.misfits.add(name)
        return lines, self.misfits

    def _statement(self, name: str) -> str:
        node = self.graph.node(name)
        if name in self.broken:
            self.reasons = []
            text = self._expr(name, top=True, live=False)[0]
            return "".join(f"# {reason}\n" for reason in self.reasons) + f"# {name} = {text}"
        if name == self.output and self.bare and self.order[-1] == name:
            return self._expr(name, top=True, live=True, bare=True)[0]
        if node.is_leaf:
            self._create(name)
            if node.recipe:
                return f"{name} = {recipe_text(node)}"
            if node.attrs:
                kws = ", ".join(_keywords(node.attrs))
                return f"{name} = {node.op}({_value(node.value or 0.0, self.digits)}, {kws})"
            if node.op == "param" and not isinstance(node.value, list):
                return f"{name} = {_value(node.value or 0.0, self.digits)}"
            text = (
                _literal(node, self.digits)
                if node.op == "const"
                else _value(node.value or 0.0, self.digits)
            )
            return f"{name} = {node.op}({text})"
        self.taken.add(name)
        return f"{name} = {self._expr(name, top=True, live=True)[0]}"

    def _dataset_pair(self, x: str, y: str) -> str:
        self._create(x)
        self._create(y)
        attrs = self.graph.node(x).attrs
        args = [_attr(attrs["dataset"]), *_keywords(attrs, ("dataset", "part"))]
        return f"{x}, {y} = dataset({', '.join(args)})"

    def _create(self, name: str, auto: bool = False) -> None:
        """Follow the parser: it would create ``name`` now; would it give it the same name?"""
        if auto:
            op = self.graph.node(name).op
            k = self.next_k[op] or 1
            while f"{op}_{k}" in self.taken:
                k += 1
            self.next_k[op] = k + 1
            if f"{op}_{k}" != name:
                self.misfits.add(name)
        self.taken.add(name)
        self.created.append(name)

    def _expr(self, name: str, top: bool, live: bool, bare: bool = False) -> tuple[str, int]:
        """Text and precedence of ``name`` as an operand (its expression when folded or ``top``)."""
        if not top and name not in self.inline:
            return name, _ATOM
        node = self.graph.node(name)
        if node.op == "const":
            if live:
                self._create(name, auto=True)
            text = _literal(node, self.digits)
            return text, _UNARY if text.startswith("-") else _ATOM
        missing = [f"'{p}'" for p in node.inputs if p not in self.feeds[name]]
        if missing:
            noun = "an unconnected input" if len(missing) == 1 else "unconnected inputs"
            self.reasons.append(f"'{name}' has {noun} {', '.join(missing)}")
        args = []
        for port in node.inputs:
            src = self.feeds[name].get(port)
            args.append(("?", _ATOM) if src is None else self._expr(src, False, live))
        if live:
            self._create(name, auto=not top or bare)
        if node.op == POWER:  # `a**2`: the parser reads a number exponent as a power
            (text, prec), exponent = args[0], attr_value(node.spec, node.attrs, "exponent")
            return f"{text if prec >= _ATOM else f'({text})'}**{number_text(exponent)}", _POW
        if node.op == "pow" and self._number_operand(name, "b"):  # `a**2` would be a power
            return f"pow({args[0][0]}, {args[1][0]})", _ATOM
        symbol = _INFIX.get(node.op)
        if symbol is not None and len(args) == 2:
            return self._infix(symbol, *args)
        if node.op == _NEG:
            (text, prec), folded = args[0], self.feeds[name].get("a") in self.inline
            if folded and self.graph.node(self.feeds[name]["a"]).op == "const":
                return f"{_NEG}({text})", _ATOM  # `-2` would read back as the constant -2
            return "-" + (text if prec == _ATOM else f"({text})"), _UNARY
        if node.spec.shape_rule == FILL:  # ones(3, 2), as torch.ones takes its sizes
            sizes = ", ".join(str(n) for n in node.attrs.get("shape", ()))
            return f"{node.op}({sizes})", _ATOM
        shown = {k: v for k, v in node.attrs.items() if not (k == "n" and node.spec.variadic)}
        texts = [text for text, _ in args] + _keywords(shown)  # add(a, b, c): n from the inputs
        return f"{node.op}({', '.join(texts)})", _ATOM

    def _number_operand(self, name: str, port: str) -> bool:
        """Whether ``name``'s input ``port`` is written as a literal number (a folded constant)."""
        src = self.feeds[name].get(port)
        return src in self.inline and self.graph.node(src).op == "const"

    @staticmethod
    def _infix(symbol: str, left: tuple[str, int], right: tuple[str, int]) -> tuple[str, int]:
        prec = _PRECEDENCE[symbol]
        if symbol == "**":  # right-associative; a unary operand binds looser on the left
            need_left, need_right = _ATOM, _UNARY
        else:
            need_left, need_right = prec, prec + 1
        a = left[0] if left[1] >= need_left else f"({left[0]})"
        b = right[0] if right[1] >= need_right else f"({right[0]})"
        return (f"{a}**{b}" if symbol == "**" else f"{a} {symbol} {b}"), prec
