"""Free names for copies: a pasted or duplicated node needs a name no other node has, and that
name must itself pass the name rule, including its length limit — a copy of a 64-character name
cannot simply grow a ``_2`` suffix."""

from __future__ import annotations

import re
from collections.abc import Container


def auto_named(name: str, op: str) -> bool:
    """Whether ``name`` is one the editor or the parser gave (``mul_3`` for a mul), not one a
    person chose: such a name says nothing a reader needs (a printed program folds it away, a
    collapsed block does not show it on its port)."""
    return re.fullmatch(rf"{re.escape(op)}_[1-9][0-9]*", name) is not None


def free_name(name: str, op: str, taken: Container[str], limit: int) -> str:
    """``name`` if free; an auto-named op (``mul_3``) gets the next ``{op}_k``, anything else
    ``name_2``, ``name_3``…, the stem shortened so that the result has at most ``limit``
    characters."""
    if name not in taken:
        return name
    auto = name.startswith(f"{op}_") and name[len(op) + 1 :].isdigit()
    stem, k = (op, 1) if auto else (name, 2)
    while True:
        suffix = f"_{k}"
        candidate = stem[: limit - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        k += 1
