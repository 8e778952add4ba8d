"""Graphs, traces and a real mouse drag shared by the canvas tests."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from backprop_studio.canvas import CanvasView
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.trace import Trace

SEED_EDGES = [
    ("w", "y_hat", "a"),
    ("x", "y_hat", "b"),
    ("y_hat", "sub_1", "a"),
    ("y", "sub_1", "b"),
    ("sub_1", "loss", "a"),
    ("const_1", "loss", "b"),
]


def seed_graph() -> Graph:
    """The notebook's story: loss = (w·x − y)², with x=1, y=2, w=1."""
    g = Graph()
    for node in [
        Node("w", "param", value=1.0, position=(0, 0)),
        Node("x", "data", value=1.0, position=(0, 110)),
        Node("y", "data", value=2.0, position=(300, 190)),
        Node("y_hat", "mul", position=(300, 30)),
        Node("sub_1", "sub", position=(600, 70)),
        Node("const_1", "const", value=2.0, position=(600, 200)),
        Node("loss", "pow", position=(900, 110)),
    ]:
        g.add_node(node)
    for src, dst, port in SEED_EDGES:
        g.connect(src, dst, port)
    return g


def seed_trace(graph: Graph, edge_grad: float = -2.0) -> Trace:
    """What the engine reports for the seed story (grad w = −2), written by hand."""
    edges = tuple(graph.edges)
    flowing = {("w", "y_hat"), ("y_hat", "sub_1"), ("sub_1", "loss")}
    local = {("w", "y_hat"): 1.0, ("y_hat", "sub_1"): 1.0, ("sub_1", "loss"): -2.0}
    return Trace(
        output="loss",
        values=dict(x=1.0, y=2.0, w=1.0, y_hat=1.0, sub_1=-1.0, const_1=2.0, loss=1.0),
        grads=dict(w=-2.0, y_hat=-2.0, sub_1=-2.0, loss=1.0, x=None, y=None, const_1=None),
        shapes={name: () for name in graph.names},
        edges=edges,
        edge_grads=tuple(edge_grad if (e.src, e.dst) in flowing else None for e in edges),
        local_grads=tuple(local.get((e.src, e.dst)) for e in edges),
        backward_order=(4, 2, 0),
    )


def to_view(view: CanvasView, scene_point: QPointF) -> QPoint:
    return view.mapFromScene(scene_point)


def drag(qtbot, view: CanvasView, start: QPoint, end: QPoint, steps: int = 5) -> None:
    """Press, move in several steps (past Qt's drag threshold), release: a real mouse drag."""
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, steps + 1):
        p = start + (end - start) * (i / steps)
        qtbot.mouseMove(viewport, pos=QPoint(round(p.x()), round(p.y())))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def card_pixels(item: QGraphicsItem, scale: float, cached: bool) -> np.ndarray:
    """The card drawn at ``scale`` on white, as (rows, columns, RGB) integers: stamped from its
    images when ``cached`` (the item caches), else painted as paths and text."""
    item.setCacheMode(
        QGraphicsItem.CacheMode.DeviceCoordinateCache if cached else QGraphicsItem.CacheMode.NoCache
    )
    rect = item.boundingRect()
    image = QImage(
        int(rect.width() * scale) + 4, int(rect.height() * scale) + 4, QImage.Format.Format_RGB32
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(-rect.left() * scale, -rect.top() * scale)
    painter.scale(scale, scale)
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    bits = np.frombuffer(image.constBits(), dtype=np.uint8)
    rows = bits.reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, : image.width(), [2, 1, 0]].astype(int)
