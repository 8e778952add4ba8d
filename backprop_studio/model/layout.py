"""Automatic layout: data flows left to right, leaves sit by their op, long chains wrap.

Positions are plain ``(x, y)`` tuples in scene units so the canvas, the parser and the CLI share
them. The layout is deterministic (ties keep the graph's insertion order) so that laying out the
same graph twice never makes the canvas jump.

The steps: leaves that feed one op are attached to it (``layout_blocks``) and drawn above or
below it, as torchview and Model Explorer draw weights; the remaining core is layered by longest
path, ordered by barycentre sweeps, and each op is placed level with its inputs where there is
room (an isotonic regression per column, so the main path runs straight); finally the columns are
cut into bands stacked top to bottom, as many as make the picture closest to the canvas's shape,
so a long chain reads left to right like lines of text instead of one thin strip.
``benchmarks/layout.py`` compares this with igraph's Sugiyama layout and grandalf.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import networkx as nx

from .graph import Graph
from .layout_blocks import Block, attach_leaves

Position = tuple[float, float]

_SWEEPS = 4  # barycentre passes (alternating direction); more rarely helps a toy graph


# Room for a node card (240 wide on the canvas) plus the edge between two columns.
LAYER_GAP = 340.0
ROW_GAP = 120.0
ROW_SPACE = 34.0  # free space between two stacked cards of known height (room for a leaf's loop)
# Width / height of the canvas in a 1280×800 window with the default docks (778 × 538 pixels):
# the shape a layout aims for when it does not know the view it is drawn in.
CANVAS_ASPECT = 1.45


def layered_layout(
    graph: Graph,
    *,
    layer_gap: float = LAYER_GAP,
    row_gap: float = ROW_GAP,
    aspect: float | None = CANVAS_ASPECT,
    heights: Mapping[str, float] | None = None,
    leaves_by_op: bool = True,
) -> dict[str, Position]:
    """A position for every node: columns by longest path, leaves by their op, bands to fit.

    Shared sources sit one column left of their earliest consumer. ``aspect`` is the width /
    height of the view the graph will be shown in; the columns are cut into the number of bands
    that lets the whole graph be fitted largest into such a view (``None``: one band, however
    long). ``heights`` are the cards' heights: a node then takes its height plus ROW_SPACE
    instead of ``row_gap``, so short scalar cards pack closer than tall tensor ones. Weakly
    connected parts are stacked top to bottom in insertion order. ``leaves_by_op=False`` gives
    leaves a column of their own, left of their op: wider and shorter (a slide may want that).
    """
    dag = _dag(graph)
    rank = {name: i for i, name in enumerate(graph.names)}
    blocks = attach_leaves(graph, dag) if leaves_by_op else {n: Block(n) for n in graph.names}
    core = dag.subgraph(blocks).copy()  # a real graph: views are slow to walk
    pitch = {
        name: (heights[name] + ROW_SPACE if heights and name in heights else row_gap)
        for name in graph.names
    }
    positions: dict[str, Position] = {}
    top = 0.0
    parts = sorted(nx.weakly_connected_components(core), key=lambda c: min(rank[n] for n in c))
    lone = [n for p in parts for n in p if len(p) == 1 and dag.degree(n) == 0]
    for part in parts:
        if len(part) > 1:
            sub = core.subgraph(part).copy()
            columns = _ordered_columns(sub, rank)
        elif dag.degree(next(iter(part))) == 0:
            continue  # unconnected nodes go in a grid below the rest
        else:  # one op with its leaves: no need to walk the whole graph
            sub = nx.DiGraph()
            sub.add_nodes_from(part)
            columns = [list(part)]
        cells = _cells(columns, blocks, _place_rows(columns, blocks, sub, pitch), pitch)
        width = _band_width(cells, pitch, len(columns), layer_gap, row_gap, aspect)
        for first in range(0, len(columns), width):
            band = columns[first : first + width]
            if width < len(columns):  # each band placed on its own, so it packs tight
                inner = sub.subgraph([n for column in band for n in column]).copy()
                cells = _cells(band, blocks, _place_rows(band, blocks, inner, pitch), pitch)
            lo = min(y for _, y in cells.values())
            hi = max(y + pitch[name] for name, (_, y) in cells.items())
            for name, (col, y) in cells.items():
                positions[name] = (col * layer_gap, top + y - lo)
            top += hi - lo + row_gap
    if lone:  # rows as wide as the drawing above (or, alone, a block of the view's shape)
        step = max(pitch[n] for n in lone)
        if positions:
            per_row = int(max(x for x, _ in positions.values()) // layer_gap) + 1
        else:
            per_row = round(math.sqrt(len(lone) * (aspect or 1.0) * step / layer_gap))
        per_row = max(per_row, 1)
        for i, name in enumerate(lone):
            positions[name] = ((i % per_row) * layer_gap, top + (i // per_row) * step)
    return {name: positions[name] for name in graph.names}


def complete_layout(
    graph: Graph,
    known: Mapping[str, Position],
    *,
    layer_gap: float = LAYER_GAP,
    row_gap: float = ROW_GAP,
    heights: Mapping[str, float] | None = None,
) -> dict[str, Position]:
    """Positions for every node, keeping those in ``known`` and placing the rest near neighbours.

    This is what an editor needs after a text edit: nodes that survive stay where the user put
    them; a new node goes one column right of its placed inputs (or left of its placed consumers),
    nudged down until it overlaps nothing; unrelated new nodes follow the automatic layout, shifted
    to sit with the kept ones. ``heights`` are the cards' heights (as in ``layered_layout``):
    without them every card is taken to be ``row_gap`` high, and tall tensor cards would overlap.
    """
    kept = {name: (float(p[0]), float(p[1])) for name, p in known.items() if name in graph}
    auto = layered_layout(graph, layer_gap=layer_gap, row_gap=row_gap, heights=heights)
    if not kept:
        return auto
    dag = _dag(graph)
    rank = {name: i for i, name in enumerate(graph.names)}
    order = list(nx.lexicographical_topological_sort(dag, key=rank.__getitem__))
    grid = _Grid(layer_gap, row_gap)

    def tall(name: str) -> float:
        return heights[name] + ROW_SPACE if heights and name in heights else row_gap

    for name, pos in kept.items():
        grid.add(pos, tall(name))
    placed = dict(kept)

    def place(name: str, anchors: list[str], dx: float) -> None:
        x = (max if dx > 0 else min)(placed[a][0] for a in anchors) + dx
        y = sum(placed[a][1] for a in anchors) / len(anchors)
        placed[name] = grid.free_spot((x, y), tall(name))

    for name in order:  # forward: new nodes fed by placed nodes flow right
        inputs = [p for p in dag.predecessors(name) if p in placed]
        if name not in placed and inputs:
            place(name, inputs, layer_gap)
    for name in reversed(order):  # backward: new inputs of placed nodes sit to their left
        consumers = [s for s in dag.successors(name) if s in placed]
        if name not in placed and consumers:
            place(name, consumers, -layer_gap)
    dx = sum(kept[n][0] - auto[n][0] for n in kept) / len(kept)
    dy = sum(kept[n][1] - auto[n][1] for n in kept) / len(kept)
    for name in order:
        if name not in placed:
            placed[name] = grid.free_spot((auto[name][0] + dx, auto[name][1] + dy), tall(name))
    return {name: placed[name] for name in graph.names}


def _dag(graph: Graph) -> nx.DiGraph:
    dag = nx.DiGraph()
    dag.add_nodes_from(graph.names)
    dag.add_edges_from((e.src, e.dst) for e in graph.edges)
    return dag


def _ordered_columns(dag: nx.DiGraph, rank: Mapping[str, int]) -> list[list[str]]:
    """Columns of node names, each ordered to reduce edge crossings."""
    layer: dict[str, int] = {}
    for depth, generation in enumerate(nx.topological_generations(dag)):
        for name in generation:
            layer[name] = depth
    for name in layer:  # a source sits just left of its earliest consumer
        if dag.in_degree(name) == 0 and dag.out_degree(name) > 0:
            layer[name] = min(layer[s] for s in dag.successors(name)) - 1
    for name in reversed(list(nx.topological_sort(dag))):  # a side branch sits by its one use
        if dag.out_degree(name) == 1:
            layer[name] = layer[next(iter(dag.successors(name)))] - 1
    columns: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for name in sorted(layer, key=rank.__getitem__):
        columns[layer[name]].append(name)
    row: dict[str, float] = {}
    for column in columns:
        _set_rows(column, row)
    for sweep in range(_SWEEPS):
        forward = sweep % 2 == 0
        neighbours = dag.predecessors if forward else dag.successors
        for column in columns if forward else reversed(columns):
            keys = {}
            for name in column:
                near = [row[n] for n in neighbours(name)]
                keys[name] = sum(near) / len(near) if near else row[name]
            column.sort(key=lambda n: (keys[n], row[n]))
            _set_rows(column, row)
    return columns


def _place_rows(
    columns: list[list[str]],
    blocks: Mapping[str, Block],
    dag: nx.DiGraph,
    pitch: Mapping[str, float],
) -> dict[str, float]:
    """The y of each core node: level with its inputs where the column has room.

    Left to right, each op wishes to sit at the mean y of its inputs; then, right to left,
    sources without inputs wish to sit level with their consumers. Each column keeps its order.
    """
    y: dict[str, float] = {}
    for column in columns:
        wishes: list[float | None] = []
        for name in column:
            near = [y[p] for p in dag.predecessors(name) if p in y]
            wishes.append(sum(near) / len(near) if near else None)
        _pack(column, wishes, blocks, pitch, y)
    for column in reversed(columns):
        wishes = []
        for name in column:
            near = [y[s] for s in dag.successors(name)] if dag.in_degree(name) == 0 else []
            wishes.append(sum(near) / len(near) if near else y[name])
        if wishes != [y[name] for name in column]:
            _pack(column, wishes, blocks, pitch, y)
    return y


def _pack(
    column: list[str],
    wishes: list[float | None],
    blocks: Mapping[str, Block],
    pitch: Mapping[str, float],
    y: dict[str, float],
) -> None:
    """The y of one column's blocks in order, none overlapping, as close to the wishes as can be.

    With ``u_i = top_i - (height of the blocks before i)`` the rule "no overlap, order kept" is
    just ``u`` non-decreasing, so the least-squares placement is an isotonic regression.
    """
    before, targets, weights = 0.0, [], []
    known = [w for w in wishes if w is not None]
    last = None
    for name, wish in zip(column, wishes):
        above = sum(pitch[n] for n in blocks[name].above)
        if wish is None:
            targets.append(last if last is not None else (known[0] - before if known else 0.0))
            weights.append(0.01)  # no wish: follow the neighbours
        else:
            last = wish - above - before
            targets.append(last)
            weights.append(1.0)
        before += _span(blocks[name], pitch)
    before = 0.0
    for name, u in zip(column, _isotonic(targets, weights)):
        block = blocks[name]
        y[name] = u + before + sum(pitch[n] for n in block.above)
        before += _span(block, pitch)


def _span(block: Block, pitch: Mapping[str, float]) -> float:
    return sum(pitch[n] for n in (*block.above, block.name, *block.below))


def _isotonic(values: list[float], weights: list[float]) -> list[float]:
    """The non-decreasing sequence nearest to ``values`` in weighted least squares (PAVA)."""
    pools: list[tuple[float, float, int]] = []  # (mean, weight, count)
    for value, weight in zip(values, weights):
        pools.append((value, weight, 1))
        while len(pools) > 1 and pools[-2][0] > pools[-1][0]:
            m2, w2, c2 = pools.pop()
            m1, w1, c1 = pools.pop()
            pools.append(((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2))
    out: list[float] = []
    for mean, _, count in pools:
        out.extend([mean] * count)
    return out


def _cells(
    columns: list[list[str]],
    blocks: Mapping[str, Block],
    ys: Mapping[str, float],
    pitch: Mapping[str, float],
) -> dict[str, tuple[int, float]]:
    """(column, y) of every node of the part, its attached leaves stacked above and below."""
    cells: dict[str, tuple[int, float]] = {}
    for col, column in enumerate(columns):
        for name in column:
            block, y = blocks[name], ys[name]
            cells[name] = (col, y)
            for leaf in reversed(block.above):
                y -= pitch[leaf]
                cells[leaf] = (col, y)
            y = ys[name] + pitch[name]
            for leaf in block.below:
                cells[leaf] = (col, y)
                y += pitch[leaf]
    return cells


def _band_width(
    cells: Mapping[str, tuple[int, float]],
    pitch: Mapping[str, float],
    n_columns: int,
    layer_gap: float,
    band_gap: float,
    aspect: float | None,
) -> int:
    """How many columns each band gets, so that the bands stacked ``band_gap`` apart fit
    largest into a view of width / height ``aspect`` (judged on the one-band placement)."""
    if aspect is None or aspect <= 0 or n_columns <= 1:
        return max(n_columns, 1)
    low = [math.inf] * n_columns
    high = [-math.inf] * n_columns
    for name, (col, y) in cells.items():
        low[col], high[col] = min(low[col], y), max(high[col], y + pitch[name])
    best_width, best_score = n_columns, -math.inf
    widths = sorted({math.ceil(n_columns / k) for k in range(1, n_columns + 1)}, reverse=True)
    for width in widths:  # balanced bands only: never a last band of one lonely column
        height = -band_gap
        for first in range(0, n_columns, width):
            span = range(first, min(first + width, n_columns))
            height += max(high[c] for c in span) - min(low[c] for c in span) + band_gap
        score = min(aspect / (width * layer_gap), 1.0 / height)
        if score > best_score * (1 + 1e-9):
            best_width, best_score = width, score
    return best_width


def _set_rows(column: list[str], row: dict[str, float]) -> None:
    """Centred row coordinates, so barycentres compare across columns of different heights."""
    middle = (len(column) - 1) / 2
    for j, name in enumerate(column):
        row[name] = j - middle


class _Grid:
    """Occupied spans (a card's top and the room it takes below it) hashed by cell, so finding
    a free spot stays fast on large graphs; a tall card is entered in every cell it covers."""

    def __init__(self, layer_gap: float, row_gap: float) -> None:
        self._w = max(layer_gap, 1e-9) / 2
        self._h = max(row_gap, 1.0) / 2
        self._cells: dict[tuple[int, int], list[tuple[float, float, float]]] = {}

    def _rows(self, top: float, bottom: float) -> range:
        return range(math.floor(top / self._h), math.floor(bottom / self._h) + 1)

    def add(self, pos: Position, tall: float) -> None:
        x, y = float(pos[0]), float(pos[1])
        span = (x, y, y + tall)
        for j in self._rows(y, y + tall):
            self._cells.setdefault((math.floor(x / self._w), j), []).append(span)

    def _blocker(self, x: float, y: float, tall: float) -> float | None:
        """The lowest bottom among the spans that ``tall`` at (x, y) would overlap, or None."""
        cx = math.floor(x / self._w)
        bottom = None
        for i in (cx - 1, cx, cx + 1):
            for j in self._rows(y, y + tall):
                for ox, top, end in self._cells.get((i, j), ()):
                    if abs(ox - x) < self._w and top < y + tall and y < end:
                        bottom = end if bottom is None else max(bottom, end)
        return bottom

    def free_spot(self, pos: Position, tall: float) -> Position:
        """``pos``, or the first spot below it that overlaps no node; the spot is then taken."""
        x, y = float(pos[0]), float(pos[1])
        while (below := self._blocker(x, y, tall)) is not None:
            y = below
        self.add((x, y), tall)
        return (x, y)
