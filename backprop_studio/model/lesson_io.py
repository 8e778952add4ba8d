"""Lesson files: read as strictly as a document (size first, strict JSON, no duplicate keys, every
entry checked with its path), written atomically, so that a lesson opens on any machine.

The shipped lessons live in ``resources/lessons``, in the order of their file names.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .atomic_file import write_atomically
from .document_io import document_to_dict, only_document_errors, read_json
from .document_schema import DocumentError
from .lesson import FORMAT, VERSION, Lesson, LessonError, LessonStep, Task, lesson_from_dict

MAX_LESSON_BYTES = 5 * 1024 * 1024

__all__ = [
    "MAX_LESSON_BYTES",
    "lesson_dumps",
    "lesson_to_dict",
    "lessons_dir",
    "load_lesson",
    "loads_lesson",
    "save_lesson",
    "shipped_lessons",
]


def loads_lesson(text: str | bytes) -> Lesson:
    """Parse and check a lesson; every failure is a LessonError with the JSON path first."""
    try:
        with only_document_errors():
            return _loads(text)
    except LessonError:
        raise
    except DocumentError as exc:
        raise LessonError(exc.message, exc.path) from None


def _loads(text: str | bytes) -> Lesson:
    return lesson_from_dict(read_json(text, MAX_LESSON_BYTES, constants=False))


def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read and check a lesson file; LessonError for anything wrong, from a missing file on."""
    shown = os.fspath(path)
    try:
        if os.path.getsize(shown) > MAX_LESSON_BYTES:
            raise LessonError(f"the file is too large (at most {MAX_LESSON_BYTES // 2**20} MB)")
        with open(shown, "rb") as file:
            raw = file.read(MAX_LESSON_BYTES + 1)
    except OSError as exc:
        raise LessonError(f"cannot open '{shown}': {exc.strerror or exc}") from None
    return loads_lesson(raw)


# ---- writing -----------------------------------------------------------------------------------
def lesson_to_dict(lesson: Lesson) -> dict[str, Any]:
    """JSON-ready data that ``lesson_from_dict`` reads back to the same lesson."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "title": lesson.title}
    if lesson.summary:
        data["summary"] = lesson.summary
    data["steps"] = [_step_dict(step) for step in lesson.steps]
    return data


def _step_dict(step: LessonStep) -> dict[str, Any]:
    out: dict[str, Any] = {"text": step.text}
    if step.program is not None:
        out["program"] = step.program
    elif step.document is not None:
        doc = step.document
        out["document"] = document_to_dict(doc.graph, doc.settings, doc.view)
    if step.highlights:
        out["highlights"] = [
            {"edge": {"from": h.edge.src, "to": h.edge.dst, "port": h.edge.port}}
            if h.edge is not None
            else {h.kind: h.target}
            for h in step.highlights
        ]
    if step.task is not None:
        out["task"] = _task_dict(step.task)
    if step.locked:
        out["lock"] = list(step.locked)
    if step.hidden_docks:
        out["hide_docks"] = list(step.hidden_docks)
    return out


def _task_dict(task: Task) -> dict[str, Any]:
    q = task.quantity
    quantity: dict[str, Any] = {"node": q.node, "of": q.of}
    if q.index:
        quantity["index"] = list(q.index)
    if q.of == "after_step":
        quantity["lr"] = q.lr
    out: dict[str, Any] = {"question": task.question, "quantity": quantity, "answer": task.answer}
    out["tolerance"] = {"abs": task.abs_tol, "rel": task.rel_tol}
    if task.hide:
        out["hide"] = [{"node": n, "what": w} for n, w in task.hide]
    if task.hints:
        out["hints"] = list(task.hints)
    if task.explanation:
        out["explanation"] = task.explanation
    return out


def lesson_dumps(lesson: Lesson) -> str:
    return json.dumps(lesson_to_dict(lesson), indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def save_lesson(path: str | os.PathLike[str], lesson: Lesson) -> None:
    """Write atomically; the text is checked by reading it back before the disk is touched."""
    text = lesson_dumps(lesson)
    loads_lesson(text)
    try:
        write_atomically(os.fspath(path), text.encode("utf-8"))
    except (OSError, ValueError) as exc:
        raise LessonError(f"cannot save '{os.fspath(path)}': {exc}") from None


# ---- the shipped lessons -----------------------------------------------------------------------
def lessons_dir() -> Path:
    """``resources/lessons`` of the checkout whose code runs, else of the installed package."""
    checkout = Path(__file__).resolve().parents[2] / "resources" / "lessons"
    if checkout.is_dir():
        return checkout
    from importlib import resources

    return Path(str(resources.files("backprop_studio.resources") / "lessons"))


def shipped_lessons() -> list[Path]:
    """The shipped lesson files in order (their names begin with a number)."""
    return sorted(lessons_dir().glob("*.json"))
