"""The confusion plot draws each count in its cell, green on the diagonal, red off it."""

from __future__ import annotations

import numpy as np

from backprop_studio.plots.confusion_plot import ConfusionPlot, cell_colours, summary_text


def test_counts_colours_and_summary(qtbot):
    plot = ConfusionPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 360)
    plot.show()
    matrix = [[50, 0, 0], [0, 47, 3], [0, 2, 48]]
    plot.show_matrix(matrix, ("setosa", "versicolor", "virginica"))
    assert plot.cell_texts() == [["50", "0", "0"], ["0", "47", "3"], ["0", "2", "48"]]
    assert plot.summary.text() == (
        "accuracy 96.7% of 150 rows\nsetosa 100%\nversicolor 94%\nvirginica 96%"
    )
    colours = cell_colours(np.array(matrix))
    assert tuple(colours[0, 0]) == (44, 160, 44)  # all of setosa right: full green
    assert tuple(colours[0, 1]) == (250, 250, 250)  # none wrong: white
    red, green, _ = colours[1, 2]
    assert red > green  # some versicolor taken for virginica: a tint of red
    image = plot.grab().toImage()
    assert image.width() > 0


def test_a_class_without_rows():
    assert summary_text(np.array([[0, 0], [1, 1]]), ("a", "b")).endswith("a —\nb 50%")
    assert summary_text(np.zeros((2, 2), int), ("a", "b")) == "no rows to count"


def test_the_predicted_axis_says_indices_and_the_rows_say_which_class_each_is(qtbot):
    """In a low dock a cell is ~25 px wide: "setosa versicolor virginica" under three of them ran
    into one another. The columns say the index; the rows, index and name."""
    plot = ConfusionPlot()
    qtbot.addWidget(plot)
    plot.resize(900, 110)
    plot.show_matrix([[50, 0, 0], [0, 48, 2], [0, 1, 49]], ("setosa", "versicolor", "virginica"))
    bottom = plot.plot.getAxis("bottom")._tickLevels[0]
    left = plot.plot.getAxis("left")._tickLevels[0]
    assert [label for _, label in bottom] == ["0", "1", "2"]
    assert [label for _, label in left] == ["0  setosa", "1  versicolor", "2  virginica"]
    plot.show_matrix([[100, 0], [0, 100]])  # no names: a word, not a bare number
    assert plot.summary.text() == "accuracy 100.0% of 200 rows\nclass 0 100%\nclass 1 100%"
