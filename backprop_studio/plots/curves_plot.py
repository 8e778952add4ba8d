"""Several named loss curves on one plot, in the colours the landscape gives their paths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from .axes import SideLegend
from .landscape_plot import RUN_COLOURS
from .loss_plot import LossAxis, compact_axes, style_plot


class CurvesPlot(pg.PlotWidget):
    """``show_runs``: a loss curve per name (iterations 0, 1, … on x); a log loss axis by default."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems=compact_axes(LossAxis("left")))
        style_plot(self)
        item = self.getPlotItem()
        item.getAxis("bottom").set_label_fitting("iteration")
        item.getAxis("left").set_label_fitting("loss")
        self.legend = SideLegend(item, self.palette().color(QPalette.ColorRole.Text))
        self.curves: list[pg.PlotDataItem] = []
        item.setLogMode(y=True)

    def show_runs(
        self,
        runs: Sequence[tuple[str, np.ndarray]],
        colours: Sequence[QColor] = (),
        legend: bool = True,
    ) -> None:
        """A curve per (name, losses), in ``colours`` (``RUN_COLOURS`` in turn without), named
        in a legend beside the plot unless the caller names the colours elsewhere."""
        for old in self.curves:
            self.legend.removeItem(old)
            self.getPlotItem().removeItem(old)
        self.curves = []
        for k, (name, losses) in enumerate(runs):
            colour = colours[k] if k < len(colours) else RUN_COLOURS[k % len(RUN_COLOURS)]
            x = np.arange(len(losses), dtype=np.float64)
            y = np.where(losses > 0, losses, np.nan)  # a log axis cannot show 0
            pen = pg.mkPen(colour, width=2)
            curve = self.getPlotItem().plot(x, y, pen=pen, name=name if legend else None)
            self.curves.append(curve)
        self.getPlotItem().getViewBox().autoRange()
