"""Which edge of a batch would first close a cycle, in time near-linear in the graph's size.

Connecting edges one at a time and asking networkx for a path before each costs a walk of the
graph per edge: quadratic when the edges come against the flow (a chain whose edges a document
lists last to first). A batch is checked instead with one topological sort, and only when that
finds a cycle, a binary search over prefixes of the batch names the first edge to blame: the one
that a one-at-a-time check would have refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Edge, Graph

Pair = tuple[str, str]  # (src, dst)
CYCLE = "connecting '{src}' to '{dst}' would make a cycle"
ALREADY = "input '{port}' of '{dst}' is already connected; remove that edge first"


def first_edge_problem(graph: Graph, edges: list[Edge]) -> tuple[int, str] | None:
    """The index and reason of the first of ``edges`` that ``graph.connect`` would refuse if they
    were connected in order: per-edge checks first, then one cycle check for the edges before
    the first edge refused for another reason."""
    fed: set[tuple[str, str]] = set()
    reason = None
    for i, edge in enumerate(edges):
        reason = graph.port_problem(edge.src, edge.dst, edge.port)
        if reason is None and (edge.dst, edge.port) in fed:
            reason = ALREADY.format(port=edge.port, dst=edge.dst)
        if reason is not None:
            edges = edges[:i]
            break
        fed.add((edge.dst, edge.port))
    existing = [(e.src, e.dst) for e in graph.edges]
    cycle = first_cycle_edge(graph.names, existing, [(e.src, e.dst) for e in edges])
    if cycle is not None:
        return cycle, CYCLE.format(src=edges[cycle].src, dst=edges[cycle].dst)
    return None if reason is None else (len(edges), reason)


def is_acyclic(nodes: Iterable[str], edges: Iterable[Pair]) -> bool:
    """Kahn's algorithm: True when every node can be ordered after all of its inputs."""
    successors: dict[str, list[str]] = {name: [] for name in nodes}
    waiting = dict.fromkeys(successors, 0)  # inputs not yet ordered
    for src, dst in edges:
        successors[src].append(dst)
        waiting[dst] += 1
    ready = [name for name, count in waiting.items() if count == 0]
    ordered = 0
    while ready:
        name = ready.pop()
        ordered += 1
        for dst in successors[name]:
            waiting[dst] -= 1
            if waiting[dst] == 0:
                ready.append(dst)
    return ordered == len(waiting)


def first_cycle_edge(
    nodes: Sequence[str], existing: Sequence[Pair], new: Sequence[Pair]
) -> int | None:
    """The index in ``new`` of the first edge that closes a cycle when the edges of ``new`` are
    added one by one to an acyclic graph of ``nodes`` and ``existing`` edges, or None.

    A prefix that holds a cycle stays cyclic as it grows, so the first cyclic prefix is found by
    bisection: O((V + E) log E), paid only when there is a cycle at all.
    """
    if is_acyclic(nodes, [*existing, *new]):
        return None
    low, high = 0, len(new)  # new[:low] is acyclic, new[:high] is not
    while high - low > 1:
        middle = (low + high) // 2
        if is_acyclic(nodes, [*existing, *new[:middle]]):
            low = middle
        else:
            high = middle
    return high - 1
