"""Layered layout: left-to-right edges, no overlaps, deterministic, fast on large graphs."""

from __future__ import annotations

import random
import time

from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.layout import LAYER_GAP, complete_layout, layered_layout
from backprop_studio.model.program import parse_program

SEED = """\
x = data(1.0)
y = data(2.0)
w = 1.0
y_hat = w * x
loss = (y_hat - y)**2
"""


def random_dag(n: int, seed: int = 7) -> Graph:
    rng = random.Random(seed)
    g = Graph()
    for i in range(n):
        if i < n // 5 or rng.random() < 0.1:
            g.add_node(Node(f"v{i}", "param", value=1.0))
            continue
        g.add_node(Node(f"v{i}", "add"))
        for port in ("a", "b"):
            g.connect(f"v{rng.randrange(max(0, i - 50), i)}", f"v{i}", port)
    return g


def assert_clean(graph: Graph, pos: dict[str, tuple[float, float]]) -> None:
    assert set(pos) == set(graph.names)
    assert len(set(pos.values())) == len(pos), "two nodes share a position"
    for e in graph.edges:
        assert pos[e.src][0] < pos[e.dst][0], f"{e.src} → {e.dst} does not go left to right"


def crossings(graph: Graph, pos: dict[str, tuple[float, float]]) -> int:
    segments = [(pos[e.src], pos[e.dst]) for e in graph.edges]
    count = 0
    for i, (a0, a1) in enumerate(segments):
        for b0, b1 in segments[i + 1 :]:
            if a0[0] == b0[0] and a1[0] == b1[0] and (a0[1] - b0[1]) * (a1[1] - b1[1]) < 0:
                count += 1
    return count


def test_empty_graph():
    assert layered_layout(Graph()) == {}
    assert complete_layout(Graph(), {"gone": (1.0, 2.0)}) == {}


def test_seed_story_flows_left_to_right_with_the_output_rightmost():
    g = parse_program(SEED)
    pos = layered_layout(g)
    assert_clean(g, pos)
    assert pos["loss"][0] == max(x for x, _ in pos.values())
    assert pos["const_1"][0] == pos["loss"][0] - LAYER_GAP  # a late leaf sits next to its consumer
    assert pos["y"][0] == pos["sub_1"][0] - LAYER_GAP


def test_gaps_and_centring_per_column():
    g = parse_program(SEED)
    pos = layered_layout(g, layer_gap=100.0, row_gap=50.0)
    columns: dict[float, list[float]] = {}
    for x, y in pos.values():
        columns.setdefault(x, []).append(y)
    assert sorted(columns) == [0.0, 100.0, 200.0, 300.0]
    centres = {round(sum(ys) / len(ys), 9) for ys in columns.values()}
    assert len(centres) == 1
    for ys in columns.values():
        ys.sort()
        assert all(b - a == 50.0 for a, b in zip(ys, ys[1:]))


def test_deterministic():
    g = random_dag(200)
    assert layered_layout(g) == layered_layout(g) == layered_layout(g.copy())


def test_disconnected_parts_are_stacked_without_overlap():
    g = parse_program("a = 1.0\nb = exp(a)\nc = 2.0\nd = c * c\ne = 3.0\nd")
    pos = layered_layout(g)
    assert_clean(g, pos)
    first = {pos[n][1] for n in ("a", "b")}
    second = {pos[n][1] for n in ("c", "d")}
    assert max(first) < min(second) < pos["e"][1]


def test_barycentre_ordering_removes_an_avoidable_crossing():
    # insertion order alone would cross: p feeds the lower consumer, q the upper one
    g = parse_program("p = 1.0\nq = 2.0\nu = exp(q)\nv = exp(p)\nout = u + v")
    pos = layered_layout(g)
    assert_clean(g, pos)
    assert crossings(g, pos) == 0


def test_a_thousand_nodes_in_well_under_a_second():
    g = random_dag(1000)
    start = time.perf_counter()
    pos = layered_layout(g)
    elapsed = time.perf_counter() - start
    assert_clean(g, pos)
    assert elapsed < 0.5, elapsed


def test_complete_layout_keeps_known_positions_and_places_new_nodes_by_their_neighbours():
    g = parse_program(SEED + "big = loss * 10\n")
    known = {n: p for n, p in layered_layout(parse_program(SEED)).items()}
    known = {n: (x + 500.0, y - 40.0) for n, (x, y) in known.items()}
    pos = complete_layout(g, known)
    for name, p in known.items():
        assert pos[name] == p
    assert pos["big"][0] == pos["loss"][0] + LAYER_GAP
    assert (
        pos["const_2"][0] == pos["big"][0] - LAYER_GAP
    )  # the new constant sits left of its consumer
    assert len(set(pos.values())) == len(pos)


def test_complete_layout_without_known_names_is_the_automatic_layout():
    g = parse_program(SEED)
    assert complete_layout(g, {"unrelated": (3.0, 4.0)}) == layered_layout(g)


def test_complete_layout_never_stacks_new_nodes_on_old_ones():
    g = random_dag(300, seed=3)
    full = layered_layout(g)
    known = {n: p for i, (n, p) in enumerate(full.items()) if i % 3}
    pos = complete_layout(g, known)
    assert len(set(pos.values())) == len(pos)
    for name, p in known.items():
        assert pos[name] == p
