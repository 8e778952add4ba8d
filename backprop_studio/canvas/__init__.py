"""The canvas: the graph drawn as cards and bezier edges, gestures turned into intents.

Imports PySide6 and ``backprop_studio.model`` only (never engine, commands or the app).
"""

from .interactions import OP_MIME, make_op_mime, op_from_mime
from .scene import GraphScene
from .view import CanvasView

__all__ = ["OP_MIME", "CanvasView", "GraphScene", "make_op_mime", "op_from_mime"]
