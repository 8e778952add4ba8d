"""CSV files as data leaves: pure-Python parsing with a clear message for every bad file.

A CSV file is something a learner found somewhere, so nothing is assumed: the size is capped
before reading, every row must have as many fields as the first, every field must be a finite
number (the first row may instead be a header of column names), and the message names the line
and the column. Columns are chosen by name or by index; the chosen columns become a data leaf
whose attributes remember where they came from (``{"csv": path, "columns": […]}``), which
training uses to batch the features and targets of one file together.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .recipes import MAX_ROWS
from .shapes import MAX_ELEMENTS

MAX_CSV_BYTES = 20 * 1024 * 1024
DELIMITERS = (",", ";", "\t")


class CsvError(ValueError):
    """A CSV file that cannot become data; ``str()`` is one line naming the place."""


@dataclass(frozen=True)
class CsvTable:
    """Column names (from the header, else "0", "1", …) and rows of finite floats."""

    columns: tuple[str, ...]
    rows: tuple[tuple[float, ...], ...]
    has_header: bool

    def column_index(self, key: str | int) -> int:
        """The index of a column given by name or index; CsvError listing the columns."""
        if isinstance(key, int) and not isinstance(key, bool):
            if not 0 <= key < len(self.columns):
                raise CsvError(
                    f"column index {key} is out of range (the file has {len(self.columns)} "
                    f"column{'s' * (len(self.columns) != 1)}: 0 to {len(self.columns) - 1})"
                )
            return key
        matches = [i for i, name in enumerate(self.columns) if name == key]
        if not matches:
            listing = ", ".join(repr(c) for c in self.columns[:20])
            raise CsvError(f"there is no column named {key!r} (columns: {listing})")
        if len(matches) > 1:
            raise CsvError(f"the column name {key!r} appears {len(matches)} times; choose by index")
        return matches[0]

    def select(self, columns: Sequence[str | int]) -> list[list[float]]:
        """The rows restricted to ``columns`` (in that order): an n × len(columns) value."""
        if not columns:
            raise CsvError("choose at least one column")
        index = [self.column_index(key) for key in columns]
        return [[row[i] for i in index] for row in self.rows]


def parse_csv(text: str, delimiter: str | None = None) -> CsvTable:
    """Parse CSV text; the first row is a header when any of its fields is not a number."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CsvError("the CSV file is empty")
    delimiter = delimiter or _guess_delimiter(text)
    try:
        records = [
            (reader.line_num, row)
            for reader in [csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
            for row in reader
            if any(field.strip() for field in row)
        ]
    except csv.Error as exc:
        raise CsvError(f"the CSV file cannot be read: {exc}") from None
    first_line, first = records[0]
    has_header = any(_number(field) is None for field in first)
    columns = (
        tuple(field.strip() for field in first)
        if has_header
        else tuple(map(str, range(len(first))))
    )
    body = records[1:] if has_header else records
    if not body:
        raise CsvError("the CSV file has a header but no rows of numbers")
    if len(body) > MAX_ROWS:
        raise CsvError(f"the CSV file has {len(body):,} rows; at most {MAX_ROWS:,} can be used")
    if len(body) * len(columns) > MAX_ELEMENTS:
        raise CsvError(f"the CSV file has more than {MAX_ELEMENTS:,} numbers")
    rows = []
    width = len(columns)
    what = "the header" if has_header else f"line {first_line}"
    for line, record in body:
        if len(record) != width:
            raise CsvError(
                f"line {line} has {len(record)} field{'s' * (len(record) != 1)}, "
                f"but {what} has {width}"
            )
        row = []
        for name, field in zip(columns, record):
            value = _number(field)
            if value is None:
                where = f"line {line}, column {name!r}"
                if not field.strip():
                    raise CsvError(f"{where} is empty (every field must be a number)")
                raise CsvError(f"{where}: {field.strip()[:40]!r} is not a number")
            if not math.isfinite(value):
                raise CsvError(f"line {line}, column {name!r}: {field.strip()!r} is not finite")
            row.append(value)
        rows.append(tuple(row))
    return CsvTable(columns, tuple(rows), has_header)


def read_csv(path: str | os.PathLike[str], delimiter: str | None = None) -> CsvTable:
    """Read and parse a CSV file (UTF-8, at most MAX_CSV_BYTES); CsvError for anything wrong."""
    shown = os.fspath(path)
    try:
        size = os.stat(shown).st_size
        if size > MAX_CSV_BYTES:
            raise CsvError(
                f"'{shown}' is too large ({size / 2**20:.1f} MB; "
                f"at most {MAX_CSV_BYTES // 2**20} MB)"
            )
        with open(shown, "rb") as file:
            raw = file.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise CsvError(f"cannot open '{shown}': {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CsvError(f"'{shown}' is not UTF-8 text (byte offset {exc.start})") from None
    return parse_csv(text, delimiter)


def csv_leaf(
    path: str | os.PathLike[str], columns: Sequence[str | int]
) -> tuple[list[list[float]], dict[str, Any]]:
    """The value and attributes of a data leaf holding ``columns`` of a CSV file.

    ``Node(name, "data", value=value, attrs=attrs)``: leaves made from the same file are batched
    together in training.
    """
    table = read_csv(path)
    return table.select(columns), {"csv": os.fspath(path), "columns": tuple(columns)}


def _number(field: str) -> float | None:
    try:
        return float(field.strip())
    except ValueError:
        return None


def _guess_delimiter(text: str) -> str:
    first = text.lstrip().splitlines()[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
