"""CSV files as tables of text cells: the reading half of loading data, with one clear line for
every file that cannot be read.

A CSV file is something a learner found somewhere, so little is assumed and much is detected:

- the **encoding**: a byte-order mark (UTF-8, UTF-16) decides; else UTF-8, else Windows-1252
  (the spreadsheet default in Western Europe), which the table remembers;
- the **delimiter**: of ``,`` ``;`` tab and ``|``, the one that splits the first lines into the
  same number of fields (more than one), quoting respected (the stdlib ``csv`` module splits);
- the **decimal mark**: a comma when the delimiter is not one and numbers like ``5,1`` appear;
- the **header**: the first row is a header when one of its fields is text in a column whose
  other rows are numbers, or when all of them are text.

Each choice can be forced. Cells stay text here; a column is numeric when every present cell is
a finite number, else it is a text column (class labels). Missing cells (empty, ``NA``, ``N/A``,
``NaN``, ``null``, ``?``) are ``None``. What becomes data leaves is decided in ``csv_prepare``.
The stdlib reader was measured against pandas and pyarrow (``benchmarks/csv_read.py``, README).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .limits import MAX_NODE_ELEMENTS, csv_size_problem
from .recipes import MAX_ROWS

DELIMITERS = (",", ";", "\t", "|")
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "#n/a"})
SNIFF_LINES = 20


class CsvError(ValueError):
    """A CSV file that cannot become data; ``str()`` is one line naming the place."""


class CsvCancelled(CsvError):
    """The reading was stopped: the progress callback asked for it."""


Progress = Callable[[float], bool]
"""Told the fraction of the rows read so far; returns False to stop the reading."""
PROGRESS_ROWS = 5000  # rows between two progress reports
HEAD_BYTES = 64 * 1024  # what a preview reads


@dataclass(frozen=True)
class CsvTable:
    """Column names (from the header, else "0", "1", …) and rows of stripped text cells.

    ``lines[i]`` is the file's line number of row ``i`` (for messages); ``delimiter``,
    ``decimal`` and ``encoding`` are what was detected or chosen.
    """

    columns: tuple[str, ...]
    cells: tuple[list[str], ...]
    lines: tuple[int, ...]
    has_header: bool
    delimiter: str = ","
    decimal: str = "."
    encoding: str = "utf-8"
    _numbers: dict[int, list[float | None] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

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

    def numbers(self, index: int) -> list[float | None] | None:
        """Column ``index`` as numbers (None where missing), or None when it holds text."""
        if index not in self._numbers:
            self._numbers[index] = _column_numbers(self.cells, index, self.decimal)
        return self._numbers[index]

    def is_numeric(self, index: int) -> bool:
        return self.numbers(index) is not None

    def texts(self, index: int) -> list[str | None]:
        """Column ``index`` as text cells, None where missing."""
        cells = [row[index].strip() for row in self.cells]
        return [None if _missing(cell) else cell for cell in cells]

    def first_text(self, index: int) -> tuple[int, str]:
        """The line and cell of the first present cell of a text column that is not a number."""
        for line, row in zip(self.lines, self.cells):
            cell = row[index].strip()
            if not _missing(cell) and _number(cell, self.decimal) is None:
                return line, cell
        raise ValueError("the column is numeric")

    def select(self, columns: Sequence[str | int]) -> list[list[float]]:
        """Numeric ``columns`` (in that order) as an n × len(columns) value; CsvError for text
        or a missing cell, naming its line and column."""
        if not columns:
            raise CsvError("choose at least one column")
        index = [self.column_index(key) for key in columns]
        values = []
        for i in index:
            numbers = self.numbers(i)
            if numbers is None:
                line, cell = self.first_text(i)
                raise CsvError(
                    f"line {line}, column {self.columns[i]!r}: {cell[:40]!r} is not a number"
                )
            values.append(numbers)
        for row, line in enumerate(self.lines):
            for i, numbers in zip(index, values):
                if numbers[row] is None:
                    cell = self.cells[row][i].strip()
                    raise CsvError(missing_message(line, self.columns[i], cell))
        return [[numbers[row] for numbers in values] for row in range(len(self.lines))]  # type: ignore[misc]


def missing_message(line: int, column: str, cell: str) -> str:
    shown = "empty" if not cell else f"missing ({cell[:10]!r})"
    return (
        f"line {line}, column {column!r} is {shown}; choose to drop such rows or fill them "
        "with the column's mean"
    )


def parse_csv(
    text: str,
    delimiter: str | None = None,
    *,
    header: bool | None = None,
    decimal: str | None = None,
    encoding: str = "utf-8",
    limit_rows: int | None = None,
    progress: Progress | None = None,
) -> CsvTable:
    """Parse CSV text into a table; ``None`` options are detected. ``limit_rows`` reads only
    the first rows (a preview), skipping the checks on the whole file's size; ``progress`` is
    told how far the reading is (CsvCancelled when it returns False)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CsvError("the CSV file is empty")
    if "\x00" in text[:4096]:
        raise CsvError("the file is not text (it holds NUL bytes); is it a spreadsheet?")
    delimiter = delimiter or guess_delimiter(text)
    records = _records(text, delimiter, None if limit_rows is None else limit_rows + 1, progress)
    width = len(records[0][1])
    for line, record in records[1:]:
        if len(record) != width:
            what = "the first line"
            raise CsvError(
                f"line {line} has {len(record)} field{'s' * (len(record) != 1)}, "
                f"but {what} has {width}"
            )
    decimal = decimal or guess_decimal(records, delimiter)
    has_header = detect_header(records, decimal) if header is None else header
    first = records[0][1]
    columns = tuple(f.strip() for f in first) if has_header else tuple(map(str, range(width)))
    body = records[1:] if has_header else records
    if not body:
        raise CsvError("the CSV file has a header but no rows")
    if limit_rows is None:
        if len(body) > MAX_ROWS:
            raise CsvError(f"the CSV file has {len(body):,} rows; at most {MAX_ROWS:,} can be used")
        if len(body) * width > MAX_NODE_ELEMENTS:
            raise CsvError(f"the CSV file has more than {MAX_NODE_ELEMENTS:,} cells")
    return CsvTable(
        columns,
        tuple(r for _, r in body),
        tuple(line for line, _ in body),
        has_header,
        delimiter,
        decimal,
        encoding,
    )


