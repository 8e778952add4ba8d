"""Zoomed out, two sheets paint the plain cards and the edge lines (``canvas/items/far_sheet.py``):
what reaches the screen is what the items painting themselves show, after every change.

"On screen" is the window's backing store (``QScreen.grabWindow`` on the offscreen platform):
an update the sheet missed leaves old pixels there, which a fresh ``grab()`` would repaint."""

from __future__ import annotations

import random

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGraphicsItem

from backprop_studio.canvas import CanvasView, GraphScene
from backprop_studio.canvas.export import export_mode, render_image, to_svg
from backprop_studio.canvas.far_sheets import is_sheet
from backprop_studio.canvas.items.edge_line import EdgeLine
from backprop_studio.canvas.items.far_sheet import FarSheet
from backprop_studio.canvas.style import FAR_ZOOM, LIGHT
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.trace import Trace

_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
ZOOM = 0.35


def _crossed_grid(rows: int, cols: int) -> Graph:
    """Columns of add cards, each fed by its row's card of the column before and by the one
    three rows down: edges that cross, as in a network."""
    g = Graph()
    for r in range(rows):
        g.add_node(Node(f"n{r}_0", "data", value=float(r), position=(0.0, r * 140.0)))
    for c in range(1, cols):
        for r in range(rows):
            name = f"n{r}_{c}"
            g.add_node(Node(name, "add", position=(c * 420.0, r * 140.0)))
            g.connect(f"n{r}_{c - 1}", name, "a")
            g.connect(f"n{(r + 3) % rows}_{c - 1}", name, "b")
    return g


def _trace(graph: Graph, seed: int, tensor: str | None = None) -> Trace:
    rng = random.Random(seed)
    edges = tuple(graph.edges)

    def number(name: str):
        if name == tensor:
            return [[rng.uniform(-3, 3) for _ in range(4)] for _ in range(4)]
        return rng.uniform(-3, 3)

    return Trace(
        output=graph.output,
        values={n: number(n) for n in graph.names},
        grads={n: number(n) for n in graph.names},
        shapes={n: (4, 4) if n == tensor else () for n in graph.names},
        edges=edges,
        edge_grads=tuple(rng.uniform(-3, 3) for _ in edges),
    )


def _shown_view(qtbot, scene: GraphScene) -> CanvasView:
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.minimap.set_enabled(False)  # its repaints would cover updates the sheets miss
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def _far_view(qtbot, graph: Graph, trace: Trace) -> tuple[GraphScene, CanvasView]:
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    scene.show_trace(trace)
    view = _shown_view(qtbot, scene)
    view.set_zoom(ZOOM)
    view.centerOn(QPointF(1200.0, 500.0))
    _repainted(view)  # a card's face is an image from its second paint at a scale on
    _repainted(view)
    return scene, view


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4
    )
    return rows[:, : image.width(), :3].astype(int)


def _screen(view: CanvasView) -> np.ndarray:
    """What the window shows now: only what Qt was asked to repaint has been repainted."""
    _settle()
    return _pixels(view.screen().grabWindow(view.winId()).toImage())


def _repainted(view: CanvasView) -> np.ndarray:
    """What the window shows once all of it is painted again."""
    view.viewport().update()
    return _screen(view)


def _changed(a: np.ndarray, b: np.ndarray) -> int:
    return int((np.abs(a - b).max(axis=2) > 8).sum())


def _as_items_paint_it(view: CanvasView) -> np.ndarray:
    """The window with every item painting itself (no sheets), then the sheets back."""
    scene = view.scene()
    scene.set_far(False)
    pixels = _repainted(view)
    scene.set_far(True)
    _repainted(view)
    return pixels


def _assert_up_to_date_and_as_items_paint(view: CanvasView) -> np.ndarray:
    shown = _screen(view)
    assert _changed(shown, _repainted(view)) == 0  # no update was missed
    # The sheets draw an arrow head over any line it meets, where an edge's own head lies
    # under the lines of later edges: a few hundred pixels of 540,000 differ.
    assert _changed(shown, _as_items_paint_it(view)) < 0.002 * shown.shape[0] * shown.shape[1]
    return shown


