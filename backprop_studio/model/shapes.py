"""Shapes in pure Python, so the editor can refuse a mismatch before torch ever runs."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .limits import MAX_NODE_ELEMENTS
from .op_spec import (
    AXIS_REDUCE,
    BROADCAST,
    CLAMP,
    CLASS_LOSS,
    FILL,
    MATMUL,
    REDUCE,
    RESHAPE,
    SAME,
    SAME_SHAPE_LOSS,
    SOFTMAX,
    SQUEEZE,
    TRANSPOSE,
    UNSQUEEZE,
    OpSpec,
)

Shape = tuple[int, ...]
Value = float | list  # a number or a rectangular nested list of numbers

MAX_ELEMENTS = MAX_NODE_ELEMENTS  # a leaf's value, as any node's (model/limits.py)
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
    if len(shape) == 1 and all(type(item) is float for item in value):
        return  # the usual last axis, without a call per number
    for item in value:
        _check_rectangular(item, shape[1:])


def copy_value(value: Value) -> Value:
    """An independent copy of a checked value (``shape_of`` passed): new lists, the same
    immutable numbers; a row at a time, where ``copy.deepcopy`` visits every number."""
    if not isinstance(value, list):
        return value
    if value and isinstance(value[0], list):
        return [copy_value(row) for row in value]
    return list(value)


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


def axis_index(axis: int, shape: Shape) -> int:
    """``axis`` as a non-negative index into ``shape``; ShapeError when out of range."""
    dims = len(shape)
    if not -max(dims, 1) <= axis < max(dims, 1):
        if dims == 0:
            raise ShapeError(f"axis {axis} does not exist on a scalar (use axis 0 or -1)")
        raise ShapeError(
            f"axis {axis} does not exist on a {format_shape(shape)} tensor "
            f"(axes 0 to {dims - 1}, or -{dims} to -1)"
        )
    return axis % dims if dims else 0


def reduce_axis(shape: Shape, axis: int | None, keepdim: bool = False) -> Shape:
    """The shape after summing over ``axis`` (every axis when None); with ``keepdim`` the
    reduced axes stay with size 1, so ``x - mean(x, axis=1, keepdim=True)`` broadcasts."""
    if axis is None:
        return (1,) * len(shape) if keepdim else ()
    if not shape:
        axis_index(axis, shape)
        return ()
    i = axis_index(axis, shape)
    return shape[:i] + ((1,) if keepdim else ()) + shape[i + 1 :]


def _elements(n: int) -> str:
    return f"{n} element" if n == 1 else f"{n} elements"


def reshape(shape: Shape, new: Shape) -> Shape:
    """``shape`` reshaped to ``new``, whose one -1 (if any) takes the rest of the elements."""
    count = math.prod(shape)
    known = math.prod(n for n in new if n != -1)
    target = "×".join(str(n) for n in new) if new else "a scalar"
    if -1 in new:
        if count % known:
            raise ShapeError(
                f"cannot reshape {format_shape(shape)} ({_elements(count)}) to {target}: "
                f"{count} is not a multiple of {known}"
            )
        return tuple(count // known if n == -1 else n for n in new)
    if known != count:
        raise ShapeError(
            f"cannot reshape {format_shape(shape)} ({_elements(count)}) to {target} "
            f"({_elements(known)}): the counts must be equal"
        )
    return new


def unsqueeze(shape: Shape, dim: int) -> Shape:
    """``shape`` with a new axis of size 1 before axis ``dim`` (-1: after the last)."""
    dims = len(shape)
    if not -(dims + 1) <= dim <= dims:
        raise ShapeError(
            f"dim {dim} is out of range for a {format_shape(shape)} tensor "
            f"(a new axis goes at 0 to {dims}, or -{dims + 1} to -1)"
        )
    if dims >= MAX_DIMS:
        raise ShapeError(f"a tensor may have at most {MAX_DIMS} axes")
    i = dim % (dims + 1)
    return shape[:i] + (1,) + shape[i:]


def squeeze(shape: Shape, dim: int) -> Shape:
    """``shape`` without axis ``dim``, which must have size 1."""
    if not shape:
        axis_index(dim, shape)
        return ()
    i = axis_index(dim, shape)
    if shape[i] != 1:
        raise ShapeError(
            f"squeeze removes an axis of size 1, but axis {dim} of "
            f"{format_shape(shape)} has size {shape[i]}"
        )
    return shape[:i] + shape[i + 1 :]


def same_shape_loss(logits: Shape, target: Shape, first: str = "logits") -> Shape:
    """Both inputs the same shape (``first`` names the first port in the message)."""
    if logits != target:
        raise ShapeError(
            f"{first} {format_shape(logits)} and target {format_shape(target)} "
            "must have the same shape"
        )
    return ()


def class_loss(logits: Shape, target: Shape) -> Shape:
    """Cross-entropy: logits (…, C) with class indices (…) or (…, 1), or probabilities (…, C)."""
    if len(logits) not in (1, 2):
        raise ShapeError(
            f"logits must be C class scores or N×C rows of scores, not {format_shape(logits)}"
        )
    if target == logits:
        return ()
    rows = logits[:-1]
    if target in (rows, rows + (1,)) and logits[-1] > 1:
        return ()
    want = f"{format_shape(rows) if rows else 'scalar'} class indices"
    raise ShapeError(
        f"target {format_shape(target)} does not fit logits {format_shape(logits)}: "
        f"give {want}{' (or ' + format_shape(rows + (1,)) + ')' if rows else ''} "
        f"or {format_shape(logits)} class probabilities"
    )


def infer(
    spec: OpSpec, inputs: Sequence[Shape], attrs: Mapping[str, object] | None = None
) -> Shape:
    """Output shape of ``spec`` applied to ``inputs`` (one shape per port, in port order)."""
    rule = spec.shape_rule
    attrs = attrs or {}
    if rule == SAME:
        return inputs[0]
    if rule == BROADCAST:  # two inputs, or more for an n-ary add or mul
        out = inputs[0]
        for shape in inputs[1:]:
            out = broadcast(out, shape)
        return out
    if rule == FILL:
        return tuple(attrs.get("shape", spec.attr("shape").default))  # type: ignore[arg-type]
    if rule == CLAMP:
        if attrs.get("min") is None and attrs.get("max") is None:
            raise ShapeError("clamp needs min, max or both set")
        return inputs[0]
    if rule == REDUCE:
        return ()
    if rule == "mse":
        broadcast(inputs[0], inputs[1])
        return ()
    if rule == MATMUL:
        return matmul(inputs[0], inputs[1])
    if rule == AXIS_REDUCE:
        return reduce_axis(
            inputs[0],
            attrs.get("axis"),  # type: ignore[arg-type]
            bool(attrs.get("keepdim", False)),
        )
    if rule == SOFTMAX:
        axis_index(attrs.get("axis", spec.attr("axis").default), inputs[0])  # type: ignore[arg-type]
        return inputs[0]
    if rule == SAME_SHAPE_LOSS:
        return same_shape_loss(inputs[0], inputs[1], spec.inputs[0])
    if rule == CLASS_LOSS:
        return class_loss(inputs[0], inputs[1])
    if rule == TRANSPOSE:
        if len(inputs[0]) < 2:
            return inputs[0]
        return inputs[0][:-2] + (inputs[0][-1], inputs[0][-2])
    if rule == RESHAPE:
        return reshape(inputs[0], attrs.get("shape", spec.attr("shape").default))  # type: ignore[arg-type]
    if rule == UNSQUEEZE:
        return unsqueeze(inputs[0], attrs.get("dim", spec.attr("dim").default))  # type: ignore[arg-type]
    if rule == SQUEEZE:
        return squeeze(inputs[0], attrs.get("dim", spec.attr("dim").default))  # type: ignore[arg-type]
    raise ShapeError(f"no shape rule for '{spec.name}'")
