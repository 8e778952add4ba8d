"""A leaf's value and recipe as the Graph checks them: finite numbers with a shape, attributes
the op declares, and a recipe's numbers made (or a copy's kept) within the graph's limits."""

from __future__ import annotations

from . import limits, recipes, shapes
from .attrs import AttrError, Attrs, normalise_attrs
from .elements import Node
from .errors import GraphError
from .numbers import first_non_finite, special_name
from .ops import LEAF_OPS, op_spec
from .shapes import Shape, ShapeError, Value


def checked_attrs(name: str, op: str, attrs: object) -> tuple[Attrs, Shape | None]:
    """Normalised attributes and, for a recipe leaf, the recipe's shape; GraphError naming
    the node otherwise."""
    try:
        checked = normalise_attrs(op_spec(op), attrs)  # type: ignore[arg-type]
        shape = recipes.check_leaf_attrs(op, checked) if op in LEAF_OPS else None
    except AttrError as exc:
        raise GraphError(f"'{name}' ({op}): {exc}", name) from None
    return checked, shape


def recipe_size(node: Node) -> int:
    """The numbers a recipe leaf's recipe makes (0 for any other node)."""
    if not node.recipe:
        return 0
    shape = recipes.check_leaf_attrs(node.op, node.attrs)
    return 0 if shape is None else limits.elements(shape)


def recipe_value(node: Node, shape: Shape) -> tuple[Value, bool]:
    """A copy's value is kept when it has the recipe's shape, trained mark and all; otherwise
    the recipe makes it, untrained. A trained value is the truth, so it must be finite."""
    if node.value is not None:
        try:
            if shapes.shape_of(node.value) == shape:
                if node.trained and node.recipe == "init":
                    return checked_value(node.spoken, node.name, node.value), True
                return shapes.copy_value(node.value), False
        except ShapeError:
            pass
    return recipes.materialise(node.op, node.attrs, shape), False


def checked_value(spoken: str, name: str, value: Value) -> Value:
    """A leaf's value must have a shape and be finite: NaN or infinity could be neither saved
    nor recovered, so a graph holding one would lose the user's work at the next save.
    ``spoken`` is the node in the message (``Node.spoken``), ``name`` its id."""
    try:
        shape = shapes.shape_of(value)
    except ShapeError as exc:
        raise GraphError(f"{spoken}: {exc}", name) from None
    bad = first_non_finite(value, shape)
    if bad is not None:
        kind = special_name(float(bad[1])) if isinstance(bad[1], float) else "a number too large"
        raise GraphError(f"{spoken}: a value must be finite, not {kind}", name)
    if isinstance(value, int):
        return float(value)
    return shapes.copy_value(value)
