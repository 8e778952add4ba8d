"""Tensor cards carry heat maps of their value and gradient; a tensor edge shows its gradient as
a thumbnail once the backward animation's pulse has landed; pictures are built once per value."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from backprop_studio.canvas import GraphScene, heat
from backprop_studio.canvas.flow.plan import EDGE
from backprop_studio.canvas.flow.player import GradientFlow
from backprop_studio.canvas.items.node_heat import THUMB_MIN_PX
from backprop_studio.canvas.style import LIGHT, TEXT_MARGIN
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.graph import Edge
from tests.builders import build

LEAVES = {
    "x": ("data", [[1.0, 2.0], [-1.0, 0.5], [0.0, 1.0]]),
    "W": ("param", [[0.5, -1.0], [2.0, 0.25]]),
}
OPS = [("h", "matmul", ["x", "W"]), ("t", "tanh", ["h"]), ("loss", "sum", ["t"])]


PLACES = {"x": (0, 0), "W": (0, 200), "h": (350, 0), "t": (700, 0), "loss": (1050, 0)}


@pytest.fixture
def graph():
    g = build(LEAVES, OPS)
    for name, position in PLACES.items():
        g.set_position(name, position)
    return g


@pytest.fixture
def shown(qtbot, graph):
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    trace = evaluate(graph)
    scene.show_trace(trace)
    return scene, trace


def render(scene: GraphScene, rect: QRectF, zoom: float = 1.0) -> np.ndarray:
    """The scene inside ``rect`` (scene units) as RGB pixels at ``zoom``."""
    image = QImage(
        round(rect.width() * zoom), round(rect.height() * zoom), QImage.Format.Format_RGB32
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()), rect)
    painter.end()
    bits = np.frombuffer(image.constBits(), dtype=np.uint8)
    arr = bits.reshape(image.height(), image.bytesPerLine() // 4, 4)
    return arr[:, : image.width(), [2, 1, 0]].astype(int)


def render_card(item, rect: QRectF) -> np.ndarray:
    """Only the card (no marks of the animation over it) inside ``rect``, in item units."""
    image = QImage(round(rect.width()), round(rect.height()), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(-rect.left(), -rect.top())
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    bits = np.frombuffer(image.constBits(), dtype=np.uint8)
    arr = bits.reshape(image.height(), image.bytesPerLine() // 4, 4)
    return arr[:, : image.width(), [2, 1, 0]].astype(int)


def band_boxes(scene: GraphScene, name: str) -> tuple[QRectF, QRectF]:
    """The value's and gradient's picture areas of a card, in scene coordinates."""
    item = scene.node_item(name)
    band = item.band_rect()
    assert band is not None
    data, grad = item.heat_band.boxes(band.top(), item._gutter, 240.0 - TEXT_MARGIN)
    return item.mapRectToScene(data), item.mapRectToScene(grad)


def coloured(rgb: np.ndarray) -> int:
    """Pixels clearly orange or blue (the heat scale away from white and grey)."""
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    return int((spread > 20).sum())


def test_a_tensor_card_has_a_band_and_a_scalar_card_none(shown):
    scene, _ = shown
    assert scene.node_item("W").band_rect() is not None
    assert scene.node_item("h").band_rect() is not None
    assert scene.node_item("loss").band_rect() is None


def test_the_value_map_changes_when_the_value_changes(shown, graph):
    scene, _ = shown
    data_box, _grad_box = band_boxes(scene, "W")
    before = render(scene, data_box)
    assert coloured(before) > 0.5 * before.shape[0] * before.shape[1]
    graph.set_value("W", [[-0.5, 1.0], [-2.0, 0.25]])
    scene.show_trace(evaluate(graph))
    after = render(scene, data_box)
    assert (np.abs(after - before).max(axis=2) > 40).sum() > 0.3 * before.size / 3
    # the top-left cell went from light orange (0.5 of 2) to light blue
    top_left = after[3 : after.shape[0] // 2 - 2, 3 : after.shape[1] // 2 - 2].reshape(-1, 3)
    assert (top_left[:, 2] > top_left[:, 0]).mean() > 0.9


def test_heat_maps_are_built_once_per_value_not_per_repaint(shown):
    scene, trace = shown
    rect = scene.itemsBoundingRect()
    render(scene, rect)
    built = heat.build_count()
    for zoom in (1.0, 0.5, 0.3, 2.0):
        render(scene, rect, zoom)
    scene.show_trace(trace)  # the same numbers again (equal values): nothing to rebuild
    render(scene, rect)
    assert heat.build_count() == built
    scene.node_item("W").set_data([[9.0, 0.0], [0.0, 1.0]], None, (2, 2))
    render(scene, rect)
    assert heat.build_count() == built + 1  # the new value; no gradient, nothing for it


def test_a_large_tensor_is_a_histogram(qtbot):
    big = [[float(i - j) for j in range(40)] for i in range(40)]
    picture = heat.heat_picture(big)
    assert picture is not None and picture.kind == "histogram" and picture.scale == 39.0
    assert heat.heat_picture([[[1.0, 2.0]]]).kind == "histogram"  # three dims
    small = heat.heat_picture([[1.0, -1.0, 0.0]])
    assert small.kind == "cells" and (small.cols, small.rows) == (3, 1)
    assert small.image.pixelColor(0, 0).getRgb()[:3] == heat.POSITIVE
    assert small.image.pixelColor(1, 0).getRgb()[:3] == heat.NEGATIVE
    assert small.image.pixelColor(2, 0).getRgb()[:3] == (255, 255, 255)
    assert heat.heat_picture(2.0) is None and heat.heat_picture(None) is None


def test_at_small_zoom_the_maps_stay_as_thumbnails_while_legible(shown):
    scene, _ = shown
    item = scene.node_item("W")
    band = item.mapRectToScene(item.band_rect())
    legible = THUMB_MIN_PX / (band.height() - 6.0)
    assert coloured(render(scene, band, 0.35)) > 20
    assert coloured(render(scene, band, legible * 0.8)) == 0  # hidden, not an empty box
    assert item.summary(0.35).name == "W"


@pytest.fixture
def flow(qtbot, shown):
    scene, trace = shown
    flow = GradientFlow(scene)
    assert flow.load(trace)
    return flow


def test_the_edge_thumbnail_appears_when_the_pulse_lands(shown, flow):
    scene, trace = shown
    edge = Edge("W", "h", "b")
    index = trace.edges.index(edge)
    step = next(i + 1 for i, s in enumerate(flow.plan.steps) if s.kind == EDGE and s.edge == index)
    item = scene.edge_item(edge)
    card = scene.node_item("W")
    grad_box = card.mapRectFromScene(band_boxes(scene, "W")[1])
    flow.apply(step - 1, 0.6)  # the pulse is on its way
    assert item.thumbnail is None
    assert card.heat_band.picture("grad") is None
    waiting = render_card(card, grad_box)
    assert coloured(waiting) == 0  # greyed: no gradient yet
    grey = LIGHT.header_op
    assert (np.abs(waiting - [grey.red(), grey.green(), grey.blue()]).max(axis=2) < 8).mean() > 0.9
    flow.apply_step(step)  # the pulse has landed at W
    assert item.thumbnail is not None and item.thumbnail.isVisible()
    thumb = item.thumbnail.sceneBoundingRect()
    assert thumb.width() > 10 and thumb.height() > 10
    assert (thumb.center() - item.mapToScene(item.midpoint())).manhattanLength() < 60
    assert coloured(render(scene, thumb)) > 0.3 * thumb.width() * thumb.height()
    arrived = render_card(card, grad_box)
    assert coloured(arrived) > 0.3 * arrived.shape[0] * arrived.shape[1]
    flow.step_back()
    assert item.thumbnail is None
    assert coloured(render_card(card, grad_box)) == 0


def test_scalar_edges_have_no_thumbnail(shown):
    scene, _ = shown
    assert scene.edge_item(Edge("t", "loss", "a")).thumbnail is not None  # t is 3×2
    assert all(
        scene.edge_item(e).thumbnail is None
        for e in scene.edge_items()
        if not isinstance(scene.edge_item(e).grad, list)
    )


def test_a_card_drawn_small_is_not_redrawn_for_digits_it_does_not_show(qtbot):
    from backprop_studio.canvas.items.node import NodeItem

    item = NodeItem("w", "param", LIGHT)
    item.set_data(1.23456, 0.5)
    updates = []
    item.update = lambda *args: updates.append(args)  # count the repaints it asks for
    item.repaint_numbers = item.update  # (new numbers alone ask this way)
    small = QImage(120, 60, QImage.Format.Format_RGB32)
    painter = QPainter(small)
    painter.scale(0.32, 0.32)  # a fitted network: name and a three-digit number
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    item.set_data(1.23461, 0.5)  # shows as 1.23 either way
    assert updates == [] and "data 1.2346 | grad 0.5000" in item.text_lines()
    item.set_data(1.31, 0.5)
    assert len(updates) == 1
    painter = QPainter(small)  # now seen at full detail: every digit counts again
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    item.set_data(1.3100001, 0.5)
    assert len(updates) == 2


def test_every_cell_has_the_colour_of_its_number(qtbot):
    """The cells' colours are made for all cells at once: each is still heat_rgb of its own
    number over the tensor's scale, and non-finite cells are grey."""
    rows = [[0.0, 1.5, -3.0, 0.75], [float("nan"), float("inf"), -0.001, 2], [True, -1, 3, 0.3]]
    picture = heat.heat_picture(rows)
    assert picture is not None and (picture.rows, picture.cols) == (3, 4)
    assert picture.scale == 3.0
    for y, row in enumerate(rows):
        for x, number in enumerate(row):
            want = heat.heat_rgb(number / 3.0) if np.isfinite(number) else heat.NON_FINITE
            assert picture.image.pixelColor(x, y).getRgb()[:3] == want, (x, y, number)
    vector = heat.heat_picture([1.0, -2.0])  # one row
    assert vector is not None and (vector.rows, vector.cols) == (1, 2)
    assert vector.image.pixelColor(1, 0).getRgb()[:3] == heat.NEGATIVE


