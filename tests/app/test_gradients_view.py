"""The Gradients dock: per-parameter norm curves of the run, warnings on the cards and in the
status bar when gradients explode or vanish, none on the seed story."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPainterPathStroker
from PySide6.QtWidgets import QDockWidget

from backprop_studio.document import Document
from backprop_studio.model.gallery import example_path
from backprop_studio.model.program import parse_program
from tests.app.conftest import settle
from tests.app.test_training import open_seed, run_to_end
from tests.engine.test_grad_health import _chain


def _dock(window, title: str) -> QDockWidget:
    (dock,) = [d for d in window.findChildren(QDockWidget) if d.windowTitle() == title]
    return dock


def test_the_seed_story_trains_without_a_warning_and_draws_its_norms(qtbot, window):
    training = open_seed(qtbot, window)
    run_to_end(qtbot, training, 30)
    health = window.gradients
    qtbot.waitUntil(lambda: len(health.view.plot.curves) == 1)
    x, y = health.view.plot.curves[0].getOriginalDataset()
    assert len(x) == 30 and y[0] == 2.0  # ‖∂L/∂w‖ = |2(wx − y)x| at w = 1
    assert health.warnings == [] and health.badges.texts() == {}
    assert "no warning" in health.view.note.text()
    assert "Gradients" in [
        d.windowTitle() for d in window.tabifiedDockWidgets(_dock(window, "Loss"))
    ]
    health.view.quantity.setCurrentIndex(1)  # update ÷ weight: |Δw| / |w|
    _, ratios = health.view.plot.curves[0].getOriginalDataset()
    assert ratios[0] == pytest.approx(0.02, rel=1e-12)  # w: 1 → 1.02
    assert health.view.plot.quantity == "‖Δw‖/‖w‖"
    training.timeline.iteration_selected.emit(12)  # the timeline's pick: the marker follows
    assert health.view.plot.current_line.value() == 12


def test_too_high_a_learning_rate_warns_on_the_card_and_in_the_status_bar(qtbot, window):
    training = open_seed(qtbot, window)
    training.panel.lr.setValue(2.0)
    run_to_end(qtbot, training, 30)
    health = window.gradients
    qtbot.waitUntil(lambda: bool(health.warnings))
    assert health.badges.texts() == {"w": "⚠ ∂ exploding · it 7"}
    assert health.badges.tones() == {"w": "bad"}
    said = window.statusBar().currentMessage()
    assert "iteration 7: the gradient of 'w' is exploding" in said
    assert "lower the learning rate" in said and "clip" in said
    assert "w exploding" in health.view.note.text()
    # an edit ends the run: its warnings go with it
    training.reset()
    qtbot.waitUntil(lambda: health.badges.texts() == {})


def test_a_deep_sigmoid_chain_warns_that_gradients_vanish(qtbot, window):
    window.set_document(Document(parse_program(_chain(12, "sigmoid", 1.0))))
    settle(qtbot, window)
    training = window.training
    training.panel.lr.setValue(0.1)
    run_to_end(qtbot, training, 40)
    health = window.gradients
    qtbot.waitUntil(lambda: bool(health.warnings))
    texts = health.badges.texts()
    assert texts["w0"] == "⚠ ∂ vanishing · it 0"
    assert set(texts) <= {f"w{i}" for i in range(12)} and "w11" not in texts
    assert "vanishing" in window.statusBar().currentMessage()


def test_a_relu_card_says_how_many_units_are_dead(qtbot, window):
    from tests.engine.test_grad_health import DEAD

    window.set_document(Document(parse_program(DEAD)))
    settle(qtbot, window)
    run_to_end(qtbot, window.training, 3)
    health = window.gradients
    qtbot.waitUntil(lambda: "h" in health.badges.texts())
    dead, units = window.training.session.dead["h"]
    assert health.badges.texts()["h"] == f"relu dead {dead}/{units}" and dead >= 1


@pytest.mark.parametrize("example", ["moons_mlp"])
def test_a_dead_relu_badge_covers_no_wire_or_port(qtbot, laptop, example):
    """On the moons MLP h2's incoming wire runs along the top of its card, where a badge sat."""
    window = laptop
    window.files.open_example(example_path(example))
    settle(qtbot, window, timeout=60_000)
    window.view.fit_to_graph()
    run_to_end(qtbot, window.training, 200)
    health = window.gradients
    qtbot.waitUntil(lambda: any("relu dead" in t for t in health.badges.texts().values()))
    scale = window.view.transform().m11()
    stroker = QPainterPathStroker()
    stroker.setWidth(2.0)
    scene = window.scene
    for name, mark in health.badges._marks.items():
        area = mark.screen_rect(scale)
        for edge in scene.edge_items().values():
            if edge.isVisible():
                wire = stroker.createStroke(edge.sceneTransform().map(edge.path()))
                assert not wire.intersects(area), f"{name}'s badge covers a wire"
        for item in scene.node_items().values():
            for port in item.ports() if item.isVisible() else ():
                assert not port.sceneBoundingRect().intersects(area), f"{name}'s badge on a port"


def test_the_quantity_row_keeps_its_words_apart(qtbot):
    """'show', its choice and the note stand apart (the row took the plot's zero spacing)."""
    from PySide6.QtWidgets import QLabel

    from backprop_studio.app.training.gradients_view import GradientsView

    view = GradientsView()
    qtbot.addWidget(view)
    view.resize(900, 250)
    view.show()
    qtbot.waitExposed(view)
    (label,) = [w for w in view.findChildren(QLabel) if w.text() == "show"]
    assert view.quantity.geometry().left() - label.geometry().right() >= 4
    assert view.note.geometry().left() - view.quantity.geometry().right() >= 4
