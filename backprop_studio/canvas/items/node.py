"""NodeItem: one node as a rounded card painted in one ``paint()`` and cached per device pixel.

DESIGN.md measured one custom item with ``DeviceCoordinateCache`` twice as fast as a card built
from child items, so only the port hit areas (and a rename editor, while open) are children.
The item knows nothing of the Graph: the scene feeds it through setters and reads its ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from backprop_studio.model.ops import op_spec
from backprop_studio.model.shapes import Shape, Value, format_shape

from .. import style
from ..style import (
    BODY_PADDING,
    CORNER_RADIUS,
    HEADER_HEIGHT,
    NODE_WIDTH,
    PORT_LABEL_GAP,
    PORT_RADIUS,
    ROW_HEIGHT,
    TEXT_MARGIN,
    Z_NODE,
    Theme,
)
from ..value_text import (
    NO_VALUE,
    full_text,
    is_scalar,
    scalar_row,
    shape_of,
    stats_text,
)
from .editor import TitleEditor
from .node_body import paint_body
from .node_summary import Summary, key_number, paint_summary, richer_numbers, summarize
from .port import PortItem

if TYPE_CHECKING:
    from .block import BlockItem
    from .edge import EdgeItem

_Flag = QGraphicsItem.GraphicsItemFlag
_Change = QGraphicsItem.GraphicsItemChange
_ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter
_MARGIN = PORT_RADIUS + 3.0  # room around the card for port dots and the selection border


class NodeItem(QGraphicsItem):
    """A node card: title and op badge, value and gradient, input ports left, output right."""

    def __init__(self, name: str, op: str, theme: Theme | None = None) -> None:
        super().__init__()
        self._name = name
        self._label = ""
        self._op = op
        self._symbol = op_spec(op).symbol
        self._theme = theme or style.current_theme()
        self._value: Value | None = None
        self._grad: Value | None = None
        self._shape: Shape | None = None
        self._problem: str | None = None
        self._is_output = False
        self._trained = False
        self._edges: list[EdgeItem] = []
        self._lines: list[tuple[str, ...]] = []
        self._height = 0.0
        self.block_item: BlockItem | None = None  # the block drawn around it (the scene sets it)
        self.setFlags(_Flag.ItemIsMovable | _Flag.ItemIsSelectable | _Flag.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(Z_NODE)
        spec = op_spec(op)
        self._inputs = {port: PortItem(self, port, self._theme) for port in spec.inputs}
        self._output_port = PortItem(self, None, self._theme)
        fm = style.fonts().small_metrics
        widest = max((fm.horizontalAdvance(p) for p in spec.inputs), default=0.0)
        self._gutter = PORT_RADIUS + 4.0 + widest + PORT_LABEL_GAP if spec.inputs else TEXT_MARGIN
        self._relayout()

    # ---- identity ------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def op(self) -> str:
        return self._op

    @property
    def title(self) -> str:
        return self._label or self._name

    def set_name(self, name: str) -> None:
        self._name = name
        self.update()

    def set_label(self, label: str) -> None:
        self._label = label
        self.update()

    def set_op(self, op: str) -> None:
        """Only leaves switch op (param ↔ data ↔ const); their ports do not change."""
        self._op = op
        self._symbol = op_spec(op).symbol
        self.update()

    @property
    def symbol(self) -> str:
        return self._symbol

    def set_symbol(self, symbol: str) -> None:
        """The op's symbol with what the node's attributes add to it (a power's ``**2``)."""
        if symbol != self._symbol:
            self._symbol = symbol
            self.update()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        for port in self.ports():
            port.theme = theme
        self.update()

    # ---- data ----------------------------------------------------------------------------
    def set_data(
        self, value: Value | None, grad: Value | None = None, shape: Shape | None = None
    ) -> None:
        """What the card shows: a value and gradient (None: none yet / none flows), or a shape."""
        if (value, grad, shape) == (self._value, self._grad, self._shape) and self._lines:
            return
        self._value, self._grad, self._shape = value, grad, shape
        self._relayout()

    def set_trained(self, trained: bool) -> None:
        """Mark a recipe leaf whose numbers training moved (its shape row says so)."""
        if trained != self._trained:
            self._trained = trained
            self._relayout()

    @property
    def trained(self) -> bool:
        return self._trained

    def set_problem(self, message: str | None) -> None:
        if message != self._problem:
            self._problem = message
            self._relayout()

    def set_output(self, is_output: bool) -> None:
        if is_output != self._is_output:
            self._is_output = is_output
            self.update()

    @property
    def problem(self) -> str | None:
        return self._problem

    @property
    def value(self) -> Value | None:
        return self._value

    @property
    def grad(self) -> Value | None:
        return self._grad

    # ---- ports and edges -----------------------------------------------------------------
    def ports(self) -> list[PortItem]:
        return [*self._inputs.values(), self._output_port]

    def input_port(self, port: str) -> PortItem:
        return self._inputs[port]

    @property
    def output_port(self) -> PortItem:
        return self._output_port

    def input_anchor(self, port: str) -> QPointF:
        return self._inputs[port].scenePos()

    def output_anchor(self) -> QPointF:
        return self._output_port.scenePos()

    def attach_edge(self, edge: EdgeItem) -> None:
        self._edges.append(edge)
        self.update()

    def detach_edge(self, edge: EdgeItem) -> None:
        if edge in self._edges:
            self._edges.remove(edge)
            self.update()

    def edge_items(self) -> list[EdgeItem]:
        return list(self._edges)

    # ---- text ----------------------------------------------------------------------------
    def badge_text(self) -> str:
        spec = op_spec(self._op)
        if spec.is_leaf or self._symbol.lower() == spec.name:
            return spec.name
        return f"{self._symbol}  {spec.name}"

    def text_lines(self) -> list[str]:
        """Every piece of text the card draws, top to bottom (for tests and accessibility)."""
        body = [(" | " if line[0] == "pair" else " ").join(line[1:]) for line in self._lines]
        return [self.title, self.badge_text(), *body]

    def tooltip_text(self) -> str:
        spec = op_spec(self._op)
        head = self.title if self.title == self._name else f"{self.title} ({self._name})"
        shown = "" if self._symbol == spec.symbol else f"; here {self._symbol}"  # a power's n
        lines = [head, spec.tooltip + shown]
        if self._value is not None:
            lines.append(f"data: {full_text(self._value)}")
            lines.append(f"grad: {full_text(self._grad)}")
        if self._trained:
            lines.append("trained: training moved these numbers away from its recipe")
        if self._problem:
            lines.append(f"problem: {self._problem}")
        return "\n".join(lines)

    def title_rect(self) -> QRectF:
        return QRectF(0.0, 0.0, NODE_WIDTH - self._badge_width() - 8.0, HEADER_HEIGHT)

    def begin_rename(self, on_commit: Callable[[str], None]) -> TitleEditor:
        """Open an inline editor on the title; ``on_commit(new_name)`` runs on Enter or focus out."""
        editor = TitleEditor(self, self._name, self._theme, on_commit)
        rect = self.title_rect()
        editor.setTextWidth(max(rect.width() - TEXT_MARGIN, 80.0))
        editor.setPos(TEXT_MARGIN - 4.0, (rect.height() - editor.boundingRect().height()) / 2)
        editor.start()
        return editor

    # ---- geometry ------------------------------------------------------------------------
    def _relayout(self) -> None:
        self._lines = self._body_lines()
        rows = max(len(self._lines), len(self._inputs), 1)
        height = HEADER_HEIGHT + 2 * BODY_PADDING + rows * ROW_HEIGHT
        if height != self._height:
            self.prepareGeometryChange()
            self._height = height
            top = HEADER_HEIGHT + BODY_PADDING
            for i, port in enumerate(self._inputs.values()):
                port.setPos(0.0, top + (i + 0.5) * ROW_HEIGHT)
            self._output_port.setPos(NODE_WIDTH, top + max(len(self._inputs), 1) * ROW_HEIGHT / 2)
            for edge in self._edges:
                edge.update_path()
        self.update()

    def _body_lines(self) -> list[tuple[str, ...]]:
        """Rows as (kind, texts…): ("pair", data, grad), ("stat", word, text), ("text", t)…"""
        value, grad = self._value, self._grad
        lines: list[tuple[str, ...]] = []
        if value is None and self._shape:  # not computed yet (or hidden by the animation):
            lines.append(("text", f"shape {format_shape(self._shape)}"))  # the same rows as
            lines.append(("stat", "data", NO_VALUE))  # a computed tensor, so that the card
            lines.append(("stat", "grad", NO_VALUE))  # keeps its size when its numbers come
        elif value is None or is_scalar(value):
            data, g = scalar_row(value, grad)
            lines.append(("pair", f"data {data}", f"grad {g}"))
        else:
            mark = " · trained" if self._trained else ""
            lines.append(("text", f"shape {format_shape(shape_of(value))}{mark}"))
            lines.append(("stat", "data", stats_text(value)))
            lines.append(("stat", "grad", stats_text(grad) if grad is not None else NO_VALUE))
        if self._problem:
            lines.append(("problem", self._problem))
        return lines

    def _badge_width(self) -> float:
        fm = style.fonts().small_metrics
        return fm.horizontalAdvance(self.badge_text()) + 14.0

    @property
    def card_height(self) -> float:
        """The card's height in scene units (without the margin for ports and selection)."""
        return self._height

    def boundingRect(self) -> QRectF:
        return QRectF(-_MARGIN, -_MARGIN, NODE_WIDTH + 2 * _MARGIN, self._height + 2 * _MARGIN)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, NODE_WIDTH, self._height), CORNER_RADIUS, CORNER_RADIUS)
        return path

    def itemChange(self, change: _Change, value: Any) -> Any:
        if change == _Change.ItemPositionHasChanged:
            for edge in self._edges:
                edge.update_path()
            if self.block_item is not None:
                self.block_item.follow()
        return super().itemChange(change, value)

    # ---- painting ------------------------------------------------------------------------
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        theme, f = self._theme, style.fonts()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        w, h = NODE_WIDTH, self._height
        card = QPainterPath()
        card.addRoundedRect(QRectF(0, 0, w, h), CORNER_RADIUS, CORNER_RADIUS)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.shadow)  # a soft offset shadow lifts the card off the canvas
        painter.drawRoundedRect(QRectF(0.5, 2.0, w, h), CORNER_RADIUS + 1, CORNER_RADIUS + 1)
        painter.fillPath(card, theme.problem_fill if self._problem else theme.card)
        painter.save()
        painter.setClipPath(card)
        painter.fillRect(QRectF(0, 0, w, HEADER_HEIGHT), theme.header_for(self._op))
        painter.setPen(QPen(theme.border, 0.8))
        painter.drawLine(QPointF(0, HEADER_HEIGHT), QPointF(w, HEADER_HEIGHT))
        painter.restore()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        detail = lod >= style.DETAIL_ZOOM
        if detail:
            self._paint_header(painter, theme, f)
            paint_body(painter, theme, f, self._lines, self._gutter, self._grad)
        else:  # too small for the full text: name and one number, readable on screen
            summary = self.summary(lod)
            paint_summary(
                painter, summary, QRectF(0, 0, w, h), HEADER_HEIGHT, lod, theme.text, theme.muted
            )
        self._paint_border(painter, theme, card)
        self._paint_ports(painter, theme, f, detail)

    def summary(self, lod: float) -> Summary:
        """What the card draws at ``lod`` screen pixels per scene unit, when below DETAIL_ZOOM."""
        number = key_number(self._value, self._shape)
        if number == self.title:  # a constant labelled with its value says it once
            number = ""
        richer = richer_numbers(self._value, self._grad)
        return summarize(self.title, number, NODE_WIDTH, self._height, HEADER_HEIGHT, lod, richer)

    def _paint_header(self, painter: QPainter, theme: Theme, f: style.Fonts) -> None:
        badge = self.badge_text()
        bw = self._badge_width()
        rect = QRectF(NODE_WIDTH - bw - 7.0, (HEADER_HEIGHT - 17.0) / 2, bw, 17.0)
        color = theme.badge_for(self._op)
        fill = QColor(color)
        fill.setAlphaF(0.13)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 8.5, 8.5)
        painter.setFont(f.small)
        painter.setPen(color)
        painter.drawText(rect, _ALIGN_CENTER, badge)
        title_rect = self.title_rect().adjusted(TEXT_MARGIN, 0, 0, 0)
        painter.setFont(f.title)
        painter.setPen(theme.text)
        title = f.title_metrics.elidedText(
            self.title, Qt.TextElideMode.ElideRight, title_rect.width()
        )
        painter.drawText(title_rect, _ALIGN_LEFT, title)

    def _paint_border(self, painter: QPainter, theme: Theme, card: QPainterPath) -> None:
        if self._problem:
            pen = QPen(theme.problem, 2.0)
        elif self.isSelected():
            pen = QPen(theme.selection, 2.2)
        elif self._is_output:
            pen = QPen(theme.output_border, 1.8)
        else:
            pen = QPen(theme.border, 1.0)
            if self._op == "const":
                pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(card)
        if self.isSelected() and self._problem:
            outer = QPainterPath()
            outer.addRoundedRect(
                QRectF(-2.5, -2.5, NODE_WIDTH + 5, self._height + 5),
                CORNER_RADIUS + 2,
                CORNER_RADIUS + 2,
            )
            painter.setPen(QPen(theme.selection, 1.5))
            painter.drawPath(outer)

    def _paint_ports(self, painter: QPainter, theme: Theme, f: style.Fonts, labels: bool) -> None:
        connected = {e.edge.port for e in self._edges if e.dst_item is self}
        painter.setFont(f.small)
        for port, item in self._inputs.items():
            pos = item.pos()
            filled = port in connected
            painter.setPen(QPen(theme.port, 1.4))
            painter.setBrush(QBrush(theme.port if filled else theme.card))
            painter.drawEllipse(pos, PORT_RADIUS, PORT_RADIUS)
            if not labels:
                continue
            painter.setPen(theme.muted)
            label = QRectF(PORT_RADIUS + 4.0, pos.y() - ROW_HEIGHT / 2, self._gutter, ROW_HEIGHT)
            painter.drawText(label, _ALIGN_LEFT, port)
        painter.setPen(QPen(theme.port, 1.4))
        painter.setBrush(QBrush(theme.port))
        painter.drawEllipse(self._output_port.pos(), PORT_RADIUS, PORT_RADIUS)
