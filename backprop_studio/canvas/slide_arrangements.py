"""The arrangements a slide measures, as positions for every node: the textbook ones
(``model.slide_layout``: leaves left of their op, the main path turning down the last column)
measured on the slide's scene, and the canvas layout's, both ways round and cut into bands.

The textbook ones take the cards as drawn (a collapsed block is its one card) and where each edge
leaves and enters them. A collapsed block's card is centred on its anchor member, so the anchor
is placed to put the card where the layout wants it; hidden members keep their places about the
anchor, so the block opened again on the reopened slide looks as it did on the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetricsF

from backprop_studio.model.graph import Graph
from backprop_studio.model.layout import Position, layered_layout
from backprop_studio.model.slide_layout import Wire, folded_layout, op_layers

from . import style
from .items.block import BlockItem
from .items.edge import EdgeItem
from .items.edge_label import LABEL_CLEARANCE
from .items.node import NodeItem
from .scene import GraphScene
from .style import LAYOUT_LAYER_GAP, LAYOUT_ROW_GAP, NODE_WIDTH

LEFT_TO_RIGHT, TOP_TO_BOTTOM = "left to right", "top to bottom"
TURNING_DOWN = "left to right, turning down"
Key = tuple[str, str]  # orientation, which variant of it
COLUMN_SPACE = 70.0  # between two columns of cards: an S-curve and its label, or a U-turn
_MAX_TURN = 8  # the most columns tried before the main path turns down
_MAX_CARDS = 200  # past this many cards, only the canvas layout's arrangements are tried
_SIDE_SPACE = 40.0  # top to bottom: between two cards side by side (room for a curve)
_LAYER_SPACE = 64.0  # top to bottom: between two rows of cards (room for the edge labels)
_CLOSE_LAYER_GAP = NODE_WIDTH + 70.0  # leaves in a column of their own: columns a little closer
_CLOSE_ROW_GAP = 100.0  # and bands too (room left for a returning edge and its label)
_BAND_SHAPES = (1.0, 0.5, 2.0, None)  # × the frame's width / height; None: one band
_ROW_SPACE = 34.0  # model.layout.ROW_SPACE: what the layout adds to a card's given height


def arrangements(
    scene: GraphScene, heights: dict[str, float], aspect: float, shown: set[str]
) -> dict[Key, dict]:
    """The textbook arrangements (:func:`folded_arrangements`: leaves left of their op, the main
    path turning down at each possible column), then the canvas layout's: both orientations,
    leaves stacked by their op or in a column of their own, each cut into bands for a few
    shapes around the frame's. Edge loops, block frames and labels take room no layout sees, so each is measured."""
    graph = scene.graph
    assert graph is not None
    out: dict[Key, dict] = {}
    folded = folded_arrangements(scene)
    for turn, positions in folded.items():
        orientation = LEFT_TO_RIGHT if turn == max(folded) else TURNING_DOWN
        out[(orientation, f"turn {turn}")] = positions
    for by_op in (True, False):
        for factor in _BAND_SHAPES:
            shape = None if factor is None else aspect * factor
            across = layered_layout(
                graph,
                layer_gap=LAYOUT_LAYER_GAP if by_op else _CLOSE_LAYER_GAP,
                row_gap=LAYOUT_ROW_GAP if by_op else _CLOSE_ROW_GAP,
                aspect=shape,
                heights=heights,
                leaves_by_op=by_op,
            )
            variant = f"{'by op' if by_op else 'leaf column'}, bands {factor}"
            out[(LEFT_TO_RIGHT, variant)] = _compact(across, shown)
            turned = _top_to_bottom(graph, heights, shape, by_op)
            out[(TOP_TO_BOTTOM, variant)] = _compact(turned, shown)
    return out


def _top_to_bottom(
    graph: Graph, heights: dict[str, float], aspect: float | None, by_op: bool
) -> dict:
    """The layered layout turned a quarter: layers become rows, a card's width its pitch."""
    widths = {name: NODE_WIDTH + _SIDE_SPACE - _ROW_SPACE for name in heights}
    turned = layered_layout(
        graph,
        layer_gap=max(heights.values()) + _LAYER_SPACE,
        row_gap=NODE_WIDTH + _SIDE_SPACE,
        aspect=None if aspect is None else 1.0 / aspect,
        heights=widths,
        leaves_by_op=by_op,
    )
    return {name: (y, x) for name, (x, y) in turned.items()}


def _compact(positions: dict, shown: set[str]) -> dict:
    """Rows and columns that only hidden members of collapsed blocks use are closed up, so a
    collapsed block takes the room of one card instead of that of all its members."""
    out = dict(positions)
    for axis in (0, 1):
        values = sorted({round(p[axis], 6) for p in out.values()})
        taken = {round(out[name][axis], 6) for name in shown if name in out}
        offset, shift = {}, 0.0
        for value, after in zip(values, [*values[1:], None]):
            offset[value] = shift
            if value not in taken and after is not None:
                shift += after - value
        for name, position in out.items():
            moved = list(position)
            moved[axis] -= offset[round(position[axis], 6)]
            out[name] = (moved[0], moved[1])
    return out


def folded_arrangements(scene: GraphScene) -> dict[int, dict[str, Position]]:
    """Positions for every node, for each place the main path can turn down (1: after the
    first op column; the largest: never, one row). Up to _MAX_TURN columns before the turn (a
    slide holds no more), and none past _MAX_CARDS cards (too many to read on a slide)."""
    graph = scene.graph
    assert graph is not None
    if len(scene.node_items()) > _MAX_CARDS:
        return {}
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
    for turn in sorted({*range(1, min(layers, _MAX_TURN) + 1), layers}):
        laid = folded_layout(
            names, wires, heights, turn, card_width=NODE_WIDTH, column_space=COLUMN_SPACE
        )
        out[turn] = _positions(laid, cards, unit, before)
    return out


def _label_room(edge: EdgeItem, metrics: QFontMetricsF) -> float:
    """How long an edge must be for its label to be drawn (``EdgeItem`` hides the
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
