"""A Trace shows up as numbers in the cards and as coloured, widened edges in the pixels."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from backprop_studio.canvas import GraphScene
from backprop_studio.canvas.style import LIGHT, grad_width
from backprop_studio.model.graph import Edge, Problem
from backprop_studio.model.trace import Trace
from tests.canvas.canvas_helpers import seed_trace


def _render(scene: GraphScene) -> np.ndarray:
    rect = scene.itemsBoundingRect().adjusted(-10, -10, 10, 10)
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()), rect)
    painter.end()
    ptr = image.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return arr[:, : image.width(), [2, 1, 0]].astype(int)  # BGRA in memory → RGB


def _pixels_like(rgb: np.ndarray, color: QColor, tolerance: int = 30) -> int:
    target = np.array([color.red(), color.green(), color.blue()])
    return int((np.abs(rgb - target).max(axis=2) <= tolerance).sum())


def test_trace_numbers_appear_in_the_cards(scene, seed):
    scene.show_trace(seed_trace(seed))
    assert "data 1.0000 | grad -2.0000" in scene.node_item("w").text_lines()
    assert "data -1.0000 | grad -2.0000" in scene.node_item("sub_1").text_lines()
    assert "data 1.0000 | grad —" in scene.node_item("x").text_lines()
    assert "data 2.0000 | grad —" in scene.node_item("const_1").text_lines()
    assert "data 1.0000 | grad 1.0000" in scene.node_item("loss").text_lines()
    scene.show_trace(None)
    assert "data — | grad —" in scene.node_item("y_hat").text_lines()
    assert "data 1.0000 | grad —" in scene.node_item("w").text_lines()


def test_negative_gradients_paint_the_edges_blue(scene, seed):
    before = _pixels_like(_render(scene), LIGHT.negative)
    scene.show_trace(seed_trace(seed))
    after = _pixels_like(_render(scene), LIGHT.negative)
    assert before < 20, before
    assert after > 400  # three thick edges, their arrows and labels
    edge = scene.edge_item(Edge("w", "y_hat", "a"))
    assert edge.color == LIGHT.negative and edge.label == "-2"
    assert scene.edge_item(Edge("x", "y_hat", "b")).color == LIGHT.edge


def test_positive_gradients_paint_the_edges_warm(scene, seed):
    scene.show_trace(seed_trace(seed, edge_grad=-2.0))
    text_only = _pixels_like(_render(scene), LIGHT.positive)  # the loss's own grad, 1.0000
    scene.show_trace(seed_trace(seed, edge_grad=3.0))
    assert _pixels_like(_render(scene), LIGHT.positive) > text_only + 400
    assert scene.edge_item(Edge("sub_1", "loss", "a")).color == LIGHT.positive


def test_larger_gradients_draw_wider_edges(scene, seed):
    scene.show_trace(seed_trace(seed, edge_grad=-0.01))
    thin = scene.edge_item(Edge("w", "y_hat", "a")).width
    scene.show_trace(seed_trace(seed, edge_grad=-50.0))
    wide = scene.edge_item(Edge("w", "y_hat", "a")).width
    assert thin < wide
    assert grad_width(1e-12) == pytest.approx(1.2) and grad_width(1e12) == pytest.approx(6.5)


def test_edge_tooltip_spells_the_chain_rule(scene, seed):
    scene.show_trace(seed_trace(seed))
    text = scene.edge_item(Edge("sub_1", "loss", "a")).tooltip_text()
    assert "∂L/∂sub_1 along this edge = -2" in text
    assert "∂L/∂sub_1 (via loss) = ∂L/∂loss · ∂loss/∂sub_1 = (1) · (-2) = -2" in text


def test_node_tooltip_has_formula_derivative_and_full_values(scene, seed):
    scene.show_trace(seed_trace(seed))
    text = scene.node_item("y_hat").tooltip_text()
    assert "a · b" in text and "∂/∂a = b" in text
    assert "grad: -2" in text


def test_trace_problem_is_drawn_in_red(scene, seed):
    trace = Trace(
        output="loss",
        values={"w": 1.0},
        problems=(Problem("sub_1", "'sub_1' became nan"),),
    )
    scene.show_trace(trace)
    item = scene.node_item("sub_1")
    assert item.problem == "'sub_1' became nan"
    assert "'sub_1' became nan" in item.text_lines()
    assert _pixels_like(_render(scene), LIGHT.problem, tolerance=40) > 200


def test_labels_can_be_hidden(scene, seed):
    scene.show_trace(seed_trace(seed))
    scene.set_edge_labels(False)
    assert scene.edge_item(Edge("w", "y_hat", "a")).label == ""


def test_a_leaf_edited_after_the_run_shows_its_new_value(scene, seed):
    trace = seed_trace(seed)
    scene.show_trace(replace(trace, revision=seed.revision))
    seed.set_value("w", 3.0)
    scene.refresh()
    lines = scene.node_item("w").text_lines()
    assert "data 3.0000 | grad -2.0000" in lines  # the stale gradient stays until the next run
    assert "data 1.0000 | grad -2.0000" in scene.node_item("y_hat").text_lines()


def test_theme_switch_recolours_items(scene, seed):
    from backprop_studio.canvas.style import DARK

    scene.show_trace(seed_trace(seed))
    scene.set_theme(DARK)
    assert scene.edge_item(Edge("w", "y_hat", "a")).color == DARK.negative
    assert scene.backgroundBrush().color() == DARK.background
