"""What a Trace puts on the canvas: each card's value, gradient, shape and problem, and each
edge's gradient, read from the graph and the shown Trace (the scene only asks for it).

On a big graph the cards and edges in sight are filled first and the rest a chunk at a time
between frames: a new trace on a fitted network of 1,000 cards and 1,500 edges reaches the
screen after the few hundred items a view shows, not after all of them, and a training run
that brings traces faster than the off-screen items can follow only ever fills them with the
latest one. Anything that reads every item (an export, a test) calls :meth:`flush` first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRectF, QTimer, Signal

from ..model.analysis import Analysis
from ..model.graph import Edge, Graph
from ..model.shapes import Value
from ..model.trace import Trace
from .items import EdgeItem, NodeItem, moves

DEFER_MIN_ITEMS = 600  # below this many cards and edges everything is filled at once
CHUNK_ITEMS = 250  # off-screen items filled per turn of the event loop
CHUNK_GAP_MS = 4  # between two chunks, so a frame (and the user's input) comes first


def edge_flows(trace: Trace | None) -> EdgeFlows:
    """Per edge: (its gradient contribution, its local derivative, the gradient of its end)."""
    return EdgeFlows(trace)


class EdgeFlows(Mapping[Edge, tuple]):
    """:func:`edge_flows` of a trace, read from it edge by edge when asked: a new trace on a
    big graph fills the few hundred edges in sight first, and building all 1,500 edges'
    tuples up front cost as much as filling them."""

    def __init__(self, trace: Trace | None) -> None:
        self._trace = trace
        self._index = _edge_index(trace.edges) if trace is not None else {}
        self._count = min(len(trace.edges), len(trace.edge_grads)) if trace is not None else 0

    def __getitem__(self, edge: Edge) -> tuple:
        flow = self.get(edge)
        if flow is None:
            raise KeyError(edge)
        return flow

    def get(  # type: ignore[override]
        self, edge: Edge, default: tuple | None = None
    ) -> tuple | None:
        """As ``self[edge]``, without the KeyError (a new trace asks for every edge in sight)."""
        i = self._index.get(edge)
        trace = self._trace
        if i is None or i >= self._count or trace is None:
            return default
        local = trace.local_grads[i] if i < len(trace.local_grads) else None
        return (trace.edge_grads[i], local, trace.grads.get(edge.dst))

    def __iter__(self) -> Iterator[Edge]:
        return (e for e, i in self._index.items() if i < self._count)

    def __len__(self) -> int:
        return sum(1 for _ in self)


_last_index: tuple[tuple[Edge, ...], dict[Edge, int]] = ((), {})


def _edge_index(edges: tuple[Edge, ...]) -> dict[Edge, int]:
    """Where each edge is in a trace's ``edges``, kept for the next trace of the same edges (a
    training run's traces share them; the tuples compare item by item, by identity first)."""
    global _last_index
    last, index = _last_index
    if edges is not last and edges != last:
        index = {edge: i for i, edge in enumerate(edges)}
        _last_index = (edges, index)
    return index


@dataclass(frozen=True)
class CardNumbers:
    """What every card is to show, worked out once per trace or edit (not once per card)."""

    graph: Graph | None
    trace: Trace | None
    analysis: Analysis
    problems: Mapping[str, str]
    output: str | None
    stale: bool  # a trace older than the graph: an edited leaf shows the value just typed
    traced_problems: bool  # the trace names a problem of some node

    @classmethod
    def of(cls, graph: Graph | None, trace: Trace | None, analysis: Analysis) -> CardNumbers:
        problems: dict[str, str] = {}
        for problem in analysis.problems:
            if problem.node is not None:
                problems.setdefault(problem.node, problem.message)
        output = graph.output if graph is not None else (trace.output if trace else None)
        stale = trace is not None and graph is not None and trace.older_than(graph.revision)
        traced = trace is not None and bool(trace.problems or trace.error_node is not None)
        return cls(graph, trace, analysis, problems, output, stale, traced)

    def fill(self, name: str, item: NodeItem) -> None:
        """Give one card its numbers, problem and output mark."""
        trace = self.trace
        if trace is not None and name in trace.values:
            value = self._leaf_value(name) if self.stale else None
            if value is None:
                value = trace.values[name]
            item.set_data(value, trace.grads.get(name), trace.shapes.get(name))
        else:
            item.set_data(self._leaf_value(name), None, self.analysis.shapes.get(name))
        message = self.problems.get(name)
        if message is None and self.traced_problems:
            message = trace.problem_of(name)  # type: ignore[union-attr]
        item.set_problem(message)
        item.set_output(name == self.output)

    def _leaf_value(self, name: str) -> Value | None:
        """The value of leaf ``name`` in the graph (None: not a leaf, or no such node)."""
        graph = self.graph
        node = graph.node(name) if graph is not None and name in graph else None
        return node.value if node is not None and node.is_leaf else None


@dataclass(frozen=True)
class Sight:
    """The cards and edges in and out of the views' sight, each in the scene's order."""

    near_cards: list[str]
    far_cards: dict[str, None]  # ordered sets, copied for each trace (a copy does not hash)
    near_edges: list[Edge]
    far_edges: dict[Edge, None]


