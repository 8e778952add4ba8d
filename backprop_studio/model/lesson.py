"""A lesson as data: a title and steps, each with text, a graph, highlights and perhaps a task.

A lesson is shared like a document and read as strictly: it is JSON with its own ``format`` and
``version``, every entry is checked before anything uses it, the first problem is reported with its
JSON path (``steps[2].task.quantity.node: ...``), and nothing in it is ever evaluated. A step's graph
is an embedded document (checked by ``document_schema``) or program text (the safe parser of
``program``), or absent: the step keeps the graph of the step before. Reading and writing files
live in ``lesson_io``.

A task asks for one number about one node: its value, its gradient ``∂output/∂node`` (one element
of a tensor with ``index``), or its value after one step of plain gradient descent at ``lr``. The
engine computes the answer with torch (``engine/lesson_check.py``); the file stores none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .document_io import DocumentData, document_from_dict
from .document_schema import (
    DocumentError,
    check_header,
    join,
    kind,
    require_key,
    require_number,
    require_object,
    require_string,
)
from .graph import Edge, Graph
from .layout import layered_layout
from .layout_blocks import card_heights
from .program import ProgramError, parse_program

FORMAT = "backprop-studio-lesson"
VERSION = 1

MAX_STEPS = 100
MAX_TEXT = 20_000  # characters of one step's Markdown
MAX_TITLE = 120
MAX_HINTS = 8
MAX_NAMES = 32  # highlights, hidden numbers, locked controls, hidden docks per step
MAX_INDEX = 8  # dimensions of a tensor element
MAX_LR = 100.0

QUANTITIES = ("value", "grad", "after_step")
ANSWERS = ("number", "sign")
HIDDEN = ("value", "grad")
HIGHLIGHTS = ("node", "edge", "dock", "button")
# object names of docks and actions: letters, digits and underscores (Qt's own objectName style)
_UI_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

DEFAULT_ABS = 1e-2
DEFAULT_REL = 1e-2


class LessonError(DocumentError):
    """A lesson that cannot be read; ``str()`` is one line, the JSON path first."""


@dataclass(frozen=True)
class Quantity:
    """What a task asks for: ``of`` node ``node`` (an element ``index`` of a tensor)."""

    node: str
    of: str = "grad"
    index: tuple[int, ...] = ()
    lr: float = 0.01  # for "after_step": one step of plain gradient descent

    def describe(self, output: str | None = None) -> str:
        """The quantity in the notation of the lessons: ∂loss/∂w, w after one step…"""
        element = "".join(f"[{i}]" for i in self.index)
        if self.of == "grad":
            return f"∂{output or 'output'}/∂{self.node}{element}"
        if self.of == "after_step":
            return f"{self.node}{element} after one step at lr {self.lr:g}"
        return f"{self.node}{element}"


@dataclass(frozen=True)
class Task:
    """A prediction to check: the question, the quantity, the answer's kind and tolerance, what
    stays hidden while it is open (by default the quantity itself), and the author's own hints,
    given after those the engine builds from the chain rule."""

    question: str
    quantity: Quantity
    answer: str = "number"
    abs_tol: float = DEFAULT_ABS
    rel_tol: float = DEFAULT_REL
    hide: tuple[tuple[str, str], ...] = ()
    hints: tuple[str, ...] = ()
    explanation: str = ""

    @property
    def hidden(self) -> frozenset[tuple[str, str]]:
        """(node, "value" | "grad") pairs absent from the canvas and inspector while open."""
        asked = self.quantity
        own = {(asked.node, "grad" if asked.of == "grad" else "value")}
        if asked.of == "after_step":
            own = set()  # the current value is the starting point of the prediction
        return frozenset(own | set(self.hide))


@dataclass(frozen=True)
class Highlight:
    """A thing to point at: a node, an edge, a dock or a button (by object or action name)."""

    kind: str
    target: str = ""
    edge: Edge | None = None


@dataclass(frozen=True)
class LessonStep:
    text: str
    document: DocumentData | None = None  # None: keep the graph of the step before
    program: str | None = None  # the source the document was built from, if it was text
    raw_document: Mapping[str, Any] | None = None  # the embedded document as written
    highlights: tuple[Highlight, ...] = ()
    task: Task | None = None
    locked: tuple[str, ...] = ()  # actions (by name) disabled during this step
    hidden_docks: tuple[str, ...] = ()  # docks (by object name) hidden during this step


@dataclass(frozen=True)
class Lesson:
    title: str
    steps: tuple[LessonStep, ...]
    summary: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def tasks(self) -> int:
        return sum(step.task is not None for step in self.steps)


# ---- reading -----------------------------------------------------------------------------------
def lesson_from_dict(data: object) -> Lesson:
    """Check everything; the first problem raises LessonError with its JSON path."""
    try:
        return _lesson(data)
    except LessonError:
        raise
    except DocumentError as exc:  # from the shared checks: same message, same path
        raise LessonError(exc.message, exc.path) from None


def _lesson(data: object) -> Lesson:
    obj = require_object(data, "")
    check_header(
        obj,
        FORMAT,
        VERSION,
        "lesson",
        "this lesson was written by a newer Backprop Studio (version {})",
    )
    title = _text(require_key(obj, "title", ""), "title", MAX_TITLE)
    if not title.strip():
        raise LessonError("must not be empty", "title")
    summary = _text(obj.get("summary", ""), "summary", MAX_TEXT)
    entries = require_key(obj, "steps", "")
    if not isinstance(entries, list):
        raise LessonError(f"must be a list, not {kind(entries)}", "steps")
    if not entries:
        raise LessonError("a lesson needs at least one step", "steps")
    if len(entries) > MAX_STEPS:
        raise LessonError(f"at most {MAX_STEPS} steps, this lesson has {len(entries)}", "steps")
    steps: list[LessonStep] = []
    graph: Graph | None = None
    for i, entry in enumerate(entries):
        step = _step(entry, f"steps[{i}]", graph)
        if step.document is not None:
            graph = step.document.graph
        steps.append(step)
    known = {"format", "version", "title", "summary", "steps"}
    return Lesson(title, tuple(steps), summary, {k: v for k, v in obj.items() if k not in known})


def _text(value: object, path: str, limit: int) -> str:
    text = require_string(value, path)
    if len(text) > limit:
        raise LessonError(f"at most {limit:,} characters, this has {len(text):,}", path)
    return text


def _step(entry: object, path: str, before: Graph | None) -> LessonStep:
    obj = require_object(entry, path)
    _only(obj, path, ("text", "document", "program", "highlights", "task", "lock", "hide_docks"))
    text = _text(require_key(obj, "text", path), join(path, "text"), MAX_TEXT)
    document, program, raw = _graph(obj, path)
    graph = document.graph if document is not None else before
    if graph is None and ("task" in obj or "highlights" in obj):
        raise LessonError(
            "the first step needs a graph ('document' or 'program') before it can point at "
            "or ask about one",
            path,
        )
    highlights = tuple(
        _highlight(item, f"{path}.highlights[{i}]", graph)  # type: ignore[arg-type]
        for i, item in enumerate(_list(obj, "highlights", path))
    )
    task = _task(obj["task"], join(path, "task"), graph) if "task" in obj else None  # type: ignore[arg-type]
    locked = tuple(_ui_name(v, f"{path}.lock[{i}]") for i, v in enumerate(_list(obj, "lock", path)))
    docks = tuple(
        _ui_name(v, f"{path}.hide_docks[{i}]") for i, v in enumerate(_list(obj, "hide_docks", path))
    )
    return LessonStep(text, document, program, raw, highlights, task, locked, docks)


def _only(obj: Mapping[str, Any], path: str, keys: tuple[str, ...]) -> None:
    """Refuse unknown keys: a misspelt ``"taks"`` would silently drop the exercise."""
    for key in obj:
        if key not in keys:
            raise LessonError(f"unknown key (expected one of {', '.join(keys)})", join(path, key))


def _list(obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise LessonError(f"must be a list, not {kind(value)}", join(path, key))
    if len(value) > MAX_NAMES:
        raise LessonError(f"at most {MAX_NAMES} entries, not {len(value)}", join(path, key))
    return value


def _graph(
    obj: Mapping[str, Any], path: str
) -> tuple[DocumentData | None, str | None, Mapping[str, Any] | None]:
    if "document" in obj and "program" in obj:
        raise LessonError("give a 'document' or a 'program', not both", path)
    if "document" in obj:
        where = join(path, "document")
        try:
            return document_from_dict(obj["document"]), None, obj["document"]
        except DocumentError as exc:
            inner = join(where, exc.path) if exc.path else where
            raise LessonError(exc.message, inner) from None
    if "program" in obj:
        where = join(path, "program")
        text = _text(obj["program"], where, MAX_TEXT)
        try:
            graph = parse_program(text)
        except ProgramError as exc:
            raise LessonError(str(exc), where) from None
        # laid out as the gallery's examples are: layers from the leaves, no card on another
        for name, position in layered_layout(graph, heights=card_heights(graph)).items():
            graph.set_position(name, position)
        return DocumentData(graph), text, None
    return None, None, None


def _node(value: object, path: str, graph: Graph) -> str:
    name = require_string(value, path)
    if name not in graph:
        raise LessonError(f"the step's graph has no node named '{name:.80}'", path)
    return name


def _ui_name(value: object, path: str) -> str:
    name = require_string(value, path)
    if not _UI_NAME.fullmatch(name):
        raise LessonError(
            f"must be an object or action name (letters, digits, _), not {name!r:.40}", path
        )
    return name


def _highlight(value: object, path: str, graph: Graph) -> Highlight:
    obj = require_object(value, path)
    _only(obj, path, HIGHLIGHTS)
    if len(obj) != 1:
        raise LessonError(f"must name exactly one of {', '.join(HIGHLIGHTS)}", path)
    what, target = next(iter(obj.items()))
    where = join(path, what)
    if what == "node":
        return Highlight("node", _node(target, where, graph))
    if what == "edge":
        edge_obj = require_object(target, where)
        src = _node(require_key(edge_obj, "from", where), join(where, "from"), graph)
        dst = _node(require_key(edge_obj, "to", where), join(where, "to"), graph)
        port = require_string(require_key(edge_obj, "port", where), join(where, "port"))
        edge = Edge(src, dst, port)
        if edge not in graph.edges:
            raise LessonError(f"the step's graph has no edge {src} → {dst}.{port}", where)
        return Highlight("edge", edge=edge)
    return Highlight(what, _ui_name(target, where))


def _task(value: object, path: str, graph: Graph) -> Task:
    obj = require_object(value, path)
    _only(
        obj, path, ("question", "quantity", "answer", "tolerance", "hide", "hints", "explanation")
    )
    question = _text(require_key(obj, "question", path), join(path, "question"), MAX_TEXT)
    quantity = _quantity(require_key(obj, "quantity", path), join(path, "quantity"), graph)
    answer = obj.get("answer", "number")
    if answer not in ANSWERS:
        raise LessonError(
            f"must be one of {', '.join(ANSWERS)}, not {answer!r:.40}", join(path, "answer")
        )
    abs_tol, rel_tol = _tolerance(obj.get("tolerance"), join(path, "tolerance"))
    hide = tuple(
        _hidden(item, f"{path}.hide[{i}]", graph) for i, item in enumerate(_list(obj, "hide", path))
    )
    hints = _list(obj, "hints", path)
    if len(hints) > MAX_HINTS:
        raise LessonError(f"at most {MAX_HINTS} hints, not {len(hints)}", join(path, "hints"))
    texts = tuple(_text(h, f"{path}.hints[{i}]", MAX_TEXT) for i, h in enumerate(hints))
    explanation = _text(obj.get("explanation", ""), join(path, "explanation"), MAX_TEXT)
    return Task(question, quantity, answer, abs_tol, rel_tol, hide, texts, explanation)


def _quantity(value: object, path: str, graph: Graph) -> Quantity:
    obj = require_object(value, path)
    _only(obj, path, ("node", "of", "index", "lr"))
    node = _node(require_key(obj, "node", path), join(path, "node"), graph)
    of = obj.get("of", "grad")
    if of not in QUANTITIES:
        raise LessonError(
            f"must be one of {', '.join(QUANTITIES)}, not {of!r:.40}", join(path, "of")
        )
    if of == "grad" and graph.node(node).is_leaf and not graph.node(node).trainable:
        raise LessonError(
            f"'{node}' is {graph.node(node).op}, not a parameter: no gradient flows to it",
            join(path, "node"),
        )
    if of == "after_step" and not graph.node(node).trainable:
        raise LessonError(
            f"'{node}' is not a parameter, so a step does not move it", join(path, "node")
        )
    index = obj.get("index", [])
    if (
        not isinstance(index, list)
        or len(index) > MAX_INDEX
        or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in index)
    ):
        raise LessonError(
            f"must be a list of at most {MAX_INDEX} whole numbers from 0", join(path, "index")
        )
    lr = 0.01
    if "lr" in obj:
        if of != "after_step":
            raise LessonError("only an 'after_step' quantity has a learning rate", join(path, "lr"))
        lr = require_number(obj["lr"], join(path, "lr"), positive=True)
        if lr > MAX_LR:
            raise LessonError(f"must be at most {MAX_LR:g}, not {lr:g}", join(path, "lr"))
    return Quantity(node, of, tuple(index), lr)


def _tolerance(value: object, path: str) -> tuple[float, float]:
    if value is None:
        return DEFAULT_ABS, DEFAULT_REL
    obj = require_object(value, path)
    _only(obj, path, ("abs", "rel"))
    result = [DEFAULT_ABS, DEFAULT_REL]
    for i, key in enumerate(("abs", "rel")):
        if key in obj:
            number = require_number(obj[key], join(path, key))
            if not 0 <= number <= 1e6:
                raise LessonError(f"must be from 0 to 1e6, not {number:g}", join(path, key))
            result[i] = number
    return result[0], result[1]


def _hidden(value: object, path: str, graph: Graph) -> tuple[str, str]:
    obj = require_object(value, path)
    _only(obj, path, ("node", "what"))
    node = _node(require_key(obj, "node", path), join(path, "node"), graph)
    what = obj.get("what", "grad")
    if what not in HIDDEN:
        raise LessonError(
            f"must be one of {', '.join(HIDDEN)}, not {what!r:.40}", join(path, "what")
        )
    return node, what
