"""What a valid document is: every check, each failing with the JSON path of the offending entry.

Loading a file someone else wrote is the one place where the model meets untrusted input, so this
module assumes nothing about the parsed JSON: every type, number and reference is checked before the
graph sees it (the nodes and edges in ``document_graph.py``, which turns the graph's own checks into
path-first messages). Only plain data is produced; nothing is ever evaluated.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

from . import shapes
from .graph import Graph
from .numbers import first_non_finite
from .recipes import MAX_ROWS
from .shapes import ShapeError

FORMAT = "backprop-studio"
VERSION = 3  # the newest format this version reads
TRAINED_VERSION = 2  # leaves that keep their recipe with trained values ("trained": true)
BLOCKS_VERSION = 3  # "blocks" (model/document_blocks.py); older files open as before

MAX_BYTES = 50 * 1024 * 1024  # refused before parsing
# Loading is near-linear in any edge order (one cycle check for all edges, model/cycles.py);
# benchmarks/scaling.py measures it. Beyond the cap the canvas, not loading, becomes the limit.
MAX_NODES = 10_000
MAX_EDGES = 2 * MAX_NODES  # every op has at most two inputs
MAX_DEPTH = 64  # nesting of unknown (kept) settings and view entries
MAX_COORDINATE = 1e9  # positions and the view centre; beyond this the canvas is meaningless
MAX_STEPS = 1_000_000

DTYPES = ("float64", "float32")
OPTIMIZERS = ("sgd", "momentum", "adam")
DEVICES = ("cpu", "cuda", "mps")
MAX_SEED = 2**63 - 1
MAX_TEST_FRACTION = 0.9  # of a dataset's rows held out for testing, at most

DEFAULT_SETTINGS: dict[str, Any] = {
    "dtype": "float64",
    "training": {"optimizer": "sgd", "lr": 0.01, "steps": 100, "momentum": 0.9, "clip": None},
}
DEFAULT_VIEW: dict[str, Any] = {"center": (0.0, 0.0), "zoom": 1.0}


class DocumentError(ValueError):
    """A document that cannot be read or written; ``str()`` is one line, the JSON path first."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path


# ---- small checks ------------------------------------------------------------------------------
def kind(value: object) -> str:
    """The JSON name of a value's type, for messages a user of the file understands."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a Python {type(value).__name__}"


def is_number(value: object) -> bool:
    """int or float, but not bool: JSON ``true`` is not 1."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def finite(value: int | float) -> float | None:
    """``value`` as a float if it is finite and fits one, else None (1e400 parses to inf)."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def require_object(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DocumentError(f"must be an object, not {kind(value)}", path or None)
    return value


def require_key(obj: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in obj:
        raise DocumentError("missing", join(path, key))
    return obj[key]


def require_string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise DocumentError(f"must be a string, not {kind(value)}", path)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise DocumentError("contains a character that is not valid Unicode", path) from None
    return value


def require_number(value: object, path: str, *, positive: bool = False) -> float:
    what = "a positive number" if positive else "a number"
    if not is_number(value):
        raise DocumentError(f"must be {what}, not {kind(value)}", path)
    number = finite(value)  # type: ignore[arg-type]
    if number is None:
        raise DocumentError(f"must be a finite number, not {value!r:.30}", path)
    if positive and number <= 0:
        raise DocumentError(f"must be {what}, not {value!r}", path)
    return number


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check_point(value: object, path: str) -> tuple[float, float]:
    """Two finite numbers within ±MAX_COORDINATE (positions, the view centre)."""
    if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(map(is_number, value)):
        raise DocumentError(f"must be a list of two numbers [x, y], not {brief(value)}", path)
    point = (finite(value[0]), finite(value[1]))
    if point[0] is None or point[1] is None:
        raise DocumentError(f"must be two finite numbers, not {brief(value)}", path)
    if max(abs(point[0]), abs(point[1])) > MAX_COORDINATE:
        raise DocumentError(f"coordinates must lie within ±{MAX_COORDINATE:g}", path)
    return (point[0], point[1])


def check_value(value: object, path: str) -> tuple[int, ...]:
    """The shape of a leaf value; refuses wrong types, ragged lists and non-finite numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float, list)):
        raise DocumentError(f"must be a number or a list of numbers, not {kind(value)}", path)
    try:
        shape = shapes.shape_of(value)
    except ShapeError as exc:
        raise DocumentError(str(exc), path) from None
    bad = first_non_finite(value, shape)
    if bad is not None:
        index = "".join(f"[{i}]" for i in bad[0])
        raise DocumentError(
            f"must be finite, not {bad[1]!r:.30} (NaN and infinity cannot be stored)", path + index
        )
    return shape


def check_plain(value: object, path: str) -> None:
    """Data that can be written back as strict JSON: kept unknown keys must survive a save."""
    stack: list[tuple[object, str, int]] = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise DocumentError(f"is nested more than {MAX_DEPTH} levels deep", where)
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            require_string(item, where)
        elif isinstance(item, (int, float)):
            require_number(item, where)
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in enumerate(item))
        elif isinstance(item, Mapping):
            for k, v in item.items():
                if not isinstance(k, str):
                    raise DocumentError(f"keys must be strings, not {kind(k)}", where)
                stack.append((v, join(where, k), depth + 1))
        else:
            raise DocumentError(f"cannot be stored in a document: {kind(item)}", where)


