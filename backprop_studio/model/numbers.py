"""Names of the numbers that are not finite, so every report calls them what they are.

A NaN reported as "inf", or −inf as "inf", sends a learner after the wrong cause (a division by
zero gives inf, a log of a negative number gives nan), so the engine's messages, the command line
and the canvas all name them with these functions: ``nan``, ``-inf`` and ``inf``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

NAN, NEG_INF, INF = "nan", "-inf", "inf"


def special_name(x: float) -> str | None:
    """``nan``, ``-inf`` or ``inf`` for a non-finite number, None for a finite one."""
    if math.isnan(x):
        return NAN
    if math.isinf(x):
        return INF if x > 0 else NEG_INF
    return None


def special_names(values: Iterable[float]) -> list[str]:
    """The kinds of non-finite numbers among ``values``, in the order nan, -inf, inf."""
    found = {special_name(float(x)) for x in values}
    return [name for name in (NAN, NEG_INF, INF) if name in found]


def first_non_finite(value: object, shape: tuple[int, ...]) -> tuple[list[int], object] | None:
    """Index and item of the first number in a nested list of ``shape`` that is not a finite
    float (an int too large for one counts), or None; one pass, no call per number."""
    flat: list = [value]
    for _ in shape:
        flat = [item for row in flat for item in row]
    for k, item in enumerate(flat):
        try:
            ok = math.isfinite(float(item))  # type: ignore[arg-type]
        except OverflowError:
            ok = False
        if not ok:
            index = []
            for n in reversed(shape):
                k, i = divmod(k, n)
                index.append(i)
            return index[::-1], item
    return None
