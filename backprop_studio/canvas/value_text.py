"""Numbers and tensors as the short text a node card has room for, and the long text of a tooltip.

Scalars get four decimals (what a learner compares with a hand calculation), very large or small
ones a compact scientific form; tensors get their shape, mean and norm, never their elements.
"""

from __future__ import annotations

import math
import operator

from backprop_studio.model.numbers import special_name, special_names
from backprop_studio.model.shapes import Value, format_shape

NO_VALUE = "—"
TOOLTIP_ELEMENTS = 12


def _tidy_exponent(text: str) -> str:
    mantissa, _, exponent = text.partition("e")
    sign = "-" if exponent.startswith("-") else ""
    return f"{mantissa}e{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"


def format_number(x: float) -> str:
    """``1.0000``, ``-2.0000``; ``1.235e6`` / ``3.2e-7`` outside [1e-3, 1e5)."""
    x = float(x)
    special = special_name(x)
    if special:
        return special
    if x == 0 or 1e-3 <= abs(x) < 1e5:
        return f"{x:.4f}"
    return _tidy_exponent(f"{x:.3e}")


def format_short(x: float) -> str:
    """Three significant digits, for summaries and edge labels: ``0.123``, ``-2``, ``1.2e-5``."""
    x = float(x)
    size = abs(x)
    if 1e-3 <= size < 100:  # the usual first (nan and inf are neither)
        return f"{x:.3g}"
    if 100 <= size < 1e5:
        return f"{x:.0f}"
    if x == 0:
        return "0"
    special = special_name(x)
    if special:
        return special
    return _tidy_exponent(f"{x:.2e}")


def _flat(value: Value) -> list[float]:
    """The numbers of a nested list in order (one comprehension for the usual one or two dims:
    a recolour flattens every tensor a few times)."""
    if not isinstance(value, list):
        return [float(value)]
    if not value:
        return []
    first = value[0]
    if not isinstance(first, list):
        return [float(x) for x in value]  # type: ignore[arg-type]
    if first and not isinstance(first[0], list):
        return [float(x) for row in value for x in row]  # type: ignore[union-attr]
    out: list[float] = []
    for item in value:
        out.extend(_flat(item))
    return out


def shape_of(value: Value) -> tuple[int, ...]:
    shape: list[int] = []
    level: object = value
    while isinstance(level, list):
        shape.append(len(level))
        level = level[0] if level else 0.0
    return tuple(shape)


# A mean this small beside its elements is rounding noise of their sum (float32's epsilon, four
# times over, growing like a random walk with the count): ``grad mean 3.47e-18`` of a gradient
# that sums to zero in exact arithmetic is shown as 0, and not coloured as if it had a sign.
ROUNDING = 4 * 2.0**-23


def stats(value: Value) -> tuple[float, float]:
    """Mean and Euclidean norm of a number or nested list; a mean within rounding of zero
    (see ROUNDING) is 0."""
    xs = _flat(value)
    if not xs:
        return 0.0, 0.0
    mean = sum(xs) / len(xs)
    if len(xs) > 1 and math.isfinite(mean):
        size = sum(map(abs, xs)) / len(xs)
        if abs(mean) <= ROUNDING * math.sqrt(len(xs)) * size:
            mean = 0.0
    return mean, math.sqrt(sum(map(operator.mul, xs, xs)))


def is_scalar(value: Value | None) -> bool:
    return value is not None and not isinstance(value, list)


def magnitude(value: Value | None) -> float | None:
    """|x| of a scalar, the norm of a tensor; None for no value."""
    if value is None:
        return None
    if isinstance(value, list):
        return stats(value)[1]
    return abs(float(value))


def signed(value: Value | None) -> float | None:
    """The number whose sign colours a gradient: the scalar itself, the mean of a tensor."""
    if value is None:
        return None
    if isinstance(value, list):
        return stats(value)[0]
    return float(value)


def scalar_row(value: Value | None, grad: Value | None) -> tuple[str, str]:
    """The data and grad numbers of a scalar node, ``—`` where there is none."""
    data = format_number(value) if is_scalar(value) else NO_VALUE
    g = format_number(grad) if is_scalar(grad) else NO_VALUE
    return data, g


def stats_text(value: Value) -> str:
    """``mean 0.12 · ‖·‖ 1.3`` for a tensor; the number itself for a scalar. A tensor holding
    non-finite numbers names them instead (``holds -inf, inf``): its mean would be a nan that
    is not in it."""
    if not isinstance(value, list):
        return format_number(value)
    mean, norm = stats(value)
    if not (math.isfinite(mean) and math.isfinite(norm)):  # a sum is finite when all are
        specials = special_names(_flat(value))  # (or it overflowed: then none are named)
        if specials:
            return f"holds {', '.join(specials)}"
    return f"mean {format_short(mean)} · ‖·‖ {format_short(norm)}"


def full_text(value: Value | None) -> str:
    """A longer form for tooltips: more digits, and the first elements of a tensor."""
    if value is None:
        return NO_VALUE
    if not isinstance(value, list):
        return f"{float(value):.8g}"
    elements = []
    for i, x in enumerate(_flat(value)):
        if i == TOOLTIP_ELEMENTS:
            elements.append("…")
            break
        elements.append(f"{x:.6g}")
    shape = format_shape(shape_of(value))
    specials = special_names(_flat(value))
    if specials:
        return f"shape {shape}, holds {', '.join(specials)}: [{', '.join(elements)}]"
    mean, norm = stats(value)
    return f"shape {shape}, mean {mean:.6g}, norm {norm:.6g}: [{', '.join(elements)}]"
