"""The landscape plot's word in an empty plot stays in its middle when the range moves: the
Compare dialog says it before the plot is laid out, and it ended in a corner, cut off."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from backprop_studio.plots.landscape_plot import LandscapePlot


def test_the_hint_stays_in_the_middle_and_in_sight(qtbot):
    plot = LandscapePlot()
    qtbot.addWidget(plot)
    plot.say("Each optimizer runs from the current values;\ntheir paths are drawn here")
    plot.resize(420, 380)
    plot.show()
    qtbot.waitExposed(plot)
    plot.getPlotItem().getViewBox().setRange(xRange=(-0.5, 0.5), yRange=(-0.5, 0.5), padding=0)
    qtbot.wait(20)
    (x0, x1), (y0, y1) = plot.getPlotItem().getViewBox().viewRange()
    assert plot.hint.pos().x() == (x0 + x1) / 2 and plot.hint.pos().y() == (y0 + y1) / 2
    text = plot.hint.mapRectToScene(plot.hint.boundingRect())
    assert QRectF(plot.rect()).contains(text)
