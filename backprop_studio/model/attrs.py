"""Node attributes (the ``axis`` of a sum, the ``init`` of a parameter): checked against the catalogue.

Attributes are plain, hashable data — ints, floats, strings and tuples — so that a node can be
compared, copied, written as a program keyword argument (``sum(x, axis=1)``) and stored in a
document (``"attrs": {"axis": 1}``) without any conversion beyond tuple ⇄ list.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .op_spec import (
    BOOL,
    COLUMNS,
    FILL,
    FLOAT,
    FLOATS,
    INT,
    NEW_SHAPE,
    SHAPE,
    STR,
    TEXTS,
    AttrSpec,
    OpSpec,
)
from .shapes import MAX_DIMS, MAX_ELEMENTS

MAX_TEXT = 4096  # a file path or a name; longer is a mistake
MAX_INT = 2**63 - 1
MAX_LIST = 10_000  # class names of a target, means of the columns of a CSV file

Attrs = dict[str, Any]


class AttrError(ValueError):
    """An attribute that cannot be; ``key`` is the offending attribute (None: the whole set)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_attr(spec: AttrSpec, value: object) -> object:
    """``value`` normalised for ``spec`` (lists become tuples, ints become floats for floats)."""
    name = spec.name
    if spec.kind == INT:
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_INT:
            raise AttrError(f"{name} must be a whole number, not {value!r:.40}", name)
        low = spec.minimum
        if low is not None and spec.bound is not None and not low <= value <= spec.bound:
            raise AttrError(f"{name} must be from {low} to {spec.bound:g}, not {value}", name)
        return int(value)
    if spec.kind == FLOAT:
        if not (_is_int(value) or isinstance(value, float)):
            raise AttrError(f"{name} must be a number, not {value!r:.40}", name)
        try:
            number = float(value)  # type: ignore[arg-type]
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise AttrError(f"{name} must be a finite number, not {value!r:.40}", name)
        if spec.bound is not None and abs(number) > spec.bound:
            bound = number_text(spec.bound)
            raise AttrError(
                f"{name} must be from −{bound} to {bound}, not {number_text(number)}", name
            )
        return number
    if spec.kind == STR:
        if not isinstance(value, str):
            raise AttrError(f"{name} must be a text, not {value!r:.40}", name)
        if len(value) > MAX_TEXT:
            raise AttrError(f"{name} may have at most {MAX_TEXT} characters", name)
        return value
    if spec.kind == BOOL:
        if not isinstance(value, bool):
            raise AttrError(f"{name} must be True or False, not {value!r:.40}", name)
        return value
    if spec.kind == SHAPE:
        return _shape(name, value)
    if spec.kind == NEW_SHAPE:
        return _new_shape(name, value)
    if spec.kind == COLUMNS:
        return _columns(name, value)
    if spec.kind == TEXTS:
        return _texts(name, value)
    if spec.kind == FLOATS:
        return _floats(name, value)
    raise AttrError(f"{name}: unknown attribute kind '{spec.kind}'", name)


def _shape(name: str, value: object) -> tuple[int, ...]:
    if not isinstance(value, (list, tuple)) or not all(_is_int(n) for n in value):
        raise AttrError(
            f"{name} must be a list of whole numbers like (2, 16), not {value!r:.40}", name
        )
    if len(value) > MAX_DIMS:
        raise AttrError(f"{name} may have at most {MAX_DIMS} axes", name)
    if any(n < 1 for n in value):
        raise AttrError(f"{name} must have sizes of at least 1, not {tuple(value)}", name)
    if math.prod(value) > MAX_ELEMENTS:
        raise AttrError(f"{name} may hold at most {MAX_ELEMENTS:,} elements", name)
    return tuple(int(n) for n in value)


def _new_shape(name: str, value: object) -> tuple[int, ...]:
    """A reshape's target: ``(2, 3)``, ``(-1, 3)``, ``6`` for ``(6,)``, ``()`` for a scalar."""
    if _is_int(value):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not all(_is_int(n) for n in value):
        raise AttrError(
            f"{name} must be a list of whole numbers like (2, 3) or (-1, 3), not {value!r:.40}",
            name,
        )
    if len(value) > MAX_DIMS:
        raise AttrError(f"{name} may have at most {MAX_DIMS} axes", name)
    if any(n < 1 and n != -1 for n in value):
        raise AttrError(f"{name} must have sizes of at least 1 (or -1), not {tuple(value)}", name)
    if list(value).count(-1) > 1:
        raise AttrError(f"{name} may have one -1 at most, not {tuple(value)}", name)
    if math.prod(n for n in value if n != -1) > MAX_ELEMENTS:
        raise AttrError(f"{name} may hold at most {MAX_ELEMENTS:,} elements", name)
    return tuple(int(n) for n in value)


