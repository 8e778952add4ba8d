"""Command line: launch the editor, or run a headless command (eval, train, export).

Every failure a user can cause ends in one clear line on stderr and exit status 1 (bad input) or
2 (bad usage) — never a traceback. A graph that cannot be evaluated, or whose evaluation is not
finite, is bad input for every command alike (:func:`refuse_problems`). An unexpected error (a
bug) also ends in one line, which names the log file where its traceback was written.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .model.graph import Graph, GraphError
from .model.trace import Trace

COMMANDS = ("eval", "train", "export")
log = logging.getLogger(__name__)
EXIT_STATUS = (
    "exit status: 0 done; 1 bad input, named in one line on stderr (an unreadable file, a "
    "graph with a problem such as an unconnected input, a shape mismatch or a size over the "
    "limits, or a NaN or infinity in the result); 2 bad usage."
)


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 1."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        return _run_command(args)
    parser = argparse.ArgumentParser(
        prog="backprop-studio",
        description="Make backpropagation visible. Without a command, opens the editor.",
        epilog="commands: " + ", ".join(COMMANDS) + " (e.g. 'backprop-studio eval --help').",
    )
    parser.add_argument("file", nargs="?", help="a graph (.json, or an exported .png/.svg) to open")
    ns = parser.parse_args(args)
    from .app.main import run_app

    return run_app(ns.file)


def _run_command(args: list[str]) -> int:
    from .log_file import configure_logging

    parser = _command_parser()
    ns = parser.parse_args(args)
    configure_logging(stderr=False)  # stderr keeps the one-line messages; tracebacks go to the file
    try:
        return ns.handler(ns)
    except CliError as exc:
        print(f"backprop-studio {ns.command}: {exc}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"backprop-studio {ns.command}: there is not enough memory", file=sys.stderr)
        return 1
    except RecursionError:
        print(f"backprop-studio {ns.command}: the input nests too deeply", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"backprop-studio {ns.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line here, the traceback in the log
        from .log_file import where_details_are

        log.exception("unexpected error in 'backprop-studio %s'", ns.command)
        where = where_details_are().replace("\n", " ")
        print(f"backprop-studio {ns.command}: unexpected error: {exc}. {where}", file=sys.stderr)
        return 1


def _command_parser() -> argparse.ArgumentParser:
    from . import cli_commands

    parser = argparse.ArgumentParser(prog="backprop-studio")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_commands.add_eval(sub)
    cli_commands.add_train(sub)
    from .cli_export import add_export

    add_export(sub)
    return parser


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "file",
        nargs="?",
        help="a graph document (.json, or an exported image), or a program file (.bps)",
    )
    source.add_argument(
        "-e",
        "--program",
        help='a program, e.g. "w = 1.0; x = data(2.0); w * x"; - reads it from standard input',
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a leaf's value (a number or a JSON list); may repeat",
    )


def load_source(ns: argparse.Namespace) -> tuple[Graph, dict]:
    """The graph and settings named on the command line, with --set applied."""
    from .model import document_io
    from .model.program import ProgramError, parse_program

    program, where = None, ""
    if ns.program is not None:
        program = _read_stdin() if ns.program == "-" else ns.program
        where = "<stdin>: " if ns.program == "-" else ""
    elif Path(ns.file).suffix.lower() in PROGRAM_SUFFIXES:
        program, where = _read_program_file(Path(ns.file)), f"{ns.file}: "
    if program is not None:
        try:
            graph = parse_program(program)
        except ProgramError as exc:
            raise CliError(f"{where}{exc}") from None
        _unmark_trained(graph, ns.command, where)
        settings = copy.deepcopy(document_io.DEFAULT_SETTINGS)
    else:
        try:
            data = document_io.load_document(Path(ns.file))
        except document_io.DocumentError as exc:
            raise CliError(f"{ns.file}: {exc}") from None
        graph, settings = data.graph, data.settings
    for item in ns.set:
        apply_override(graph, item)
    return graph, settings


def _unmark_trained(graph: Graph, command: str, where: str) -> None:
    """A program marks trained recipe leaves (``# trained``) but cannot hold their numbers, so
    they start from their recipe here; say so on stderr rather than let a user believe a run
    goes on from trained numbers (a saved document keeps them)."""
    marked = [node.name for node in graph if node.trained]
    for name in marked:
        graph.set_trained_value(name, graph.node(name).value or 0.0, trained=False)
    if marked:
        names = ", ".join(marked[:3]) + (f" and {len(marked) - 3} more" if len(marked) > 3 else "")
        print(
            f"backprop-studio {command}: {where}{names} marked '# trained' start from their "
            "recipe: a program does not hold trained numbers, a saved document does",
            file=sys.stderr,
        )


PROGRAM_SUFFIXES = (".bps", ".txt")  # text in the program language, not a JSON document


def _read_stdin() -> str:
    from .model.document_io import MAX_BYTES

    text = sys.stdin.read(MAX_BYTES + 1)
    if len(text) > MAX_BYTES:
        raise CliError(f"<stdin>: a program may have at most {MAX_BYTES:,} characters")
    return text


def _read_program_file(path: Path) -> str:
    from .model.document_io import MAX_BYTES

    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot open '{path}': {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise CliError(f"{path}: a program may have at most {MAX_BYTES:,} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not UTF-8 text (byte at offset {exc.start})") from None


def apply_override(graph: Graph, item: str) -> None:
    name, sep, text = item.partition("=")
    name = name.strip()
    if not sep or not name:
        raise CliError(f"--set expects NAME=VALUE, got '{item}'")
    if name not in graph:
        known = ", ".join(n.name for n in graph if n.is_leaf)
        raise CliError(f"--set: there is no node named '{name}' (leaves: {known})")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: lists nested a thousand deep
        raise CliError(f"--set {name}: '{text:.40}' is not a number or a JSON list") from None
    try:
        graph.set_value(name, value)
    except GraphError as exc:
        raise CliError(f"--set: {exc}") from None


def refuse_problems(trace: Trace) -> None:
    """CliError with the first problem of an evaluated graph: its structure, then its numbers.

    eval, train and export share it, so one graph gives one exit status whatever is asked."""
    if trace.problems:
        raise CliError(trace.problems[0].message)
    if trace.error:
        raise CliError(trace.error)


def positive_number(text: str) -> float:
    """argparse type: a finite number above zero (learning rates, scales, speeds)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def whole_number(low: int, high: int, *, full: bool = False):
    """argparse type: an int from ``low`` to ``high``; with ``full``, the word 'full' → None."""
    extra = " or 'full'" if full else ""

    def parse(text: str) -> int | None:
        if full and text == "full":
            return None
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number{extra}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be from {low:,} to {high:,}{',' if full else ''}{extra}"
            )
        return value

    return parse
