"""A CSV table → the values and attributes of two data leaves: features (x) and targets (y).

The choices a learner makes about a real file, each kept in the leaves' attributes so that a
saved document says where its numbers came from and how they were changed:

- **features** (all columns but the target by default) must be numeric;
- a **target** holding text is a class label: classes are numbered in **sorted** order of their
  names (as scikit-learn's ``LabelEncoder`` does), so a shuffled or split copy of the file gives
  every class the same index; ``class_names`` keeps the names (index ``k`` is ``class_names[k]``).
  ``labels="onehot"`` gives one column per class instead of one index column; a numeric target
  stays a number (regression, or indices already) unless one-hot is asked for;
- **missing** cells are refused with their line and column (``"refuse"``), or their rows are
  dropped (``"drop"``), or features are filled with their column's mean (``"mean"``; a row with
  no target is still dropped, since a label cannot be averaged);
- **standardize** makes each feature z = (v − mean) / std (population std, as scikit-learn's
  ``StandardScaler``; a constant column keeps std 1), and keeps ``mean`` and ``std`` so that new
  inputs (the Fit view's grid, an exported script) get the same transform.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .csv_data import CsvError, CsvTable, missing_message, read_csv

LABELS = ("index", "onehot")
MISSING_POLICIES = ("refuse", "drop", "mean")
MAX_CLASSES = 1000


@dataclass(frozen=True)
class CsvChoice:
    """What to take from a table; ``features=None`` means every column but the target."""

    target: str | int | None = None
    features: tuple[str | int, ...] | None = None
    labels: str = "index"
    missing: str = "refuse"
    standardize: bool = False


@dataclass(frozen=True)
class CsvData:
    """The two leaves' values and attributes (``y`` None without a target), rows dropped."""

    x: list[list[float]]
    x_attrs: dict[str, Any]
    y: list[list[float]] | None = None
    y_attrs: dict[str, Any] | None = None
    dropped: int = 0
    classes: tuple[str, ...] = field(default=())


def prepare(table: CsvTable, choice: CsvChoice, source: str) -> CsvData:
    """Apply ``choice`` to ``table``; CsvError (one line, with the place) for what cannot be."""
    if choice.labels not in LABELS:
        raise CsvError(f"labels must be 'index' or 'onehot', not {choice.labels!r:.40}")
    if choice.missing not in MISSING_POLICIES:
        raise CsvError(f"missing must be 'refuse', 'drop' or 'mean', not {choice.missing!r:.40}")
    target = None if choice.target is None else table.column_index(choice.target)
    if choice.features is None:
        features = [i for i in range(len(table.columns)) if i != target]
    else:
        features = [table.column_index(key) for key in choice.features]
    if not features:
        raise CsvError("choose at least one feature column besides the target")
    if target in features:
        raise CsvError(
            f"the column {table.columns[target]!r} cannot be both a feature and the target"
        )
    columns = [_feature_numbers(table, i) for i in features]
    labels = None if target is None else _target_cells(table, target)
    keep = _rows_kept(table, features, columns, target, labels, choice.missing)
    if not keep:
        raise CsvError("no row is left once the rows with missing values are dropped")
    if len(keep) < len(table.cells):
        columns = [[col[r] for r in keep] for col in columns]
    for col in columns:
        if None in col:  # only when filling with the mean
            mean = _mean(col)
            col[:] = [mean if v is None else v for v in col]
    x: list[list[float]] = [list(row) for row in zip(*columns)]  # type: ignore[arg-type]
    names = tuple(table.columns[i] for i in features)
    x_attrs: dict[str, Any] = {"csv": source, "columns": names}
    if choice.missing != "refuse":
        x_attrs["missing"] = choice.missing
    if choice.standardize:
        x, mean, std = standardize(x)
        x_attrs["mean"], x_attrs["std"] = mean, std
    if target is None or labels is None:
        return CsvData(x, x_attrs, dropped=len(table.cells) - len(keep))
    y, classes = _targets([labels[r] for r in keep], table.is_numeric(target), choice.labels)
    y_attrs: dict[str, Any] = {"csv": source, "columns": (table.columns[target],)}
    if classes:
        y_attrs["class_names"] = classes
    if choice.labels == "onehot":
        y_attrs["labels"] = "onehot"
    return CsvData(x, x_attrs, y, y_attrs, len(table.cells) - len(keep), classes)


def load(
    path: str | os.PathLike[str], choice: CsvChoice, source: str | None = None, **read: Any
) -> CsvData:
    """Read a file (``read``: delimiter, header, decimal, encoding, progress) and apply
    ``choice``; the leaves' ``csv`` attribute is ``source``, else the path as given (so a
    program's relative path stays one)."""
    return prepare(read_csv(path, **read), choice, source or os.fspath(path))


