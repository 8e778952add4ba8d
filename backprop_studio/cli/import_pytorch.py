"""``backprop-studio import FILE.py:NAME -o OUT.json``: PyTorch code as a graph document.

This runs the code in FILE.py (NAME and its ``example_inputs()``), which is why it happens only
when asked for by name; the document written holds numbers and ops, never code. A script the
studio exported imports without NAME. Anything that does not map is one line on stderr listing
each call and its line, status 1, and nothing is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .main import EXIT_STATUS, CliError


def add_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="trace a PyTorch function or nn.Module in a .py file into a graph document",
        description="Run FILE.py, trace NAME (a function, an nn.Module subclass made with no "
        "arguments, or an instance) on the tensors its example_inputs() returns, and write the "
        "graph it computes as a document: a module's parameters become parameters "
        "(fc1.weight → fc1_weight), its forward arguments data; a function's inputs that "
        "require grad become parameters. This runs the code in FILE.py: import only code you "
        "trust. A script exported by 'backprop-studio export … -o OUT.py' imports without NAME.",
        epilog=EXIT_STATUS,
    )
    p.add_argument("target", metavar="FILE.py[:NAME]", help="the file, and what in it to import")
    p.add_argument("-o", "--output", required=True, type=_output, help="OUT.json")
    p.set_defaults(handler=run_import)


def _output(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() != ".json":
        raise argparse.ArgumentTypeError(f"'{text}': the file name must end in .json")
    return path


def split_target(text: str) -> tuple[Path, str | None]:
    """``model.py:Net`` → (model.py, "Net"); ``script.py`` → (script.py, None)."""
    head, sep, tail = text.rpartition(":")
    if sep and tail.isidentifier():
        return Path(head), tail
    return Path(text), None


def run_import(ns: argparse.Namespace) -> int:
    path, name = split_target(ns.target)
    if not path.is_file():
        raise CliError(f"cannot open '{path}': no such file")
    from ..engine.importer import ImportRefused, import_pytorch
    from ..model.document_io import DocumentError, save_document

    where = f"{path.name}:{name}" if name else path.name
    try:
        imported = import_pytorch(path, name)
    except ImportRefused as exc:
        raise CliError(f"{where}: {exc}") from None
    try:
        save_document(ns.output, imported.graph, imported.settings)
    except DocumentError as exc:
        raise CliError(f"{ns.output}: {exc}") from None
    graph = imported.graph
    params = sum(1 for node in graph if node.op == "param")
    print(f"wrote {ns.output}: {len(graph)} nodes, {params} parameters, output '{graph.output}'")
    return 0
