"""EdgeLine: an edge's curve as a pre-stroked outline filled in one colour (EdgeItem's one part
that paints in Python)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPolygonItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ..style import EDGE_AA_ZOOM
from .far_sheet import hand_over

if TYPE_CHECKING:
    from .far_sheet import FarSheet

_AA = QPainter.RenderHint.Antialiasing
_NO_PEN = QPen(Qt.PenStyle.NoPen)

_STROKER = QPainterPathStroker()  # the edges' outlines: flat ends, round joins, width per edge
_STROKER.setCapStyle(Qt.PenCapStyle.FlatCap)
_STROKER.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
CURVE_THRESHOLD = _STROKER.curveThreshold()  # Qt's, in scene units: right at 100 %


@lru_cache(maxsize=64)
def brush_of(rgba: int) -> QBrush:
    """A brush of one colour, made once (a recolour gives hundreds of edges the same few)."""
    return QBrush(QColor.fromRgba(rgba))


class EdgeLine(QGraphicsItem):
    """The curve's outline, filled in one colour (see ``EdgeItem._outline``).

    Its bounds are the curve's, padded for the widest line at the current zoom's scale, so a
    new width or colour repaints it without moving it in the scene's index (with a path item's
    ``setPath`` a recolour of 1,500 edges spent ~40 ms re-indexing long curves).

    Below EDGE_AA_ZOOM on screen it is filled without antialiasing: the same outline, so the
    same colour and width, in a fifth of the time (a fitted repaint of 1,500 edges at zoom 0.32
    spent 18 of its 21 ms on antialiased outlines). Closer up, and in exports at any scale, it
    is antialiased as everything else."""

    arrow: QGraphicsPolygonItem  # the edge's arrow head, set by the edge: a sheet paints both

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self._sheet: FarSheet | None = None  # the sheet that paints the line now
        self._offer: FarSheet | None = None  # the scene's edge sheet, while it takes lines
        self._curve = QPainterPath()
        self._width = 0.0
        self._threshold = CURVE_THRESHOLD
        self._outline: QPainterPath | None = QPainterPath()
        self._brush = QBrush()
        self._bounds = QRectF()
        self._arrow_brush = QBrush()  # the head's, which a sheet paints it with
        self._arrow_due = False  # the head item has not been given it yet (see set_arrow_brush)

    def set_stroke(
        self,
        curve: QPainterPath,
        width: float,
        bounds: QRectF,
        brush: QBrush | None = None,
        scale: float = 1.0,
    ) -> None:
        """A new curve or width (and brush, unless None) with one repaint. The outline is
        made when the line is first painted or asked for, so a new trace strokes only the
        lines in sight, not all 1,500 of a fitted network.

        ``scale`` is the edges' width scale (the view zoomed out by ``1/scale``): the outline
        follows the curve as closely on screen as at 100 %, not ``scale`` times closer. At the
        fitted zoom of 1,500 edges that is 10 path elements instead of 26 per outline, and 600
        outlines stroked in 1.6 ms instead of 2.8 ms (and filled in 2.4 ms instead of 3.2)."""
        if bounds != self._bounds:
            if self._sheet is not None:
                self.touch()  # where it was
                self._sheet.moved()
            self.prepareGeometryChange()
            self._bounds = bounds
            self.touch(moved=True)
        self._curve, self._width, self._outline = curve, width, None
        self._threshold = CURVE_THRESHOLD * max(scale, 1.0)
        if brush is not None:
            self._brush = brush
        self.update()

    def set_width(self, width: float, brush: QBrush | None = None) -> None:
        """A new width (and brush, unless None) for the same curve: what a new trace brings
        to every edge in sight, with nothing else asked of the line."""
        self._width, self._outline = width, None
        if brush is not None:
            self._brush = brush
        sheet = self._sheet
        if sheet is None:
            QGraphicsItem.update(self)
        elif not sheet.all_touched:  # (a new trace's sheets repaint whole)
            sheet.touch_item(self)

    def set_arrow_brush(self, brush: QBrush) -> None:
        """The arrow head's brush: on a sheet, kept for the sheet to paint the head with and
        given to the head item when it paints itself again (a new trace flips the sign of
        half the edges in sight: each was a call into Qt that repainted nothing)."""
        self._arrow_brush = brush
        if self._sheet is None:
            self.arrow.setBrush(brush)
        else:
            self._arrow_due = True

    def _outline_path(self) -> QPainterPath:
        if self._outline is None:
            _STROKER.setWidth(self._width)
            _STROKER.setCurveThreshold(self._threshold)
            self._outline = _STROKER.createStroke(self._curve)
        return self._outline

    # ---- the edge sheet ----------------------------------------------------------------
    def set_sheet(self, sheet: FarSheet | None) -> None:
        """Let ``sheet`` paint the line and its arrow head while the edge is not selected
        (None: they paint themselves)."""
        self._offer = sheet
        self.check_sheet()

    def check_sheet(self) -> None:
        """Hand the line to its sheet, or take it back: a selected edge paints itself, so
        that its line lies over its selection halo and the other lines."""
        offer = self._offer
        if offer is None and self._sheet is None:
            return  # not zoomed out (most lines, most of the time)
        sheet = offer if offer is not None and not self.parentItem().isSelected() else None
        if sheet is self._sheet:
            return
        held, self._sheet = self._sheet, sheet
        if sheet is None and self._arrow_due:
            self._arrow_due = False
            self.arrow.setBrush(self._arrow_brush)
        hand_over(self, held, sheet, (self.arrow,))

    def sheet_rect(self) -> QRectF:
        """What the line and its arrow cover, in scene coordinates."""
        return self.sceneBoundingRect().united(self.arrow.sceneBoundingRect())

    def touch(self, moved: bool = False) -> None:
        """Repaint the line and its arrow where they are now, on the sheet that paints them;
        ``moved``: they may have left the sheet's bounds (a new curve or arrow head)."""
        sheet = self._sheet
        if sheet is not None and (moved or not sheet.all_touched):
            sheet.touch(self.sheet_rect())

    def update(self, *args: object) -> None:
        if self._sheet is None:
            QGraphicsItem.update(self, *args)
        else:
            self._sheet.touch_item(self)

    def set_brush(self, brush: QBrush) -> None:
        self._brush = brush
        self.update()

    def path(self) -> QPainterPath:
        return QPainterPath(self._outline_path())

    def brush(self) -> QBrush:
        return QBrush(self._brush)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:  # what a path item's was: the outline, not the bounds
        return self._outline_path()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        on_screen = widget is not None  # a view's viewport; exports render with no widget
        if on_screen and option.levelOfDetailFromTransform(painter.worldTransform()) < EDGE_AA_ZOOM:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillPath(self._outline_path(), self._brush)


def paint_lines(painter: QPainter, lines: list[EdgeLine], fast: bool, lod: float) -> None:
    """The edge sheet's lines (see ``far_sheet.py``): unsmoothed in a zoomed-out view, as
    :meth:`EdgeLine.paint` draws one, and then their arrow heads, smoothed as the polygon
    items draw them (so a head lies on any line it meets, not under it)."""
    painter.setRenderHint(_AA, not fast or lod >= EDGE_AA_ZOOM)
    for line in lines:
        painter.fillPath(line._outline_path(), line._brush)
    painter.setRenderHint(_AA, True)
    painter.setPen(_NO_PEN)
    for line in lines:
        painter.setBrush(line._arrow_brush)
        painter.drawPolygon(line.arrow.polygon())