def standardize(
    rows: list[list[float]],
) -> tuple[list[list[float]], tuple[float, ...], tuple[float, ...]]:
    """Z-scores of each column, with the means and (population) deviations used."""
    n = len(rows)
    width = len(rows[0])
    mean = tuple(math.fsum(r[j] for r in rows) / n for j in range(width))
    std = tuple(
        math.sqrt(math.fsum((r[j] - mean[j]) ** 2 for r in rows) / n) or 1.0 for j in range(width)
    )
    return [[(v - m) / s for v, m, s in zip(r, mean, std)] for r in rows], mean, std


def apply_transform(rows: Sequence[Sequence[float]], attrs: dict[str, Any]) -> list[list[float]]:
    """New raw inputs in the units the model was trained on (identity without ``mean``/``std``)."""
    mean, std = attrs.get("mean"), attrs.get("std")
    if mean is None or std is None:
        return [list(r) for r in rows]
    return [[(v - m) / s for v, m, s in zip(r, mean, std)] for r in rows]


def class_names(attrs: dict[str, Any]) -> tuple[str, ...]:
    """The class names a targets leaf keeps (empty when it has none)."""
    return tuple(str(c) for c in attrs.get("class_names", ()))


def _feature_numbers(table: CsvTable, index: int) -> list[float | None]:
    numbers = table.numbers(index)
    if numbers is None:
        line, cell = table.first_text(index)
        raise CsvError(
            f"line {line}, column {table.columns[index]!r}: {cell[:40]!r} is not a number "
            "(a text column can only be the target)"
        )
    return numbers


def _target_cells(table: CsvTable, index: int) -> list[Any]:
    numbers = table.numbers(index)
    return numbers if numbers is not None else table.texts(index)


def _rows_kept(
    table: CsvTable,
    features: list[int],
    columns: list[list[float | None]],
    target: int | None,
    labels: list[Any] | None,
    policy: str,
) -> list[int]:
    if not any(None in col for col in columns) and (labels is None or None not in labels):
        return list(range(len(table.lines)))
    keep = []
    for r, line in enumerate(table.lines):
        gap = next((j for j, col in enumerate(columns) if col[r] is None), None)
        no_label = labels is not None and labels[r] is None
        if policy == "refuse" and (gap is not None or no_label):
            index = features[gap] if gap is not None else target
            assert index is not None
            cell = table.cells[r][index].strip()
            raise CsvError(missing_message(line, table.columns[index], cell))
        if no_label or (policy == "drop" and gap is not None):
            continue
        keep.append(r)
    return keep


def _targets(
    labels: list[Any], numeric: bool, encoding: str
) -> tuple[list[list[float]], tuple[str, ...]]:
    if numeric and encoding == "index":
        return [[float(v)] for v in labels], ()
    distinct = sorted(set(labels))
    if len(distinct) > MAX_CLASSES:
        raise CsvError(
            f"the target has {len(distinct):,} different values; at most {MAX_CLASSES} classes "
            "(is it a number column meant for regression?)"
        )
    index = {value: k for k, value in enumerate(distinct)}
    classes = tuple(_class_text(v) for v in distinct)
    if encoding == "onehot":
        width = len(distinct)
        return [[1.0 if index[v] == k else 0.0 for k in range(width)] for v in labels], classes
    return [[float(index[v])] for v in labels], classes


def _class_text(value: Any) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _mean(values: list[float | None]) -> float:
    present = [v for v in values if v is not None]
    return math.fsum(present) / len(present) if present else 0.0


def origin_text(attrs: dict[str, Any]) -> str | None:
    """Where a CSV leaf's numbers came from, for people: the file, the columns, the class names
    with their indices, the transform. None for a leaf not read from a CSV file."""
    if "csv" not in attrs:
        return None
    columns = ", ".join(str(c) for c in attrs.get("columns", ()))
    lines = [f"{attrs['csv']}: {columns}"]
    names = class_names(attrs)
    if names:
        coded = "one-hot columns" if attrs.get("labels") == "onehot" else "class indices"
        lines.append(f"{coded}: " + ", ".join(f"{k} = {n}" for k, n in enumerate(names)))
    if "mean" in attrs:
        pairs = ", ".join(f"{m:.4g} ± {s:.4g}" for m, s in zip(attrs["mean"], attrs["std"]))
        lines.append(f"standardised, z = (v − mean) / std with mean ± std: {pairs}")
    if attrs.get("missing") == "drop":
        lines.append("rows with missing values dropped")
    elif attrs.get("missing") == "mean":
        lines.append("missing values filled with the column's mean")
    return "\n".join(lines)
