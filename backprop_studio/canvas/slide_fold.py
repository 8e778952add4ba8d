"""The textbook arrangements of a slide (``model.slide_layout``) measured on its scene: the cards
as drawn (a collapsed block is its one card), where each edge leaves and enters them, and the
positions that puts every node at, hidden members included.

A collapsed block's card is centred on its anchor member, so the anchor is placed to put the
card where the layout wants it; hidden members keep their places about the anchor, so the
block opened again on the reopened slide looks as it did on the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetricsF

from backprop_studio.model.layout import Position
from backprop_studio.model.slide_layout import Wire, folded_layout, op_layers

from . import style
from .items.block import BlockItem
from .items.edge import LABEL_CLEARANCE, EdgeItem
from .items.node import NodeItem
from .scene import GraphScene
from .style import NODE_WIDTH

COLUMN_SPACE = 70.0  # between two columns of cards: an S-curve and its label, or a U-turn


def folded_candidates(scene: GraphScene) -> dict[int, dict[str, Position]]:
    """Positions for every node, for each place the main path can turn down (1: after the
    first op column; the last: never, one row)."""
    graph = scene.graph
    assert graph is not None
    cards: dict[str, NodeItem | BlockItem] = {}
    unit: dict[str, str] = {}
    for block in scene.block_items().values():
        anchor = block.anchor() if block.collapsed else None
        if anchor is not None:
            cards[anchor.name] = block
            unit.update({member: anchor.name for member in block.members})
    for name, item in scene.node_items().items():
        unit.setdefault(name, name)
        if unit[name] == name:
            cards[name] = item
    names = [name for name in graph.names if name in cards]
    wires = []
    metrics = QFontMetricsF(style.fonts().small)
    for edge, item in scene.edge_items().items():
        src, dst = unit.get(edge.src), unit.get(edge.dst)
        if src is None or dst is None or src == dst:
            continue
        leave = item.src_via.output_anchor_of(edge) if item.src_via else _out(item.src_item)
        enter = item.dst_via.input_anchor_of(edge) if item.dst_via else None
        if enter is None:
            enter = item.dst_item.input_anchor(edge.port)
        out_y = leave.y() - _top(cards[src])
        in_y = enter.y() - _top(cards[dst])
        wires.append(Wire(src, dst, out_y, in_y, round(in_y), _label_room(item, metrics)))
    heights = {name: _height(card) for name, card in cards.items()}
    layers = max(op_layers(names, wires).values(), default=0) + 1
    before = {node.name: node.position for node in graph}

    out = {}
    for turn in range(1, layers + 1):
        laid = folded_layout(
            names, wires, heights, turn, card_width=NODE_WIDTH, column_space=COLUMN_SPACE
        )
        out[turn] = _positions(laid, cards, unit, before)
    return out


def _label_room(edge: EdgeItem, metrics: QFontMetricsF) -> float:
    """The gap between two columns an edge's label needs to be drawn (``EdgeItem`` hides the
    pill of an edge shorter than the pill and its clearance on each side)."""
    if not edge.label:
        return 0.0
    pill = metrics.horizontalAdvance(edge.label) + 10.0
    return pill + 2 * LABEL_CLEARANCE + 2.0


def _out(item: NodeItem) -> QPointF:
    return item.output_anchor()


def _top(card: NodeItem | BlockItem) -> float:
    return card.scenePos().y()


def _height(card: NodeItem | BlockItem) -> float:
    return card.card_height() if isinstance(card, BlockItem) else card.card_height


def _positions(
    laid: dict[str, Position],
    cards: dict[str, NodeItem | BlockItem],
    unit: dict[str, str],
    before: dict[str, Position],
) -> dict[str, Position]:
    """Each node's position: a card's corner as laid, a collapsed block's anchor placed so the
    block's card is, and its hidden members about it as they were about the anchor."""
    anchors: dict[str, Position] = {}
    for name, (x, y) in laid.items():
        card = cards[name]
        if isinstance(card, BlockItem):
            anchor = card.anchor()
            assert anchor is not None
            y += (card.card_height() - anchor.card_height) / 2
        anchors[name] = (x, y)
    out = {}
    for member, name in unit.items():
        x, y = anchors[name]
        dx, dy = before[member][0] - before[name][0], before[member][1] - before[name][1]
        out[member] = (x + dx, y + dy)
    return out
