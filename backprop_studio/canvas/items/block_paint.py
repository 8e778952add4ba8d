"""How a block is drawn: the dashed frame with its title tab around expanded members, and the
collapsed card with one port per boundary edge. Plain functions of what is shown (no item
state), so the item (``block.py``) keeps only geometry, state and mouse handling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from .. import style
from ..style import (
    BODY_PADDING,
    CORNER_RADIUS,
    HEADER_HEIGHT,
    NODE_WIDTH,
    PORT_RADIUS,
    ROW_HEIGHT,
    TEXT_MARGIN,
    Theme,
)
from .node_summary import Summary, paint_summary

TAB_FONT_SCALE = 1.6  # the frame's name stays readable when a fitted network is zoomed out
BUTTON = 16.0  # the collapse / expand button
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class CardLook:
    """What a collapsed block's card shows."""

    height: float
    name: str
    count: str  # "3 nodes"
    inputs: list[str]  # a label per input port, top to bottom
    outputs: list[str]


def port_y(row: int) -> float:
    """The height of port ``row`` on a collapsed card, in the card's coordinates."""
    return HEADER_HEIGHT + ROW_HEIGHT + BODY_PADDING + (row + 0.5) * ROW_HEIGHT


def paint_frame(
    painter: QPainter, theme: Theme, hull: QPainterPath, tab: QRectF, title: QRectF, name: str
) -> None:
    fill = QColor(theme.output_border)
    fill.setAlphaF(0.05)
    painter.setPen(QPen(theme.muted, 1.2, Qt.PenStyle.DashLine))
    painter.setBrush(QBrush(fill))
    outline = QPainterPath(hull)
    band = QPainterPath()
    band.addRoundedRect(tab, CORNER_RADIUS + 3, CORNER_RADIUS + 3)
    painter.drawPath(outline.united(band))
    painter.setFont(_tab_font())
    painter.setPen(theme.text)
    painter.drawText(title, _LEFT, name)


def paint_card(
    painter: QPainter,
    theme: Theme,
    look: CardLook,
    selected: bool,
    summary_of: Callable[[float], Summary],
    button: QRectF | None,
) -> None:
    """A collapsed block's card; ``button`` is where its expand button goes (None: none, as
    in an export)."""
    f = style.fonts()
    w, h = NODE_WIDTH, look.height
    card = QPainterPath()
    card.addRoundedRect(QRectF(0, 0, w, h), CORNER_RADIUS, CORNER_RADIUS)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.card)
    painter.drawPath(card)
    header = QPainterPath()
    header.addRoundedRect(QRectF(0, 0, w, HEADER_HEIGHT), CORNER_RADIUS, CORNER_RADIUS)
    header.addRect(QRectF(0, HEADER_HEIGHT / 2, w, HEADER_HEIGHT / 2))
    header.setFillRule(Qt.FillRule.WindingFill)  # the union (odd-even left the lower half out)
    tint = QColor(theme.output_border)
    tint.setAlphaF(0.14)
    painter.setBrush(tint)
    painter.drawPath(header.simplified())
    lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
    if lod < style.DETAIL_ZOOM:
        paint_summary(
            painter, summary_of(lod), QRectF(0, 0, w, h), HEADER_HEIGHT, lod, theme.text,
            theme.muted,
        )  # fmt: skip
    else:
        painter.setFont(f.title)
        painter.setPen(theme.text)
        title = QRectF(TEXT_MARGIN, 0, w - 2 * TEXT_MARGIN - BUTTON - 6.0, HEADER_HEIGHT)
        painter.drawText(
            title,
            _LEFT,
            f.title_metrics.elidedText(look.name, Qt.TextElideMode.ElideRight, title.width()),
        )
        painter.setFont(f.small)
        painter.setPen(theme.muted)
        count = QRectF(0, HEADER_HEIGHT + BODY_PADDING / 2, w, ROW_HEIGHT)
        painter.drawText(count, _CENTER, f"block · {look.count}")
        _paint_port_labels(painter, look)
    _paint_ports(painter, theme, len(look.inputs), len(look.outputs))
    border = QPen(theme.selection, 2.2) if selected else QPen(theme.output_border, 1.4)
    painter.setPen(border)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(card)
    painter.setPen(QPen(theme.output_border, 1.0, Qt.PenStyle.DashLine))
    painter.drawRoundedRect(QRectF(3, 3, w - 6, h - 6), CORNER_RADIUS - 2, CORNER_RADIUS - 2)
    if button is not None:
        paint_button(painter, theme, button, "+")


def _paint_port_labels(painter: QPainter, look: CardLook) -> None:
    half = NODE_WIDTH / 2 - PORT_RADIUS - 8.0
    for side, labels in ((_LEFT, look.inputs), (_RIGHT, look.outputs)):
        for row, label in enumerate(labels):
            y = port_y(row) - ROW_HEIGHT / 2
            x = PORT_RADIUS + 4.0 if side == _LEFT else NODE_WIDTH / 2 + 4.0
            text = style.fonts().small_metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, half)
            painter.drawText(QRectF(x, y, half, ROW_HEIGHT), side, text)


def _paint_ports(painter: QPainter, theme: Theme, inputs: int, outputs: int) -> None:
    painter.setPen(QPen(theme.port, 1.4))
    painter.setBrush(QBrush(theme.port))
    for row in range(inputs):
        painter.drawEllipse(QPointF(0.0, port_y(row)), PORT_RADIUS, PORT_RADIUS)
    for row in range(outputs):
        painter.drawEllipse(QPointF(NODE_WIDTH, port_y(row)), PORT_RADIUS, PORT_RADIUS)


def paint_button(painter: QPainter, theme: Theme, rect: QRectF, sign: str) -> None:
    painter.setPen(QPen(theme.muted, 1.0))
    painter.setBrush(theme.card)
    painter.drawRoundedRect(rect, 3.0, 3.0)
    painter.setFont(style.fonts().title)
    painter.setPen(theme.text)
    painter.drawText(rect, _CENTER, sign)


@lru_cache(maxsize=1)
def _tab_font() -> QFont:
    font = QFont(style.fonts().title)
    font.setPointSizeF(font.pointSizeF() * TAB_FONT_SCALE)
    return font
