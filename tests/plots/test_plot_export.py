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
    numbers = {round(float(t), 6) for t in texts if re.fullmatch(r"-?[\d.]+", t)}
    assert {0.3, 0.4, 0.5, 0.6, 0.7} <= numbers, texts  # "0.3" or "0.30", in the data's units
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


def _accent_columns(image) -> np.ndarray:
    """How many accent-blue pixels each column holds (the curve, and the cursor's line)."""
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(rgb.constBits(), np.uint8, rgb.sizeInBytes())
    array = data.reshape(rgb.height(), rgb.bytesPerLine())[:, : rgb.width() * 3]
    array = array.reshape(rgb.height(), rgb.width(), 3).astype(int)
    blue = (array[..., 2] > 150) & (array[..., 0] < 120)
    return blue.sum(axis=0)


def test_the_timeline_cursor_is_left_out_unless_asked(qtbot):
    plot = _plot(qtbot)  # the cursor at iteration 20
    plain, marked = plot_image(plot, width=900), plot_image(plot, width=900, cursor=True)
    # the dashed vertical line fills a column from top to bottom only when asked for
    assert _accent_columns(marked).max() > 3 * _accent_columns(plain).max()
    assert plot.current_line.isVisible()  # put back for the screen
    assert len(plot.marker.getData()[0]) == 1


def test_the_legend_is_as_large_as_the_tick_labels_in_an_export(qtbot):
    plot = _plot(qtbot)
    root = ET.fromstring(plot_svg(plot))
    sizes = {}
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        for text in group.iter("{http://www.w3.org/2000/svg}text"):
            sizes["".join(text.itertext()).strip()] = float(text.get("font-size"))
    assert sizes["SGD lr 0.1"] >= max(sizes["10"], sizes["loss"])
    on_screen = plot.legend.items[0][1]
    assert on_screen.opts["size"] == "8pt"  # the dock's legend keeps its own size
