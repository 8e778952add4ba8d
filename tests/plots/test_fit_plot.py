"""The Fit view's legend names the classes of a CSV target beside their colours."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from backprop_studio.plots.fit_plot import CLASS_COLOURS, MAX_STRETCH, FitPlot


def test_the_legend_names_each_class_in_its_colour(qtbot):
    plot = FitPlot()
    qtbot.addWidget(plot)
    plot.resize(500, 400)
    plot.show()
    x = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    plot.show_points(x, np.array([[0.0], [1.0], [2.0]]), 3)
    plot.show_legend(("setosa", "versicolor", "virginica"))
    assert plot.legend_names() == ["0  setosa", "1  versicolor", "2  virginica"]
    brushes = [s.item.opts["brush"].color().getRgb()[:3] for s, _ in plot.legend.items]
    assert brushes == [CLASS_COLOURS[k] for k in range(3)]
    plot.clear()
    assert plot.legend_names() == []


def test_three_classes_colour_the_grid_by_the_likeliest(qtbot):
    plot = FitPlot()
    qtbot.addWidget(plot)
    probabilities = np.zeros((4, 4, 3))
    probabilities[:, :2, 0] = 1.0  # left half: surely class 0
    probabilities[:, 2:, :] = 1 / 3  # right half: an even guess
    probabilities[0, 3] = (0.0, 0.0, 1.0)  # one cell surely class 2
    plot.show_classes(probabilities, (0.0, 4.0, 0.0, 4.0))
    image = plot.image.image.transpose(1, 0, 2)  # back to (row, column, rgb)
    r, g, b = image[0, 0]
    assert b > r  # class 0's blue, paled
    assert tuple(image[1, 3]) == (250, 250, 250)  # unsure: white
    r, g, b = image[0, 3]
    assert g > r and g > b  # class 2's green


def test_the_class_colours_reach_the_screen_after_a_two_class_surface(qtbot):
    plot = FitPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    probabilities = np.zeros((8, 8, 3))
    probabilities[..., 2] = 1.0  # all class 2: green
    plot.show_classes(probabilities, (0.0, 1.0, 0.0, 1.0))
    first = plot.grab().toImage().pixelColor(200, 150).getRgb()[:3]
    plot.show_surface(np.full((8, 8), 0.9), (0.0, 1.0, 0.0, 1.0))  # two classes: the map
    orange = plot.grab().toImage().pixelColor(200, 150).getRgb()[:3]
    plot.show_classes(probabilities, (0.0, 1.0, 0.0, 1.0))
    again = plot.grab().toImage().pixelColor(200, 150).getRgb()[:3]
    assert first == again and first[1] > first[0] and first[1] > first[2]
    assert orange[0] > orange[2]


def _plane_shown(qtbot, size: tuple[int, int]) -> FitPlot:
    """A plot of ``size`` showing a 4 × 2.5 plane from (−1.5, −1)."""
    plot = FitPlot()
    qtbot.addWidget(plot)
    plot.resize(*size)
    plot.show()
    qtbot.wait(10)
    plot.show_surface(np.full((8, 8), 0.5), (-1.5, 2.5, -1.0, 1.5))
    qtbot.wait(10)
    return plot


def _shown(qtbot, size: tuple[int, int]) -> tuple[float, float, float]:
    """The x and y ranges shown of a 4 × 2.5 plane, and the stretch they are drawn at (1: one
    unit as long on both axes)."""
    plot = _plane_shown(qtbot, size)  # held: qtbot keeps only a weak reference
    box = plot.plot.getViewBox()
    box.autoRange(padding=0)
    (x0, x1), (y0, y1) = box.viewRange()
    x_per_pixel, y_per_pixel = box.viewPixelSize()
    return x1 - x0, y1 - y0, y_per_pixel / x_per_pixel


def test_a_plane_fills_a_plot_of_about_its_shape(qtbot):
    width, height, stretch = _shown(qtbot, (400, 300))
    assert width == pytest.approx(4.0, rel=0.01) and height == pytest.approx(2.5, rel=0.01)
    assert 0.9 < stretch < 1.1  # moons stay moons


def test_a_plane_in_a_long_low_dock_is_stretched_not_an_island(qtbot):
    """At 1280×800 the Fit dock is about 920×110: at one scale the moons' x axis ran from −13
    to 14 around data from −1.5 to 2.5; now the plane is stretched, at most MAX_STRETCH."""
    width, height, stretch = _shown(qtbot, (920, 110))
    assert stretch == pytest.approx(MAX_STRETCH, rel=0.01)
    assert height == pytest.approx(2.5, rel=0.01)
    assert 4.0 < width < 0.4 * height * stretch * (920 / 110)  # a third of one scale's width


@pytest.mark.parametrize("size", [(400, 300), (920, 110), (900, 190)])
def test_the_plane_reaches_the_axes_with_no_white_margin(qtbot, size):
    """The view is the plane itself: along one axis exactly (the other is wider only where
    the plot's shape asks for more than MAX_STRETCH), never the auto range's margin."""
    plot = _plane_shown(qtbot, size)
    (x0, x1), (y0, y1) = plot.plot.getViewBox().viewRange()
    assert x0 <= -1.5 + 1e-6 and x1 >= 2.5 - 1e-6 and y0 <= -1.0 + 1e-6 and y1 >= 1.5 - 1e-6
    spare = min((x1 - x0) / 4.0, (y1 - y0) / 2.5)
    assert spare == pytest.approx(1.0, abs=0.005)


def test_the_decision_boundary_is_drawn_smooth_not_in_blocks(qtbot):
    """Two cells, class 0 left and class 1 right: between their centres the colour changes
    step by step instead of jumping from one block's to the next's."""
    plot = FitPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    qtbot.wait(10)
    plot.show_surface(np.array([[0.0, 1.0], [0.0, 1.0]]), (0.0, 2.0, 0.0, 2.0), same_scale=False)
    qtbot.wait(10)
    box = plot.plot.getViewBox()
    image = plot.plot.grab().toImage()
    row = []
    for x in np.linspace(0.6, 1.4, 9):
        point = box.mapViewToDevice(pg.Point(x, 1.0))
        target = plot.plot.mapFromGlobal(box.scene().views()[0].mapToGlobal(point.toPoint()))
        row.append(image.pixelColor(target).getRgb()[:3])
    assert len(set(row)) >= 5, row  # drawn in blocks: two colours
