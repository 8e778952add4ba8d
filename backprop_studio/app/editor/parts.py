"""The parts of the editor that the panels around the canvas share, handed to each panel in one
typed object instead of the whole window: what a panel may use is this list.

``document`` is a function because File ▸ Open replaces the document (and with it the graph
and its dtype, read from it) while the panels live on; ``canvas`` is the one place that knows
which Trace is on show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import QMainWindow

from ...canvas.scene import GraphScene
from ...commands import Command
from ...document import Document
from ...model.graph import Graph
from ...model.trace import Trace
from ..panels.inspector import Inspector
from .canvas_trace import CanvasTrace


@dataclass(frozen=True)
class EditorParts:
    window: QMainWindow  # parent of actions, docks, tool bars and dialogs
    scene: GraphScene
    canvas: CanvasTrace
    document: Callable[[], Document]
    push: Callable[[Command], bool]
    say: Callable[..., None]
    undo_group: QUndoGroup
    inspector: Inspector

    def graph(self) -> Graph:
        """The open document's graph, whichever document that is now."""
        return self.document().graph

    def dtype(self) -> str:
        return self.document().dtype

    @property
    def trace(self) -> Trace | None:
        """What the canvas stands for now."""
        return self.canvas.trace
