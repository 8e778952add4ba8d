"""Values of recipe leaves (initialisers, datasets), made once and cached; the model's materialiser.

Importing this module installs :func:`leaf_value` as ``model.recipes``' materialiser, so that from
then on every recipe leaf added to a Graph holds its real values (the engine package imports it,
so any use of the engine does). :func:`recipe_tensor` is what ``compile_graph`` uses: it never
trusts a leaf's stored value for a recipe leaf, which may be a placeholder made before torch loaded,
unless the leaf is marked trained: then its stored value is the truth and the recipe its origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import torch

from ..model import recipes
from ..model.graph import Graph
from ..model.shapes import Value
from .datasets import generate_from_attrs
from .initialisers import initialise
from .values import to_plain


def _key(attrs: Mapping[str, object]) -> tuple[tuple[str, object], ...]:
    return tuple(sorted(attrs.items()))


@lru_cache(maxsize=64)
def _dataset(key: tuple[tuple[str, object], ...]) -> tuple[torch.Tensor, torch.Tensor]:
    return generate_from_attrs(dict(key))


@lru_cache(maxsize=256)
def _initialised(key: tuple[tuple[str, object], ...]) -> torch.Tensor:
    return initialise(dict(key))


def recipe_tensor(attrs: Mapping[str, object]) -> torch.Tensor:
    """The float64 CPU values of a recipe; shared and cached, so never modify it (clone it)."""
    kind = recipes.recipe_kind(attrs)
    if kind == "dataset":
        params = {k: v for k, v in attrs.items() if k != "part"}
        x, y = _dataset(_key(params))
        return x if attrs["part"] == "x" else y
    if kind == "init":
        return _initialised(_key(attrs))
    raise ValueError("not a recipe: the attributes have neither init nor dataset")


def leaf_value(op: str, attrs: Mapping[str, object]) -> Value:
    """A recipe's values as plain numbers (what the Graph stores)."""
    return to_plain(recipe_tensor(attrs))


def refresh_recipe_values(graph: Graph) -> list[str]:
    """Give recipe leaves made before the engine loaded their real values; returns their names.

    Leaves already holding their recipe's values are left alone, so nothing is emitted for them,
    and so are trained leaves, whose values are no longer the recipe's.
    """
    changed = []
    for node in graph:
        if node.recipe and not node.trained and node.value != leaf_value(node.op, node.attrs):
            graph.set_attrs(node.name, dict(node.attrs))
            changed.append(node.name)
    return changed


recipes.set_materialiser(leaf_value)
