"""The training docks at 1280×800 with the default layout: they take about a third of the window
(Qt alone gave them ~140 px, in which the Fit legend was cut off and the gradients' log axis had
two ticks), the canvas keeps the rest, and every view in them reads in full: the Fit legend
beside its points, the landscape's read-out unelided, the confusion matrix in cells a number
fits in with room."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel

from backprop_studio.app.main_window import MainWindow
from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle
from tests.app.test_laptop_plots import _tick_labels
from tests.app.test_training import run_to_end
from tests.engine.test_csv_training import SOFTMAX

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def sized(qtbot, request):
    """A window of ``request.param`` (width, height) from a fresh settings folder."""
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())
    win.resize(*request.param)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.runner.shutdown()


@pytest.mark.parametrize(
    ("sized", "least", "most"),
    [((1280, 800), 230, 300), ((1920, 1080), 300, 400)],
    indirect=["sized"],
)
def test_the_bottom_docks_take_a_third_and_the_canvas_the_rest(qtbot, sized, least, most):
    window = sized
    loss = window.training_docks[1]
    qtbot.waitUntil(lambda: loss.height() >= least, timeout=5_000)
    assert loss.height() <= most
    assert window.view.height() >= window.height() // 2  # the canvas stays the larger part
    panel = window.training.panel  # the settings down to the batch size, none scrolled away
    for control in (panel.run_button, panel.lr, panel.steps, panel.batch):
        bottom = control.mapTo(window, control.rect().bottomLeft()).y()
        assert bottom < window.training_docks[0].geometry().bottom()


def _in_sight(qtbot, dock) -> None:
    dock.raise_()
    qtbot.waitUntil(lambda: dock.isVisible() and not dock.visibleRegion().isEmpty(), timeout=5_000)


def test_moons_views_read_in_full_at_1280x800(qtbot, laptop):
    window = laptop
    window.files.open_example(example_path("moons_mlp"))
    settle(qtbot, window, timeout=60_000)
    run_to_end(qtbot, window.training, 60)
    settle(qtbot, window)

    gradients = window.findChild(type(window.training_docks[1]), "GradientsDock")
    _in_sight(qtbot, gradients)
    qtbot.wait(20)
    plot = window.gradients.view.plot
    assert len(_tick_labels(plot, "left")) >= 4  # decades to read off, not just 1 and 10⁻⁵

    landscape = window.landscape
    _in_sight(qtbot, landscape.dock)
    landscape.refresh()
    qtbot.waitUntil(lambda: not landscape.pending, timeout=30_000)
    readout = landscape.view.readout
    qtbot.waitUntil(lambda: "grid in" in readout.text(), timeout=10_000)
    qtbot.wait(20)
    # the whole text is drawn: it needs no more height than it has, and nothing is cut off
    assert readout.heightForWidth(readout.width()) <= readout.height()
    assert readout.fontMetrics().horizontalAdvance("∂L/∂a1") < readout.width()
    shown = QLabel.text(readout)  # what is drawn, not only what was set
    assert shown == readout.text() and "…" not in shown
    corner = readout.mapTo(window, readout.rect().bottomRight())
    assert landscape.dock.geometry().contains(corner)

    confusion = window.fit.confusion_dock
    _in_sight(qtbot, confusion)
    window.fit.refresh()
    qtbot.waitUntil(lambda: not window.fit.pending, timeout=10_000)
    matrix = window.fit.confusion
    qtbot.waitUntil(lambda: bool(matrix.counts), timeout=10_000)
    qtbot.wait(20)
    cell = matrix.plot.getViewBox().mapViewToScene(QRectF(0, 0, 1, 1)).boundingRect()
    assert cell.height() >= 60  # was ~22 px: a number crammed into a small square


def test_the_iris_fit_legend_stands_beside_its_points(qtbot, laptop, tmp_path, monkeypatch):
    window = laptop
    shutil.copy(DATA / "iris.csv", tmp_path / "iris.csv")
    monkeypatch.chdir(tmp_path)  # csv("iris.csv") reads from the working folder
    window.program.editor.setPlainText(SOFTMAX)
    qtbot.mouseClick(window.program.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    _in_sight(qtbot, window.fit.dock)
    window.fit.refresh()
    qtbot.waitUntil(lambda: not window.fit.pending, timeout=10_000)
    fit = window.fit.plot
    qtbot.waitUntil(lambda: len(fit.legend_names()) == 3, timeout=10_000)
    qtbot.wait(20)
    widget = fit.plot
    legend = fit.legend.mapRectToScene(fit.legend.boundingRect())
    view = widget.getPlotItem().getViewBox().sceneBoundingRect()
    assert not legend.intersects(view), "the legend covers the points"
    assert QRectF(widget.rect()).contains(legend), "the legend is cut off"


def test_a_gradient_warning_reads_in_full_at_1280x800(qtbot, laptop):
    """ "the gradient of 'w' is exploding (…) — lower the learning rate or clip the gradients'
    norm" was cut off after "lower th…": the note says what to do."""
    window = laptop
    window.files.open_example(example_path("seed"))
    settle(qtbot, window)
    window.training.panel.lr.setValue(2.0)
    run_to_end(qtbot, window.training, 30)
    dock = window.findChild(type(window.training_docks[1]), "GradientsDock")
    _in_sight(qtbot, dock)
    note = window.gradients.view.note
    qtbot.waitUntil(lambda: "exploding" in note.text(), timeout=10_000)
    qtbot.wait(20)
    shown = QLabel.text(note)  # what is drawn
    assert shown == note.text() and shown.endswith("(the learning rate is 2: try 0.2)")
    assert note.heightForWidth(note.width()) <= note.height()
    assert window.gradients.view.plot.height() >= 120  # the plot keeps its room
