"""The loss and parameter plots at 1280×800 in low docks, after training: tick labels
keep their distance and stay inside the plot, axis labels are not clipped, and the legend stands
beside the curves instead of on them."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from backprop_studio.app.main_window import MainWindow
from backprop_studio.model.gallery import example_path
from backprop_studio.plots.param_plot import ParamPlot
from tests.app.conftest import settle
from tests.app.test_training import run_to_end


def _tick_labels(plot, name: str) -> list[QRectF]:
    """The scene rects of the tick labels ``name``'s axis draws now."""
    axis = plot.getPlotItem().getAxis(name)
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [axis.mapRectToScene(rect) for rect, _, text in texts if text]


def _assert_readable(plot, legend: bool = True) -> None:
    item = plot.getPlotItem()
    whole = QRectF(plot.rect())  # the PlotWidget's scene is its own pixels
    for name in ("left", "bottom"):
        rects = _tick_labels(plot, name)
        assert len(rects) >= 2, f"{name}: fewer than two labelled ticks"
        vertical = name == "left"
        rects.sort(key=lambda r: r.center().y() if vertical else r.center().x())
        for a, b in zip(rects, rects[1:]):
            if vertical:  # half a line at least between two labels
                assert b.top() - a.bottom() >= a.height() / 2, f"{name} labels crowd"
            else:  # an em at least
                assert b.left() - a.right() >= a.height(), f"{name} labels crowd"
        for rect in rects:
            assert whole.contains(rect), f"{name} tick label clipped at {rect}"
        axis = item.getAxis(name)
        assert axis.label.isVisible(), f"{name} axis has no label"
        label = axis.label.mapRectToScene(axis.label.boundingRect())
        # the text itself: the label's box has a few pixels of document margin
        margin = axis.label.document().documentMargin()
        label.adjust(margin, margin, -margin, -margin)
        assert whole.contains(label), f"{name} axis label {axis.labelText!r} is clipped"
    if not legend:
        return
    view = item.getViewBox().sceneBoundingRect()
    box = plot.legend.sceneBoundingRect()
    assert plot.legend.items, "the legend is empty"
    assert not box.intersects(view), "the legend covers the data"
    assert whole.contains(box), "the legend is clipped"


@pytest.fixture
def low(qtbot):
    """A 1280×800 window whose docks Qt sized from their hints alone (~140 px), as before the
    window gave them a third of its height on its first show: a saved layout, or a user's
    drag, can leave them this low."""
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())
    win._laid_out = True  # as though a saved window state had been restored
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.runner.shutdown()


@pytest.mark.parametrize("example", ["seed", "moons_mlp"])
def test_plots_are_readable_at_1280x800(qtbot, low, example):
    window = low
    window.files.open_example(example_path(example))
    settle(qtbot, window, timeout=60_000)
    training = window.training
    run_to_end(qtbot, training, 60)
    training.panel.lr.setValue(training.panel.lr.value() * 2)
    run_to_end(qtbot, training, 60)  # a second run with other settings: a faded curve
    qtbot.wait(50)
    loss, params = training.view.loss_plot, training.view.param_plot
    assert loss.height() <= 140  # the plots have this little room
    assert len(loss.legend.items) >= 2
    _assert_readable(loss)
    if example == "moons_mlp":
        assert len(params.legend.items) == 6  # ‖W1‖ … ‖b3‖
        _assert_readable(params)
    else:  # one series, named by its axis: no legend in its way
        assert params.getPlotItem().getAxis("left").labelText == "w"
        _assert_readable(params, legend=False)


def test_the_legend_takes_more_columns_when_the_plot_is_short(qtbot):
    plot = ParamPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 100)
    plot.show()
    qtbot.waitExposed(plot)
    names = [f"‖W{i}‖" for i in range(8)]
    plot.set_series(names)
    plot.set_data(np.arange(3.0), np.arange(24.0).reshape(3, 8))
    qtbot.wait(20)
    assert plot.legend.columnCount >= 2
    assert plot.legend.sceneBoundingRect().bottom() <= plot.height()
    assert not plot.legend.sceneBoundingRect().intersects(
        plot.getPlotItem().getViewBox().sceneBoundingRect()
    )
    plot.resize(400, 300)
    qtbot.wait(20)
    assert plot.legend.columnCount == 1
