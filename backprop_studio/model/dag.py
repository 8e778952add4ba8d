"""The few directed-graph walks the layout needs, in plain Python.

Importing networkx costs more start-up time than everything else the command line loads before
torch, and ``parse_program`` lays out every program it reads; so the layout walks its graphs
with this. Each walk visits nodes in the same order as the networkx function of the same name
(``tests/model/test_dag.py`` compares them), so layouts did not move when it replaced networkx.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator


class DiGraph:
    """Nodes and edges (at most one per pair) in insertion order, as ``networkx.DiGraph``."""

    def __init__(self) -> None:
        self._succ: dict[str, dict[str, None]] = {}
        self._pred: dict[str, dict[str, None]] = {}

    def add_nodes_from(self, nodes: Iterable[str]) -> None:
        for node in nodes:
            if node not in self._succ:
                self._succ[node] = {}
                self._pred[node] = {}

    def add_edges_from(self, edges: Iterable[tuple[str, str]]) -> None:
        for src, dst in edges:
            self.add_nodes_from((src, dst))
            self._succ[src][dst] = None
            self._pred[dst][src] = None

    def subgraph(self, nodes: Iterable[str]) -> DiGraph:
        """A new graph of ``nodes`` and the edges between them, built as networkx copies an
        induced subgraph: nodes in this graph's order, edges source by source."""
        keep = set(nodes)
        sub = DiGraph()
        sub.add_nodes_from(n for n in self._succ if n in keep)
        sub.add_edges_from((s, d) for s in sub._succ for d in self._succ[s] if d in keep)
        return sub

    def copy(self) -> DiGraph:
        return self.subgraph(self._succ)

    def __iter__(self) -> Iterator[str]:
        return iter(self._succ)

    def __len__(self) -> int:
        return len(self._succ)

    def __contains__(self, node: object) -> bool:
        return node in self._succ

    def successors(self, node: str) -> Iterator[str]:
        return iter(self._succ[node])

    def predecessors(self, node: str) -> Iterator[str]:
        return iter(self._pred[node])

    def in_degree(self, node: str) -> int:
        return len(self._pred[node])

    def out_degree(self, node: str) -> int:
        return len(self._succ[node])

    def degree(self, node: str) -> int:
        return len(self._pred[node]) + len(self._succ[node])


def weakly_connected_components(dag: DiGraph) -> Iterator[set[str]]:
    """Each set of nodes joined by edges in either direction, by its first node's order."""
    seen: set[str] = set()
    for start in dag:
        if start in seen:
            continue
        part = {start}
        todo = [start]
        while todo:
            node = todo.pop()
            for other in (*dag.successors(node), *dag.predecessors(node)):
                if other not in part:
                    part.add(other)
                    todo.append(other)
        seen |= part
        yield part


def topological_generations(dag: DiGraph) -> Iterator[list[str]]:
    """Nodes in layers: the sources, then the nodes whose inputs are all in earlier layers."""
    waiting = {n: dag.in_degree(n) for n in dag if dag.in_degree(n) > 0}
    ready = [n for n in dag if dag.in_degree(n) == 0]
    while ready:
        generation, ready = ready, []
        for node in generation:
            for child in dag.successors(node):
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
                    del waiting[child]
        yield generation


def topological_sort(dag: DiGraph) -> Iterator[str]:
    for generation in topological_generations(dag):
        yield from generation


def lexicographical_topological_sort(dag: DiGraph, key: Callable[[str], int]) -> Iterator[str]:
    """Inputs before the nodes they feed; of the nodes ready, the one of least ``key`` first."""
    order = {n: i for i, n in enumerate(dag)}
    waiting = {n: dag.in_degree(n) for n in dag if dag.in_degree(n) > 0}
    ready = [(key(n), order[n], n) for n in dag if dag.in_degree(n) == 0]
    heapq.heapify(ready)
    while ready:
        _, _, node = heapq.heappop(ready)
        for child in dag.successors(node):
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, (key(child), order[child], child))
                del waiting[child]
        yield node