def brief(value: object) -> str:
    return kind(value) if isinstance(value, (Mapping, str)) else f"{value!r:.40}"


# ---- header, settings, view ------------------------------------------------------------------
def check_header(
    data: Mapping[str, Any],
    fmt: str = FORMAT,
    newest: int = VERSION,
    what: str = "document",
    newer: str = "this file was written by a newer Backprop Studio (format version {})",
) -> None:
    """``format`` and ``version`` of a document (or, with the other arguments, of a lesson)."""
    if "format" not in data:
        raise DocumentError(f"missing: this is not a Backprop Studio {what}", "format")
    if data["format"] != fmt:
        raise DocumentError(f"must be '{fmt}', not {data['format']!r:.40}", "format")
    version = require_key(data, "version", "")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DocumentError(f"must be a whole number from 1, not {version!r:.40}", "version")
    if version > newest:
        raise DocumentError(
            f"{newer.format(version)}; this version reads version {newest}", "version"
        )


def version_for(graph: Graph) -> int:
    """The oldest format version that holds ``graph``: a file without trained recipe leaves or
    blocks stays version 1, so an older Backprop Studio still opens it; one with trained leaves
    says 2 and one with blocks 3, so an older version says it needs a newer one instead of
    refusing (or silently dropping) what it does not know."""
    if graph.blocks:
        return BLOCKS_VERSION
    return TRAINED_VERSION if any(node.trained for node in graph.nodes) else 1


def normalise_settings(value: object, path: str = "settings") -> dict[str, Any]:
    """Defaults filled in, known keys checked, unknown keys kept (a newer version may use them)."""
    result = copy.deepcopy(DEFAULT_SETTINGS)
    if value is None:
        return result
    settings = require_object(value, path)
    for key, item in settings.items():
        where = join(path, str(key))
        if key == "dtype":
            if item not in DTYPES:
                raise DocumentError(f"must be one of {', '.join(DTYPES)}, not {item!r:.40}", where)
            result[key] = item
        elif key == "training":
            result[key] = _training(item, where)
        else:
            check_plain({key: item}, path)
            result[key] = copy.deepcopy(item)
    return result


def _training(value: object, path: str) -> dict[str, Any]:
    result = copy.deepcopy(DEFAULT_SETTINGS["training"])
    for key, item in require_object(value, path).items():
        where = join(path, str(key))
        if key == "optimizer":
            if item not in OPTIMIZERS:
                raise DocumentError(
                    f"must be one of {', '.join(OPTIMIZERS)}, not {item!r:.40}", where
                )
        elif key == "lr":
            item = require_number(item, where, positive=True)
        elif key == "steps":
            if not isinstance(item, int) or isinstance(item, bool) or not 1 <= item <= MAX_STEPS:
                raise DocumentError(
                    f"must be a whole number from 1 to {MAX_STEPS:,}, not {item!r:.40}", where
                )
        elif key == "momentum":
            item = require_number(item, where)
            if not 0 <= item < 1:
                raise DocumentError(f"must be at least 0 and less than 1, not {item!r}", where)
        elif key == "clip":
            if item is not None:
                item = require_number(item, where, positive=True)
        elif key == "batch_size":  # None: the whole dataset every step
            if item is not None and not _whole(item, 1, MAX_ROWS):
                raise DocumentError(
                    f"must be null (full batch) or a whole number from 1 to {MAX_ROWS:,}, "
                    f"not {item!r:.40}",
                    where,
                )
        elif key == "shuffle":
            if not isinstance(item, bool):
                raise DocumentError(f"must be true or false, not {kind(item)}", where)
        elif key == "seed":
            if not _whole(item, 0, MAX_SEED):
                raise DocumentError(f"must be a whole number from 0, not {item!r:.40}", where)
        elif key == "device":
            if item not in DEVICES:
                raise DocumentError(f"must be one of {', '.join(DEVICES)}, not {item!r:.40}", where)
        elif key == "test_fraction":  # of a dataset's rows held out for a test loss
            item = require_number(item, where)
            if not 0 <= item <= MAX_TEST_FRACTION:
                raise DocumentError(
                    f"must be from 0 to {MAX_TEST_FRACTION:g}, not {item!r:.40}", where
                )
        elif key == "expect_loss_below":  # the loss a gallery example promises to reach
            item = require_number(item, where, positive=True)
        else:
            check_plain({key: item}, path)
            item = copy.deepcopy(item)
        result[key] = item
    return result


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def normalise_view(value: object, path: str = "view") -> dict[str, Any]:
    """Centre as ``(x, y)`` floats and a positive zoom; unknown keys kept."""
    result = copy.deepcopy(DEFAULT_VIEW)
    if value is None:
        return result
    for key, item in require_object(value, path).items():
        where = join(path, str(key))
        if key == "center":
            result[key] = check_point(item, where)
        elif key == "zoom":
            result[key] = require_number(item, where, positive=True)
        else:
            check_plain({key: item}, path)
            result[key] = copy.deepcopy(item)
    return result