def _in_view(view: CanvasView, scene: GraphScene) -> list[str]:
    sight = view.visible_scene_rect()
    return [n for n, item in scene.node_items().items() if sight.contains(item.sceneBoundingRect())]


def test_a_zoomed_out_view_hands_its_plain_cards_and_edges_to_the_sheets(qtbot):
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1, tensor="n3_3"))
    assert view.zoom < FAR_ZOOM and scene.far
    cards = scene.node_items()
    assert all(card.flags() & _NO_CONTENTS for card in cards.values())  # heat maps too
    assert all(e.path().length() > 0 for e in scene.edge_items().values())
    assert sum(1 for i in scene.items() if is_sheet(i)) == 2
    _assert_up_to_date_and_as_items_paint(view)

    view.set_zoom(1.0)
    _settle()
    assert not scene.far
    assert not any(card.flags() & _NO_CONTENTS for card in cards.values())
    assert not any(is_sheet(i) for i in scene.items())


def test_the_sheets_paint_the_cards_names_and_numbers_and_the_edges(qtbot):
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    shown = _assert_up_to_date_and_as_items_paint(view)
    background = np.array(LIGHT.background.getRgb()[:3])
    painted = (np.abs(shown - background).max(axis=2) > 8).mean()
    assert painted > 0.2  # cards and wires cover the view: the sheets drew them
    name = _in_view(view, scene)[0]
    card = view.mapFromScene(scene.node_item(name).sceneBoundingRect()).boundingRect()
    inside = shown[card.top() + 2 : card.bottom() - 2, card.left() + 2 : card.right() - 2]
    assert (inside.max(axis=2) < 120).sum() > 20  # dark text: the name on the card


def test_a_new_trace_reaches_the_screen_through_the_sheets(qtbot):
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    before = _screen(view)
    scene.show_trace(_trace(graph, 2))
    after = _assert_up_to_date_and_as_items_paint(view)
    assert _changed(before, after) > 2000  # every number and every wire's colour or width


def test_a_card_moved_on_the_sheet_leaves_nothing_where_it_was(qtbot, monkeypatch):
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    item = scene.node_item(_in_view(view, scene)[3])
    was = item.sceneBoundingRect()
    touched: list[QRectF] = []
    touch = FarSheet.touch

    def recorded(sheet: FarSheet, rect: QRectF) -> None:
        touched.append(QRectF(rect))
        touch(sheet, rect)

    monkeypatch.setattr(FarSheet, "touch", recorded)
    before = _screen(view)
    item.setPos(item.pos() + QPointF(170.0, 65.0))
    # The window may repaint more than was asked (this test's window repaints all of it);
    # the sheet must be asked for where the card was and where it is.
    assert any(r.contains(was) for r in touched)
    assert any(r.contains(item.sceneBoundingRect()) for r in touched)
    after = _assert_up_to_date_and_as_items_paint(view)
    assert _changed(before, after) > 500


def test_a_selected_card_paints_itself_over_the_sheet_and_goes_back_when_let_go(qtbot):
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    item = scene.node_item(_in_view(view, scene)[2])
    item.setSelected(True)
    assert not item.flags() & _NO_CONTENTS
    _assert_up_to_date_and_as_items_paint(view)
    item.setPos(item.pos() + QPointF(40.0, 40.0))  # dragged over its neighbours: on top
    _assert_up_to_date_and_as_items_paint(view)
    item.setSelected(False)
    assert item.flags() & _NO_CONTENTS
    _assert_up_to_date_and_as_items_paint(view)


def test_a_removed_node_and_a_hidden_edge_leave_the_sheets(qtbot):
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    name = _in_view(view, scene)[4]
    item = scene.node_item(name)
    graph.remove_node(name)
    assert item.scene() is None and not item.flags() & _NO_CONTENTS
    _assert_up_to_date_and_as_items_paint(view)
    edge = next(e for e in graph.edges if e.dst in _in_view(view, scene))
    scene.edge_item(edge).setVisible(False)
    _assert_up_to_date_and_as_items_paint(view)