def _columns(name: str, value: object) -> tuple[str | int, ...]:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not value:
        raise AttrError(f"{name} must list column names or indices, not {value!r:.40}", name)
    for item in value:
        if isinstance(item, str) and len(item) <= MAX_TEXT:
            continue
        if _is_int(item) and 0 <= item <= MAX_INT:
            continue
        raise AttrError(f"{name}: a column is a name or an index from 0, not {item!r:.40}", name)
    return tuple(value)


def _texts(name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not value:
        raise AttrError(f"{name} must list names, like ('a', 'b'), not {value!r:.40}", name)
    if len(value) > MAX_LIST:
        raise AttrError(f"{name} may list at most {MAX_LIST:,} names", name)
    if not all(isinstance(item, str) and len(item) <= MAX_TEXT for item in value):
        raise AttrError(f"{name} must list texts in quotes, not {value!r:.40}", name)
    return tuple(value)


def _floats(name: str, value: object) -> tuple[float, ...]:
    if _is_int(value) or isinstance(value, float):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not value:
        raise AttrError(f"{name} must list numbers, like (1.0, 2.5), not {value!r:.40}", name)
    if len(value) > MAX_LIST:
        raise AttrError(f"{name} may list at most {MAX_LIST:,} numbers", name)
    numbers = []
    for item in value:
        try:
            number = float(item) if _is_int(item) or isinstance(item, float) else math.nan
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise AttrError(f"{name} must list finite numbers, not {item!r:.40}", name)
        numbers.append(number)
    return tuple(numbers)


def normalise_attrs(spec: OpSpec, attrs: Mapping[str, object] | None) -> Attrs:
    """Check every attribute against ``spec``; unset (None) entries are dropped, except the one
    the card shows, which takes its default (a power always has its exponent)."""
    result = _normalised(spec, attrs)
    if spec.variadic and result.get("n") == 2:
        del result["n"]  # two inputs, as every add has always had: nothing to say
    if spec.shape_rule == FILL and result.get("shape") == ():
        del result["shape"]  # a scalar, the default: ones() reads back the same
    shown = spec.attr(spec.shows) if spec.shows is not None else None
    if shown is not None and shown.name not in result:
        result[shown.name] = check_attr(shown, shown.default)
    return result


def _normalised(spec: OpSpec, attrs: Mapping[str, object] | None) -> Attrs:
    if not attrs:
        return {}
    if not isinstance(attrs, Mapping):
        raise AttrError(f"attributes must be name → value pairs, not {attrs!r:.40}")
    known = {a.name: a for a in spec.attrs}
    result: Attrs = {}
    for key, value in attrs.items():
        if key not in known:
            if not known:
                raise AttrError(f"{spec.name} takes no attributes, got '{key!s:.40}'", str(key))
            raise AttrError(
                f"{spec.name} has no attribute '{key!s:.40}' (it takes: {', '.join(known)})",
                str(key),
            )
        if value is not None:
            result[key] = check_attr(known[key], value)
    return result


def attr_value(spec: OpSpec, attrs: Mapping[str, object], name: str) -> Any:
    """The attribute ``name`` of a node, or its catalogue default when unset."""
    return attrs[name] if name in attrs else spec.attr(name).default


def number_text(value: float) -> str:
    """A number as a user types it: ``2`` for 2.0, ``0.5``, ``-1``; exact (repr) otherwise."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def op_symbol(spec: OpSpec, attrs: Mapping[str, object]) -> str:
    """The symbol a card shows: the catalogue's, followed by the attribute the op ``shows``
    (a power's exponent: ``**2``, ``**0.5``, ``**-1``)."""
    if spec.shows is None:
        return spec.symbol
    value = attr_value(spec, attrs, spec.shows)
    shown = number_text(value) if isinstance(value, (int, float)) else str(value)
    return f"{spec.symbol}{shown}"


def plain_attrs(attrs: Mapping[str, object]) -> dict[str, object]:
    """JSON-ready: tuples become lists."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items()}
