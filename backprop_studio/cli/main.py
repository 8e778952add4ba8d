"""Command line: launch the editor, or run a headless command (eval, train, export).

Every failure a user can cause ends in one clear line on stderr and exit status 1 (bad input) or
2 (bad usage) — never a traceback. A graph that cannot be evaluated, or whose evaluation is not
finite, is bad input for every command alike (:func:`refuse_problems`). An unexpected error (a
bug) also ends in one line, which names the log file where its traceback was written.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import logging
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..model.graph import Graph, GraphError
from ..model.trace import Trace

COMMANDS = ("eval", "train", "export", "import", "check", "help")
DOCUMENT_SUFFIXES = (".json", ".png", ".svg", ".bps")  # what the editor opens
log = logging.getLogger(__name__)
EXIT_STATUS = (
    "exit status: 0 done; 1 bad input, named in one line on stderr (an unreadable file, a "
    "graph with a problem such as an unconnected input, a shape mismatch or a size over the "
    "limits, or a NaN or infinity in the result); 2 bad usage."
)
USAGE = (
    "backprop-studio [-h] [--version] {eval,train,export,import,check,help} ...\n"
    "       backprop-studio [FILE]            (no command: open FILE, or nothing, in the editor)"
)


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 1."""


class Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line naming the option, exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        usage_error(f"{self.prog}: {message} (see '{self.prog} --help')")


def usage_error(line: str):
    print(line, file=sys.stderr)
    raise SystemExit(2)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command, or open the editor for a file argument or none; torch is imported only
    once a command needs to evaluate, so usage errors and unreadable files come back at once."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        return _editor(None)
    first = args[0]
    if first in COMMANDS[:-1]:
        return _run_command(args)
    if first == "help":
        return _help(args[1:])
    if first in ("-h", "--help", "--version"):
        command_parser().parse_args(args[:1])  # prints, then exits with status 0
    if first.startswith("-") and first != "-":
        usage_error(f"backprop-studio: {_unexpected(first, command_parser())}")
    if _is_document(first):
        if len(args) > 1:
            usage_error(f"backprop-studio: the editor opens one FILE; unexpected '{args[1]}'")
        return _editor(first)
    usage_error(f"backprop-studio: {_unknown_command(first)}")
    return 2


def _is_document(arg: str) -> bool:
    return Path(arg).suffix.lower() in DOCUMENT_SUFFIXES or Path(arg).is_file()


def _unknown_command(word: str) -> str:
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    if close:
        return f"unknown command '{word}' (did you mean '{close[0]}'?)"
    return (
        f"unknown command '{word}' (commands: {', '.join(COMMANDS)}; a FILE to open ends "
        f"in {', '.join(DOCUMENT_SUFFIXES)} or exists)"
    )


def _editor(path: str | None) -> int:
    from ..app.main import run_app

    return run_app(path)


def _help(args: list[str]) -> int:
    parser = command_parser()
    if not args:
        parser.print_help()
        return 0
    if args[0] not in parser.commands:
        usage_error(f"backprop-studio help: {_unknown_command(args[0])}")
    parser.commands[args[0]].print_help()
    return 0


def _run_command(args: list[str]) -> int:
    from ..log_file import configure_logging

    parser = command_parser()
    ns, extra = parser.parse_known_args(args)
    sub = parser.commands[ns.command]
    if extra:
        sub.error(_unexpected(extra[0], sub))
    if getattr(ns, "needs_source", False):
        if ns.file is None and ns.program is None:
            sub.error("give a FILE or -e PROGRAM")
        if ns.file is not None and ns.program is not None:
            sub.error(f"give a FILE or -e PROGRAM, not both (FILE '{ns.file}')")
    configure_logging(stderr=False)  # stderr keeps the one-line messages; tracebacks go to the file
    try:
        return ns.handler(ns)
    except CliError as exc:  # one line, or a line and its details (e.g. a run that diverged)
        for line in str(exc).splitlines():
            print(f"backprop-studio {ns.command}: {line}", file=sys.stderr)
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
        from ..log_file import where_details_are

        log.exception("unexpected error in 'backprop-studio %s'", ns.command)
        where = where_details_are().replace("\n", " ")
        print(f"backprop-studio {ns.command}: unexpected error: {exc}. {where}", file=sys.stderr)
        return 1


def _unexpected(arg: str, sub: argparse.ArgumentParser) -> str:
    if arg.startswith("-") and arg != "-":
        option = arg.split("=", 1)[0]
        known = [o for o in sub._option_string_actions if o.startswith("--")]
        close = difflib.get_close_matches(option, known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown option '{option}'{hint}"
    return f"unexpected argument '{arg}'"


def command_parser() -> argparse.ArgumentParser:
    """The whole command line: one subparser per command (``.commands`` maps names to them)."""
    from ..version import __version__
    from .check import add_check
    from .evaluate import add_eval
    from .export import add_export
    from .import_pytorch import add_import
    from .train import add_train

    parser = Parser(
        prog="backprop-studio",
        usage=USAGE,
        description="Make backpropagation visible with real torch autograd. With no command, "
        "opens FILE (.json, or an exported .png/.svg, or a .bps program) in the editor.",
        epilog="'backprop-studio COMMAND --help' tells more about each command.",
    )
    parser.add_argument("--version", action="version", version=f"backprop-studio {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=Parser, prog="backprop-studio"
    )
    add_eval(sub)
    add_train(sub)
    add_export(sub)
    add_import(sub)
    add_check(sub)
    sub.add_parser("help", help="this help, or a command's: 'backprop-studio help eval'")
    parser.commands = dict(sub.choices)  # type: ignore[attr-defined]
    return parser


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    # checked after parsing (one FILE or -e), so that an unknown option is named as such
    # rather than taken for FILE and reported as a conflict with -e
    parser.set_defaults(needs_source=True)
    parser.add_argument(
        "file",
        nargs="?",
        help="a graph document (.json, or an exported image), or a program file (.bps)",
    )
    parser.add_argument(
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
    from ..model import document_io
    from ..model.program import ProgramError, parse_program

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
    from ..model.document_io import MAX_BYTES

    text = sys.stdin.read(MAX_BYTES + 1)
    if len(text) > MAX_BYTES:
        raise CliError(f"<stdin>: a program may have at most {MAX_BYTES:,} characters")
    return text


def _read_program_file(path: Path) -> str:
    from ..model.document_io import DocumentError
    from ..model.program_file import read_program_text

    try:
        return read_program_text(path)
    except DocumentError as exc:
        where = "" if str(exc).startswith("cannot open") else f"{path}: "
        raise CliError(f"{where}{exc}") from None


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


def number_between(
    low: float, high: float, refusal: str, *, below_high: bool = False, word: str | None = None
):
    """argparse type: a number from ``low`` to ``high`` (below it with ``below_high``).
    ``refusal`` (``{text}`` is what was typed) says what is allowed; a word that is no number gets
    ``word`` (default: "'x' is not a number")."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                (word or "'{text}' is not a number").format(text=text)
            ) from None
        if not (low <= value < high if below_high else low <= value <= high):
            raise argparse.ArgumentTypeError(refusal.format(text=text))
        return value

    return parse


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
