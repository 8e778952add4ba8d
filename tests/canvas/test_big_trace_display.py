"""A new trace on a big graph: what is in sight first, the rest in chunks, all before an export;
small cards stamp a backdrop image that looks as the painted one does."""

from __future__ import annotations

import random

import numpy as np
from PySide6.QtCore import QPointF

from backprop_studio.canvas import CanvasView, GraphScene
from backprop_studio.canvas.export import export_mode
from backprop_studio.canvas.style import LIGHT
from backprop_studio.canvas.trace_display import DEFER_MIN_ITEMS, edge_flows
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.trace import Trace
from tests.canvas.canvas_helpers import card_pixels


def _chain_grid(rows: int, cols: int) -> Graph:
    """``rows`` chains of ``cols`` cards, each ``data → neg → neg …``, laid out on a grid."""
    g = Graph()
    for r in range(rows):
        prev = f"d{r}"
        g.add_node(Node(prev, "data", value=1.0, position=(0.0, r * 120.0)))
        for c in range(1, cols):
            name = f"n{r}_{c}"
            g.add_node(Node(name, "neg", position=(c * 260.0, r * 120.0)))
            g.connect(prev, name, "a")
            prev = name
    return g


def _trace(graph: Graph, seed: int) -> Trace:
    rng = random.Random(seed)
    edges = tuple(graph.edges)
    return Trace(
        output=graph.output,
        values={n: rng.uniform(-3, 3) for n in graph.names},
        grads={n: rng.uniform(-3, 3) for n in graph.names},
        shapes={n: () for n in graph.names},
        edges=edges,
        edge_grads=tuple(rng.uniform(-3, 3) for _ in edges),
    )


def _shows(scene: GraphScene, trace: Trace, name: str) -> bool:
    return scene.node_item(name).value == trace.values[name]


def _big_scene_in_a_corner(qtbot) -> tuple[GraphScene, CanvasView, Graph]:
    graph = _chain_grid(20, 20)  # 400 cards, 380 edges
    assert len(graph) + len(graph.edges) >= DEFER_MIN_ITEMS
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(QPointF(300, 200))  # the top-left corner of the grid only
    return scene, view, graph


def test_cards_in_sight_show_a_new_trace_at_once_and_the_rest_follow(qtbot):
    scene, view, graph = _big_scene_in_a_corner(qtbot)
    first = _trace(graph, 1)
    scene.show_trace(first)
    qtbot.waitUntil(lambda: scene.pending_numbers == 0)
    second = _trace(graph, 2)
    scene.show_trace(second)
    assert _shows(scene, second, "d0") and _shows(scene, second, "n0_1")  # in sight
    far = "n19_19"
    assert _shows(scene, first, far)  # off screen: still the last trace, for now
    assert 0 < scene.pending_numbers < len(graph) + len(graph.edges)
    near_edge = next(e for e in graph.edges if e.dst == "n0_1")
    assert scene.edge_item(near_edge).grad == second.edge_grads[second.edges.index(near_edge)]
    qtbot.waitUntil(lambda: scene.pending_numbers == 0)
    assert all(_shows(scene, second, name) for name in graph.names)
    for i, edge in enumerate(second.edges):
        assert scene.edge_item(edge).grad == second.edge_grads[i]


def test_a_newer_trace_replaces_what_is_still_due(qtbot):
    scene, view, graph = _big_scene_in_a_corner(qtbot)
    scene.show_trace(_trace(graph, 1))
    latest = _trace(graph, 2)
    scene.show_trace(latest)  # before the first one reached the far cards
    qtbot.waitUntil(lambda: scene.pending_numbers == 0)
    assert all(_shows(scene, latest, name) for name in graph.names)


def test_an_export_draws_every_card_with_the_latest_trace(qtbot):
    scene, view, graph = _big_scene_in_a_corner(qtbot)
    trace = _trace(graph, 3)
    scene.show_trace(trace)
    assert scene.pending_numbers > 0
    with export_mode(scene):
        assert scene.pending_numbers == 0
        assert all(_shows(scene, trace, name) for name in graph.names)


def test_a_small_graph_is_filled_at_once(qtbot, scene, view, seed):
    trace = _trace(seed, 4)
    scene.show_trace(trace)
    assert scene.pending_numbers == 0
    assert all(_shows(scene, trace, name) for name in seed.names)


def test_a_stamped_backdrop_looks_like_the_painted_one(qtbot, scene, seed):
    card = scene.node_item("w")  # a parameter: its header has the parameter tint
    stamped = card_pixels(card, 0.4, cached=True)
    painted = card_pixels(card, 0.4, cached=False)
    assert stamped.shape == painted.shape
    assert np.abs(stamped - painted).mean() < 2.0  # the same picture, within antialiasing
    header = stamped[int(6 * 0.4) + 3, stamped.shape[1] // 2]  # a pixel in the header band
    tint = LIGHT.header_param
    assert np.abs(header - [tint.red(), tint.green(), tint.blue()]).max() <= 6


def test_the_header_band_carries_the_tint_of_its_kind(qtbot, scene, seed):
    for name, tint in (("w", LIGHT.header_param), ("x", LIGHT.header_data)):
        pixels = card_pixels(scene.node_item(name), 1.0, cached=False)
        row = pixels[12, pixels.shape[1] // 2 - 20]  # in the header, left of the badge
        assert np.abs(row - [tint.red(), tint.green(), tint.blue()]).max() <= 6, (name, row)


def test_a_card_moved_into_sight_shows_the_next_trace_at_once(qtbot):
    scene, view, graph = _big_scene_in_a_corner(qtbot)
    scene.show_trace(_trace(graph, 1))  # what is in sight is found, and kept while still
    qtbot.waitUntil(lambda: scene.pending_numbers == 0)
    far = "n19_19"
    graph.set_position(far, (40.0, 40.0))  # into the corner the view shows
    second = _trace(graph, 2)
    scene.show_trace(second)
    assert _shows(scene, second, far)


def test_a_card_renamed_in_sight_shows_the_next_trace(qtbot):
    scene, view, graph = _big_scene_in_a_corner(qtbot)
    scene.show_trace(_trace(graph, 1))
    qtbot.waitUntil(lambda: scene.pending_numbers == 0)
    graph.rename_node("n0_1", "renamed")  # the same items in sight, one of them under a new name
    second = _trace(graph, 2)
    scene.show_trace(second)
    assert _shows(scene, second, "renamed")
    qtbot.waitUntil(lambda: scene.pending_numbers == 0)
    assert all(_shows(scene, second, name) for name in graph.names)


def test_each_trace_gives_its_own_edges_their_gradients(qtbot):
    graph = _chain_grid(2, 3)
    first = _trace(graph, 5)
    backwards = Trace(  # the same edges in another order: each keeps its own gradient
        output=first.output,
        values=first.values,
        grads=first.grads,
        shapes=first.shapes,
        edges=first.edges[::-1],
        edge_grads=first.edge_grads[::-1],
    )
    for trace in (first, backwards, first):
        flows = edge_flows(trace)
        assert len(flows) == len(graph.edges)
        for i, edge in enumerate(trace.edges):
            assert flows[edge] == (trace.edge_grads[i], None, trace.grads[edge.dst])
