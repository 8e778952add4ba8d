"""Blocks on the canvas: a frame around expanded members, one card with boundary ports when
collapsed (members and inner edges hidden, crossing edges re-routed), following every change."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from backprop_studio.canvas import GraphScene
from backprop_studio.canvas.export import to_svg
from backprop_studio.canvas.flow.player import GradientFlow
from backprop_studio.canvas.style import LIGHT
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.blocks import Block, boundary
from backprop_studio.model.document_io import loads
from backprop_studio.model.gallery import example_path
from backprop_studio.model.graph import Edge
from backprop_studio.model.program import parse_program
from tests.canvas.canvas_helpers import drag
from tests.model.test_program_blocks import MLP

INSIDE = Edge("y_hat", "sub_1", "a")  # seed: w, x → y_hat → sub_1 → loss


def test_an_expanded_block_is_a_frame_around_its_cards(scene, seed):
    seed.blocks.add(Block("Model", ("y_hat", "sub_1")))
    item = scene.block_items()["Model"]
    frame = item.sceneBoundingRect()
    for name in ("y_hat", "sub_1"):
        card = scene.node_item(name)
        assert card.isVisible()
        assert frame.contains(card.mapRectToScene(card.shape().boundingRect()))
    assert item.zValue() < scene.edge_item(INSIDE).zValue() < card.zValue()
    assert item.text_lines() == ["Model"]


def test_a_collapsed_block_is_one_card_with_its_boundary_as_ports(scene, seed):
    seed.blocks.add(Block("Model", ("y_hat", "sub_1"), collapsed=True))
    item = scene.block_items()["Model"]
    assert not scene.node_item("y_hat").isVisible() and not scene.node_item("sub_1").isVisible()
    assert not scene.edge_item(INSIDE).isVisible()
    assert item.inputs == [
        Edge("w", "y_hat", "a"),
        Edge("x", "y_hat", "b"),
        Edge("y", "sub_1", "b"),
    ]
    assert item.outputs == [Edge("sub_1", "loss", "a")]
    assert item.text_lines() == ["Model", "2 nodes", "w", "x", "y", "out"]  # sub_1: a given name
    into = scene.edge_item(Edge("x", "y_hat", "b"))
    assert into.isVisible() and into.dst_via is item
    end = into.path().currentPosition()
    anchor = item.input_anchor_of(Edge("x", "y_hat", "b"))
    assert abs(end.y() - anchor.y()) < 0.5 and abs(end.x() - anchor.x()) < 8
    out = scene.edge_item(Edge("sub_1", "loss", "a"))
    assert out.src_via is item
    assert out.path().elementAt(0).x == item.output_anchor_of(Edge("sub_1", "loss", "a")).x()


def test_expand_ungroup_and_edits_are_followed(scene, seed):
    seed.blocks.add(Block("Model", ("y_hat", "sub_1"), collapsed=True))
    seed.blocks.set_collapsed("Model", False)
    assert scene.node_item("y_hat").isVisible() and scene.edge_item(INSIDE).isVisible()
    assert scene.edge_item(Edge("x", "y_hat", "b")).dst_via is None
    seed.blocks.set_collapsed("Model", True)
    seed.remove_edge(Edge("y", "sub_1", "b"))
    assert len(scene.block_items()["Model"].inputs) == 2
    seed.rename_node("sub_1", "d")
    assert not scene.node_item("d").isVisible()
    assert scene.block_items()["Model"].members == ["y_hat", "d"]
    seed.blocks.rename("Model", "Linear 1")
    assert list(scene.block_items()) == ["Linear 1"]
    seed.blocks.remove("Linear 1")
    assert scene.block_items() == {}
    assert scene.node_item("y_hat").isVisible() and scene.node_item("d").isVisible()
    assert scene.edge_item(Edge("y_hat", "d", "a")).isVisible()
    assert scene.edge_item(Edge("x", "y_hat", "b")).dst_via is None


def test_moving_a_member_moves_the_frame(scene, seed):
    seed.blocks.add(Block("Model", ("y_hat",)))
    before = scene.block_items()["Model"].sceneBoundingRect()
    seed.set_position("y_hat", (seed.node("y_hat").position[0] + 50, 30.0))
    after = scene.block_items()["Model"].sceneBoundingRect()
    assert after.left() == before.left() + 50


def test_the_button_and_a_double_click_ask_to_toggle(qtbot, view, scene, seed):
    seed.blocks.add(Block("Model", ("y_hat", "sub_1")))
    asked = []
    scene.block_toggle_requested.connect(lambda name, flag: asked.append((name, flag)))
    item = scene.block_items()["Model"]
    button = item.mapToScene(item.button_rect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(button))
    assert asked == [("Model", True)]
    seed.blocks.set_collapsed("Model", True)
    centre = item.mapToScene(QPointF(60, 60))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(centre))
    assert asked[-1] == ("Model", False)
    assert seed.blocks.block("Model").collapsed  # the scene asks; only a command changes it


def test_deleting_a_selected_card_deletes_its_nodes(scene, seed):
    seed.blocks.add(Block("Model", ("y_hat", "sub_1"), collapsed=True))
    asked = []
    scene.delete_requested.connect(lambda names, edges: asked.append((names, edges)))
    scene.block_items()["Model"].setSelected(True)
    assert scene.selected_blocks() == ["Model"]
    scene.request_delete()
    assert asked == [(["y_hat", "sub_1"], [])]


def test_a_new_graph_drops_the_old_blocks(scene, seed):
    seed.blocks.add(Block("Model", ("y_hat",), collapsed=True))
    scene.set_graph(None)
    assert scene.block_items() == {}
    scene.set_graph(seed)
    assert list(scene.block_items()) == ["Model"]
    assert not scene.node_item("y_hat").isVisible()


def test_the_animation_passes_a_collapsed_block_one_boundary_edge_at_a_time(qtbot):
    """The order played is the Trace's backward order restricted to the edges shown: inside a
    collapsed block nothing plays, and its boundary edges play in autograd's order."""
    graph = parse_program(MLP)  # Linear 2 collapsed, Linear 1 expanded
    scene = GraphScene()
    scene.set_graph(graph)
    trace = evaluate(graph)
    scene.show_trace(trace)
    flow = GradientFlow(scene)
    assert flow.load(trace)
    members = set(graph.blocks.block("Linear 2").members)
    crossing = set(boundary(graph.edges, members).edges)
    order = [trace.edges[i] for i in flow.plan.edge_order]
    assert order == [
        trace.edges[i]
        for i in trace.backward_order
        if not (trace.edges[i].src in members and trace.edges[i].dst in members)
    ]
    assert [e for e in order if e in crossing] == [
        trace.edges[i] for i in trace.backward_order if trace.edges[i] in crossing
    ]
    flow.jump_to_end()
    for edge in order:
        assert scene.edge_item(edge).grad is not None  # every step shown arrived
    graph.blocks.set_collapsed("Linear 2", False)  # what is shown changed: the flow lets go
    assert not flow.is_active
    assert flow.load(trace)
    assert len(flow.plan.edge_order) == len(trace.backward_order)  # expanded: plays its inside
    flow.stop()
    scene.set_graph(None)


