"""EdgeItem: a cubic bezier from an output port to an input port, coloured by its gradient.

The edge itself paints nothing (``ItemHasNoContents``): its arrow head, selection halo and
gradient label are stock C++ items (polygon, path, text) that Qt draws without calling Python;
only the curve is an ``EdgeLine`` whose one-line ``paint()`` fills a pre-stroked outline (and
drops antialiasing when drawn small, see there). Measured on 1,000 nodes / 1,500 edges, stock
items halved a full repaint of the fitted scene (16 → 8 ms) against a Python ``paint()`` per
edge. The edge keeps the logic: geometry from its two NodeItems, a wide stroked hit shape for
easy clicking, colour by sign and width by log-magnitude of its gradient.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsSimpleTextItem,
)

from backprop_studio.model.graph import Edge
from backprop_studio.model.shapes import Value

from .. import style
from ..flow.text import chain_rule_text
from ..style import EDGE_HIT_WIDTH, EDGE_WIDTH, PORT_RADIUS, Z_EDGE, Theme
from ..value_text import format_short, full_text, stats
from . import moves
from .edge_curve import RUN_ABOVE_CARD, curve
from .edge_label import EdgeLabels, drawing_part
from .edge_line import EdgeLine, brush_of
from .edge_thumb import MAX_SCALE as THUMB_MAX_SCALE
from .edge_thumb import EdgeThumb
from .node import NodeItem

if TYPE_CHECKING:
    from .block import BlockItem
    from .far_sheet import FarSheet

ARROW_LENGTH = 9.0
_Flag = QGraphicsItem.GraphicsItemFlag
_Change = QGraphicsItem.GraphicsItemChange
_SELECTED_CHANGED = _Change.ItemSelectedHasChanged  # bound once: itemChange runs often
_VISIBLE_CHANGED = _Change.ItemVisibleHasChanged
_SCENE_CHANGE = _Change.ItemSceneChange
_NO_PEN = QPen(Qt.PenStyle.NoPen)


class EdgeItem(EdgeLabels, QGraphicsItem):
    """``edge`` drawn between two NodeItems; it holds the items, never the Graph."""

    def __init__(
        self, edge: Edge, src: NodeItem, dst: NodeItem, theme: Theme | None = None
    ) -> None:
        super().__init__()
        self.edge = edge
        self.src_item = src
        self.dst_item = dst
        # A collapsed block card that this edge leaves from or enters instead of a hidden card.
        self.src_via: BlockItem | None = None
        self.dst_via: BlockItem | None = None
        self._theme = theme or style.current_theme()
        self._path = QPainterPath()
        self._tip = self._mid = QPointF()
        self._shape: QPainterPath | None = None
        self._bounds = QRectF()
        self._grad: Value | None = None
        self._local: float | None = None
        self._upstream: Value | None = None
        self._label: str | None = ""  # None: the scalar gradient's, written when first read
        self._show_label = True
        self._color = self._theme.edge
        self._sign: float | None = None  # what colours the gradient: a tensor's mean
        self._width = EDGE_WIDTH
        self._width_scale = 1.0
        self.setFlag(_Flag.ItemIsSelectable)
        self.setFlag(_Flag.ItemHasNoContents)
        self.setZValue(Z_EDGE)
        self._line = drawing_part(EdgeLine(self))  # the curve's outline, filled (see _outline)
        self._curve = QPainterPath()
        self._line_bounds: QRectF | None = None  # the line's bounds for this curve and scale
        self._drawn: tuple[int, float] | None = None  # (colour, width) the outline was made for
        self._arrow = self._line.arrow = drawing_part(QGraphicsPolygonItem(self))
        self._arrow.setPen(_NO_PEN)
        self._arrow_at: tuple[float, float, float] | None = None
        self._arrow_rgba: int | None = None
        self._halo: QGraphicsPathItem | None = None  # made on first selection
        self._pill: QGraphicsPathItem | None = None  # made when a label first shows
        self._text: QGraphicsSimpleTextItem | None = None
        self._thumb = EdgeThumb(self)  # a tensor gradient's heat map, made when first shown
        self._backward = False
        src.attach_edge(self)
        dst.attach_edge(self)
        self._restyle(place=False)
        self.update_path()

    def set_sheet(self, sheet: FarSheet | None) -> None:
        """Let the edge sheet paint the line and its arrow head (``far_sheet.py``)."""
        self._line.set_sheet(sheet)

    def detach(self) -> None:
        """Let go of both node items (before the edge is removed from the scene)."""
        self.src_item.detach_edge(self)
        self.dst_item.detach_edge(self)

    # ---- data ----------------------------------------------------------------------------
    def set_grad(
        self, grad: Value | None, local: float | None = None, upstream: Value | None = None
    ) -> None:
        """The gradient this edge carries back (None: none shown), with the chain-rule factors."""
        if (grad, local, upstream) == (self._grad, self._local, self._upstream):
            return
        self._grad, self._local, self._upstream = grad, local, upstream
        thumb = self._thumb
        if thumb.wanted or isinstance(grad, list):  # (a scalar's thumbnail: none to hide)
            thumb.set_grad(grad)
        if isinstance(grad, list):  # one pass over the tensor for its colour, width and label
            mean, norm = stats(grad)
            self._sign = mean
            self._width = style.grad_width(norm)
            self._label = f"‖·‖ {format_short(norm)}"
        elif grad is None:
            self._sign, self._width, self._label = None, EDGE_WIDTH, ""
        else:  # a scalar: its label is shown only at 100 %, and written then
            self._sign = sign = float(grad)
            self._width = style.grad_width(abs(sign))
            self._label = None
        self._color = style.grad_color(self._theme, self._sign)
        self._restyle()

    @property
    def grad(self) -> Value | None:
        return self._grad

    @property
    def color(self) -> QColor:
        return QColor(self._color)

    @property
    def width(self) -> float:
        return self._width

    @property
    def label(self) -> str:
        if not self._show_label:
            return ""
        if self._label is None:
            self._label = format_short(self._grad)  # type: ignore[arg-type]
        return self._label

    def set_width_scale(self, scale: float) -> None:
        """Draw the line ``scale`` times wider: the view zoomed out by ``1/scale`` keeps the
        gradient's width on screen (the width itself, :attr:`width`, does not change)."""
        if scale != self._width_scale:
            self._width_scale = scale
            self._line_bounds = None
            self._outline()  # only the line: a zoom step restyles every edge
            if self._pill is not None:  # a label too small to read is only clutter
                self._pill.setVisible(scale == 1.0 and bool(self.label))
            if scale == 1.0:
                self._place_pill()
            self._place_thumb()
            self._shape = None

    def set_show_label(self, show: bool) -> None:
        if show != self._show_label:
            self._show_label = show
            self._restyle()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._color = style.grad_color(theme, self._sign)
        self._restyle()

    def tooltip_text(self) -> str:
        e = self.edge
        lines = [f"{e.src} → {e.dst}.{e.port}"]
        if self._grad is not None:
            u, v = self.src_item.title, self.dst_item.title
            uses = [
                x
                for x in self.dst_item.edge_items()
                if x.edge.src == e.src and x.dst_item is self.dst_item
            ]
            via = f"{v}.{e.port}" if len(uses) > 1 else None
            lines.append(chain_rule_text(u, v, self._grad, self._upstream, self._local, via))
            lines.append(f"∂L/∂{e.src} along this edge = {full_text(self._grad)}")
        return "\n".join(lines)

    # ---- geometry ------------------------------------------------------------------------
    def set_via(self, src: BlockItem | None, dst: BlockItem | None) -> None:
        """Start at block card ``src`` and end at ``dst`` (None: at the node's own card)."""
        if (src, dst) != (self.src_via, self.dst_via):
            self.src_via, self.dst_via = src, dst
            self.update_path()

    def update_path(self) -> None:
        """Follow the ports (called when either node moves or changes height)."""
        e = self.edge
        src, dst = self.src_via, self.dst_via
        start = src.output_anchor_of(e) if src is not None else self.src_item.output_anchor()
        end = dst.input_anchor_of(e) if dst is not None else self.dst_item.input_anchor(e.port)
        tip = end - QPointF(PORT_RADIUS + 1.5, 0.0)
        base = tip - QPointF(ARROW_LENGTH, 0.0)
        # a backward edge runs in the free row above the lower of its two cards
        lower_top = max(
            (src or self.src_item).scenePos().y(), (dst or self.dst_item).scenePos().y()
        )
        stroke, self._mid = curve(start, base, lower_top - RUN_ABOVE_CARD)
        self._backward = base.x() < start.x()
        self._curve = stroke
        self._line_bounds = None
        self._drawn = None
        self._outline()
        path = QPainterPath(stroke)
        path.lineTo(tip)
        if self._halo is not None:
            self._halo.setPath(path)
        moves.moved()
        self.prepareGeometryChange()
        self._path = path
        self._tip = tip
        pad = style.EDGE_MAX_WIDTH + ARROW_LENGTH
        self._bounds = path.boundingRect().adjusted(-pad, -pad, pad, pad)
        self._shape = None
        self._place_arrow()
        self._place_label()

    def path(self) -> QPainterPath:
        return QPainterPath(self._path)

    def midpoint(self) -> QPointF:
        return QPointF(self._mid)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def distance_to(self, scene_pos: QPointF, samples: int = 64) -> float:
        """How far ``scene_pos`` is from the curve: where two edges cross, both shapes hold the
        mouse, and the nearer curve is the one the user points at."""
        local = self.mapFromScene(scene_pos)
        best = math.inf
        for i in range(samples + 1):
            point = self._path.pointAtPercent(i / samples)
            best = min(best, math.hypot(point.x() - local.x(), point.y() - local.y()))
        return best

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(EDGE_HIT_WIDTH)
            stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
            self._shape = stroker.createStroke(self._path)
            if self._pill is not None and self._pill.isVisible() and self.label:
                self._shape.addRect(self._pill.mapRectToParent(self._pill.boundingRect()))
        return self._shape

    def itemChange(self, change: _Change, value: Any) -> Any:
        if change is _SELECTED_CHANGED:
            if value and self._halo is None:
                self._halo = drawing_part(QGraphicsPathItem(self._path, self))
                self._halo.setZValue(-1.0)
                self._style_halo()
            if self._halo is not None:
                self._halo.setVisible(bool(value))
            self._line.check_sheet()  # selected, it paints itself over its halo
        elif change is _VISIBLE_CHANGED:
            self._line.touch()  # a sheet that paints the line shows it, or no longer
        elif change is _SCENE_CHANGE:
            self.set_sheet(None)  # a sheet draws the lines of its own scene only
        return super().itemChange(change, value)

    # ---- the drawing parts -----------------------------------------------------------------
    def _restyle(self, place: bool = True) -> None:
        """Recolour and resize the parts after a change of gradient, theme or label (a recolour
        calls this for every edge: each part is set only when it changes, and the checks are
        made here, not in a call each: 600 edges in sight took 7.5 ms, most of it in calls)."""
        rgba = self._color.rgba()
        self._outline(rgba)
        if rgba != self._arrow_rgba:
            self._arrow_rgba = rgba
            self._line.set_arrow_brush(brush_of(rgba))
        if self._halo is not None:
            self._style_halo()
        if place:
            at = self._arrow_at
            if at is None or at[2] != _arrow_half(self._width):
                self._place_arrow()
            scale = self._width_scale  # zoomed out: no label shows, past MAX_SCALE no thumbnail
            if scale == 1.0 or (scale <= THUMB_MAX_SCALE and self._thumb.wanted):
                self._place_label()
        self._shape = None

    @property
    def drawn_width(self) -> float:
        """The line's width in scene units as drawn (``width`` times the zoom's scale)."""
        return self._drawn[1] if self._drawn is not None else self._width * self._width_scale

    def _outline(self, rgba: int | None = None) -> None:
        """Fill the curve's outline instead of stroking the curve: the stroke is made here, once
        per change of width or geometry, not by every repaint (a fitted repaint of 1,500 edges
        spent most of its time stroking). A width within 2 % of the last one is kept: no one
        sees the difference, and a recolour then costs no stroke at all."""
        drawn = self._drawn
        if drawn is None and self._curve.isEmpty():
            return  # not placed yet (the constructor styles before it follows the ports)
        width = self._width * self._width_scale
        if rgba is None:
            rgba = self._color.rgba()
        if drawn is not None and abs(drawn[1] - width) <= 0.02 * width:
            if drawn[0] != rgba:
                self._line.set_brush(brush_of(rgba))
                self._drawn = (rgba, drawn[1])
            return
        recolour = drawn is None or drawn[0] != rgba
        brush = brush_of(rgba) if recolour else None
        if drawn is not None and self._line_bounds is not None:  # the same curve, at this scale
            self._line.set_width(width, brush)
        else:  # once per curve and zoom scale
            pad = style.EDGE_MAX_WIDTH * self._width_scale / 2 + 1.0  # any width at this scale
            bounds = self._line_bounds = self._curve.controlPointRect().adjusted(
                -pad, -pad, pad, pad
            )
            self._line.set_stroke(self._curve, width, bounds, brush, self._width_scale)
        self._drawn = (rgba, width)

    def _style_halo(self) -> None:
        assert self._halo is not None
        halo = QColor(self._theme.selection)
        halo.setAlphaF(0.35)
        self._halo.setPen(style.edge_pen(halo, self._width + 6.0))

    def _place_arrow(self) -> None:
        tip, half = self._tip, _arrow_half(self._width)
        key = (tip.x(), tip.y(), half)
        if key == self._arrow_at:
            return
        self._arrow_at = key
        x = tip.x() - ARROW_LENGTH - 0.5
        self._line.touch()  # where the head was, on a sheet that paints it
        self._arrow.setPolygon(
            QPolygonF([tip, QPointF(x, tip.y() - half), QPointF(x, tip.y() + half)])
        )
        self._line.touch(moved=True)


def _arrow_half(width: float) -> float:
    """Half the arrow head's height for a line ``width`` wide: wide lines get wider heads."""
    return max(ARROW_LENGTH * 0.5, width * 0.5 + 2.0)
