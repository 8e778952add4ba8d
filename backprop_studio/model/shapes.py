"""Shapes in pure Python, so the editor can refuse a mismatch before torch ever runs."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .ops import BROADCAST, MATMUL, REDUCE, SAME, TRANSPOSE, OpSpec

Shape = tuple[int, ...]
Value = float | list  # a number or a rectangular nested list of numbers

MAX_ELEMENTS = 10_000_000
MAX_DIMS = 8


class ShapeError(ValueError):
    """A value or a combination of shapes that cannot work; the message is for a learner."""


def shape_of(value: object) -> Shape:
    """Shape of a number or rectangular nested list; ShapeError on ragged or non-numeric data."""
    if isinstance(value, bool):
        raise ShapeError("a value must be a number, not true/false")
    if isinstance(value, (int, float)):
        return ()
    if not isinstance(value, list):
        raise ShapeError(
            f"a value must be a number or a list of numbers, not {type(value).__name__}"
        )
    shape: list[int] = []
    level: object = value
    while isinstance(level, list):
        if len(shape) >= MAX_DIMS:
            raise ShapeError(f"a value may have at most {MAX_DIMS} dimensions")
        if not level:
            raise ShapeError("a list value must not be empty")
        shape.append(len(level))
        level = level[0]
    if math.prod(shape) > MAX_ELEMENTS:
        raise ShapeError(f"a value may have at most {MAX_ELEMENTS:,} elements")
    _check_rectangular(value, tuple(shape))
    return tuple(shape)


def _check_rectangular(value: object, shape: Shape) -> None:
    if not shape:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ShapeError(f"every element must be a number, found {value!r:.40}")
        return
    if not isinstance(value, list) or len(value) != shape[0]:
        raise ShapeError("a nested list value must be rectangular (all rows the same length)")
    for item in value:
        _check_rectangular(item, shape[1:])


def format_shape(shape: Shape) -> str:
    if not shape:
        return "scalar"
    return "×".join(str(n) for n in shape)


def broadcast(a: Shape, b: Shape) -> Shape:
    out: list[int] = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            raise ShapeError(
                f"shapes {format_shape(a)} and {format_shape(b)} do not broadcast "
                f"(axis -{i}: {x} vs {y})"
            )
        out.append(max(x, y))
    return tuple(reversed(out))


def matmul(a: Shape, b: Shape) -> Shape:
    if not a or not b:
        raise ShapeError("matmul needs at least one axis on both sides, not a scalar")
    inner_a = a[-1]
    inner_b = b[0] if len(b) == 1 else b[-2]
    if inner_a != inner_b:
        raise ShapeError(
            f"matmul of {format_shape(a)} and {format_shape(b)}: inner sizes differ "
            f"({inner_a} vs {inner_b})"
        )
    if len(a) == 1 and len(b) == 1:
        return ()
    if len(b) == 1:
        return a[:-1]
    if len(a) == 1:
        return b[:-2] + b[-1:]
    batch = broadcast(a[:-2], b[:-2])
    return batch + (a[-2], b[-1])


def infer(spec: OpSpec, inputs: Sequence[Shape]) -> Shape:
    """Output shape of ``spec`` applied to ``inputs`` (one shape per port, in port order)."""
    rule = spec.shape_rule
    if rule == SAME:
        return inputs[0]
    if rule == BROADCAST:
        return broadcast(inputs[0], inputs[1])
    if rule == REDUCE:
        return ()
    if rule == "mse":
        broadcast(inputs[0], inputs[1])
        return ()
    if rule == MATMUL:
        return matmul(inputs[0], inputs[1])
    if rule == TRANSPOSE:
        if len(inputs[0]) < 2:
            return inputs[0]
        return inputs[0][:-2] + (inputs[0][-1], inputs[0][-2])
    raise ShapeError(f"no shape rule for '{spec.name}'")
