"""The scripting API behind ``backprop_studio``'s top-level names, for scripts and notebooks.

It sits above the model, the engine and the canvas, as the command line does, and imports each
only when it is used: torch at the first :func:`evaluate`, Qt at the first picture. The model's
own names (Graph, Node, Edge, the parser, the document reader) are re-exported as they are;
what is added here is what needs torch or Qt: a :class:`Trace` that hands out tensors and draws
itself, and :func:`graph_svg`, the File ▸ Export drawing made headless.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .model import display
from .model import trace as model_trace
from .model.document_io import DocumentData, PathLike, load_document
from .model.graph import Graph
from .model.op_spec import OpSpec
from .model.ops import OPS, op_spec

if TYPE_CHECKING:
    import torch

__all__ = ["DTYPES", "Ops", "Trace", "evaluate", "graph_svg", "load_graph", "ops"]

DTYPES = ("float64", "float32")
NOTEBOOK_ASPECT = 2.4  # width / height a graph built in code is laid out for
_APP: Any = None  # the QApplication made for drawing, kept alive for the rest of the process


@dataclasses.dataclass(frozen=True, repr=False)
class Trace(model_trace.Trace):
    """What :func:`evaluate` returns: every value and gradient of one forward and backward pass.

    ``value(name)`` and ``grad(name)`` are plain Python (a float, or nested lists for a tensor);
    ``tensor(name)`` and ``grad_tensor(name)`` are the same numbers as torch tensors in the
    run's ``dtype``. ``edges[i]`` received the gradient ``edge_grads[i]``; ``backward_order``
    lists edge indices in the order autograd produced them. ``ok`` is False when the graph has
    a problem (``problems``) or a value went non-finite (``error``). ``graph`` is a copy of the
    graph as it was run, which a notebook draws with the numbers on it.
    """

    graph: Graph | None = dataclasses.field(default=None, compare=False)
    dtype: str = "float64"

    def tensor(self, name: str) -> torch.Tensor:
        """The value of ``name`` as a new torch tensor (0-d for a scalar); KeyError if not run."""
        import torch

        return torch.tensor(self.value(name), dtype=getattr(torch, self.dtype))

    def grad_tensor(self, name: str) -> torch.Tensor | None:
        """∂output/∂``name`` as a new torch tensor, or None where no gradient flows (a data
        leaf, a constant); KeyError for a node that was not run."""
        import torch

        grad = self.grad(name)
        return None if grad is None else torch.tensor(grad, dtype=getattr(torch, self.dtype))

    def _repr_svg_(self) -> str | None:
        # drawn once: a notebook asks for the SVG and the HTML of one cell in a row
        if "_svg" not in self.__dict__:
            svg = None if self.graph is None else graph_svg(self.graph, self)
            object.__setattr__(self, "_svg", svg)  # a cache, not a field: frozen stays frozen
        return self.__dict__["_svg"]

    def _repr_html_(self) -> str | None:
        return _html(self._repr_svg_())


def evaluate(source: Graph | DocumentData, dtype: str | None = None) -> Trace:
    """Run ``source`` forward and backward once with torch and return the :class:`Trace`.

    ``source`` is a Graph (``parse_program``, ``load_graph``, or built in code) or what
    ``load_document`` returns, whose settings give the default ``dtype``; otherwise float64.
    A graph with a problem is not an exception: ``trace.ok`` is False and ``trace.problems``
    names each node at fault. TypeError for anything else, with the call that reads a file.
    """
    if isinstance(source, DocumentData):
        graph = source.graph
        dtype = dtype or str(source.settings.get("dtype", "float64"))
    elif isinstance(source, Graph):
        graph = source
        dtype = dtype or "float64"
    else:
        hint = ": to read a file, evaluate(load_graph(path))" if _is_path(source) else ""
        raise TypeError(
            "evaluate() takes a Graph or what load_document() returns, "
            f"not {type(source).__name__}{hint}"
        )
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r} (choose {', '.join(DTYPES)})")
    from .engine.autograd import evaluate as run

    trace = run(graph, dtype)
    plain = {f.name: getattr(trace, f.name) for f in dataclasses.fields(trace)}
    return Trace(**plain, graph=graph.copy(), dtype=dtype)


def _is_path(value: object) -> bool:
    return isinstance(value, (str, bytes, os.PathLike))


def load_graph(path: PathLike) -> Graph:
    """The graph of a document (``.json``, or a PNG or SVG exported with the graph inside);
    DocumentError naming the first problem. ``load_document`` also gives settings and view."""
    return load_document(path).graph


# ---- the op catalogue ------------------------------------------------------------------------
class Ops(Mapping[str, OpSpec]):
    """Every op by name, to build graphs in code: ``ops["mul"].inputs`` are its input ports in
    call order (``('a', 'b')``), ``ops["sum"].attr_names`` its attributes (``('axis',)``).
    ``print(ops)`` lists them all; an unknown name is a KeyError that says so."""

    def __getitem__(self, name: str) -> OpSpec:
        return op_spec(name)

    def __iter__(self) -> Iterator[str]:
        return iter(OPS)

    def __len__(self) -> int:
        return len(OPS)

    def __repr__(self) -> str:
        """One line per op: ``mul(a, b)  a · b``, the ports in call order, then attributes."""
        rows = [
            (f"{s.name}({', '.join(s.inputs)}{', …' if s.variadic else ''})", s)
            for s in OPS.values()
        ]
        width = max(len(call) for call, _ in rows)
        lines = []
        for call, spec in rows:
            attrs = f"  [{', '.join(spec.attr_names)}]" if spec.attrs else ""
            lines.append(f"{call:<{width}}  {spec.formula}{attrs}")
        return "\n".join(lines)


ops = Ops()


# ---- pictures ----------------------------------------------------------------------------------
def graph_svg(graph: Graph, trace: model_trace.Trace | None = None) -> str | None:
    """The graph drawn as File ▸ Export draws it, as SVG text, with ``trace``'s values and
    gradients (none given: the graph is evaluated first, so a picture shows numbers). None for
    an empty graph. Runs headless: a QApplication on the offscreen platform is made when the
    process has none, and one already running is used as it is."""
    if len(graph) == 0:
        return None
    if trace is None:
        trace = evaluate(graph)
    _qt_app()
    from .canvas import export
    from .canvas.scene import GraphScene
    from .canvas.style import LIGHT

    shown = _placed(graph)
    scene = GraphScene(theme=LIGHT)
    try:
        scene.set_graph(shown)
        # the picture's graph is a laid-out copy: the trace belongs to it as to the original
        scene.show_trace(dataclasses.replace(trace, revision=-1))
        return export.to_svg(scene, embed=False)
    except export.ExportError:
        return None
    finally:
        scene.set_graph(None)


def _placed(graph: Graph) -> Graph:
    """A copy where nodes that were never placed (built in code: all at the origin) are laid
    out automatically; nodes with a position keep it."""
    at_origin = [node.name for node in graph if node.position == (0.0, 0.0)]
    if len(at_origin) < 2:
        return graph
    from .model.layout import complete_layout, layered_layout
    from .model.layout_blocks import card_heights

    copy = graph.copy()
    known = {node.name: node.position for node in graph if node.position != (0.0, 0.0)}
    heights = card_heights(copy)
    if known:
        placed = complete_layout(copy, known, heights=heights)
    else:  # a notebook cell is wider than the app's canvas
        placed = layered_layout(copy, aspect=NOTEBOOK_ASPECT, heights=heights)
    for name, position in placed.items():
        copy.set_position(name, position)
    return copy


def _qt_app() -> None:
    """A QApplication to draw with: the running one, else one on the offscreen platform (or on
    the platform QT_QPA_PLATFORM names), kept for the rest of the process."""
    global _APP
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    running = QCoreApplication.instance()
    if running is not None:
        if not isinstance(running, QApplication):
            raise RuntimeError(
                f"drawing a graph needs a QApplication, and this process runs a "
                f"{type(running).__name__}"
            )
        return
    argv = [sys.argv[0] if sys.argv and sys.argv[0] else "backprop-studio"]
    if not os.environ.get("QT_QPA_PLATFORM"):
        argv += ["-platform", "offscreen"]
    _APP = QApplication(argv)


def _html(svg: str | None) -> str | None:
    if svg is None:
        return None
    start = svg.find("<svg")
    return f"<div>{svg[start:] if start >= 0 else svg}</div>"


display.install(graph_svg)  # Graph._repr_svg_ draws through the canvas; the model never imports it
