"""Compact axes: labelled ticks far enough apart for their text, in short numbers."""

from __future__ import annotations

import pytest

from backprop_studio.plots.axes import CompactAxis, nice_step, short_number


def test_nice_steps_and_short_numbers():
    assert [nice_step(x) for x in (0.013, 0.2, 0.21, 3, 7, 10)] == [0.02, 0.2, 0.5, 5, 10, 10]
    assert [short_number(x) for x in (0, 250, 1500, 20_000, 2_500_000)] == [
        "0",
        "250",
        "1.5k",
        "20k",
        "2.5M",
    ]


def test_labelled_ticks_keep_their_distance(qtbot):
    axis = CompactAxis("left")
    (step, _), *minor = axis.tickSpacing(0.0, 1.0, 60)  # a loss axis 60 px high
    assert step / 1.0 * 60 >= 1.5 * axis._font().pointSizeF()  # far apart for the text
    assert all(s < step for s, _ in minor)
    wide = CompactAxis("bottom").tickSpacing(0.0, 20_000.0, 300)
    assert wide[0][0] in (5_000, 10_000)  # "5k" labels, not one every 1000


@pytest.mark.parametrize(("low", "high"), [(-1e308, 1e308), (0.0, 1e-320), (1.0, 1.0)])
def test_extreme_ranges_fall_back_to_pyqtgraph(qtbot, low, high):
    axis = CompactAxis("left")
    axis.tickSpacing(low, high, 60)  # a diverged run: no overflow


def test_an_iteration_axis_ticks_whole_numbers_only(qtbot):
    axis = CompactAxis("bottom", whole=True)
    for high, size in ((1.0, 500), (3.0, 800), (1.0, 60), (40.0, 900)):
        levels = axis.tickSpacing(0.0, high, size)
        assert all(step >= 1.0 and step == int(step) for step, _ in levels), (high, levels)
    assert CompactAxis("bottom").tickSpacing(0.0, 1.0, 500)[0][0] < 1.0  # a plain axis does


def test_the_loss_and_parameter_plots_count_iterations_and_the_landscape_does_not(qtbot):
    from backprop_studio.plots.landscape_plot import LandscapePlot
    from backprop_studio.plots.loss_plot import LossPlot
    from backprop_studio.plots.param_plot import ParamPlot

    for plot in (LossPlot(), ParamPlot()):
        qtbot.addWidget(plot)
        assert plot.getPlotItem().getAxis("bottom").whole
    landscape = LandscapePlot()
    qtbot.addWidget(landscape)
    assert not landscape.getPlotItem().getAxis("bottom").whole
