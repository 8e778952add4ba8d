"""A count of the times any card or edge moved, changed size, came or went (every scene's,
together; a card comes with its first position, and the scene notes removals and renames).

What was in sight of a view is still in sight while nothing moved and the view did not: the
trace display keeps the cards and edges it found in sight with the count it found them at, and
a new trace on a still network (training) skips the search over every item."""

from __future__ import annotations

_count = 0


def moved() -> None:
    """Note that a card or an edge moved, changed its bounds, came or went."""
    global _count
    _count += 1


def count() -> int:
    """How many moves have been noted so far (only ever grows)."""
    return _count