def test_exports_draw_blocks_as_shown(scene, seed):
    seed.blocks.add(Block("Model", ("y_hat", "sub_1"), collapsed=True))
    svg = to_svg(scene, embed=False)
    assert ">Model<" in svg and ">block · 2 nodes<" in svg and ">y_hat<" not in svg
    seed.blocks.set_collapsed("Model", False)
    svg = to_svg(scene, embed=False)
    assert ">Model<" in svg and ">y_hat<" in svg
    part = to_svg(scene, names=["w", "x"], embed=False)  # a selection without the block
    assert ">Model<" not in part


def test_dragging_a_collapsed_card_moves_its_members_in_one_step(qtbot, view, scene, seed):
    seed.blocks.add(Block("Model", ("y_hat", "sub_1"), collapsed=True))
    moves = []
    scene.nodes_moved.connect(moves.append)
    card = scene.block_items()["Model"]
    start = view.mapFromScene(card.mapToScene(QPointF(60, 40)))
    drag(qtbot, view, start, start + QPoint(80, 40))
    (moved,) = moves
    assert set(moved) == {"y_hat", "sub_1"}
    (old, new) = moved["y_hat"]
    assert old == seed.node("y_hat").position
    assert new[0] - old[0] == moved["sub_1"][1][0] - moved["sub_1"][0][0] > 0