def read_text(path: str | os.PathLike[str], encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and the encoding it was read with; CsvError (size first) otherwise."""
    shown = os.fspath(path)
    try:
        problem = csv_size_problem(os.stat(shown).st_size)
        if problem:
            raise CsvError(f"'{shown}' cannot be loaded: {problem}")
        with open(shown, "rb") as file:
            raw = file.read()
    except OSError as exc:
        raise CsvError(f"cannot open '{shown}': {exc.strerror or exc}") from None
    return decode(raw, encoding, shown)


def decode(raw: bytes, encoding: str | None = None, shown: str = "the file") -> tuple[str, str]:
    """Bytes to text: the given encoding, else a BOM's, else UTF-8, else Windows-1252."""
    if encoding is None:
        for bom, name in (
            (codecs.BOM_UTF8, "utf-8-sig"),
            (codecs.BOM_UTF16_LE, "utf-16"),
            (codecs.BOM_UTF16_BE, "utf-16"),
        ):
            if raw.startswith(bom):
                encoding = name
                break
    tries = [encoding] if encoding else ["utf-8", "cp1252"]
    for name in tries:
        try:
            return raw.decode(name), name
        except LookupError:
            raise CsvError(f"unknown encoding {name!r}") from None
        except UnicodeDecodeError as exc:
            error = exc
    raise CsvError(
        f"'{shown}' is not {' or '.join(tries)} text (byte offset {error.start}); "
        "choose its encoding"
    )


def read_csv(
    path: str | os.PathLike[str],
    delimiter: str | None = None,
    *,
    header: bool | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    limit_rows: int | None = None,
    progress: Progress | None = None,
) -> CsvTable:
    """Read and parse a CSV file (at most limits.MAX_CSV_BYTES); CsvError for anything wrong."""
    text, used = read_text(path, encoding)
    return parse_csv(
        text,
        delimiter,
        header=header,
        decimal=decimal,
        encoding=used,
        limit_rows=limit_rows,
        progress=progress,
    )


def read_head(
    path: str | os.PathLike[str], encoding: str | None = None, size: int = HEAD_BYTES
) -> tuple[str, str, int]:
    """The first whole lines of a file (about ``size`` bytes), the encoding, the file's size:
    what a preview needs, read at once whatever the file's length (its size checked first)."""
    shown = os.fspath(path)
    try:
        total = os.stat(shown).st_size
        problem = csv_size_problem(total)
        if problem:
            raise CsvError(f"'{shown}' cannot be loaded: {problem}")
        with open(shown, "rb") as file:
            raw = file.read(size)
    except OSError as exc:
        raise CsvError(f"cannot open '{shown}': {exc.strerror or exc}") from None
    if len(raw) == size and b"\n" in raw:
        raw = raw[: raw.rindex(b"\n") + 1]  # whole lines, and no character cut in two
    text, used = decode(raw, encoding, shown)
    return text, used, total


def guess_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into equally many fields (the most wins)."""
    sample = "\n".join(text.lstrip().splitlines()[:SNIFF_LINES])
    best, best_width = ",", 1
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        except csv.Error:
            continue
        widths = {len(r) for r in rows}
        if len(widths) == 1 and (width := widths.pop()) > best_width:
            best, best_width = delimiter, width
    return best


def guess_decimal(records: list[tuple[int, list[str]]], delimiter: str) -> str:
    """A decimal comma when the delimiter is not a comma and cells like ``5,1`` appear."""
    if delimiter == ",":
        return "."
    commas = points = 0
    for _, record in records[1 : SNIFF_LINES + 1]:
        for cell in record:
            if _number(cell, ",") is not None and "," in cell:
                commas += 1
            elif _number(cell, ".") is not None and "." in cell:
                points += 1
    return "," if commas > points else "."


def detect_header(records: list[tuple[int, list[str]]], decimal: str) -> bool:
    """A header when a first-row field is text above numbers, or when every field is text."""
    first = records[0][1]
    body = [r for _, r in records[1 : SNIFF_LINES + 1]]
    if all(_number(f, decimal) is None for f in first):
        return True
    for i, name in enumerate(first):
        column = [r[i] for r in body if not _missing(r[i])]
        if (
            not _missing(name)
            and _number(name, decimal) is None
            and column
            and all(_number(c, decimal) is not None for c in column)
        ):
            return True
    return False


def _records(
    text: str, delimiter: str, limit: int | None, progress: Progress | None = None
) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    total = text.count("\n") + 1 if progress else 1
    try:
        for row in reader:  # cells are stripped where they are read (float() needs not)
            if len(row) > 1 or (row and row[0].strip()):
                records.append((reader.line_num, row))
                if progress and len(records) % PROGRESS_ROWS == 0:
                    if not progress(reader.line_num / total):
                        raise CsvCancelled("the loading was cancelled")
                if limit is not None and len(records) >= limit:
                    break
                if len(records) > MAX_ROWS + 1:
                    raise CsvError(
                        f"the CSV file has more than {MAX_ROWS:,} rows, the most that can be used"
                    )
    except csv.Error as exc:
        raise CsvError(f"line {reader.line_num}: the CSV file cannot be read: {exc}") from None
    return records


def _missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING


def _number(cell: str, decimal: str) -> float | None:
    cell = cell.strip()
    if decimal == ",":
        cell = cell.replace(",", ".")
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _column_numbers(
    cells: Sequence[Sequence[str]], index: int, decimal: str
) -> list[float | None] | None:
    column = [row[index] for row in cells]
    if decimal == ",":
        column = [cell.replace(",", ".") for cell in column]
    try:  # the common case at C speed: every cell a finite number
        values: list[float | None] = list(map(float, column))
        if all(map(math.isfinite, values)):  # type: ignore[arg-type]
            return values
    except ValueError:
        pass
    result: list[float | None] = []
    for cell in column:
        try:
            value = float(cell)
        except ValueError:
            if cell.strip().lower() in MISSING:
                result.append(None)
                continue
            return None
        result.append(value if math.isfinite(value) else None)
    return result
