"""A program file (``.bps``) opened as a document: the command line reads these, and so does
File ▸ Open and ``backprop-studio FILE.bps``, with the same limits and one-line errors a JSON
document gets (a line number for a mistake in the program)."""

from __future__ import annotations

from pathlib import Path

from .document_io import DocumentData
from .document_schema import MAX_BYTES, DocumentError
from .program_parser import ProgramError, parse_program

PROGRAM_SUFFIXES = (".bps",)  # text in the program language, not a JSON document


def is_program_file(path: Path) -> bool:
    return path.suffix.lower() in PROGRAM_SUFFIXES


def read_program_text(path: Path) -> str:
    """The text of a program file; DocumentError when it cannot be read, is too large or is not
    UTF-8 (a byte-order mark is dropped)."""
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DocumentError(f"cannot open '{path}': {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise DocumentError(f"a program may have at most {MAX_BYTES:,} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text (byte at offset {exc.start})") from None


def read_program_file(path: Path) -> DocumentData:
    """The program in ``path`` as a laid-out graph with the default settings; DocumentError says
    why not (unreadable, too large, not UTF-8, or the program's first mistake with its line)."""
    text = read_program_text(path)
    try:
        graph = parse_program(text)
    except ProgramError as exc:
        raise DocumentError(str(exc)) from None
    return DocumentData(graph)
