"""The Fit view's legend names the classes of a CSV target beside their colours."""

from __future__ import annotations

import numpy as np

from backprop_studio.plots.fit_plot import CLASS_COLOURS, FitPlot


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
