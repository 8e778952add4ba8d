"""Automatic layout: data flows left to right, one column per step of the computation.

Positions are plain ``(x, y)`` tuples in scene units so the canvas, the parser and the CLI share
them. The layout is deterministic (ties keep the graph's insertion order) so that laying out the
same graph twice never makes the canvas jump.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import networkx as nx

from .graph import Graph

Position = tuple[float, float]

_SWEEPS = 4  # barycentre passes (alternating direction); more rarely helps a toy graph


# Room for a node card (240 wide on the canvas) plus the edge between two columns.
LAYER_GAP = 340.0
ROW_GAP = 120.0


def layered_layout(
    graph: Graph, *, layer_gap: float = LAYER_GAP, row_gap: float = ROW_GAP
) -> dict[str, Position]:
    """A position for every node: columns by longest path from the leaves, rows centred per column.

    Sources (leaves) sit one column left of their earliest consumer rather than all in the first
    column, so a constant feeding the last op stays next to it. Rows are ordered by a few
    barycentre sweeps to reduce crossings. Weakly connected parts are stacked top to bottom in
    insertion order, each centred on its own.
    """
    dag = _dag(graph)
    rank = {name: i for i, name in enumerate(graph.names)}
    positions: dict[str, Position] = {}
    top = 0.0
    parts = sorted(nx.weakly_connected_components(dag), key=lambda c: min(rank[n] for n in c))
    preds = {name: list(dag.pred[name]) for name in dag}  # plain lists: subgraph views cost
    succs = {name: list(dag.succ[name]) for name in dag}  # a filter call per neighbour
    for part in parts:
        columns = _ordered_columns(part, preds, succs, rank)
        height = max(len(col) for col in columns)
        centre = top + (height - 1) * row_gap / 2
        for i, column in enumerate(columns):
            offset = centre - (len(column) - 1) * row_gap / 2
            for j, name in enumerate(column):
                positions[name] = (i * layer_gap, offset + j * row_gap)
        top += height * row_gap
    return positions


def complete_layout(
    graph: Graph,
    known: Mapping[str, Position],
    *,
    layer_gap: float = LAYER_GAP,
    row_gap: float = ROW_GAP,
) -> dict[str, Position]:
    """Positions for every node, keeping those in ``known`` and placing the rest near neighbours.

    This is what an editor needs after a text edit: nodes that survive stay where the user put
    them; a new node goes one column right of its placed inputs (or left of its placed consumers),
    nudged down until it overlaps nothing; unrelated new nodes follow the automatic layout, shifted
    to sit with the kept ones.
    """
    kept = {name: (float(p[0]), float(p[1])) for name, p in known.items() if name in graph}
    auto = layered_layout(graph, layer_gap=layer_gap, row_gap=row_gap)
    if not kept:
        return auto
    dag = _dag(graph)
    rank = {name: i for i, name in enumerate(graph.names)}
    order = list(nx.lexicographical_topological_sort(dag, key=rank.__getitem__))
    grid = _Grid(layer_gap, row_gap)
    for pos in kept.values():
        grid.add(pos)
    placed = dict(kept)

    def place(name: str, anchors: list[str], dx: float) -> None:
        x = (max if dx > 0 else min)(placed[a][0] for a in anchors) + dx
        y = sum(placed[a][1] for a in anchors) / len(anchors)
        placed[name] = grid.free_spot((x, y))

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
            placed[name] = grid.free_spot((auto[name][0] + dx, auto[name][1] + dy))
    return {name: placed[name] for name in graph.names}


def _dag(graph: Graph) -> nx.DiGraph:
    dag = nx.DiGraph()
    dag.add_nodes_from(graph.names)
    dag.add_edges_from((e.src, e.dst) for e in graph.edges)
    return dag


def _ordered_columns(
    part: set[str],
    preds: Mapping[str, list[str]],
    succs: Mapping[str, list[str]],
    rank: Mapping[str, int],
) -> list[list[str]]:
    """Columns of the node names of one weakly connected ``part``, each ordered to reduce edge
    crossings; a column is a topological generation (the longest path from a source)."""
    layer: dict[str, int] = {}
    waiting = {name: len(preds[name]) for name in part}
    generation = [name for name, count in waiting.items() if count == 0]
    depth = 0
    while generation:
        following = []
        for name in generation:
            layer[name] = depth
            for s in succs[name]:
                waiting[s] -= 1
                if waiting[s] == 0:
                    following.append(s)
        generation, depth = following, depth + 1
    for name in layer:  # a source sits just left of its earliest consumer
        if not preds[name] and succs[name]:
            layer[name] = min(layer[s] for s in succs[name]) - 1
    columns: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for name in sorted(layer, key=rank.__getitem__):
        columns[layer[name]].append(name)
    row: dict[str, float] = {}
    for column in columns:
        _set_rows(column, row)
    for sweep in range(_SWEEPS):
        forward = sweep % 2 == 0
        neighbours = preds if forward else succs
        for column in columns if forward else reversed(columns):
            keys = {}
            for name in column:
                near = [row[n] for n in neighbours[name]]
                keys[name] = sum(near) / len(near) if near else row[name]
            column.sort(key=lambda n: (keys[n], row[n]))
            _set_rows(column, row)
    return columns


def _set_rows(column: list[str], row: dict[str, float]) -> None:
    """Centred row coordinates, so barycentres compare across columns of different heights."""
    middle = (len(column) - 1) / 2
    for j, name in enumerate(column):
        row[name] = j - middle


class _Grid:
    """Occupied spots hashed by cell, so finding a free spot stays fast on large graphs."""

    def __init__(self, layer_gap: float, row_gap: float) -> None:
        self._w = max(layer_gap, 1e-9) / 2
        self._h = max(row_gap, 1e-9) / 2
        self._row_gap = max(row_gap, 1.0)
        self._cells: dict[tuple[int, int], list[Position]] = {}

    def _cell(self, pos: Position) -> tuple[int, int]:
        return (math.floor(pos[0] / self._w), math.floor(pos[1] / self._h))

    def add(self, pos: Position) -> None:
        self._cells.setdefault(self._cell(pos), []).append(pos)

    def _taken(self, pos: Position) -> bool:
        cx, cy = self._cell(pos)
        for i in (cx - 1, cx, cx + 1):
            for j in (cy - 1, cy, cy + 1):
                for x, y in self._cells.get((i, j), ()):
                    if abs(x - pos[0]) < self._w and abs(y - pos[1]) < self._h:
                        return True
        return False

    def free_spot(self, pos: Position) -> Position:
        """``pos``, or the first spot below it that overlaps no node; the spot is then taken."""
        x, y = float(pos[0]), float(pos[1])
        while self._taken((x, y)):
            y += self._row_gap
        self.add((x, y))
        return (x, y)
