"""What the program tests share: the seed story's text and round-trip checks of a graph."""

from __future__ import annotations

from backprop_studio.model.graph import Graph
from backprop_studio.model.program import (
    parse_program,
    to_program,
)

SEED = """\
x = data(1.0)
y = data(2.0)
w = 1.0
y_hat = w * x
loss = (y_hat - y)**2
"""


def nodes_of(graph: Graph) -> list[tuple[str, str, str, object]]:
    return [(n.name, n.op, n.label, n.value) for n in graph.nodes]


def edges_of(graph: Graph) -> set[tuple[str, str, str]]:
    return {(e.src, e.dst, e.port) for e in graph.edges}


def structure(graph: Graph) -> tuple:
    """Graph.structure() without positions: text keeps everything else."""
    nodes, edges, output = graph.structure()
    return tuple(n[:3] + n[4:] for n in nodes), edges, output


def assert_round_trip(graph: Graph) -> str:
    text = to_program(graph)
    again = parse_program(text)
    assert structure(again) == structure(graph), text
    assert to_program(again) == text
    return text