def test_a_tensor_with_no_finite_cell_is_grey_with_no_scale(qtbot):
    """The largest |x| decides the scale, unless it is not finite: then the finite cells do,
    and with none there is no scale and every cell is grey."""
    picture = heat.cells_picture(np.array([[float("nan"), float("-inf")]]))
    assert picture.scale == 0.0
    for x in range(2):
        assert picture.image.pixelColor(x, 0).getRgb() == (*heat.NON_FINITE, 255)
    mixed = heat.cells_picture(np.array([[float("inf"), -0.5, 0.25]]))
    assert mixed.scale == 0.5
    assert mixed.image.pixelColor(1, 0).getRgb()[:3] == heat.NEGATIVE
    assert mixed.image.pixelColor(2, 0).getRgb()[:3] == heat.heat_rgb(0.5)


def test_pictures_built_together_are_the_pictures_built_one_by_one(qtbot):
    """Tensors of one shape are coloured together: each picture is still its own, to the
    pixel, with its own scale, beside scalars, non-finite cells, rows and histograms."""
    rng = np.random.default_rng(7)

    def tensor(shape: tuple[int, ...]) -> list:
        return (rng.standard_normal(shape) * 10 ** rng.uniform(-3, 3)).tolist()

    values = [tensor((3, 4)) for _ in range(5)] + [tensor((6,)), tensor((6,)), tensor((40, 2))]
    values += [[[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, -2.0]], 1.5, None, [], [[1.0, 2.0]]]
    values += [[[float("nan"), 1.0], [2.0, 3.0]], [[2.0, -1.0], [0.5, 0.25]]]
    values += [[[1], [-2], [3]], [[True], [False], [True]]]  # whole numbers and truths, alone
    one_by_one = [heat.heat_picture(v) for v in values]
    together = heat.heat_pictures(values)
    assert len(together) == len(values)
    for a, b in zip(one_by_one, together):
        assert (a is None) == (b is None)
        if a is not None:
            assert (a.kind, a.scale, a.rows, a.cols) == (b.kind, b.scale, b.rows, b.cols)
            assert a.image == b.image