def test_removing_expanded_blocks_node_by_node_leaves_a_scene_that_paints(qtbot):
    """Each removal moves a frame, the last one removes it: the scene's index must not keep
    the removed frame (it did when the frame asked the scene where its tab fits while its
    geometry was changing, and the next paint crashed)."""
    graph = loads(example_path("moons_mlp").read_text()).graph
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    for name in list(graph.blocks.names):
        graph.blocks.set_collapsed(name, False)

    def paint() -> None:
        image = QImage(800, 600, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        scene.render(painter)  # walks the index: a stale entry is a freed item
        painter.end()

    paint()
    for name in [node.name for node in graph]:
        graph.remove_node(name)
    assert scene.block_items() == {} and scene.node_items() == {}
    paint()
    assert scene.items() == []


def _button_texts(svg: str, sign: str) -> int:
    import re

    return len(re.findall(rf">\s*{re.escape(sign)}\s*</text>", svg))


def test_an_export_draws_no_collapse_or_expand_button(scene, seed):
    """The button is for the mouse; a slide or a picture has none, and the canvas keeps it."""
    plain = _button_texts(to_svg(scene), "−")  # the sub card's badge, if drawn as a lone sign
    seed.blocks.add(Block("Model", ("y_hat", "sub_1"), collapsed=True))
    assert _button_texts(to_svg(scene), "+") == 0
    seed.blocks.set_collapsed("Model", False)
    assert _button_texts(to_svg(scene), "−") == plain
    assert all(item.controls_shown for item in scene.block_items().values())


def test_a_collapsed_blocks_header_is_tinted_to_its_foot(scene, seed):
    """The tint under the title covers the whole header band, not its top half only."""
    from backprop_studio.canvas.style import HEADER_HEIGHT

    seed.blocks.add(Block("Model", ("y_hat", "sub_1"), collapsed=True))
    item = scene.block_items()["Model"]
    image = QImage(400, 200, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.translate(20, 20)
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    x = 20 + int(item.boundingRect().width() * 0.6)  # right of the title, left of the button
    top, foot = image.pixelColor(x, 20 + 4), image.pixelColor(x, 20 + int(HEADER_HEIGHT) - 4)
    body = image.pixelColor(x, 20 + int(HEADER_HEIGHT) + 12)
    assert top == foot != body


def test_a_collapsed_blocks_ports_say_what_its_cards_would(scene, seed):
    """Inputs by the outside card's label or name; an output by the inner card's label or
    chosen name, and "out" for a name the editor gave (the card that says it is hidden)."""
    seed.set_label("y_hat", "ŷ")
    seed.blocks.add(Block("Model", ("w", "y_hat"), collapsed=True))  # ŷ leaves the block
    assert scene.block_items()["Model"].text_lines()[-1] == "ŷ"
    seed.blocks.add(Block("Error", ("sub_1",), collapsed=True))
    labels = scene.block_items()["Error"].text_lines()[2:]
    assert labels == ["ŷ", "y", "out"]  # ŷ is y_hat's label, sub_1 a given name
    seed.rename_node("sub_1", "error")
    assert scene.block_items()["Error"].text_lines()[-1] == "error"
