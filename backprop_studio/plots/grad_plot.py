"""Each parameter's gradient norm (or update-to-weight ratio) over the iterations, on a log axis.

Gradients that vanish fall by decades and gradients that explode climb by them: on a log axis
both are straight lines, and a healthy run's curves sit within a few decades of each other.
Zeros and non-finite numbers have no place on a log axis and leave a gap.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from .loss_plot import LossAxis
from .param_plot import ParamPlot


class GradPlot(ParamPlot):
    """A ParamPlot on a log axis; ``set_data`` takes positive numbers (others are skipped)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, LossAxis("left"))
        item = self.getPlotItem()
        item.setLogMode(y=True)
        self.quantity = "‖∂L/∂w‖"
        item.getAxis("left").set_label_fitting(self.quantity)

    def set_quantity(self, label: str) -> None:
        """The y axis' name: what the columns given to ``set_data`` are."""
        self.quantity = label
        self.getPlotItem().getAxis("left").set_label_fitting(label)

    def set_series(self, names: list[str]) -> None:
        super().set_series(names)
        self.getPlotItem().getAxis("left").set_label_fitting(self.quantity)

    def set_data(self, iterations: np.ndarray, columns: np.ndarray) -> None:
        shown = np.where(np.isfinite(columns) & (columns > 0), columns, np.nan)
        for k, curve in enumerate(self.curves):
            curve.setData(iterations, shown[:, k], connect="finite")
