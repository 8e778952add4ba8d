"""The vocabulary of the import rules: what a rule may return (a node to make, a value passed
through, a new leaf) or raise, and the checks every rule makes of its traced arguments.

Kept apart from the table of rules (``mapping``) so that the module rules (``modules``) and the
graph builder speak the same words without reaching into the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import fx

from ...model.ops import OPS


class Unsupported(Exception):
    """This call has no counterpart in the studio; the message says what would be needed."""


@dataclass
class Op:
    """A node: catalogue op ``op`` fed by ``inputs`` (one per port, in port order)."""

    op: str
    inputs: list[Any]
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Pass:
    """No node: the call's result is ``value`` (an input, or a tensor made from numbers)."""

    value: Any


@dataclass
class Leaf:
    """A new leaf made from numbers alone: ``zeros_like(x)`` while the catalogue has no op."""

    op: str
    value: Any = None
    attrs: dict[str, Any] = field(default_factory=dict)


Rule = Callable[..., "Op | Pass | Leaf"]


def op(name: str, inputs: list[Any], **attrs: Any) -> Op:
    """An :class:`Op` of the catalogue; Unsupported when ``name`` is not (yet) in it."""
    if name not in OPS:
        raise Unsupported(f"the studio has no '{name}' op")
    return Op(name, inputs, {k: v for k, v in attrs.items() if v is not None})


def shape_of(value: Any) -> tuple[int, ...]:
    """The shape the example run gave ``value`` (a number: ())."""
    if isinstance(value, fx.Node):
        meta = value.meta.get("value")
        if isinstance(meta, torch.Tensor):
            return tuple(meta.shape)
        raise Unsupported(f"'{value.name}' is not a tensor")
    return ()


def literal_number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Unsupported(f"{what} must be a number written in the code")
    return float(value)


def one_axis(dim: Any) -> int | None:
    if isinstance(dim, (tuple, list)):
        if len(dim) != 1:
            raise Unsupported("a reduction over several axes at once (reduce one axis at a time)")
        dim = dim[0]
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int)):
        raise Unsupported("the axis must be a whole number written in the code")
    return dim


def tensor_arg(value: Any, what: str = "the argument") -> Any:
    if not isinstance(value, (fx.Node, int, float)) or isinstance(value, bool):
        raise Unsupported(f"{what} must be a tensor or a number")
    return value
