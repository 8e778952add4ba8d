"""Long number lists of a program read without ``ast``: a million numbers in about a second.

``ast.parse`` makes an object per number (a list of 1,000,000 numbers took minutes and over a
gigabyte), so before parsing, each long list that is the value of a leaf statement
(``x = data([...])``, ``param``, ``const``) is read by ``json`` and replaced in the text by the
one-number list ``[0`` padded with spaces to the same length and the same line breaks: every
line and column the parser reports stays where it was. The parser then takes the list's real
value from its position. A list is lifted only when JSON reads exactly what Python would (plain
decimal numbers, finite, no trailing comma, shallow nesting); anything else keeps the ordinary
path, with its ordinary messages.
"""

from __future__ import annotations

import json
import math
import re

from .shapes import MAX_DIMS, Value

MIN_LENGTH = 10_000  # characters: shorter lists cost ast little, and keep a single path
_STATEMENT = re.compile(
    r"^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*(?:data|param|const)[ \t]*\([ \t]*(?=\[)",
    re.MULTILINE,
)
_LIST_CHARS = re.compile(r"[0-9eE.+\-, \t\r\n\[\]]*")
_BRACKET = re.compile(r"[\[\]]")
_AFTER = re.compile(r"[ \t\r\n]*[,)]")
_BLANK = str.maketrans({c: " " for c in "0123456789eE.+-,[] \t"})

Position = tuple[int, int]  # ast's lineno (1-based) and col_offset (UTF-8 bytes)


def lift_long_lists(text: str) -> tuple[str, dict[Position, Value]]:
    """``text`` with each long leaf list replaced by a placeholder, and the lists' values."""
    values: dict[Position, Value] = {}
    pieces: list[str] = []
    done = 0
    for match in _STATEMENT.finditer(text):
        start = match.end()
        if start < done:
            continue
        end = _list_end(text, start)
        if end is None or end - start < MIN_LENGTH or not _AFTER.match(text, end):
            continue
        value = _read(text[start:end])
        if value is None:
            continue
        values[_position(text, start)] = value
        pieces += [text[done:start], "[0", text[start + 2 : end - 1].translate(_BLANK), "]"]
        done = end
    if not values:
        return text, values
    pieces.append(text[done:])
    return "".join(pieces), values


def _list_end(text: str, start: int) -> int | None:
    """The index after the ``]`` that closes the ``[`` at ``start``, within number characters,
    or None (unbalanced, nested deeper than a value may be, or other characters inside)."""
    span = _LIST_CHARS.match(text, start)
    assert span is not None
    depth = 0
    for bracket in _BRACKET.finditer(text, start, span.end()):
        depth += 1 if bracket.group() == "[" else -1
        if depth > MAX_DIMS:
            return None
        if depth == 0:
            return bracket.end()
    return None


def _read(source: str) -> Value | None:
    """The nested list of floats JSON reads, when Python would read the same numbers."""
    try:
        value = json.loads(source, parse_int=float)
    except (ValueError, RecursionError):
        return None  # e.g. `.5`, `1.`, `+1` or `[1, 2,]`: valid Python, left to ast
    if not isinstance(value, list) or not _finite(value):
        return None  # `1e999`: ast's path says which number is not finite
    return value


def _finite(value: list) -> bool:
    stack = [value]
    while stack:
        items = stack.pop()
        for item in items:
            if isinstance(item, list):
                stack.append(item)
            elif not math.isfinite(item):
                return False
    return True


def _position(text: str, index: int) -> Position:
    """ast's (line, column) of ``text[index]``: lines split at \\r\\n, \\r or \\n, bytes counted."""
    head = text[:index]
    line = head.count("\n") + head.count("\r") - head.count("\r\n") + 1
    begin = max(head.rfind("\n"), head.rfind("\r")) + 1
    return line, len(head[begin:].encode())