def test_a_cards_heat_maps_come_and_change_on_the_sheet(qtbot):
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    name = _in_view(view, scene)[5]
    item = scene.node_item(name)
    before = _screen(view)
    scene.show_trace(_trace(graph, 1, tensor=name))
    assert item.band_rect() is not None and item.flags() & _NO_CONTENTS
    with_maps = _assert_up_to_date_and_as_items_paint(view)
    band = view.mapFromScene(item.mapRectToScene(item.band_rect())).boundingRect()
    part = (slice(band.top(), band.bottom()), slice(band.left(), band.right()))
    assert _changed(before[part], with_maps[part]) > 50  # the maps are drawn
    scene.show_trace(_trace(graph, 2, tensor=name))
    new_maps = _assert_up_to_date_and_as_items_paint(view)
    assert _changed(with_maps[part], new_maps[part]) > 20  # and follow the values
    scene.show_trace(_trace(graph, 1))
    _assert_up_to_date_and_as_items_paint(view)


def test_cards_stack_in_the_scenes_order_on_the_sheet_as_off_it(qtbot):
    """A card laid over another lies over it as Qt stacks the items themselves (the one
    added later on top), also after it was selected a while and went back to the sheet."""
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1, tensor="n3_3"))
    under, over = scene.node_item("n3_3"), scene.node_item("n3_4")
    for card in (over, under):
        card.setSelected(True)
        card.setSelected(False)
    over.setPos(under.pos() + QPointF(40.0, 30.0))
    _assert_up_to_date_and_as_items_paint(view)


def test_a_selected_edge_paints_its_line_over_its_halo(qtbot):
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    seen = set(_in_view(view, scene))
    edge = next(e for e in graph.edges if e.src in seen and e.dst in seen)
    item = scene.edge_item(edge)
    item.setSelected(True)
    line = next(c for c in item.childItems() if isinstance(c, EdgeLine))
    assert not line.flags() & _NO_CONTENTS  # its line paints itself
    _assert_up_to_date_and_as_items_paint(view)
    item.setSelected(False)
    assert line.flags() & _NO_CONTENTS
    _assert_up_to_date_and_as_items_paint(view)


def test_an_export_of_a_zoomed_out_scene_paints_every_item_itself(qtbot):
    graph = _crossed_grid(4, 4)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    image = render_image(scene, scale=1.0)
    with export_mode(scene):
        assert not scene.far and not any(is_sheet(i) for i in scene.items())
    assert scene.far  # back as it was
    scene.set_far(False)
    assert _changed(_pixels(image), _pixels(render_image(scene, scale=1.0))) == 0
    scene.set_far(True)
    svg = to_svg(scene)
    svg = svg.decode() if isinstance(svg, bytes) else svg
    assert all(f">{name}<" in svg for name in graph.names)  # the names as text, not images


def test_a_sheet_is_never_under_the_mouse_nor_in_what_a_fit_measures(qtbot):
    graph = _crossed_grid(4, 4)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    item = scene.node_item("n1_1")
    centre = item.sceneBoundingRect().center()
    assert scene.items(centre)[0] is item
    assert not any(is_sheet(i) for i in scene.items(QPointF(-5000.0, -5000.0)))
    view.fit_to_graph()
    shown = view.visible_scene_rect()
    assert shown.width() < 10_000  # the sheets are as large as the world; the fit is not
    assert not scene.items(QRectF(-9e5, -9e5, 10.0, 10.0))


def test_the_sheets_leave_the_scenes_own_rectangle_as_its_items_make_it(qtbot):
    """The scene's index of items is cut over the scene's own rectangle; a sheet as large as
    the world grew it so much that every repaint asked all 1,000 cards of a benchmark graph."""
    graph = _crossed_grid(6, 6)
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    scene.show_trace(_trace(graph, 1))
    own = scene.sceneRect()
    view = _shown_view(qtbot, scene)
    view.set_zoom(ZOOM)
    _settle()
    assert scene.far
    view.set_zoom(1.0)
    _settle()
    assert not scene.far
    grown = scene.sceneRect()
    assert grown.width() <= own.width() + 100 and grown.height() <= own.height() + 100


