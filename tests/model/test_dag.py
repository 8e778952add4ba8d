"""The layout's graph walks visit nodes in exactly networkx's order, so that no layout moved when
they replaced it (networkx is not imported by the package, only by this test)."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from backprop_studio.model import dag


def random_pair(n: int, seed: int) -> tuple[dag.DiGraph, nx.DiGraph]:
    """The same random DAG, with repeated and isolated nodes, built into both graph types."""
    rng = random.Random(seed)
    names = [f"n{i}" for i in rng.sample(range(n * 3), n)]  # insertion order ≠ name order
    edges = [
        (names[i], names[j])
        for j in range(n)
        for i in rng.sample(range(j), min(j, rng.choice((0, 1, 1, 2, 3))))
    ]
    rng.shuffle(edges)
    edges += edges[: n // 5]  # an edge given twice is one edge
    ours, theirs = dag.DiGraph(), nx.DiGraph()
    for graph in (ours, theirs):
        graph.add_nodes_from(names)
        graph.add_edges_from(edges)
    return ours, theirs


def adjacency(graph) -> list[tuple[str, list[str], list[str]]]:
    return [(n, list(graph.successors(n)), list(graph.predecessors(n))) for n in graph]


@pytest.mark.parametrize("seed", range(12))
def test_every_walk_matches_networkx(seed):
    ours, theirs = random_pair(40, seed)
    assert adjacency(ours) == adjacency(theirs)
    assert [ours.degree(n) for n in ours] == [theirs.degree(n) for n in theirs]
    assert list(dag.topological_generations(ours)) == list(nx.topological_generations(theirs))
    assert list(dag.topological_sort(ours)) == list(nx.topological_sort(theirs))
    rank = {name: -i for i, name in enumerate(ours)}.__getitem__  # a key unlike the order
    assert list(dag.lexicographical_topological_sort(ours, key=rank)) == list(
        nx.lexicographical_topological_sort(theirs, key=rank)
    )
    assert list(dag.weakly_connected_components(ours)) == list(
        nx.weakly_connected_components(theirs)
    )
    keep = [n for i, n in enumerate(ours) if i % 3]
    assert adjacency(ours.subgraph(keep).copy()) == adjacency(theirs.subgraph(keep).copy())
