"""The graphics items of the canvas: node cards, their ports, edges, the inline title editor."""

from .edge import EdgeItem
from .editor import TitleEditor
from .node import NodeItem
from .port import PortItem, PortState

__all__ = ["EdgeItem", "NodeItem", "PortItem", "PortState", "TitleEditor"]
