"""The versioned JSON document: a graph with its settings and view, read strictly, written atomically.

A document is what a learner shares and what autosave keeps, so reading refuses anything doubtful
with one line naming the JSON path (``nodes[2].value: ...``), and writing never leaves a half-written
file. Numbers are strict JSON: NaN and infinity are refused both ways, so any JSON reader can open
the files. The checks themselves live in ``document_schema``.
"""

from __future__ import annotations

import copy
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from . import shapes
from .atomic_file import write_atomically
from .attrs import plain_attrs
from .document_blocks import blocks_to_list, read_blocks
from .document_graph import read_graph
from .document_names import free_reserved_names
from .document_schema import (
    DEFAULT_SETTINGS,
    DEFAULT_VIEW,
    FORMAT,
    MAX_BYTES,
    MAX_EDGES,
    MAX_NODES,
    VERSION,
    DocumentError,
    check_header,
    check_point,
    check_value,
    normalise_settings,
    normalise_view,
    require_object,
    require_string,
    version_for,
)
from .embedded import image_kind, unwrap
from .graph import Graph

__all__ = [
    "DEFAULT_SETTINGS",
    "DEFAULT_VIEW",
    "FORMAT",
    "MAX_BYTES",
    "MAX_EDGES",
    "MAX_NODES",
    "VERSION",
    "DocumentData",
    "DocumentError",
    "document_from_dict",
    "document_to_dict",
    "dumps",
    "load_document",
    "loads",
    "save_document",
]

PathLike = str | os.PathLike[str]


@dataclass
class DocumentData:
    """What a document holds: the graph, training settings (defaults filled) and the view."""

    graph: Graph
    settings: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULT_SETTINGS))
    view: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULT_VIEW))


# ---- dict <-> model ----------------------------------------------------------------------------
def document_to_dict(
    graph: Graph, settings: dict[str, Any] | None = None, view: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The document as JSON-ready data; DocumentError (with a path) for anything unwritable."""
    settings = normalise_settings(settings)
    view = normalise_view(view)
    for key, count, cap in (
        ("nodes", len(graph), MAX_NODES),
        ("edges", len(graph.edges), MAX_EDGES),
    ):
        if count > cap:  # never write a file that loading would refuse
            raise DocumentError(
                f"a document holds at most {cap:,} {key}, this graph has {count:,}", key
            )
    nodes: list[dict[str, Any]] = []
    for i, node in enumerate(graph.nodes):
        path = f"nodes[{i}]"
        entry: dict[str, Any] = {
            "name": node.name,
            "op": node.op,
            "label": require_string(node.label, f"{path}.label"),
            "position": list(check_point(node.position, f"{path}.position")),
        }
        if node.attrs:
            entry["attrs"] = plain_attrs(node.attrs)
        if node.recipe and not node.trained:  # the recipe makes the value again: its shape
            entry["shape"] = list(shapes.shape_of(node.value))
        elif node.is_leaf:  # a trained leaf keeps its recipe and stores every digit it learned
            if node.trained:
                entry["trained"] = True
            shape = check_value(node.value, f"{path}.value")
            entry["value"] = copy.deepcopy(node.value)
            entry["shape"] = list(shape)
        nodes.append(entry)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": version_for(graph),
        "nodes": nodes,
        "edges": [{"from": e.src, "to": e.dst, "port": e.port} for e in graph.edges],
    }
    if graph.blocks:  # a file without blocks stays one an older version reads
        doc["blocks"] = blocks_to_list(graph)
    doc.update(
        output=graph.explicit_output,
        settings=settings,
        view={**view, "center": list(view["center"])},
    )
    return doc


def document_from_dict(data: object) -> DocumentData:
    """Check everything and build the graph; the first problem raises DocumentError with its path.

    Unknown top-level keys are ignored so that a newer minor addition does not lock files out;
    a newer ``version`` is refused because its meaning may have changed.
    """
    doc = require_object(data, "")
    check_header(doc)
    doc = free_reserved_names(doc)  # a node named after an op added since the file was saved
    graph = read_graph(doc)
    read_blocks(doc, graph)
    return DocumentData(
        graph, normalise_settings(doc.get("settings")), normalise_view(doc.get("view"))
    )


# ---- text --------------------------------------------------------------------------------------
def dumps(
    graph: Graph, settings: dict[str, Any] | None = None, view: dict[str, Any] | None = None
) -> str:
    """Indented JSON with one node, edge and block per line, in graph order, so diffs stay readable."""
    doc = document_to_dict(graph, settings, view)
    lines = []
    for i, (key, value) in enumerate(doc.items()):
        comma = "," if i < len(doc) - 1 else ""
        if key in ("nodes", "edges", "blocks") and value:
            items = ",\n".join(f"    {_compact(item)}" for item in value)
            text = f"[\n{items}\n  ]"
        else:
            text = _compact(value)
            if len(text) > 96:
                text = _encode(value, indent=2).replace("\n", "\n  ")
        lines.append(f"  {_compact(key)}: {text}{comma}")
    text = "{\n" + "\n".join(lines) + "\n}\n"
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise DocumentError(_too_large(len(text.encode("utf-8", "surrogatepass"))))
    return text


def _compact(value: object) -> str:
    return _encode(value, indent=None)


def _encode(value: object, indent: int | None) -> str:
    try:
        return json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:  # normalisation should have caught it; be sure
        raise DocumentError(f"cannot be written as JSON: {exc}") from None


def loads(text: str | bytes) -> DocumentData:
    """Parse and check a document; every failure is a DocumentError, never another exception."""
    with only_document_errors():
        return _loads(text)


@contextmanager
def only_document_errors() -> Iterator[None]:
    """Turn what a hostile file can still provoke (too little memory, too deep a structure, an
    unknown codec, a number too large) into one-line DocumentErrors: a caller such as File ▸ Open
    or the command line catches only those."""
    try:
        yield
    except DocumentError:
        raise
    except MemoryError:
        raise DocumentError("there is not enough memory to read this file") from None
    except RecursionError:
        raise DocumentError("the file nests its contents too deeply to be a document") from None
    except (LookupError, UnicodeError, OverflowError, ValueError) as exc:
        raise DocumentError(f"the file cannot be read: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _loads(text: str | bytes) -> DocumentData:
    return document_from_dict(read_json(text, MAX_BYTES))


def read_json(text: str | bytes, limit: int, constants: bool = True) -> Any:
    """Strict JSON of at most ``limit`` characters: UTF-8 (a byte-order mark dropped), not empty,
    no key twice in one object, and with ``constants`` False no NaN or Infinity either;
    DocumentError says which. Documents and lessons are read through this."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > limit:
            raise DocumentError(_too_large(len(text), limit))
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
            ) from None
    elif not isinstance(text, str):
        raise DocumentError(f"expected text, not a Python {type(text).__name__}")
    elif len(text) > limit:
        raise DocumentError(_too_large(len(text), limit))
    text = text.removeprefix("\ufeff")  # a byte order mark, as some Windows editors add
    if not text.strip():
        raise DocumentError("the file is empty")
    extra = {} if constants else {"parse_constant": _no_constant}
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, **extra)
    except RecursionError:
        raise DocumentError("the file nests lists or objects too deeply to be a document") from None
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:  # e.g. an integer with more than 4300 digits
        raise DocumentError(f"not valid JSON: {exc}") from None


