"""How the command line prints numbers and tensors: as torch users read them, and as JSON.

Tensors print in full up to ``NumberFormat.threshold`` elements (matrices one row per line, the
columns aligned) and beyond it as torch summarises them: the first and last ``edge`` items of each
long dimension around an ellipsis, the shape always beside them. Data whose numbers are all whole
(class indices, counts) print as integers; -0 prints as 0; NaN and infinities print as torch
names them (``nan``, ``inf``, ``-inf``). JSON cannot hold those three, so ``to_json`` writes
``null`` in their place and lists what was there under ``non_finite``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..model.numbers import special_name, special_names
from ..model.shapes import Value
from ..model.trace import Trace

ELLIPSIS = "…"


@dataclass(frozen=True)
class NumberFormat:
    precision: int = 4  # decimals (of the mantissa in scientific notation)
    full: bool = False  # never summarise
    threshold: int = 100  # elements beyond which a tensor is summarised
    edge: int = 3  # items kept at each end of a summarised dimension

    def number(self, value: float | None, whole: bool = False) -> str:
        """One number: fixed decimals, scientific when tiny or huge, an int when ``whole``."""
        if value is None:
            return "—"
        special = special_name(value)
        if special:
            return special
        if value == 0:
            value = 0.0  # -0 prints as 0
        if whole:
            return str(int(value))
        if not 1e-3 <= abs(value) < 1e6 and value != 0:
            return f"{value:.{self.precision}e}"
        return f"{value:.{self.precision}f}"

    def lines(self, value: Value | None, whole: bool = False) -> list[str]:
        """``value`` as torch-like text: one line for scalars and vectors, a row per line else."""
        if not isinstance(value, list):
            return [self.number(value, whole)]
        shape = shape_of(value)
        summarise = not self.full and math.prod(shape) > self.threshold
        cells = _cells(value, shape, summarise, self.edge, lambda x: self.number(x, whole))
        width = max((len(c) for c in _flat(cells)), default=0)
        return _rows(cells, width)

    def compact(self) -> NumberFormat:
        """For tensors inside a sentence (the chain rule): summarised beyond 12 elements."""
        return self if self.full else replace(self, threshold=min(self.threshold, 12), edge=2)

    def inline(self, value: Value | None, whole: bool = False) -> str:
        """The same text on one line (for the chain rule and summaries)."""
        return " ".join(line.strip() for line in self.lines(value, whole))


def shape_of(value: Value | None) -> tuple[int, ...]:
    shape: list[int] = []
    while isinstance(value, list):
        shape.append(len(value))
        value = value[0] if value else None
    return tuple(shape)


def shape_text(shape: tuple[int, ...]) -> str:
    """``()``, ``(3,)``, ``(2, 3)``: torch's ``tuple(t.shape)``."""
    return str(tuple(shape))


def is_whole(value: Value | None) -> bool:
    """True when every number is finite and whole (and there is at least one)."""
    flat = list(_numbers(value))
    return bool(flat) and all(math.isfinite(x) and float(x).is_integer() for x in flat)


def _numbers(value: Value | None):
    if isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif value is not None:
        yield float(value)


def _cells(value: list, shape: tuple[int, ...], summarise: bool, edge: int, fmt) -> list:
    """Nested lists of strings; ELLIPSIS stands for the elided items of a dimension."""
    n = shape[0]
    if summarise and n > 2 * edge:
        items: list = [*value[:edge], ELLIPSIS, *value[-edge:]]
    else:
        items = list(value)
    if len(shape) == 1:
        return [x if x is ELLIPSIS else fmt(x) for x in items]
    return [x if x is ELLIPSIS else _cells(x, shape[1:], summarise, edge, fmt) for x in items]


def _flat(cells: list):
    for cell in cells:
        if isinstance(cell, list):
            yield from _flat(cell)
        elif cell is not ELLIPSIS:
            yield cell


def _rows(cells: list, width: int) -> list[str]:
    if not cells or not isinstance(next((c for c in cells if c is not ELLIPSIS), ""), list):
        return ["[" + ", ".join(c if c is ELLIPSIS else c.rjust(width) for c in cells) + "]"]
    lines: list[str] = []
    for i, cell in enumerate(cells):
        block = [ELLIPSIS] if cell is ELLIPSIS else _rows(cell, width)
        if i < len(cells) - 1:
            block[-1] += ","
        lines += [("[" if not lines else " ") + line for line in block]
    lines[-1] += "]"
    return lines


def table(rows: list[list[list[str]]]) -> list[str]:
    """Rows of cells (each cell a list of lines) as aligned text; the first row is the header,
    underlined. A cell of several lines makes its row that many lines tall."""
    columns = len(rows[0])
    widths = [max(len(line) for row in rows for line in row[i] or [""]) for i in range(columns)]
    out: list[str] = []
    for r, row in enumerate(rows):
        height = max(len(cell) for cell in row)
        for k in range(height):
            cells = [(cell[k] if k < len(cell) else "").ljust(w) for cell, w in zip(row, widths)]
            out.append("  ".join(cells).rstrip())
        if r == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


# ---- JSON ------------------------------------------------------------------------------------
def json_number(value: Value | None) -> tuple[Value | None, list[str]]:
    """``value`` with NaN and infinities replaced by None, and which of them were there."""
    if value is None:
        return None, []
    kinds = special_names(_numbers(value))
    if not kinds:
        return value, []
    return _nulls(value), kinds


def _nulls(value):
    if isinstance(value, list):
        return [_nulls(v) for v in value]
    return value if math.isfinite(value) else None


def _fields(entry: dict, **values: Value | None) -> dict:
    marks = {}
    for key, value in values.items():
        entry[key], kinds = json_number(value)
        if kinds:
            marks[key] = kinds
    if marks:
        entry["non_finite"] = marks
    return entry


def trace_to_json(trace: Trace, ops: dict[str, str], dtype: str) -> dict:
    """The documented ``eval --json`` object (valid JSON: no NaN or Infinity literals)."""
    output, kinds = json_number(trace.output_value)
    data: dict = {"output": output}
    if kinds:
        data["output_non_finite"] = kinds
    data["output_node"] = trace.output
    data["dtype"] = dtype
    data["nodes"] = {
        name: _fields(
            {"op": ops[name], "shape": list(trace.shapes.get(name, ())), "dtype": dtype},
            value=value,
            grad=trace.grads.get(name),
        )
        for name, value in trace.values.items()
    }
    data["edges"] = [
        _fields(
            {
                "from": e.src,
                "to": e.dst,
                "port": e.port,
                "shape": list(trace.shapes.get(e.src, ())),
            },
            grad=g,
            local_grad=trace.local_grads[k] if k < len(trace.local_grads) else None,
        )
        for k, (e, g) in enumerate(zip(trace.edges, trace.edge_grads))
    ]
    data["backward_order"] = list(trace.backward_order)
    return data
