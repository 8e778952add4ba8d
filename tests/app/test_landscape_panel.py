"""The Landscape dock in the window: the seed story's parabola with w's path, the moons MLP over
random directions, the plane the user picks, a log colour scale and export."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from backprop_studio.app.files import file_actions as files_module
from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle


def _shown(qtbot, window):
    panel = window.landscape
    panel.dock.raise_()
    qtbot.waitUntil(lambda: panel.dock.isVisible(), timeout=5_000)
    panel.refresh()
    qtbot.waitUntil(lambda: not panel.pending, timeout=30_000)
    return panel


def _train(qtbot, window, steps: int) -> None:
    window.document.settings["training"]["steps"] = steps
    qtbot.mouseClick(window.training.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.training.busy, timeout=10_000)
    qtbot.waitUntil(lambda: not window.training.busy, timeout=120_000)
    settle(qtbot, window)


def test_the_seed_story_draws_the_parabola_and_w_slides_towards_2(qtbot, window, tmp_path):
    assert window.files.open_path(files_module.examples_dir() / "seed.json", ask=False)
    settle(qtbot, window)
    panel = _shown(qtbot, window)
    before = panel.answer.picture
    assert before.ys is None and before.current[0] == 1.0 and len(before.path) == 0
    assert panel.view.axes.currentText() == "w" and not panel.view.axes.isEnabled()
    xs, ys = panel.plot.curve.getData()
    np.testing.assert_allclose(ys, (xs - 2.0) ** 2, atol=1e-12)
    assert panel.plot.head.isVisible()
    arrow = panel.plot.shaft.getData()[0]
    assert arrow[1] > arrow[0]  # downhill: towards larger w
    steep = arrow[1] - arrow[0]
    _train(qtbot, window, 200)
    panel = _shown(qtbot, window)
    after = panel.answer.picture
    w = window.graph.node("w").value
    assert after.current[0] == w and abs(w - 2.0) < 0.05
    px, py = panel.plot.path.getData()
    assert len(px) == 201 and px[0] == 1.0 and px[-1] == w
    np.testing.assert_allclose(py, (px - 2.0) ** 2, atol=1e-12)
    arrow = panel.plot.shaft.getData()[0]
    assert len(arrow) == 0 or 0 < arrow[1] - arrow[0] < steep / 5  # nearly flat near 2
    assert "loss" in panel.view.readout.text() and "∂L/∂w" in panel.view.readout.text()
    png, svg = tmp_path / "land.png", tmp_path / "land.svg"
    assert panel.export_to(png) and panel.export_to(svg)
    assert QImage(str(png)).width() > 500
    assert "<svg" in svg.read_text(encoding="utf-8")


def test_the_moons_mlp_over_two_random_directions_with_adams_path(qtbot, window):
    assert window.files.open_example(example_path("moons_mlp"))
    settle(qtbot, window)
    window.document.settings["training"]["optimizer"] = "adam"
    _train(qtbot, window, 30)
    panel = _shown(qtbot, window)
    shown = panel.answer.picture
    assert panel.view.axes.currentText() == "two random directions"
    assert shown.losses.shape == (60, 60) and len(shown.path) == 31
    assert shown.current_loss == window.training.session.trainer.loss()
    image = panel.plot.image.image
    np.testing.assert_allclose(image, shown.losses)
    panel.view.log_colour.setChecked(True)
    np.testing.assert_allclose(panel.plot.image.image, np.log10(shown.losses))
    assert panel.plot.bar.axis.labelText == "log₁₀ loss"
    panel.view.axes.setCurrentIndex(1)  # towards the start, and across the path
    qtbot.waitUntil(lambda: not panel.pending, timeout=30_000)
    assert panel.answer.axes.kind == "path"
    np.testing.assert_allclose(panel.answer.picture.path[0], [1.0, 0.0], atol=1e-9)


def test_nothing_to_train_says_so(qtbot, window, tmp_path):
    window.files.new()
    settle(qtbot, window)
    panel = _shown(qtbot, window)
    assert panel.answer.picture.losses is None and panel.answer.choices == []
    assert panel.plot.hint.isVisible() and panel.plot.hint.textItem.toPlainText()
    assert not panel.export_to(tmp_path / "none.png")
    assert not (tmp_path / "none.png").exists()
