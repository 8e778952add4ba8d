"""A test fraction set in the training panel: the held-out loss beside the training loss, and
the held-out rows hollow in the Fit view."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle


def test_held_out_rows_are_plotted_and_drawn_hollow(qtbot, window):
    assert window.files.open_example(example_path("moons_mlp"))
    settle(qtbot, window)
    panel = window.training.panel
    panel.test_fraction.setValue(0.2)
    assert window.document.settings["training"]["test_fraction"] == 0.2
    window.document.settings["training"]["steps"] = 40
    window.fit.dock.raise_()
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.training.busy, timeout=10_000)
    qtbot.waitUntil(lambda: not window.training.busy, timeout=120_000)
    settle(qtbot, window)
    session = window.training.session
    its, losses = session.test_curve()
    assert its[0] == 0 and its[-1] == 40 and losses[-1] == session.trainer.test_loss()
    x, y = window.training.loss_plot.test_curve.getData()
    np.testing.assert_array_equal(x, its)
    np.testing.assert_array_equal(y, losses)
    window.fit.refresh()
    qtbot.waitUntil(lambda: not window.fit.pending, timeout=10_000)
    held = window.fit.plot.test_points.data
    assert len(held) == 40 and len(window.fit.plot.points.data) == 160
    test_x = session.trainer.test_slots[session.trainer.plan.slot_of["x"]].numpy()
    np.testing.assert_allclose(np.c_[held["x"], held["y"]], test_x)
    panel.test_fraction.setValue(0.0)
    assert window.document.settings["training"]["test_fraction"] == 0.0
