"""What a ``.py`` file offers to import, read from its syntax tree without running it.

The editor asks which function or class to import before anything runs, and only then, once
the user has confirmed, is the file executed (``engine/importer``, in a child process).
"""

from __future__ import annotations

import ast

EXPORT_MARK = "the Backprop Studio graph as plain PyTorch"  # in an exported script's docstring


def is_exported_script(source: str) -> bool:
    """Whether ``source`` is a script the studio wrote (File ▸ Export ▸ PyTorch code)."""
    return EXPORT_MARK in source[:2000]


def importable_names(source: str) -> list[str]:
    """Top-level functions and classes of ``source`` other than ``example_inputs`` and private
    ones, in file order; none for text that is not Python."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    return [
        stmt.name
        for stmt in tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef))
        and not stmt.name.startswith("_")
        and stmt.name != "example_inputs"
    ]
