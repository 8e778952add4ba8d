"""What an entry of the op catalogue is made of: its shape rule, its input ports, its attributes
and their kinds. The catalogue itself, one row per op, is ``ops``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LEAF = "leaf"

# shape rules
SAME = "same"  # unary elementwise: output shape = input shape
BROADCAST = "broadcast"  # binary elementwise with numpy broadcasting
REDUCE = "reduce"  # reduces everything to a scalar
MATMUL = "matmul"
TRANSPOSE = "transpose"
AXIS_REDUCE = "axis_reduce"  # sum/mean: everything to a scalar, or one axis removed (or kept)
RESHAPE = "reshape"  # the same elements in a new shape (one size may be -1)
UNSQUEEZE = "unsqueeze"  # a new axis of size 1
SQUEEZE = "squeeze"  # an axis of size 1 removed
SOFTMAX = "softmax"  # same shape, normalised along one axis
SAME_SHAPE_LOSS = "same_shape_loss"  # both inputs the same shape, a scalar out
CLASS_LOSS = "class_loss"  # logits (…, C) with class indices (…) / (…, 1) or probabilities (…, C)
FILL = "fill"  # no inputs: a tensor of ones or zeros of the shape attribute
CLAMP = "clamp"  # same shape, once min or max is set

MAX_INPUTS = 8  # of an n-ary add or mul
PORT_NAMES = tuple("abcdefgh")[:MAX_INPUTS]

# attribute kinds: how a value is checked and written
INT, FLOAT, STR, SHAPE, COLUMNS = "int", "float", "str", "shape", "columns"
TEXTS, FLOATS = "texts", "floats"  # a list of names (class labels); of finite numbers
BOOL = "bool"
NEW_SHAPE = "new_shape"  # a reshape's target: sizes of at least 1, one of them -1 at most


@dataclass(frozen=True)
class AttrSpec:
    """A named setting of a node (``axis`` of a sum, ``init`` of a parameter); None = unset."""

    name: str
    kind: str
    default: object = None
    help: str = ""
    bound: float | None = None  # a number's largest size: |value| ≤ bound
    minimum: int | None = None  # a whole number's smallest value (an add's ``n`` is 2 at least)


@dataclass(frozen=True)
class OpSpec:
    """A catalogue entry. ``inputs`` are the port names, in call order."""

    name: str
    inputs: tuple[str, ...]
    symbol: str
    category: str
    formula: str
    derivative: str
    shape_rule: str = SAME
    infix: str | None = None  # program operator, e.g. "*"; None means a function call
    attrs: tuple[AttrSpec, ...] = ()
    shows: str | None = None  # the attribute written after the symbol on the card (``**2``)
    variadic: bool = False  # takes 2 to MAX_INPUTS inputs a, b, c, … (attribute ``n``: how many)

    @property
    def attr_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.attrs)

    def attr(self, name: str) -> AttrSpec:
        for spec in self.attrs:
            if spec.name == name:
                return spec
        raise KeyError(f"'{self.name}' has no attribute '{name}'")

    def ports(self, attrs: Mapping[str, object] | None = None) -> tuple[str, ...]:
        """The input ports of a node of this op with ``attrs``: ``inputs``, except that a
        variadic op (``add``, ``mul``) has ``n`` of them, ``a, b, c, …``."""
        if not self.variadic:
            return self.inputs
        n = (attrs or {}).get("n")
        return PORT_NAMES[: n if isinstance(n, int) and 2 <= n <= MAX_INPUTS else 2]

    @property
    def is_leaf(self) -> bool:
        return self.shape_rule == LEAF

    @property
    def tooltip(self) -> str:
        return f"{self.name}: {self.formula}, {self.derivative}"
