"""Node and Edge, the graph's parts as plain data, and the rules a node's name must keep."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from . import recipes
from .errors import GraphError
from .op_spec import OpSpec
from .ops import LEAF_OPS, OPS, op_spec
from .shapes import Value

MAX_NAME_LENGTH = 64
_AUTO_CONST = re.compile(r"const_[1-9][0-9]*")  # the parser's name for a number in an expression


@dataclass
class Node:
    """A node; leaves (``param``, ``data``, ``const``) carry a value, ops compute one.

    ``attrs`` are the op's settings (``{"axis": 1}`` for a sum) or a leaf's recipe
    (``{"init": "xavier", "shape": (2, 16), "seed": 0}``, see ``model/recipes.py``).
    ``trained`` marks an initialised leaf whose numbers training moved away from its recipe:
    the recipe still describes where they came from, but the value is the truth.
    """

    name: str
    op: str
    label: str = ""
    position: tuple[float, float] = (0.0, 0.0)
    value: Value | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    trained: bool = False

    @property
    def spec(self) -> OpSpec:
        return op_spec(self.op)

    @property
    def is_leaf(self) -> bool:
        return self.op in LEAF_OPS

    @property
    def inputs(self) -> tuple[str, ...]:
        """Its input ports, in call order: the op's, or ``n`` of them for an n-ary add or mul."""
        return self.spec.ports(self.attrs)

    @property
    def trainable(self) -> bool:
        return self.op == "param"

    @property
    def title(self) -> str:
        return self.label or self.name

    @property
    def called(self) -> str:
        """What a message calls the node, as its card shows it: its name, except a constant that
        a number in a program made (auto-named ``const_1``, its card titled with the number),
        which is ``the constant 2``; the auto-name is nowhere on the screen."""
        if self.op == "const" and self.label and _AUTO_CONST.fullmatch(self.name):
            return f"the constant {self.label}"
        return self.name

    @property
    def spoken(self) -> str:
        """:attr:`called` inside a sentence: ``'w'`` quoted, ``the constant 2`` as it is."""
        return self.called if self.called != self.name else f"'{self.name}'"

    @property
    def recipe(self) -> str | None:
        """ "init" or "dataset" when the leaf's value is derived from its attributes."""
        return recipes.recipe_kind(self.attrs) if self.is_leaf else None


@dataclass(frozen=True)
class Edge:
    """The output of ``src`` feeds input port ``port`` of ``dst``."""

    src: str
    dst: str
    port: str

    def renamed(self, old: str, new: str) -> Edge:
        """This edge after node ``old`` became ``new`` (itself when it touches neither)."""
        if old not in (self.src, self.dst):
            return self
        return Edge(
            new if self.src == old else self.src, new if self.dst == old else self.dst, self.port
        )


RESERVED_NAMES = frozenset(OPS) | {"param", "data", "dataset", "True", "False", "None"}


def check_name(name: str) -> None:
    """Raise GraphError unless ``name`` can be a node name (a program identifier)."""
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise GraphError(
            f"'{name}' is not a valid name: use letters, digits and _, not starting with a digit"
        )
    if keyword.iskeyword(name) or name in RESERVED_NAMES:
        raise GraphError(f"'{name}' is reserved; choose another name")
    if len(name) > MAX_NAME_LENGTH:
        raise GraphError(f"a name may have at most {MAX_NAME_LENGTH} characters")


def suffixed_name(base: str, k: int) -> str:
    """``base_k``, the base shortened so that the name keeps within the length limit."""
    suffix = f"_{k}"
    return base[: MAX_NAME_LENGTH - len(suffix)] + suffix
