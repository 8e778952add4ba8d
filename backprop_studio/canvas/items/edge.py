"""EdgeItem: a cubic bezier from an output port to an input port, coloured by its gradient.

The path lives in scene coordinates and is rebuilt when either end moves (``setPath`` style:
``prepareGeometryChange`` first, cached bounds and hit shape dropped). The hit shape is a wide
stroke of the curve so a thin edge is still easy to click.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from backprop_studio.model.graph import Edge
from backprop_studio.model.shapes import Value

from .. import style
from ..style import EDGE_HIT_WIDTH, EDGE_WIDTH, PORT_RADIUS, Z_EDGE, Theme
from ..value_text import format_number, format_short, full_text, magnitude, signed
from .node import NodeItem

ARROW = 5.0


def bezier(start: QPointF, end: QPointF) -> QPainterPath:
    """A left-to-right S-curve; a backward edge loops out so it never hides behind the cards."""
    dx = max(abs(end.x() - start.x()) * 0.5, 40.0)
    if end.x() < start.x():
        dx = max(dx, 80.0)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()), end)
    return path


class EdgeItem(QGraphicsItem):
    """``edge`` drawn between two NodeItems; it holds the items, never the Graph."""

    def __init__(
        self, edge: Edge, src: NodeItem, dst: NodeItem, theme: Theme | None = None
    ) -> None:
        super().__init__()
        self.edge = edge
        self.src_item = src
        self.dst_item = dst
        self._theme = theme or style.current_theme()
        self._path = QPainterPath()
        self._stroke = QPainterPath()
        self._start = self._tip = QPointF()
        self._shape: QPainterPath | None = None
        self._bounds = QRectF()
        self._grad: Value | None = None
        self._local: float | None = None
        self._upstream: Value | None = None
        self._label = ""
        self._label_rect = QRectF()
        self._show_label = True
        self._color = self._theme.edge
        self._width = EDGE_WIDTH
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(Z_EDGE)
        src.attach_edge(self)
        dst.attach_edge(self)
        self.update_path()

    def detach(self) -> None:
        """Let go of both node items (before the edge is removed from the scene)."""
        self.src_item.detach_edge(self)
        self.dst_item.detach_edge(self)

    # ---- data ----------------------------------------------------------------------------
    def set_grad(
        self, grad: Value | None, local: float | None = None, upstream: Value | None = None
    ) -> None:
        """The gradient this edge carries back (None: none shown), with the chain-rule factors."""
        self._grad, self._local, self._upstream = grad, local, upstream
        self._color = style.grad_color(self._theme, signed(grad))
        width = style.grad_width(magnitude(grad))
        if width != self._width:
            self._width = width
            self._rebuild()
        if grad is None:
            self._label = ""
        elif isinstance(grad, list):
            self._label = f"‖·‖ {format_short(magnitude(grad) or 0.0)}"
        else:
            self._label = format_short(grad)
        self._update_bounds()
        self.update()

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
        return self._label if self._show_label else ""

    def set_show_label(self, show: bool) -> None:
        self._show_label = show
        self._update_bounds()
        self.update()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.set_grad(self._grad, self._local, self._upstream)

    def tooltip_text(self) -> str:
        e = self.edge
        lines = [f"{e.src} → {e.dst}.{e.port}"]
        if self._grad is not None:
            lines.append(f"∂L/∂{e.src} along this edge = {full_text(self._grad)}")
            if self._local is not None and self._upstream is not None:
                up = self._upstream
                up_text = format_number(up) if not isinstance(up, list) else "G"
                lines.append(
                    f"= ∂L/∂{e.dst} · ∂{e.dst}/∂{e.src} = ({up_text}) · ({format_number(self._local)})"
                )
        return "\n".join(lines)

    # ---- geometry ------------------------------------------------------------------------
    def update_path(self) -> None:
        """Follow the ports (called when either node moves or changes height)."""
        self._start = self.src_item.output_anchor()
        self._tip = self.dst_item.input_anchor(self.edge.port) - QPointF(PORT_RADIUS + 1.5, 0.0)
        self._rebuild()

    def _arrow_length(self) -> float:
        return ARROW + self._width * 1.2

    def _rebuild(self) -> None:
        self.prepareGeometryChange()
        base = self._tip - QPointF(self._arrow_length(), 0.0)
        self._stroke = bezier(self._start, base)
        self._path = QPainterPath(self._stroke)
        self._path.lineTo(self._tip)
        self._shape = None
        self._update_bounds()

    def path(self) -> QPainterPath:
        return QPainterPath(self._path)

    def midpoint(self) -> QPointF:
        return self._path.pointAtPercent(0.5)

    def _update_bounds(self) -> None:
        self.prepareGeometryChange()
        pad = style.EDGE_MAX_WIDTH + ARROW
        bounds = self._path.boundingRect().adjusted(-pad, -pad, pad, pad)
        if self.label:
            fm = style.fonts().small_metrics
            w = fm.horizontalAdvance(self._label) + 10.0
            h = fm.height() + 4.0
            mid = self.midpoint()
            self._label_rect = QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h)
            bounds = bounds.united(self._label_rect.adjusted(-1, -1, 1, 1))
        self._bounds = bounds

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(EDGE_HIT_WIDTH)
            stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
            self._shape = stroker.createStroke(self._path)
            if self.label:
                self._shape.addRect(self._label_rect)
        return self._shape

    # ---- painting ------------------------------------------------------------------------
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        theme = self._theme
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.isSelected():
            halo = QColor(theme.selection)
            halo.setAlphaF(0.35)
            painter.setPen(style.edge_pen(halo, self._width + 6.0))
            painter.drawPath(self._path)
        pen = style.edge_pen(self._color, self._width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._stroke)
        tip, a = self._tip, self._arrow_length()
        half = max(a * 0.5, self._width * 0.5 + 2.0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._color)
        painter.drawPolygon(
            QPolygonF(
                [
                    tip,
                    QPointF(tip.x() - a - 0.5, tip.y() - half),
                    QPointF(tip.x() - a - 0.5, tip.y() + half),
                ]
            )
        )
        if self.label:
            f = style.fonts()
            painter.setPen(QPen(self._color, 1.0))
            painter.setBrush(theme.label_fill)
            r = self._label_rect.height() / 2
            painter.drawRoundedRect(self._label_rect, r, r)
            painter.setFont(f.small)
            painter.setPen(self._color)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self._label)
