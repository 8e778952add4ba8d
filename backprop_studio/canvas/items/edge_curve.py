"""The path an edge follows between two ports: a forward S-curve, or a backward edge's loop
that runs between the cards (see :func:`curve`)."""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath

LOOP_REACH = 40.0  # how far a backward edge swings out past its ports before turning
RUN_ABOVE_CARD = 17.0  # half the free row the layout leaves between stacked cards


def bezier(start: QPointF, end: QPointF) -> QPainterPath:
    """A left-to-right S-curve from an output port to an input port (see :func:`curve`)."""
    return curve(start, end)[0]


def curve(start: QPointF, end: QPointF, run_y: float | None = None) -> tuple[QPainterPath, QPointF]:
    """The edge's path and its midpoint (where a label goes).

    Forward: one cubic S-curve. Backward (a leaf drawn above or below its op, or an edge from the
    end of one band of the layout to the start of the next): out to the right, a U-turn into
    the gap half-way between the two ports, a straight run left, a U-turn into the port — it
    stays close to its ends and runs between the cards instead of sweeping across the canvas.
    ``run_y`` is the height of that run (the edge item passes the gap above the lower card).
    """
    path = QPainterPath(start)
    if end.x() >= start.x():
        dx = max((end.x() - start.x()) * 0.5, 40.0)
        c1, c2 = QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y())
        path.cubicTo(c1, c2, end)
        mid = (start + 3 * c1 + 3 * c2 + end) / 8  # the cubic at t = ½
        return path, mid
    y = (start.y() + end.y()) / 2 if run_y is None else run_y
    if run_y is None and abs(end.y() - start.y()) < LOOP_REACH:  # side by side: loop below
        y = max(start.y(), end.y()) + 2 * LOOP_REACH
    out, back = start.x() + LOOP_REACH, end.x() - LOOP_REACH
    path.cubicTo(QPointF(out, start.y()), QPointF(out, y), QPointF(start.x(), y))
    path.lineTo(QPointF(end.x(), y))
    path.cubicTo(QPointF(back, y), QPointF(back, end.y()), end)
    return path, QPointF((start.x() + end.x()) / 2, y)
