"""What a valid document is: every check, each failing with the JSON path of the offending entry.

Loading a file someone else wrote is the one place where the model meets untrusted input, so this
module assumes nothing about the parsed JSON: every type, number and reference is checked before the
graph sees it, and the graph's own checks (names, ports, cycles) are turned into path-first messages.
Only plain data is produced; nothing is ever evaluated.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

from . import limits, recipes, shapes
from .attrs import AttrError, normalise_attrs
from .graph import Edge, Graph, GraphError, Node, check_name
from .numbers import first_non_finite
from .ops import LEAF_OPS, OPS, op_spec
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
        raise DocumentError(f"must be a list of two numbers [x, y], not {_brief(value)}", path)
    point = (finite(value[0]), finite(value[1]))
    if point[0] is None or point[1] is None:
        raise DocumentError(f"must be two finite numbers, not {_brief(value)}", path)
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


def _brief(value: object) -> str:
    return kind(value) if isinstance(value, (Mapping, str)) else f"{value!r:.40}"


# ---- header, settings, view ------------------------------------------------------------------
def check_header(data: Mapping[str, Any]) -> None:
    if "format" not in data:
        raise DocumentError("missing: this is not a Backprop Studio document", "format")
    if data["format"] != FORMAT:
        raise DocumentError(f"must be '{FORMAT}', not {data['format']!r:.40}", "format")
    version = require_key(data, "version", "")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DocumentError(f"must be a whole number from 1, not {version!r:.40}", "version")
    if version > VERSION:
        raise DocumentError(
            f"this file was written by a newer Backprop Studio (format version {version}); "
            f"this version reads version {VERSION}",
            "version",
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


# ---- the graph ---------------------------------------------------------------------------------
def read_graph(data: Mapping[str, Any]) -> Graph:
    """Build a Graph from a checked header, through its public methods, one entry at a time."""
    nodes = require_key(data, "nodes", "")
    if not isinstance(nodes, list):
        raise DocumentError(f"must be a list, not {kind(nodes)}", "nodes")
    if len(nodes) > MAX_NODES:
        raise DocumentError(f"at most {MAX_NODES:,} nodes, this file has {len(nodes):,}", "nodes")
    _check_recipe_total(nodes)
    graph = Graph()
    for i, entry in enumerate(nodes):
        path = f"nodes[{i}]"
        node = _read_node(entry, path, graph)
        try:
            graph.add_node(node)
        except GraphError as exc:
            raise DocumentError(str(exc), path) from None
    # the nodes first: an unknown op says more about a file than its missing edges
    edges = require_key(data, "edges", "")
    if not isinstance(edges, list):
        raise DocumentError(f"must be a list, not {kind(edges)}", "edges")
    if len(edges) > MAX_EDGES:
        raise DocumentError(f"at most {MAX_EDGES:,} edges, this file has {len(edges):,}", "edges")
    _read_edges(edges, graph)
    output = data.get("output")
    if output is not None:
        require_string(output, "output")
        if output not in graph:
            raise DocumentError(f"there is no node named '{output:.80}'", "output")
        graph.set_output(output)
    return graph


def _check_recipe_total(nodes: list[Any]) -> None:
    """Refuse a file whose recipe leaves would make more numbers than a graph may hold, before
    any is made: a few short recipes would otherwise fill the memory while loading. Entries with
    other faults are skipped here; reading them reports those faults in file order."""
    total = 0
    for i, entry in enumerate(nodes):
        op = entry.get("op") if isinstance(entry, Mapping) else None
        if not isinstance(op, str) or op not in LEAF_OPS:
            continue
        try:
            _, shape = _read_attrs(entry, op, f"nodes[{i}].attrs")
        except DocumentError:
            continue
        if shape is not None:
            total += limits.elements(shape)
            reason = limits.recipe_problem(shape, total)
            if reason:
                raise DocumentError(f"'{entry.get('name')!s:.64}': {reason}", f"nodes[{i}]")


def _read_node(entry: object, path: str, graph: Graph) -> Node:
    obj = require_object(entry, path)
    name = require_string(require_key(obj, "name", path), f"{path}.name")
    try:
        check_name(name)
    except GraphError as exc:
        raise DocumentError(str(exc), f"{path}.name") from None
    if name in graph:
        raise DocumentError(f"a node named '{name}' already exists", f"{path}.name")
    op = require_string(require_key(obj, "op", path), f"{path}.op")
    if op not in OPS:
        raise DocumentError(f"unknown op '{op:.40}'", f"{path}.op")
    label = require_string(obj.get("label", ""), f"{path}.label")
    position = check_point(require_key(obj, "position", path), f"{path}.position")
    attrs, recipe_shape = _read_attrs(obj, op, f"{path}.attrs")
    trained = obj.get("trained", False)
    if not isinstance(trained, bool):
        raise DocumentError(f"must be true or false, not {kind(trained)}", f"{path}.trained")
    if op not in LEAF_OPS:
        for key in ("value", "shape", "trained"):
            if key in obj:
                raise DocumentError(
                    f"only leaves ({', '.join(sorted(LEAF_OPS))}) have a {key}; "
                    f"'{name}' is computed by {op}",
                    f"{path}.{key}",
                )
        return Node(name, op, label, position, attrs=attrs)
    made = recipes.recipe_kind(attrs)
    if trained and made != "init":
        raise DocumentError(
            f"only a leaf made by an init recipe (attrs with init=…) can be trained; '{name}' "
            + ("is bound to a dataset" if made else "has no recipe"),
            f"{path}.trained",
        )
    if recipe_shape is not None and not trained:
        if "value" in obj:
            raise DocumentError(
                f"'{name}' is made by its {made} recipe (attrs), so it stores no value unless "
                'it is marked "trained": true; remove one of the two',
                f"{path}.value",
            )
        if "shape" in obj:
            _check_shape(obj["shape"], recipe_shape, f"{path}.shape", "the recipe (attrs)")
        return Node(name, op, label, position, attrs=attrs)
    value = require_key(obj, "value", path)
    if recipe_shape is not None:  # trained: the value it learned, in the recipe's shape
        shape = check_value(value, f"{path}.value")
        if shape != recipe_shape:
            raise DocumentError(
                f"a trained value of shape {list(shape)} does not match the recipe (attrs), "
                f"whose shape is {list(recipe_shape)}",
                f"{path}.value",
            )
        if "shape" in obj:
            _check_shape(obj["shape"], recipe_shape, f"{path}.shape", "the recipe (attrs)")
        return Node(name, op, label, position, value, attrs, trained=True)
    shape = check_value(value, f"{path}.value")
    if "shape" in obj:
        _check_shape(obj["shape"], shape, f"{path}.shape")
    return Node(name, op, label, position, value, attrs)


def _read_attrs(obj: Mapping[str, Any], op: str, path: str) -> tuple[dict[str, Any], Any]:
    """A node's checked attributes and, for a recipe leaf, the recipe's shape."""
    if "attrs" not in obj:
        return {}, None
    raw = require_object(obj["attrs"], path)
    for key in raw:
        if not isinstance(key, str):
            raise DocumentError(f"keys must be strings, not {kind(key)}", path)
    try:
        attrs = normalise_attrs(op_spec(op), raw)
        shape = recipes.check_leaf_attrs(op, attrs) if op in LEAF_OPS else None
    except AttrError as exc:
        raise DocumentError(str(exc), join(path, exc.key) if exc.key else path) from None
    return attrs, shape


def _check_shape(
    declared: object, shape: tuple[int, ...], path: str, source: str = "the value"
) -> None:
    if not isinstance(declared, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in declared
    ):
        raise DocumentError(f"must be a list of whole numbers, not {_brief(declared)}", path)
    if tuple(declared) != shape:
        raise DocumentError(
            f"{_brief(declared)} does not match {source}, whose shape is {list(shape)}", path
        )


def _read_edges(entries: list[Any], graph: Graph) -> None:
    """Check every edge as ``connect`` would one by one, but the cycles of all at once (a
    topological sort, not a path search per edge), and report the first edge at fault."""
    edges: list[Edge] = []
    fed: dict[tuple[str, str], int] = {}  # (node, port) → index of the edge feeding it
    refused: DocumentError | None = None
    for i, entry in enumerate(entries):
        try:
            edges.append(_read_edge(entry, f"edges[{i}]", graph, fed))
        except DocumentError as exc:
            refused = exc  # unless an edge before it closes a cycle
            break
        fed[edges[-1].dst, edges[-1].port] = i
    problem = graph.first_edge_problem(edges)
    if problem is not None:
        raise DocumentError(problem[1], f"edges[{problem[0]}]")
    if refused is not None:
        raise refused
    try:
        graph.add_edges(edges)
    except GraphError as exc:
        raise DocumentError(str(exc), "edges") from None


def _read_edge(entry: object, path: str, graph: Graph, fed: dict[tuple[str, str], int]) -> Edge:
    """One edge, checked in all but its cycles against the graph and the edges before it."""
    obj = require_object(entry, path)
    src = require_string(require_key(obj, "from", path), f"{path}.from")
    dst = require_string(require_key(obj, "to", path), f"{path}.to")
    port = require_string(require_key(obj, "port", path), f"{path}.port")
    for key, name in (("from", src), ("to", dst)):
        if name not in graph:
            raise DocumentError(f"there is no node named '{name:.80}'", f"{path}.{key}")
    if (dst, port) in fed:
        raise DocumentError(
            f"input '{port}' of '{dst}' is already fed by edges[{fed[dst, port]}]; "
            "an input takes one edge",
            path,
        )
    reason = graph.port_problem(src, dst, port)
    if reason:
        inputs = graph.node(dst).inputs
        where = path if port in inputs else f"{path}.port" if inputs else f"{path}.to"
        raise DocumentError(reason, where)
    return Edge(src, dst, port)
