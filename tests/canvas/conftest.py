"""Fixtures of the canvas tests: the seed graph, a scene mirroring it, a shown view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from backprop_studio.canvas import CanvasView, GraphScene
from backprop_studio.canvas.style import LIGHT
from backprop_studio.model.graph import Graph
from tests.canvas.canvas_helpers import seed_graph


@pytest.fixture
def seed() -> Graph:
    return seed_graph()


@pytest.fixture
def scene(qtbot, seed) -> GraphScene:
    s = GraphScene(theme=LIGHT)
    s.set_graph(seed)
    return s


@pytest.fixture
def view(qtbot, scene) -> CanvasView:
    """A shown 1200×800 view at zoom 1 with the scene origin near the top-left."""
    v = CanvasView(scene)
    qtbot.addWidget(v)
    v.resize(1200, 800)
    v.show()
    qtbot.waitExposed(v)
    v.centerOn(QPointF(540, 300))
    return v
