"""What makes a laid-out slide read worse than a textbook diagram, measured on its scene: edges
that cross, an edge drawn through a card or through another edge's label, a label over a card
or one too long for its edge (hidden), an edge that runs back across more than one column, a
block framed in several pieces.

A slide keeps the arrangement with the fewest of these among those whose text is large enough;
the tests read the same geometry.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from .items.block import BlockItem, card_rect
from .items.edge import EdgeItem
from .scene import GraphScene
from .style import NODE_WIDTH

END_ROOM = 10.0  # near its ports an edge may touch its card and its sibling edges
_MAX_EDGES = 80  # past this many, flaws are not counted
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
    """``line`` without the parts within ``room`` of its two ends."""
    if not line:
        return line
    a, b = line[0], line[-1]
    return [p for p in line if _distance(p, a) > room and _distance(p, b) > room]


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
    count = 0
    rects = cards(scene)
    pills = {e: labels(e) for e in edges}
    for edge, line in lines.items():
        middle = inner(line)
        count += sum(1 for rect in rects if _enters(middle, rect.adjusted(2, 2, -2, -2)))
        for other, rects_of in pills.items():
            if other is not edge:
                count += sum(1 for rect in rects_of if _enters(middle, rect))
        count += sum(1 for pill in pills[edge] for rect in rects if pill.intersects(rect))
        if backward_reach(edge) > NODE_WIDTH + 40.0:
            count += 1
        count += edge.label_hidden
    count += sum(
        max(0, block.frame_pieces() - 1)
        for block in scene.block_items().values()
        if isinstance(block, BlockItem)
    )
    return count + crossings(list(lines.values()))


def crossings(lines: list[Line]) -> int:
    """How many pairs of the polylines cross away from their ends."""
    trimmed = [inner(line) for line in lines]
    boxes = [_box(line) for line in trimmed]
    count = 0
    for i, a in enumerate(trimmed):
        for j in range(i + 1, len(trimmed)):
            if boxes[i].intersects(boxes[j]) and _lines_cross(a, trimmed[j]):
                count += 1
    return count


def _enters(line: Line, rect: QRectF) -> bool:
    return any(rect.contains(p) for p in line)


def _box(line: Line) -> QRectF:
    if not line:
        return QRectF()
    xs, ys = [p.x() for p in line], [p.y() for p in line]
    return QRectF(min(xs), min(ys), max(xs) - min(xs) + 1e-6, max(ys) - min(ys) + 1e-6)


def _lines_cross(a: Line, b: Line) -> bool:
    for p, q in zip(a, a[1:]):
        lo_x, hi_x = min(p.x(), q.x()), max(p.x(), q.x())
        lo_y, hi_y = min(p.y(), q.y()), max(p.y(), q.y())
        for r, s in zip(b, b[1:]):
            if max(r.x(), s.x()) < lo_x or min(r.x(), s.x()) > hi_x:
                continue
            if max(r.y(), s.y()) < lo_y or min(r.y(), s.y()) > hi_y:
                continue
            if _segments_cross(p, q, r, s):
                return True
    return False


def _segments_cross(p: QPointF, q: QPointF, r: QPointF, s: QPointF) -> bool:
    def side(a: QPointF, b: QPointF, c: QPointF) -> float:
        return (b.x() - a.x()) * (c.y() - a.y()) - (b.y() - a.y()) * (c.x() - a.x())

    d1, d2 = side(r, s, p), side(r, s, q)
    d3, d4 = side(p, q, r), side(p, q, s)
    return d1 * d2 < 0 and d3 * d4 < 0


def _distance(a: QPointF, b: QPointF) -> float:
    return ((a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2) ** 0.5
