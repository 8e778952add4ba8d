"""The Fit view of a one-feature classifier (a probability with its 0.5 threshold) and the Fit
view exported as PNG and SVG through File ▸ Export."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image

from backprop_studio.app.export.actions import KINDS
from tests.app.conftest import settle
from tests.app.test_fit_csv import DATA, _train

ONE_FEATURE = """x, y = csv("two.csv", target="species", features=("petal_length",), standardize=True)
w = param(shape=(1, 1), init="xavier", seed=0)
b = param(shape=(1,), init="zeros")
loss = bce_logits(x @ w + b, y)"""


def _one_feature_classifier(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    rows = (DATA / "iris.csv").read_text().splitlines()
    kept = [rows[0]] + [r for r in rows[1:] if not r.endswith("virginica")]
    (tmp_path / "two.csv").write_text("\n".join(kept) + "\n")
    monkeypatch.chdir(tmp_path)
    window.program.editor.setPlainText(ONE_FEATURE)
    qtbot.mouseClick(window.program.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    window.fit.dock.raise_()
    _train(qtbot, window, 40)


def test_a_one_feature_classifier_shows_its_probability_and_exports(
    qtbot, window, tmp_path, monkeypatch
):
    _one_feature_classifier(qtbot, window, tmp_path, monkeypatch)
    plot = window.fit.plot
    xs, ys = plot.curve.getData()
    assert len(xs) == 200 and 0 <= ys.min() < 0.5 < ys.max() <= 1
    assert plot.threshold.isVisible() and plot.threshold.value() == 0.5
    assert plot.plot.getAxis("bottom").labelText == "petal_length"
    assert plot.plot.getAxis("left").labelText == "P(versicolor)"
    heights = np.asarray(plot.points.data["y"], float)
    assert set(heights) == {0.0, 1.0}  # each flower at its class
    assert "fit_plot" in KINDS and "export_fit_plot" in window.actions_by_name
    png, svg = tmp_path / "fit.png", tmp_path / "fit.svg"
    assert window.exports.write("fit_plot", png) and window.exports.write("fit_plot", svg)
    assert Image.open(png).width == 1200
    texts = {
        "".join(t.itertext()).strip()
        for t in ET.parse(svg).getroot().iter()
        if t.tag.endswith("text")
    }
    assert {"petal_length", "P(versicolor)"} <= texts


def test_an_empty_fit_view_is_not_exported(qtbot, window, tmp_path, dialogs):
    settle(qtbot, window)
    assert not window.exports.write("fit_plot", tmp_path / "fit.png", report=True)
    assert "Fit view shows nothing" in dialogs.shown[-1][2]
    assert not (tmp_path / "fit.png").exists()
