"""Layered layout: left-to-right edges, leaves by their op, bands, no overlaps, deterministic."""

from __future__ import annotations

import random

from backprop_studio.model.gallery import EXAMPLES, build_graph
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.layout import (
    CANVAS_ASPECT,
    LAYER_GAP,
    ROW_GAP,
    complete_layout,
    layered_layout,
)
from backprop_studio.model.layout_blocks import card_heights
from backprop_studio.model.program import parse_program

NODE_WIDTH = 240.0  # canvas/style.py; the model tests do not import Qt

SEED = """\
x = data(1.0)
y = data(2.0)
w = 1.0
y_hat = w * x
loss = pow(y_hat - y, 2)
"""  # the exponent as a node of its own (`**2` would be one power node): where leaves go


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
    """Every node placed, no two on one spot, and (one band) every edge into a later column,
    except a leaf's edge into the op it is drawn above or below."""
    assert set(pos) == set(graph.names)
    assert len(set(pos.values())) == len(pos), "two nodes share a position"
    for e in graph.edges:
        if pos[e.src][0] == pos[e.dst][0]:
            assert graph.node(e.src).is_leaf and len(graph.edges_from(e.src)) >= 1
            assert {x.dst for x in graph.edges_from(e.src)} == {e.dst}, f"{e.src} is shared"
            continue
        assert pos[e.src][0] < pos[e.dst][0], f"{e.src} → {e.dst} does not go left to right"


