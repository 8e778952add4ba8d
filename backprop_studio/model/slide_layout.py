"""A slide's arrangement: the graph as a textbook draws it, data flowing left to right, each leaf
just left of the op it feeds and level with its port, the main path turning down the last column
when the slide is too narrow for it (instead of wrapping back across the slide).

Columns hold the ops by longest path (column 0 the first ops' leaves); from the ``turn``-th op
column on, the ops go one under another in the last column, each chain edge a short U-turn
beside the cards, and their leaves in the column to their left. Each column keeps the order of
a walk back from the outputs through the inputs in port order, so a tree draws with no crossing.

Pure Python on card sizes the canvas measures (``Wire`` carries where an edge leaves and enters
its two cards), so it is tested without Qt.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from .layout import Position, _isotonic

ROW_SPACE = 34.0  # between two cards one under the other (the canvas layout's)
PORT_ROOM = 8.0  # an edge ends this far left of its input port (the port, then the arrow's tip)
TURN_SPACE = 46.0  # between two cards a U-turn runs between: its run and label; under a
# block frame's two pads (24 each), so one block's cards one under another stay one frame


@dataclass(frozen=True)
class Wire:
    """An edge between two cards: ``src`` leaves ``out_y`` below its card's top, enters ``dst``
    ``in_y`` below its top; ``port`` orders a card's inputs (0 the highest); ``room`` is the
    gap it wants between two columns (its label drawn, not hidden for want of room)."""

    src: str
    dst: str
    out_y: float
    in_y: float
    port: int
    room: float = 0.0


def op_layers(names: Sequence[str], wires: Sequence[Wire]) -> dict[str, int]:
    """The layer of each op (a card fed by another): longest path over ops only, so a leaf never
    pushes its op a column right. Leaves are not in the result. The graph is acyclic (the
    model refuses an edge that closes a cycle)."""
    dag = nx.DiGraph()
    dag.add_nodes_from(names)
    dag.add_edges_from((w.src, w.dst) for w in wires)
    layer: dict[str, int] = {}
    for name in nx.topological_sort(dag):
        if dag.in_degree(name):
            layer[name] = 1 + max(
                (layer[p] for p in dag.predecessors(name) if p in layer), default=-1
            )
    return layer


def folded_layout(
    names: Sequence[str],
    wires: Sequence[Wire],
    heights: Mapping[str, float],
    turn: int,
    *,
    card_width: float,
    column_space: float,
) -> dict[str, Position]:
    """The top-left corner of each card. Op layers ``0 .. turn - 1`` take a column each (right
    of their leaves' column), later layers go under the last of them; ``turn`` at or past the
    number of layers lays the whole graph out in one row of columns. Two columns are
    ``column_space`` apart, or as far as the widest ``room`` of a wire from one to the next."""
    wires = [w for w in wires if w.src != w.dst]
    layer = op_layers(names, wires)
    rank = {name: i for i, name in enumerate(names)}
    consumers: dict[str, list[Wire]] = {name: [] for name in names}
    inputs: dict[str, list[Wire]] = {name: [] for name in names}
    for wire in wires:
        consumers[wire.src].append(wire)
        inputs[wire.dst].append(wire)
    order = _walk_order(names, inputs, consumers)
    turn = max(1, min(turn, max(layer.values(), default=0) + 1))
    owner = {  # a leaf sits by its earliest consumer
        name: min(consumers[name], key=lambda w: (layer[w.dst], rank[w.dst])).dst
        for name in names
        if name not in layer and consumers[name]
    }
    column: dict[str, int] = {op: min(depth, turn - 1) + 1 for op, depth in layer.items()}
    column.update({leaf: column[op] - 1 for leaf, op in owner.items()})
    tail = {op for op, depth in layer.items() if depth >= turn}
    tail |= {leaf for leaf, op in owner.items() if op in tail}
    y: dict[str, float] = {}
    top = [n for n in names if n in column and n not in tail]
    _place_columns(top, column, order, inputs, owner, heights, y)
    ops = sorted((op for op in tail if op in layer), key=lambda n: (layer[n], order[n]))
    _place_tail(ops, column, owner, inputs, heights, y)
    lone = [n for n in names if n not in column]  # cards with no edge: a row underneath
    bottom = max((y[n] + heights[n] for n in y), default=-TURN_SPACE) + TURN_SPACE
    for i, name in enumerate(lone):
        column[name], y[name] = i, bottom
    gaps = [column_space] * (max(column.values()) + 1)
    for wire in wires:  # a wire between two columns is as long as its gap and its drop give
        if column[wire.dst] == column[wire.src] + 1:
            drop = (y[wire.dst] + wire.in_y) - (y[wire.src] + wire.out_y)
            across = math.sqrt(max(0.0, wire.room**2 - drop**2)) + PORT_ROOM
            gaps[column[wire.src]] = max(gaps[column[wire.src]], across)
    left = [0.0]
    for gap in gaps:
        left.append(left[-1] + card_width + gap)
    return {name: (left[column[name]], y[name]) for name in names}


def _walk_order(
    names: Sequence[str], inputs: Mapping[str, list[Wire]], consumers: Mapping[str, list[Wire]]
) -> dict[str, int]:
    """Each card's place in a walk back from the outputs, inputs in port order (post-order): a
    column sorted by it draws a tree's wires without crossing."""
    order: dict[str, int] = {}

    def visit(name: str) -> None:
        stack = [(name, False)]
        while stack:
            current, done = stack.pop()
            if done:
                order.setdefault(current, len(order))
                continue
            if current in order:
                continue
            stack.append((current, True))
            for wire in sorted(inputs[current], key=lambda w: w.port, reverse=True):
                if wire.src not in order:
                    stack.append((wire.src, False))

    for name in names:
        if not consumers[name]:
            visit(name)
    for name in names:  # what only a cycle reaches
        visit(name)
    return order


def _place_columns(
    cards: list[str],
    column: Mapping[str, int],
    order: Mapping[str, int],
    inputs: Mapping[str, list[Wire]],
    owner: Mapping[str, str],
    heights: Mapping[str, float],
    y: dict[str, float],
) -> None:
    """The columns before the turn: each op level with its inputs' wires (left to right), then
    each leaf level with its op's port (right to left), then the ops again."""
    if not cards:
        return
    columns: list[list[str]] = [[] for _ in range(max(column[n] for n in cards) + 1)]
    for name in sorted(cards, key=order.__getitem__):
        columns[column[name]].append(name)

    def from_inputs(name: str) -> float | None:
        near = [y[w.src] + w.out_y - w.in_y for w in inputs[name] if w.src in y]
        return sum(near) / len(near) if near else y.get(name)

    def from_owner(name: str) -> float | None:
        op = owner.get(name)
        if op is None or op not in y:
            return y.get(name)
        wire = next(w for w in inputs[op] if w.src == name)
        return y[op] + wire.in_y - wire.out_y

    for wish in (from_inputs, from_owner, from_inputs):
        ranges = columns if wish is from_inputs else columns[::-1]
        for names in ranges:
            _pack(names, [wish(n) for n in names], heights, y)


def _place_tail(
    ops: list[str],
    column: Mapping[str, int],
    owner: Mapping[str, str],
    inputs: Mapping[str, list[Wire]],
    heights: Mapping[str, float],
    y: dict[str, float],
) -> None:
    """The ops after the turn, one under another in the last column, each a U-turn's room below
    the card above it and level with its leaves, which stack in the column to the left."""
    for op in ops:
        mine = sorted((w for w in inputs[op] if owner.get(w.src) == op), key=lambda w: w.port)
        here, left = column[op], column[op] - 1
        below = _bottom(y, column, heights, here) + TURN_SPACE
        # the leaves stacked as one piece, centred on the ports they feed
        offsets, at = [], 0.0
        for wire in mine:
            offsets.append(at)
            at += heights[wire.src] + ROW_SPACE
        shift, ports = 0.0, 0.0
        if mine:
            ports = sum(w.in_y - w.out_y - o for w, o in zip(mine, offsets)) / len(mine)
            room = _bottom(y, column, heights, left) + ROW_SPACE
            shift = max(0.0, room - (below + ports))
        y[op] = below + shift
        for wire, offset in zip(mine, offsets):
            y[wire.src] = y[op] + ports + offset


def _bottom(
    y: Mapping[str, float], column: Mapping[str, int], heights: Mapping[str, float], col: int
) -> float:
    """The lowest card edge in column ``col`` so far (minus a row's space when it is empty)."""
    return max((y[n] + heights[n] for n in y if column[n] == col), default=-ROW_SPACE)


def _pack(
    names: list[str],
    wishes: list[float | None],
    heights: Mapping[str, float],
    y: dict[str, float],
) -> None:
    """One column's cards in order, ROW_SPACE apart, as near their wishes as can be (least
    squares: an isotonic regression of each top less the heights above it)."""
    targets, weights, before = [], [], 0.0
    known = [w for w in wishes if w is not None]
    last = known[0] if known else 0.0
    for name, wish in zip(names, wishes):
        if wish is not None:
            last = wish - before
        targets.append(last)  # no wish: follow the card above
        weights.append(1.0 if wish is not None else 0.01)
        before += heights[name] + ROW_SPACE
    before = 0.0
    for name, u in zip(names, _isotonic(targets, weights)):
        y[name] = u + before
        before += heights[name] + ROW_SPACE
