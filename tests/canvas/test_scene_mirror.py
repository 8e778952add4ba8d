"""The scene follows the graph: every add, remove, rename, move and value change shows up."""

from __future__ import annotations

from PySide6.QtCore import QPointF

from backprop_studio.canvas import GraphScene
from backprop_studio.canvas.items import EdgeItem, NodeItem
from backprop_studio.canvas.style import LIGHT
from backprop_studio.model.graph import Edge, Graph, Node
from tests.canvas.canvas_helpers import SEED_EDGES, seed_graph


def _nodes_in_scene(scene: GraphScene) -> set[str]:
    return {i.name for i in scene.items() if isinstance(i, NodeItem)}


def _edges_in_scene(scene: GraphScene) -> set[Edge]:
    return {i.edge for i in scene.items() if isinstance(i, EdgeItem)}


def test_set_graph_builds_one_item_per_node_and_edge(scene, seed):
    assert _nodes_in_scene(scene) == set(seed.names)
    assert _edges_in_scene(scene) == {Edge(*e) for e in SEED_EDGES}
    assert scene.node_item("y_hat").pos() == QPointF(300, 30)


def test_added_node_and_edge_appear(scene, seed):
    seed.add_node(Node("z", "tanh", position=(1200, 50)))
    seed.connect("loss", "z", "a")
    assert "z" in _nodes_in_scene(scene)
    assert scene.node_item("z").pos() == QPointF(1200, 50)
    item = scene.edge_item(Edge("loss", "z", "a"))
    assert item.src_item is scene.node_item("loss")
    assert item.dst_item is scene.node_item("z")
    end = item.path().currentPosition()
    assert abs(end.y() - scene.node_item("z").input_anchor("a").y()) < 0.5


def test_removed_node_takes_its_items_and_edges(scene, seed):
    seed.remove_node("y_hat")
    assert "y_hat" not in _nodes_in_scene(scene)
    assert all("y_hat" not in (e.src, e.dst) for e in _edges_in_scene(scene))
    assert all(e.edge.dst != "y_hat" for e in scene.node_item("w").edge_items())


def test_removed_edge_disappears(scene, seed):
    seed.remove_edge(Edge("w", "y_hat", "a"))
    assert Edge("w", "y_hat", "a") not in _edges_in_scene(scene)
    assert len(_edges_in_scene(scene)) == len(SEED_EDGES) - 1


def test_rename_rekeys_the_node_and_its_edges(scene, seed):
    item = scene.node_item("w")
    seed.rename_node("w", "weight")
    assert scene.node_item("weight") is item
    assert item.name == "weight" and item.text_lines()[0] == "weight"
    assert "w" not in scene.node_items()
    edge = Edge("weight", "y_hat", "a")
    assert scene.edge_item(edge).edge == edge
    seed.remove_edge(edge)  # the renamed edge is still found by the mirror
    assert edge not in _edges_in_scene(scene)


def test_position_label_value_and_op_changes_are_mirrored(scene, seed):
    seed.set_position("w", (-50.0, 25.0))
    assert scene.node_item("w").pos() == QPointF(-50, 25)
    edge = scene.edge_item(Edge("w", "y_hat", "a"))
    assert edge.path().elementAt(0).x == scene.node_item("w").output_anchor().x()
    seed.set_label("w", "weight")
    assert scene.node_item("w").text_lines()[0] == "weight"
    seed.set_value("x", 3.5)
    assert "data 3.5000 | grad —" in scene.node_item("x").text_lines()
    seed.set_op("x", "param")
    assert scene.node_item("x").text_lines()[1] == "param"


def test_problems_come_from_analyse_after_an_edit(qtbot, scene, seed):
    seed.remove_edge(Edge("x", "y_hat", "b"))
    item = scene.node_item("y_hat")
    qtbot.waitUntil(lambda: item.problem is not None)
    assert "needs input 'b'" in item.problem
    assert item.problem in item.text_lines()
    seed.connect("x", "y_hat", "b")
    qtbot.waitUntil(lambda: item.problem is None)


def test_output_node_is_marked(scene, seed):
    assert scene.node_item("loss")._is_output
    assert not scene.node_item("sub_1")._is_output
    seed.set_output("sub_1")
    scene.refresh()
    assert scene.node_item("sub_1")._is_output and not scene.node_item("loss")._is_output


def test_set_graph_to_another_disconnects_the_first(scene, seed):
    listeners = len(seed.node_added)
    other = Graph()
    other.add_node(Node("a", "data", value=1.0))
    scene.set_graph(other)
    assert len(seed.node_added) == listeners - 1
    seed.add_node(Node("late", "data"))
    assert _nodes_in_scene(scene) == {"a"}
    scene.set_graph(None)
    assert scene.items() == []


def test_tensor_leaf_shows_shape_mean_and_norm(qtbot):
    g = Graph()
    g.add_node(Node("W", "param", value=[[1.0, 2.0], [3.0, 4.0]]))
    s = GraphScene(theme=LIGHT)
    s.set_graph(g)
    lines = s.node_item("W").text_lines()
    assert "shape 2×2" in lines
    assert "data mean 2.5 · ‖·‖ 5.48" in lines
    assert "grad —" in lines


def test_op_without_values_shows_its_inferred_shape(qtbot):
    g = Graph()
    g.add_node(Node("W", "param", value=[[1.0, 2.0], [3.0, 4.0]]))
    g.add_node(Node("t", "tanh"))
    g.connect("W", "t", "a")
    s = GraphScene(theme=LIGHT)
    s.set_graph(g)
    assert "shape 2×2" in s.node_item("t").text_lines()


def test_seed_scene_can_be_rebuilt_many_times(qtbot):
    s = GraphScene(theme=LIGHT)
    for _ in range(5):
        s.set_graph(seed_graph())
    assert len(_nodes_in_scene(s)) == 7 and len(_edges_in_scene(s)) == 6


def test_a_power_card_shows_its_exponent_and_follows_an_edit(scene, seed):
    seed.add_node(Node("sq", "power", position=(1200, 50)))
    item = scene.node_item("sq")
    assert item.symbol == "**2" and item.badge_text() == "**2  power"
    assert "**2  power" in item.text_lines()
    seed.set_attrs("sq", {"exponent": 0.5})
    assert item.badge_text() == "**0.5  power"
    seed.set_attrs("sq", {"exponent": -1})
    assert item.badge_text() == "**-1  power"
    assert "power: a ** n (n a number on the node), ∂/∂a = n·a^(n−1); here **-1" in (
        item.tooltip_text()
    )
    assert scene.node_item("loss").badge_text() == "**  pow"  # a node exponent: no number
