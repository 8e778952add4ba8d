"""Each parameter over the iterations: a scalar as its value (w going 1 → 2), a tensor as its norm.

Seeing ``w`` climb towards the value that makes the loss zero is the other half of the loss curve;
for a weight matrix its norm is the one number that still says whether training moves it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from .axes import SideLegend
from .loss_plot import ACCENT, compact_axes, style_plot

COLOURS = [
    QColor(31, 119, 208),
    QColor(214, 96, 33),
    QColor(46, 160, 67),
    QColor(160, 70, 180),
    QColor(190, 150, 20),
    QColor(20, 160, 170),
    QColor(200, 60, 100),
    QColor(110, 110, 110),
]
MAX_SERIES = len(COLOURS)
AXIS_LABELS = ("parameters", "params")  # the first that fits the plot's height


class ParamPlot(pg.PlotWidget):
    """One curve per series; ``set_data`` takes the iterations and one column per series."""

    def __init__(self, parent: QWidget | None = None, left: pg.AxisItem | None = None) -> None:
        super().__init__(parent, axisItems=compact_axes(left))
        style_plot(self)
        item = self.getPlotItem()
        item.getAxis("bottom").set_label_fitting("iteration")
        item.getAxis("left").set_label_fitting(*AXIS_LABELS)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        self.legend = SideLegend(item, self.palette().color(QPalette.ColorRole.Text))
        self.curves: list[pg.PlotDataItem] = []
        self.names: list[str] = []
        self.current_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(ACCENT, width=1, style=Qt.PenStyle.DashLine)
        )
        self.current_line.hide()
        item.addItem(self.current_line, ignoreBounds=True)

    def set_series(self, names: list[str]) -> None:
        """Start over with these series (at most ``MAX_SERIES`` are drawn)."""
        item = self.getPlotItem()
        for curve in self.curves:
            self.legend.removeItem(curve)
            item.removeItem(curve)
        self.names = list(names[:MAX_SERIES])
        several = len(self.names) > 1  # one curve is named by the axis, no legend in its way
        self.curves = [
            # 1 px: Qt draws a wide pen ~3× slower, and these curves repaint 20 times a second
            item.plot(pen=pg.mkPen(COLOURS[i], width=1), name=name if several else None)
            for i, name in enumerate(self.names)
        ]
        left = item.getAxis("left")
        left.set_label_fitting(*((self.names[0],) if len(self.names) == 1 else AXIS_LABELS))
        self.current_line.hide()

    def set_data(self, iterations: np.ndarray, columns: np.ndarray) -> None:
        """``columns[:, k]`` is series k at ``iterations``."""
        for k, curve in enumerate(self.curves):
            curve.setData(iterations, columns[:, k])

    def set_current(self, iteration: int | None) -> None:
        if iteration is None:
            self.current_line.hide()
        else:
            self.current_line.setValue(float(iteration))
            self.current_line.show()
