"""The literals of program text: numbers (with the text a constant's card shows), nested lists of
them, keyword attributes, a leaf's declaration, and the comment at a line's end.

A mixin of the parser (``program_parser._Parser``), which gives it ``error``, the text's lines and
the long lists read before ``ast``; the writer reads numbers back with it too.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any

from . import recipes
from .attrs import AttrError, normalise_attrs
from .ops import LEAF_OPS, OPS
from .program_lists import Position
from .shapes import ShapeError, Value, shape_of


def is_number(node: ast.AST) -> bool:
    """A literal number, signed or not (``-4.0`` is a number, ``-x`` is neg)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    )


class LiteralReading:
    """The parser's reading of literals; see the module's docstring for what it relies on."""

    lists: Mapping[Position, Value]
    lines: list[str]
    encoded: dict[int, bytes]

    def error(self, node: ast.AST, message: str) -> Exception:
        raise NotImplementedError

    def leaf(self, node: ast.expr) -> tuple[str, Value | None, str, dict[str, Any]] | None:
        """``(op, value, label, attrs)`` when ``node`` declares a leaf: a number, or
        param/data/const(value, key=…), or param/data(key=…) made by a recipe."""
        if is_number(node):
            return ("param", *self.number(node)[:1], "", {})
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            return None
        op = node.func.id
        if op not in LEAF_OPS:
            return None
        attrs = self.keywords(node)
        made = recipes.recipe_kind(attrs)
        if made is not None and node.args:
            raise self.error(
                node.args[0], f"{op}({made}=…) makes its own value; remove the value {op}(…) got"
            )
        if made is None and not node.args and attrs:
            try:
                recipes.check_leaf_attrs(op, normalise_attrs(OPS[op], attrs))
            except AttrError as exc:
                raise self.error(node, f"{op}: {exc}") from None
        if len(node.args) > 1 or (made is None and not node.args):
            raise self.error(
                node,
                f"{op} takes one value, like {op}(1.0) or {op}([[1.0, 2.0]])"
                + ("" if op == "const" else f', or a recipe: {op}(shape=(2, 3), init="normal")'),
            )
        if made is not None:
            return op, None, "", attrs
        value = self.literal(node.args[0], op)
        try:
            shape_of(value)
        except ShapeError as exc:
            raise self.error(node.args[0], str(exc)) from None
        label = self.number(node.args[0])[1] if op == "const" and is_number(node.args[0]) else ""
        return op, value, label, attrs

    def comment_after(self, stmt: ast.stmt) -> str:
        """The text of a comment that ends the line where ``stmt`` ends, without the ``#``."""
        if stmt.end_lineno is None or stmt.end_col_offset is None:
            return ""
        line = self.encoded.get(stmt.end_lineno)
        if line is None:
            line = self.encoded[stmt.end_lineno] = self.lines[stmt.end_lineno - 1].encode()
        rest = line[stmt.end_col_offset :].decode(errors="replace").strip()
        return rest[1:].strip() if rest.startswith("#") else ""

    def keywords(self, node: ast.Call) -> dict[str, Any]:
        """Keyword arguments as attributes: numbers, texts, and tuples or lists of those."""
        attrs: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise self.error(kw, "'**' arguments are not supported; write key=value")
            attrs[kw.arg] = self.attr_literal(kw.value, kw.arg)
        return attrs

    def attr_literal(self, node: ast.expr, key: str) -> Any:
        if isinstance(node, (ast.Tuple, ast.List)):
            items = []
            for item in node.elts:
                if isinstance(item, (ast.Tuple, ast.List)):
                    raise self.error(item, f"{key}= takes a flat list, like (2, 16)")
                items.append(self.attr_literal(item, key))
            return tuple(items)
        if isinstance(node, ast.Constant) and (
            node.value is None or isinstance(node.value, (str, bool))
        ):
            return node.value
        if is_number(node):
            sign = -1 if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) else 1
            number = node.operand if isinstance(node, ast.UnaryOp) else node
            assert isinstance(number, ast.Constant)
            if isinstance(number.value, int):
                return sign * number.value
            return self.number(node)[0]
        raise self.error(
            node,
            f"{key}= takes a number, a text in quotes or a list, or True/False, "
            'like axis=1, init="normal" or keepdim=True',
        )

    def literal(self, node: ast.expr, op: str) -> Value:
        if isinstance(node, ast.List):
            lifted = self.lists.get((node.lineno, node.col_offset))
            if lifted is not None:
                return lifted
            return [self.literal(item, op) for item in node.elts]
        if is_number(node):
            return self.number_value(node)
        raise self.error(
            node, f"{op}(...) takes a number or a nested list of numbers, like {op}([[1.0, 2.0]])"
        )

    def number(self, node: ast.expr) -> tuple[float, str]:
        """The value and text (the label of a constant) of a literal number."""
        return self.number_value(node), self.number_text(node)

    def number_value(self, node: ast.expr) -> float:
        """The value of a literal number, without its text: a list of a million numbers needs
        no million source segments."""
        negative = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
        number = node.operand if isinstance(node, ast.UnaryOp) else node
        assert isinstance(number, ast.Constant) and isinstance(number.value, (int, float))
        try:
            value = float(number.value)
        except OverflowError:
            raise self.error(number, "this number is too large") from None
        if not math.isfinite(value):
            raise self.error(number, f"{self.number_text(node)} is not a finite number")
        return -value if negative else value

    def number_text(self, node: ast.expr) -> str:
        sign = ""
        if isinstance(node, ast.UnaryOp):
            sign = "-" if isinstance(node.op, ast.USub) else ""
            node = node.operand
        assert isinstance(node, ast.Constant)
        return sign + (self.segment(node) or repr(node.value))

    def segment(self, node: ast.expr) -> str | None:
        """The source text of a one-line node (ast.get_source_segment re-splits the whole text)."""
        if node.end_lineno != node.lineno or node.end_col_offset is None:
            return None
        line = self.encoded.get(node.lineno)
        if line is None:  # offsets count UTF-8 bytes; encoding per number made long lists slow
            line = self.encoded[node.lineno] = self.lines[node.lineno - 1].encode()
        return line[node.col_offset : node.end_col_offset].decode(errors="replace")
