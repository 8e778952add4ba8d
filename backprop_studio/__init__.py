"""Backprop Studio: make backpropagation visible.

Scripting API (torch is imported only when :func:`evaluate` is first used)::

    from backprop_studio import parse_program, evaluate
    graph = parse_program("x = data(1.0)\\nw = 1.0\\nloss = (w * x - 2) ** 2")
    trace = evaluate(graph)
    trace.value("loss"), trace.grad("w")      # 1.0, -2.0
"""

from __future__ import annotations

from typing import Any

from .version import __version__

__all__ = ["Graph", "parse_program", "load_document", "save_document", "evaluate", "__version__"]


def __getattr__(name: str) -> Any:
    # Lazy so that importing the pure model never drags in torch or Qt.
    if name == "Graph":
        from .model.graph import Graph

        return Graph
    if name == "parse_program":
        from .model.program import parse_program

        return parse_program
    if name in ("load_document", "save_document"):
        from .model import document_io

        return getattr(document_io, name)
    if name == "evaluate":
        from .engine.autograd import evaluate

        return evaluate
    raise AttributeError(name)