def assert_no_overlap(pos: dict[str, tuple[float, float]], heights: dict[str, float]) -> None:
    cards = [(x, y, x + NODE_WIDTH, y + heights[n]) for n, (x, y) in pos.items()]
    for i, a in enumerate(cards):
        for b in cards[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, f"cards overlap: {a} {b}"


def crossings(graph: Graph, pos: dict[str, tuple[float, float]]) -> int:
    segments = [(pos[e.src], pos[e.dst]) for e in graph.edges]
    count = 0
    for i, (a0, a1) in enumerate(segments):
        for b0, b1 in segments[i + 1 :]:
            if a0[0] == b0[0] and a1[0] == b1[0] and (a0[1] - b0[1]) * (a1[1] - b1[1]) < 0:
                count += 1
    return count


def gallery_graph(name: str) -> Graph:
    return build_graph(next(e for e in EXAMPLES if e.name == name))


def test_empty_graph():
    assert layered_layout(Graph()) == {}
    assert complete_layout(Graph(), {"gone": (1.0, 2.0)}) == {}


def test_seed_story_flows_left_to_right_with_leaves_by_their_op():
    g = parse_program(SEED)
    pos = layered_layout(g, aspect=None)
    assert_clean(g, pos)
    assert pos["loss"][0] == max(x for x, _ in pos.values())
    # the exponent 2 is drawn under the op that squares, the target under the subtraction
    assert pos["const_1"] == (pos["loss"][0], pos["loss"][1] + ROW_GAP)
    assert pos["y"] == (pos["sub_1"][0], pos["sub_1"][1] + ROW_GAP)
    # both inputs of ŷ = w·x are leaves: the first port's above, the second's below
    assert pos["w"] == (pos["y_hat"][0], pos["y_hat"][1] - ROW_GAP)
    assert pos["x"] == (pos["y_hat"][0], pos["y_hat"][1] + ROW_GAP)
    # the main path runs straight
    assert pos["y_hat"][1] == pos["sub_1"][1] == pos["loss"][1]


def test_leaves_can_take_a_column_of_their_own_left_of_their_op():
    g = parse_program(SEED)
    pos = layered_layout(g, aspect=None, leaves_by_op=False)
    assert_clean(g, pos)
    columns = sorted({x for x, _ in pos.values()})
    assert len(columns) == 4  # one more than with the leaves by their op
    for leaf in ("w", "x"):
        assert pos[leaf][0] == pos["y_hat"][0] - LAYER_GAP
    assert pos["y"][0] == pos["sub_1"][0] - LAYER_GAP


def test_columns_are_layer_gap_apart():
    g = parse_program(SEED)
    pos = layered_layout(g, layer_gap=100.0, row_gap=50.0, aspect=None)
    assert sorted({x for x, _ in pos.values()}) == [0.0, 100.0, 200.0]
    assert pos["const_1"][1] - pos["loss"][1] == 50.0


def test_a_shared_leaf_keeps_a_column_of_its_own():
    g = parse_program("a = 1.0\nb = exp(a)\nc = a * b")
    pos = layered_layout(g, aspect=None)
    assert_clean(g, pos)
    assert pos["a"][0] < pos["b"][0] < pos["c"][0]


def test_gallery_leaves_sit_by_the_op_they_feed():
    g = gallery_graph("xor_mlp")
    pos = {n.name: n.position for n in g}
    for leaf, op in [("x", "matmul_1"), ("W1", "matmul_1"), ("b1", "add_1"), ("W2", "matmul_2")]:
        assert pos[leaf][0] == pos[op][0], f"{leaf} is not in the column of {op}"
        assert abs(pos[leaf][1] - pos[op][1]) < 2 * ROW_GAP, f"{leaf} is far from {op}"


def test_the_main_path_reads_left_to_right_line_by_line():
    for name, path in [
        ("xor_mlp", ["matmul_1", "add_1", "h", "matmul_2", "logits", "loss"]),
        ("moons_mlp", ["matmul_1", "add_1", "h1", "matmul_2", "add_2", "h2", "matmul_3", "logits"]),
    ]:
        g = gallery_graph(name)
        pos = {n.name: n.position for n in g}
        lines = 0
        for u, v in zip(path, path[1:]):
            if pos[v][0] > pos[u][0]:
                assert abs(pos[v][1] - pos[u][1]) < ROW_GAP, f"{name}: {u} → {v} leaves the line"
            else:  # the next line starts at the left, below everything of this line
                lines += 1
                assert pos[v][0] == 0.0
                line = [n for n, p in pos.items() if abs(p[1] - pos[u][1]) < ROW_GAP]
                assert all(pos[v][1] > pos[n][1] for n in line), f"{name}: {v} is not below"
        assert 1 <= lines < len(path) // 2, f"{name}: {lines} line breaks"


def test_gallery_cards_never_overlap():
    for example in EXAMPLES:
        if example.program is None:
            continue
        g = build_graph(example)
        assert_no_overlap({n.name: n.position for n in g}, card_heights(g))


def test_bands_bring_a_long_chain_to_the_shape_of_the_canvas():
    g = parse_program(
        "x = 1.0\n" + "".join(f"x{i} = exp(x{i - 1 if i else ''})\n" for i in range(30))
    )
    heights = card_heights(g)

    def shape(aspect: float | None) -> float:
        pos = layered_layout(g, aspect=aspect, heights=heights)
        assert_no_overlap(pos, heights)
        xs = [x for x, _ in pos.values()]
        ys = [y for _, y in pos.values()]
        return (max(xs) - min(xs) + NODE_WIDTH) / (max(ys) - min(ys) + max(heights.values()))

    assert shape(None) > 20  # one long strip
    assert 0.7 < shape(CANVAS_ASPECT) < 3.0
    assert shape(0.5) < shape(CANVAS_ASPECT)


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


def test_a_thousand_nodes_are_laid_out_cleanly():
    # its speed is measured by benchmarks/layout.py
    g = random_dag(1000)
    assert_clean(g, layered_layout(g, aspect=None))
    pos = layered_layout(g)
    assert len(set(pos.values())) == len(pos)


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


TENSOR_MODEL = """\
x = data([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8], [0.9, 1.0, 1.1, 1.2]])
y = data([[0.0], [1.0], [2.0]])
W = param(shape=(4, 3), init="xavier", seed=0)
b = param(shape=(3,), init="zeros")
loss = cross_entropy(x @ W + b, y)
"""


def test_a_program_of_tensors_is_placed_with_its_tall_cards_apart():
    # tensor cards (a heat-map band) are taller than the row gap a scalar card takes
    g = parse_program(TENSOR_MODEL)
    heights = card_heights(g)
    assert max(heights.values()) > ROW_GAP
    assert_no_overlap({n.name: n.position for n in g}, heights)


def test_complete_layout_places_new_tall_cards_below_kept_ones_not_over_them():
    g = parse_program(TENSOR_MODEL + "extra = relu(x @ W)\n")
    heights = card_heights(g)
    kept = {n.name: n.position for n in parse_program(TENSOR_MODEL)}
    pos = complete_layout(g, kept, heights=heights)
    assert {n: pos[n] for n in kept} == kept
    assert_no_overlap(pos, heights)


def test_the_seed_storys_hand_drawn_wires_never_cross():
    """Each op's inputs come from top to bottom in its ports' order (a above b), so no two
    wires into one card cross: w over x into ŷ, ŷ over y into sub_1."""
    from backprop_studio.model.document_io import load_document
    from backprop_studio.model.gallery import example_path

    g = load_document(example_path("seed")).graph
    for node in g:
        fed = g.inputs_of(node.name)
        ys = [g.node(fed[port].src).position[1] for port in node.inputs if port in fed]
        assert ys == sorted(ys), f"wires into {node.name} cross"
        assert all(g.node(fed[p].src).position[0] < node.position[0] for p in fed)
