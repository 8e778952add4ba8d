"""Hovering names what is under the mouse (where two edges cross, the nearer curve), and cards
hold their size while the animation hides their numbers."""

from __future__ import annotations

from backprop_studio.canvas.items import EdgeItem, NodeItem
from backprop_studio.canvas.scene import GraphScene
from backprop_studio.model.graph import Edge, Graph, Node


def _crossing() -> tuple[GraphScene, Edge, Edge]:
    graph = Graph()
    for node in [
        Node("p", "param", value=1.0, position=(0.0, 0.0)),
        Node("q", "param", value=2.0, position=(0.0, 400.0)),
        Node("down", "tanh", position=(500.0, 400.0)),
        Node("up", "tanh", position=(500.0, 0.0)),
    ]:
        graph.add_node(node)
    first, second = graph.connect("p", "down", "a"), graph.connect("q", "up", "a")
    scene = GraphScene()
    scene.set_graph(graph)
    return scene, first, second


def test_where_edges_cross_the_nearer_curve_is_named(qapp):
    scene, first, second = _crossing()
    a, b = scene.edge_item(first), scene.edge_item(second)
    crossing = None
    for i in range(201):  # find where the two curves come closest
        point = a.mapToScene(a.path().pointAtPercent(i / 200))
        if crossing is None or b.distance_to(point) < b.distance_to(crossing):
            crossing = point
    assert b.distance_to(crossing) < 6  # the curves are sampled, not solved
    checked = 0
    for item, other in ((a, b), (b, a)):
        at = min(
            (i / 400 for i in range(401)),
            key=lambda t: other.distance_to(item.mapToScene(item.path().pointAtPercent(t))),
        )
        for dt in (-0.01, 0.01):  # just beside the crossing, inside both edges' hit shapes
            point = item.mapToScene(item.path().pointAtPercent(at + dt))
            if other.contains(other.mapFromScene(point)) and item is not scene.items(point)[0]:
                checked += 1  # the topmost edge is the other one: a plain lookup names it
            assert scene.hovered_item(point) is item
    assert checked >= 1  # at least one point where the topmost edge is the wrong one
    # a node still wins over the edges that end at it
    node = scene.node_item("up")
    assert isinstance(scene.hovered_item(node.mapToScene(node.title_rect().center())), NodeItem)
    assert isinstance(scene.hovered_item(crossing), EdgeItem)


def test_a_tensor_card_keeps_its_size_while_its_numbers_are_hidden(qapp):
    """The forward animation hides values not reached yet: the card must not shrink meanwhile."""
    scene, _first, _second = _crossing()
    item = scene.node_item("down")
    value = [[0.5, -0.25], [1.0, 2.0]]
    item.set_data(value, [[1.0, 1.0], [0.0, 0.0]], (2, 2))
    computed = item.card_height
    item.set_data(None, None, (2, 2))
    assert item.card_height == computed
