"""What makes a laid-out slide read worse than a textbook diagram, measured on its scene: edges
that cross, an edge drawn through a card or through another edge's label, a label over a card
or one too long for its edge (hidden), an edge that runs back across more than one column, a
block framed in several pieces.

A slide keeps the arrangement with the fewest of these among those whose text is large enough;
the tests read the same geometry.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF

from .items.block import BlockItem, card_rect
from .items.edge import EdgeItem
from .scene import GraphScene
from .style import NODE_WIDTH

END_ROOM = 10.0  # near its ports an edge may touch its card and its sibling edges
_MAX_EDGES = 50  # past this many, flaws are not counted
Line = list[QPointF]


def edge_line(edge: EdgeItem, step: float = 4.0) -> Line:
    """The edge's curve as a polyline in scene coordinates, arrow tip included, a point at
    least every ``step`` units (a straight run is one segment in the path)."""
    points = [edge.mapToScene(p) for polygon in edge.path().toSubpathPolygons() for p in polygon]
    line = points[:1]
    for a, b in zip(points, points[1:]):
        parts = max(1, int(_distance(a, b) // step))
        line += [a + (b - a) * (i / parts) for i in range(1, parts + 1)]
    return line


def inner(line: Line, room: float = END_ROOM) -> Line:
    """``line`` less its first and last ``room`` units along it (cut inside a segment where
    need be, so a straight wire keeps its middle)."""
    return _cut_start(_cut_start(line, room)[::-1], room)[::-1]


def _cut_start(line: Line, room: float) -> Line:
    left = room
    for i, (a, b) in enumerate(zip(line, line[1:])):
        step = _distance(a, b)
        if step > left:
            return [a + (b - a) * (left / step), *line[i + 1 :]]
        left -= step
    return []


def cards(scene: GraphScene) -> list[QRectF]:
    """Every card drawn: the visible nodes' and the collapsed blocks'."""
    items = [item for item in scene.node_items().values() if item.isVisible()]
    rects = [card_rect(item) for item in items]
    rects += [card_rect(b) for b in scene.block_items().values() if b.collapsed]
    return rects


def labels(edge: EdgeItem) -> list[QRectF]:
    """The edge's gradient label and thumbnail as drawn, in scene coordinates."""
    return [edge.mapRectToScene(rect) for rect in edge.label_rects()]


def backward_reach(edge: EdgeItem) -> float:
    """How far right of its end an edge starts (0 for an edge drawn left to right)."""
    line = edge_line(edge)
    return max(0.0, line[0].x() - line[-1].x()) if line else 0.0


def defects(scene: GraphScene) -> int:
    """How many of the flaws above the scene as placed has (0 past _MAX_EDGES edges: a graph
    that large draws too small for a slide, and text size decides alone)."""
    edges = [e for e in scene.edge_items().values() if e.isVisible()]
    if len(edges) > _MAX_EDGES:
        return 0
    lines = {e: edge_line(e) for e in edges}
    middles = {e: inner(line) for e, line in lines.items()}
    boxes = {e: _box(middle) for e, middle in middles.items()}
    rects = cards(scene)
    pills = {e: labels(e) for e in edges}
    count = 0
    for edge in edges:
        middle, box = middles[edge], boxes[edge]
        near = [r.adjusted(2, 2, -2, -2) for r in rects if r.intersects(box)]
        count += sum(1 for rect in near if _enters(middle, rect))
        for other, rects_of in pills.items():
            if other is not edge:
                count += sum(1 for r in rects_of if r.intersects(box) and _enters(middle, r))
        count += sum(1 for pill in pills[edge] for rect in rects if pill.intersects(rect))
        if backward_reach(edge) > NODE_WIDTH + 40.0:
            count += 1
        count += edge.label_hidden
    count += sum(
        max(0, block.frame_pieces() - 1)
        for block in scene.block_items().values()
        if isinstance(block, BlockItem)
    )
    coarse = [edge_line(e, step=math.inf) for e in edges]  # the path's own points suffice
    return count + crossings(coarse)


def crossings(lines: list[Line]) -> int:
    """How many pairs of the polylines cross away from their ends."""
    trimmed = [_array(inner(line)) for line in lines]
    boxes = [_box(inner(line)) for line in lines]
    count = 0
    for i, a in enumerate(trimmed):
        for j in range(i + 1, len(trimmed)):
            if boxes[i].intersects(boxes[j]) and _arrays_cross(a, trimmed[j]):
                count += 1
    return count


def _enters(line: Line, rect: QRectF) -> bool:
    return any(rect.contains(p) for p in line)


def _box(line: Line) -> QRectF:
    if not line:
        return QRectF()
    xs, ys = [p.x() for p in line], [p.y() for p in line]
    return QRectF(min(xs), min(ys), max(xs) - min(xs) + 1e-6, max(ys) - min(ys) + 1e-6)


def _array(line: Line) -> np.ndarray:
    return np.array([(p.x(), p.y()) for p in line], dtype=float).reshape(-1, 2)


def _arrays_cross(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether a segment of polyline ``a`` properly crosses one of ``b`` (all pairs at once)."""
    if len(a) < 2 or len(b) < 2:
        return False
    p, q = a[:-1, None, :], a[1:, None, :]  # (n, 1, 2)
    r, s = b[None, :-1, :], b[None, 1:, :]  # (1, m, 2)

    def side(o: np.ndarray, d: np.ndarray, c: np.ndarray) -> np.ndarray:
        return (d[..., 0] - o[..., 0]) * (c[..., 1] - o[..., 1]) - (d[..., 1] - o[..., 1]) * (
            c[..., 0] - o[..., 0]
        )

    apart = (side(r, s, p) * side(r, s, q) < 0) & (side(p, q, r) * side(p, q, s) < 0)
    return bool(apart.any())


def _distance(a: QPointF, b: QPointF) -> float:
    return ((a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2) ** 0.5