class TraceDisplay(QObject):
    """Fills the scene's cards and edges from a trace: those in sight now, the rest soon after.

    ``in_sight`` gives the scene rectangles the views show (none: fill everything at once)."""

    resized = Signal()  # filling the items moved or resized a card or an edge (not a recolour)

    def __init__(
        self,
        nodes: Mapping[str, NodeItem],
        edges: Mapping[Edge, EdgeItem],
        in_sight: Callable[[], list[QRectF]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._nodes, self._edges = nodes, edges
        self._in_sight = in_sight
        self._numbers: CardNumbers | None = None
        self._flows: Mapping[Edge, tuple] = {}
        self._cards_due: dict[str, None] = {}  # ordered sets: filled in the graph's order
        self._edges_due: dict[Edge, None] = {}
        self._sight: Sight | None = None  # what was in sight when ``_sight_key`` held
        self._sight_key: tuple = ()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHUNK_GAP_MS)
        self._timer.timeout.connect(self._next_chunk)

    @property
    def pending(self) -> int:
        """How many cards and edges still show an older trace."""
        return len(self._cards_due) + len(self._edges_due)

    def show(self, numbers: CardNumbers, flows: Mapping[Edge, tuple] | None = None) -> None:
        """Show ``numbers`` on every card, and ``flows`` (None: keep the edges') on every edge."""
        self._numbers = numbers
        if flows is not None:
            self._flows = flows
            count = len(self._nodes) + len(self._edges)
        else:  # an edit: the cards change; edges still due from the last trace stay due
            count = len(self._nodes) + len(self._edges_due)
        sight = self._near(count)
        if sight is None:
            edges = list(self._edges) if flows is not None else list(self._edges_due)
            self._cards_due, self._edges_due = {}, {}
            self._timer.stop()
            self._fill(self._nodes, edges)
            return
        if flows is not None:
            near_edges, self._edges_due = sight.near_edges, sight.far_edges.copy()
        else:
            due = self._edges_due
            near_edges = [e for e in sight.near_edges if e in due]
            self._edges_due = {e: None for e in sight.far_edges if e in due}
        self._cards_due = sight.far_cards.copy()
        self._fill(sight.near_cards, near_edges)
        if self.pending:
            self._timer.start()

    def flush(self) -> None:
        """Fill every card and edge still waiting (before an export or a read of every item)."""
        self._timer.stop()
        cards, edges = list(self._cards_due), list(self._edges_due)
        self._cards_due, self._edges_due = {}, {}
        self._fill(cards, edges)

    def _near(self, count: int) -> Sight | None:
        """The cards and edges a view shows, or None to fill all (a small graph, no view).

        Each item's own rectangle against the views', in Python: the scene's index answered the
        same question in ~16 ms for a fitted 1,000-card view, ten times this loop. The answer
        is kept while no view and no item moved, came or went (``moves``): a training run's
        traces come to a still network, and the loop was most of what a new trace cost on
        5,000 cards."""
        if count < DEFER_MIN_ITEMS:
            return None
        rects = self._in_sight()
        if not rects:
            return None
        # (the count grows as items come and go too: which items there are, not only where;
        # with a key of every card and edge name too, this took 3.2 ms a trace at 5,000
        # cards, now 2.0)
        key = (tuple(r.getRect() for r in rects), moves.count())
        if self._sight is not None and self._sight_key == key:
            return self._sight
        cards = {
            name
            for name, item in self._nodes.items()
            if any(r.intersects(item.sceneBoundingRect()) for r in rects)
        }
        edges = {
            edge
            for edge, item in self._edges.items()
            if item.src_item.name in cards
            or item.dst_item.name in cards
            or any(r.intersects(item.boundingRect()) for r in rects)
        }
        self._sight = Sight(
            [n for n in self._nodes if n in cards],
            {n: None for n in self._nodes if n not in cards},
            [e for e in self._edges if e in edges],
            {e: None for e in self._edges if e not in edges},
        )
        self._sight_key = key
        return self._sight

    def _next_chunk(self) -> None:
        budget = CHUNK_ITEMS
        cards = _take(self._cards_due, budget)
        edges = _take(self._edges_due, budget - len(cards))
        self._fill(cards, edges)
        if self.pending:
            self._timer.start()

    def _fill(self, cards: Iterable[str], edges: Iterable[Edge]) -> None:
        before = moves.count()
        self._fill_items(cards, edges)
        if moves.count() != before:
            self.resized.emit()

    def _fill_items(self, cards: Iterable[str], edges: Iterable[Edge]) -> None:
        flows, empty = self._flows, (None, None, None)
        for edge in edges:
            item = self._edges.get(edge)
            if item is not None:
                item.set_grad(*flows.get(edge, empty))
        numbers = self._numbers
        if numbers is None:
            return
        for name in cards:
            item = self._nodes.get(name)
            if item is not None:
                numbers.fill(name, item)


def _take(due: dict, count: int) -> list:
    """Up to ``count`` keys from the front of ``due``, removed from it."""
    taken = []
    for key in due:
        if len(taken) >= count:
            break
        taken.append(key)
    for key in taken:
        del due[key]
    return taken
