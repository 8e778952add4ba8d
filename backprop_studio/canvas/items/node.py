"""NodeItem: one node as a rounded card painted in one ``paint()`` and cached per device pixel.

DESIGN.md measured one custom item with ``DeviceCoordinateCache`` twice as fast as a card built
from child items, so only the port hit areas (and a rename editor, while open) are children.
The item knows nothing of the Graph: the scene feeds it through setters and reads its ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsItem

from backprop_studio.model.ops import op_spec
from backprop_studio.model.shapes import Shape, Value

from .. import style
from ..style import (
    BODY_PADDING,
    HEADER_HEIGHT,
    NODE_WIDTH,
    PORT_LABEL_GAP,
    PORT_RADIUS,
    ROW_HEIGHT,
    TEXT_MARGIN,
    Z_NODE,
    Theme,
)
from . import moves
from .editor import TitleEditor
from .node_backdrop import CardFace
from .node_body import (
    BADGE_PAD,
    PROBLEM_LINES,
    body_row_count,
    card_paths,
)
from .node_heat import BAND_HEIGHT, HeatBand, has_band
from .node_paint import MARGIN, NodePainting
from .node_text import NodeText
from .port import PortItem

if TYPE_CHECKING:
    from .block import BlockItem
    from .edge import EdgeItem

_Flag = QGraphicsItem.GraphicsItemFlag
_Change = QGraphicsItem.GraphicsItemChange
_POSITION_CHANGE = _Change.ItemPositionChange  # bound once: itemChange runs for every setter
_POSITION_CHANGED = _Change.ItemPositionHasChanged
_VISIBLE_CHANGED = _Change.ItemVisibleHasChanged
_SELECTED_CHANGED = _Change.ItemSelectedHasChanged
_SCENE_CHANGE = _Change.ItemSceneChange


def _card_height(rows: int) -> float:
    return HEADER_HEIGHT + 2 * BODY_PADDING + rows * ROW_HEIGHT


def new_card_rect(op: str) -> QRectF:
    """The card of a new ``op`` node around its position, as it first shows: a leaf's value row,
    or an op's input rows beside its value and the 'needs inputs' problem (drawn in
    ``PROBLEM_LINES``), port dots included."""
    inputs = len(op_spec(op).inputs)
    rows = max(inputs, 1 + PROBLEM_LINES) if inputs else 1
    return QRectF(-MARGIN, -MARGIN, NODE_WIDTH + 2 * MARGIN, _card_height(rows) + 2 * MARGIN)


class NodeItem(NodeText, NodePainting, QGraphicsItem):
    """A node card: title and op badge, value and gradient, input ports left, output right."""

    def __init__(
        self,
        name: str,
        op: str,
        theme: Theme | None = None,
        ports: tuple[str, ...] | None = None,
    ) -> None:
        """``ports``: the node's input ports when they are not the op's (an n-ary add's)."""
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
        self.values_only = False  # numbers without their "data" / "grad" words (slides)
        self._edges: list[EdgeItem] = []
        self._connected: frozenset[str] | None = None  # input ports with an edge, once per change
        self._body: list[tuple[str, ...]] | None = None  # the rows, made when first read
        self._laid_out = False
        self._band = HeatBand()
        self._face = CardFace()  # backdrop and name of the small card, as one image
        self._plans = {}  # how it was drawn small, by the widths of its numbers (NodePainting)
        self._numbers: tuple[str, tuple[str, ...]] | None = None
        self._shown_detail = True  # drawn at full detail since the last update (see _relayout)
        self._height = 0.0
        self.block_item: BlockItem | None = None  # the block drawn around it (the scene sets it)
        self._card = self._header = self._shadow = QPainterPath()
        self.setFlags(_Flag.ItemIsMovable | _Flag.ItemIsSelectable | _Flag.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(Z_NODE)
        inputs = op_spec(op).inputs if ports is None else ports
        self._inputs = {port: PortItem(self, port, self._theme) for port in inputs}
        self._output_port = PortItem(self, None, self._theme)
        fm = style.fonts().small_metrics
        widest = max((fm.horizontalAdvance(p) for p in inputs), default=0.0)
        self._gutter = PORT_RADIUS + 4.0 + widest + PORT_LABEL_GAP if inputs else TEXT_MARGIN
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
        self._numbers = None
        self.update()

    def set_label(self, label: str) -> None:
        self._label = label
        self._numbers = None
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
        if (value, grad, shape) == (self._value, self._grad, self._shape) and self._laid_out:
            return
        self._value, self._grad, self._shape = value, grad, shape
        pictures = self._band.set_data(value, grad, shape)
        self._relayout(pictures, numbers=True)

    def set_values_only(self, values_only: bool) -> None:
        """Write the numbers without their "data" / "grad" words (a slide has room for less)."""
        if values_only != self.values_only:
            self.values_only = values_only
            self.update()

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
        self._connected = None
        self.update()

    def detach_edge(self, edge: EdgeItem) -> None:
        if edge in self._edges:
            self._edges.remove(edge)
            self._connected = None
            self.update()

    def edge_items(self) -> list[EdgeItem]:
        return list(self._edges)

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
    def _relayout(self, pictures: bool = True, numbers: bool = False) -> None:
        """Rows, height and ports from the data; repaint unless nothing drawn has changed
        (``numbers``: only the numbers changed, so a card of the same size keeps its face).

        A card last drawn small (its name and a three-digit number) and not since at full
        detail keeps its cached image when a new trace moves its numbers by less than those
        digits show and its heat maps (``pictures``) did not change: during training most
        cards of a fitted network are then not redrawn at all. Zooming in redraws it anyway."""
        drawn = (self._numbers, self._problem)
        self._numbers = None
        self._numbers = self._summary_numbers()
        self._laid_out = True
        self._body = None  # written when drawn or read (NodeText._lines)
        if self._problem:
            rows = len(self._lines)
        else:
            rows = body_row_count(self._value, self._shape)
        height = _card_height(max(rows, len(self._inputs), 1))
        self._rows_height = height
        if has_band(self._value, self._shape):
            height += BAND_HEIGHT
        resized = height != self._height
        if resized:
            moves.moved()
            self.touch_sheet()
            self.prepareGeometryChange()
            self._height = height
            self._card, self._header, self._shadow = card_paths(height)
            top = HEADER_HEIGHT + BODY_PADDING
            for i, port in enumerate(self._inputs.values()):
                port.setPos(0.0, top + (i + 0.5) * ROW_HEIGHT)
            self._output_port.setPos(NODE_WIDTH, top + max(len(self._inputs), 1) * ROW_HEIGHT / 2)
            for edge in self._edges:
                edge.update_path()
        elif not self._shown_detail and not pictures and drawn == (self._numbers, self._problem):
            return
        self._shown_detail = False
        if numbers and not resized:
            self.repaint_numbers()
        else:
            self.update()

    def _badge_width(self) -> float:
        fm = style.fonts().small_metrics
        return fm.horizontalAdvance(self.badge_text()) + BADGE_PAD

    @property
    def card_height(self) -> float:
        """The card's height in scene units (without the margin for ports and selection)."""
        return self._height

    def boundingRect(self) -> QRectF:
        return QRectF(-MARGIN, -MARGIN, NODE_WIDTH + 2 * MARGIN, self._height + 2 * MARGIN)

    def shape(self) -> QPainterPath:
        return QPainterPath(self._card)

    @property
    def heat_band(self) -> HeatBand:
        """The pictures of a tensor's value and gradient (for tests and exports)."""
        return self._band

    @property
    def has_heat_band(self) -> bool:
        """Whether the card has a heat-map band below its rows (a tensor's, or one to come)."""
        return self._height != self._rows_height

    def band_rect(self) -> QRectF | None:
        """The heat-map band in item coordinates; None for a card without one."""
        if not self.has_heat_band:
            return None
        return QRectF(0.0, self._rows_height - BODY_PADDING, NODE_WIDTH, BAND_HEIGHT)

    def itemChange(self, change: _Change, value: Any) -> Any:
        if change is _POSITION_CHANGE or change is _VISIBLE_CHANGED:
            self.touch_sheet()  # where it was, or where it shows or no longer shows
        elif change is _SELECTED_CHANGED:
            self.check_sheet()
        elif change is _SCENE_CHANGE:
            self.set_sheet(None)  # a sheet draws the cards of its own scene only
        elif change is _POSITION_CHANGED:
            self.touch_sheet()
            moves.moved()
            for edge in self._edges:
                edge.update_path()
            if self.block_item is not None:
                self.block_item.follow()
        return super().itemChange(change, value)
