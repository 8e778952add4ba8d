"""The loss plot as PNG and as SVG that any viewer draws right (no stretched strokes or atlases)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np

from backprop_studio.plots.export import bake_cosmetic_strokes, plot_image, plot_svg
from backprop_studio.plots.loss_plot import LossPlot


def _plot(qtbot) -> LossPlot:
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 300)
    plot.show()
    qtbot.waitExposed(plot)
    x = np.arange(50.0)
    plot.set_losses(x, np.exp(-x / 10), "SGD lr 0.1")
    plot.set_current(20)
    return plot


def test_png_has_the_asked_width(qtbot):
    image = plot_image(_plot(qtbot), width=900)
    assert image.width() == 900 and image.height() > 100


def test_svg_curves_are_in_pixels_and_symbols_are_shapes(qtbot):
    plot = _plot(qtbot)
    plot.hover_label.setText("iteration 3")
    plot.hover_label.show()
    svg = plot_svg(plot)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "<image" not in svg  # the marker is drawn as a path, not pasted from an atlas
    assert "iteration 3" not in svg and plot.hover_label.isVisible()  # hover left out, put back
    texts = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"iteration", "loss"} <= texts
    for scale in re.findall(r"matrix\(([-\d.e]+),[^)]*\)\"[^>]*>\s*<polyline", svg):
        assert abs(float(scale)) <= 1.0  # no data→pixel scale left under a cosmetic stroke


def test_baking_moves_points_and_leaves_other_groups_alone():
    group = (
        '<g stroke="#000" transform="matrix(2,0,0,-3,10,20)">'
        '<polyline vector-effect="non-scaling-stroke" points="1,1 2,0 " /></g>'
    )
    text = '<g transform="matrix(2,0,0,2,0,0)"><text x="1" y="1">a</text></g>'
    baked = bake_cosmetic_strokes(group + text)
    assert 'points="12,17 14,20 "' in baked and "matrix(1,0,0,1,0,0)" in baked
    assert text in baked


def test_losses_of_0_3_to_0_7_are_labelled_in_their_own_units(qtbot):
    """pyqtgraph would show 300–700 under "loss (x0.001)"; the ticks read 0.3–0.7."""
    from backprop_studio.plots.param_plot import ParamPlot

    plot = _plot(qtbot)
    x = np.arange(100.0)
    plot.set_losses(x, 0.3 + 0.4 * np.exp(-x / 20), "SGD")
    svg = plot_svg(plot)
    texts = _texts(svg)
    assert {"0.3", "0.4", "0.5", "0.6", "0.7"} <= texts, texts
    assert not {"300", "500", "700"} & texts
    assert "loss" in texts and not any("x0.001" in t for t in texts)
    params = ParamPlot()  # parameters near 0.5 too
    qtbot.addWidget(params)
    params.resize(600, 300)
    params.show()
    qtbot.waitExposed(params)
    params.set_series(["w"])
    params.set_data(x, (0.45 + 0.2 * np.exp(-x / 20))[:, None])
    texts = _texts(plot_svg(params))
    assert {"0.50", "0.55", "0.60"} <= texts and not {"500", "550", "600"} & texts, texts
    assert not any("x0.001" in t for t in texts)


def _texts(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
