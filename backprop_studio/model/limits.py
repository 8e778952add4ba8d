"""How large a graph may be, decided from shapes alone before torch allocates anything.

Two tiny leaves can ask for a huge intermediate: a 20,000×1 column plus a 1×20,000 row
broadcasts to 400,000,000 numbers, and a 500-byte file would make torch try to allocate gigabytes.
So shape inference bounds every node, leaf or computed, and the graph as a whole:

- ``MAX_NODE_ELEMENTS``: the elements one node's value may hold (a 1,000,000-number data list is
  well inside it);
- ``MAX_GRAPH_ELEMENTS``: the elements of the whole graph, each node counted once for its value
  and once more for every edge it feeds, because a run keeps every value, a gradient per node and
  one per edge (the per-edge aliases), and copies them all into the Trace as plain numbers.

Recipe leaves (``param(init=..., shape=...)``, datasets) are bounded by the same total when they
are made, since their numbers do not exist until then: a 1 KB file cannot ask for gigabytes.
Beyond a limit a node is a problem of the graph (shown on that node, like a shape mismatch), and
nothing that depends on it runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

MAX_NODE_ELEMENTS = 10_000_000
MAX_GRAPH_ELEMENTS = 30_000_000

__all__ = [
    "MAX_CSV_BYTES",
    "MAX_GRAPH_ELEMENTS",
    "MAX_NODE_ELEMENTS",
    "csv_size_problem",
    "elements",
    "graph_cost",
    "node_problem",
    "recipe_problem",
    "total_problem",
]


def elements(shape: Iterable[int]) -> int:
    """How many numbers a value of ``shape`` holds (1 for a scalar)."""
    return math.prod(shape)


def graph_cost(shape: Iterable[int], fan_out: int) -> int:
    """What one node adds to the graph's total: its value, plus a gradient per edge it feeds."""
    return elements(shape) * (1 + fan_out)


def node_problem(shape: tuple[int, ...]) -> str | None:
    """Why a node of ``shape`` is too large, or None when it fits."""
    count = elements(shape)
    if count <= MAX_NODE_ELEMENTS:
        return None
    return (
        f"its result would be {_dims(shape)} = {count:,} elements; "
        f"a node may hold at most {MAX_NODE_ELEMENTS:,}"
    )


def total_problem(shape: tuple[int, ...], total: int) -> str | None:
    """Why a node of ``shape`` that brings the graph to ``total`` elements is one too many."""
    if total <= MAX_GRAPH_ELEMENTS:
        return None
    return (
        f"its {_dims(shape)} result would bring the graph to {total:,} elements "
        f"(values and edge gradients), over the limit of {MAX_GRAPH_ELEMENTS:,}"
    )


def recipe_problem(shape: tuple[int, ...], total: int) -> str | None:
    """Why a recipe leaf of ``shape`` cannot be made when the graph's recipes reach ``total``."""
    if total <= MAX_GRAPH_ELEMENTS:
        return None
    return (
        f"its recipe makes {_dims(shape)} = {elements(shape):,} numbers, which would bring the "
        f"graph's recipe leaves to {total:,}, over the limit of {MAX_GRAPH_ELEMENTS:,}"
    )


def _dims(shape: tuple[int, ...]) -> str:
    return "×".join(f"{n:,}" for n in shape) if shape else "scalar"


# A CSV file is measured before a byte of it is read: beyond this size it is refused with its size.
MAX_CSV_BYTES = 20 * 1024 * 1024


def csv_size_problem(size: int) -> str | None:
    """Why a CSV file of ``size`` bytes is too large to read, or None when it fits."""
    if size <= MAX_CSV_BYTES:
        return None
    return f"it is too large ({size / 2**20:.1f} MB; at most {MAX_CSV_BYTES // 2**20} MB)"