def test_a_card_changed_after_the_view_moved_to_it_is_repainted(qtbot):
    """The sheets skip changes out of the views' sight, and ask the views again after each
    paint: a view that moved has painted since, so a change where it now looks is shown."""
    graph = _crossed_grid(8, 14)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    seen = _in_view(view, scene)
    far = next(n for n in graph.names if n.endswith("_13") and n not in seen)
    scene.node_item(seen[0]).set_data(5.0)  # a change in sight: the sheets ask what is seen
    _screen(view)
    scene.node_item(far).set_data(7.0)  # out of sight: no repaint needed
    view.centerOn(scene.node_item(far).sceneBoundingRect().center())
    _repainted(view)  # (the cards there draw their faces as images from the second paint)
    _repainted(view)
    assert far in _in_view(view, scene)
    scene.node_item(far).set_data(-9.0)  # now in sight
    assert scene.node_item(far).summary(ZOOM).number == "-9"
    _assert_up_to_date_and_as_items_paint(view)


def test_a_zoom_that_restyles_every_edge_looks_up_what_is_seen_a_few_times(qtbot, monkeypatch):
    """Every edge's line changes its bounds when the zoom changes the width scale; asking for
    the items in sight after each of them was quadratic (a 5,000-card benchmark hung)."""
    graph = _crossed_grid(8, 8)
    scene, view = _far_view(qtbot, graph, _trace(graph, 1))
    calls = []
    look = FarSheet._items_in_sight

    def counted(sheet: FarSheet) -> set:
        calls.append(sheet)
        return look(sheet)

    monkeypatch.setattr(FarSheet, "_items_in_sight", counted)
    for zoom in (0.2, 0.3, 0.45, 0.25):
        view.set_zoom(zoom)
        _settle()
    assert scene.far and len(calls) <= 8
    _repainted(view)  # (faces are images from the second paint at a new scale on)
    _repainted(view)
    scene.node_item(_in_view(view, scene)[1]).set_data(3.5)
    _assert_up_to_date_and_as_items_paint(view)


def test_numbers_of_changing_widths_are_drawn_as_the_cards_draw_them(qtbot):
    """A small card keeps how it drew a number of each width (how big, where its name is cut,
    where the number starts): numbers that grow, shrink and come back to a width are drawn on the
    sheet as the card itself draws them, after every trace, also after a selection."""
    g = Graph()
    names = [f"w{i}" if i % 2 else f"a_rather_long_weight_name_{i}" for i in range(12)]
    for i, name in enumerate(names):
        g.add_node(Node(name, "data", value=1.0, position=((i % 4) * 420.0, (i // 4) * 140.0)))
    widths = [1.0, -22222.25, 3.5e-9, 0.5, -1.75, 123.0]

    def trace(k: int) -> Trace:
        values = {n: widths[(k + i) % len(widths)] for i, n in enumerate(names)}
        grads = {n: widths[(k + 2 * i) % len(widths)] for i, n in enumerate(names)}
        shapes = {n: () for n in names}
        return Trace(output=None, values=values, grads=grads, shapes=shapes, edges=())

    scene, view = _far_view(qtbot, g, trace(0))
    view.centerOn(QPointF(600.0, 140.0))
    _repainted(view)
    for k in (1, 2, 1, 0, 3, 5, 2, 4, 1):
        scene.show_trace(trace(k))
        _assert_drawn_as_the_cards_draw_themselves(view)
    item = scene.node_item(names[5])
    item.setSelected(True)
    scene.show_trace(trace(3))
    item.setSelected(False)
    _assert_drawn_as_the_cards_draw_themselves(view)
    scene.show_trace(trace(2))
    _assert_drawn_as_the_cards_draw_themselves(view)


def _assert_drawn_as_the_cards_draw_themselves(view: CanvasView) -> None:
    shown = _screen(view)  # (no edges: no arrow heads drawn in another order, no pixel apart)
    assert _changed(shown, _repainted(view)) == 0
    assert _changed(shown, _as_items_paint_it(view)) == 0