def _no_constant(name: str) -> float:
    raise DocumentError(f"not valid JSON: {name} is not a number JSON allows")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse ``{"a": 1, "a": 2}``: json would silently keep the last, hiding content."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DocumentError(f"the key '{key:.40}' appears twice in one object")
        result[key] = value
    return result


def _too_large(size: int, limit: int = MAX_BYTES) -> str:
    return f"the file is too large ({size / 2**20:.1f} MB; at most {limit // 2**20} MB)"


# ---- files -------------------------------------------------------------------------------------
def save_document(
    path: PathLike,
    graph: Graph,
    settings: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
) -> None:
    """Write atomically: a temporary file beside the target, fsync, then ``os.replace``.

    The document is serialised before anything touches the disk, so a graph that cannot be written
    leaves the old file as it was; on any failure the temporary file is removed, and temporary
    files left by a save that was killed are removed by the next save of the same document. A
    symlink is written through, and an existing file keeps its permissions. Failures raise
    DocumentError.
    """
    try:
        data = dumps(graph, settings, view).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DocumentError(f"cannot be written as UTF-8: {exc.reason}") from None
    shown = os.fspath(path)
    try:
        write_atomically(shown, data)
    except (OSError, ValueError) as exc:
        raise DocumentError(f"cannot save '{shown}': {_reason(exc)}") from exc


def load_document(path: PathLike) -> DocumentData:
    """Read and check a file into a DocumentData: ``.graph``, ``.settings`` (training and
    dtype, defaults filled) and ``.view``. DocumentError for anything wrong, from a missing file
    to a cycle. The file may be a PNG or SVG exported with the graph inside."""
    shown = os.fspath(path)
    try:
        info = os.stat(shown)
        if stat.S_ISDIR(info.st_mode):
            raise DocumentError(f"cannot open '{shown}': it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError(f"cannot open '{shown}': it is not a regular file")
        if info.st_size > MAX_BYTES:
            raise DocumentError(_too_large(info.st_size))
        with open(shown, "rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        if isinstance(exc, DocumentError):
            raise
        raise DocumentError(f"cannot open '{shown}': {_reason(exc)}") from exc
    with only_document_errors():
        try:
            return _loads(unwrap(raw))  # an exported PNG or SVG carries its document inside
        except DocumentError:
            _check_image_name(shown, raw)
            raise


def _check_image_name(shown: str, raw: bytes) -> None:
    """A file named like an image that is neither an image nor a document holds no graph: say
    so, rather than report why its bytes are not a JSON document."""
    suffix = os.path.splitext(shown)[1].lower()
    if suffix in (".png", ".svg") and image_kind(raw) is None:
        kind = suffix[1:].upper()
        raise DocumentError(
            f"this {kind} file holds no Backprop Studio graph: its contents are not a {kind} image"
        )


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
