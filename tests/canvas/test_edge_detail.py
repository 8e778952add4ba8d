"""Edges drawn small: filled without antialiasing (fast), in their gradient's colour and width."""

from __future__ import annotations

import math
from collections import Counter

from backprop_studio.canvas import CanvasView, GraphScene
from backprop_studio.canvas.export import render_image
from backprop_studio.canvas.style import EDGE_AA_ZOOM, LIGHT
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.trace import Trace


def _diagonal() -> tuple[Graph, Trace]:
    """One steep edge, a → b, carrying a large gradient (a wide line)."""
    g = Graph()
    g.add_node(Node("a", "param", value=1.0, position=(0, 0)))
    g.add_node(Node("b", "exp", position=(900, 900)))
    g.connect("a", "b", "a")
    trace = Trace(
        output="b",
        values={"a": 1.0, "b": 2.7},
        grads={"a": 50.0, "b": 1.0},
        shapes={"a": (), "b": ()},
        edges=tuple(g.edges),
        edge_grads=(50.0,),
    )
    return g, trace


def _colours_around_the_middle(qtbot, zoom: float) -> tuple[Counter, float, object]:
    graph, trace = _diagonal()
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    scene.show_trace(trace)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(zoom)
    edge = next(iter(scene.edge_items().values()))
    mid = edge.mapToScene(edge.midpoint())
    view.centerOn(mid)
    image = view.viewport().grab().toImage()
    centre = view.mapFromScene(mid)
    box = Counter(
        image.pixel(centre.x() + dx, centre.y() + dy)
        for dx in range(-12, 13)
        for dy in range(-12, 13)
    )
    slope = math.radians(edge.path().angleAtPercent(0.5))  # the S-curve's middle (symmetric)
    rows = edge.drawn_width * view.zoom / abs(math.sin(slope))  # a row's run across the line
    return box, rows, edge.color


def test_a_small_edge_is_filled_without_antialiasing_in_its_colour_and_width(qtbot):
    small = 0.32
    assert small < EDGE_AA_ZOOM
    box, run, colour = _colours_around_the_middle(qtbot, small)
    line = box[colour.rgb()]
    assert line > 0  # the gradient's colour, exactly: no pixel blended with the background
    background = {LIGHT.background.rgb()}
    blended = [c for c in box if c != colour.rgb() and c not in background]
    grid = [c for c in blended if box[c] <= 4]  # a few square grid dots, drawn unsmoothed
    assert len(blended) <= 1 and blended == grid, [hex(c) for c in blended]
    # its width: each of the box's 25 rows crosses the line in ``run`` pixels, give or take one
    assert abs(line / 25 - run) <= 1.0, (line / 25, run)


def test_an_edge_at_full_size_stays_antialiased(qtbot):
    box, _, colour = _colours_around_the_middle(qtbot, 1.0)
    blended = [c for c in box if c not in (colour.rgb(), LIGHT.background.rgb()) and box[c] > 0]
    assert len(blended) > 3  # the outline's edge pixels are mixed with the background


def test_an_export_at_a_small_scale_stays_antialiased(qtbot):
    graph, trace = _diagonal()
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    scene.show_trace(trace)
    image = render_image(scene, scale=0.3)
    colours = Counter(
        image.pixel(x, y) for x in range(image.width()) for y in range(image.height())
    )
    assert len(colours) > 20  # smooth edges and text, as every export
