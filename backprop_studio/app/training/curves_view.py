"""The loss dock's contents: the loss plot and the parameter trajectories side by side, with the
timeline under both, so the slider and the plots' x axes read as one thing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from ...plots.loss_plot import LossPlot
from ...plots.param_plot import ParamPlot
from ..widgets import ElidedLabel
from .timeline import Timeline


class LossView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss_plot = LossPlot()
        self.param_plot = ParamPlot()
        self.timeline = Timeline()
        self.log_scale = QCheckBox("log scale")
        self.log_scale.setToolTip("a logarithmic loss axis")
        self.readout = ElidedLabel(width=230)  # the hover readout changes length: never resizes
        plots = QSplitter(Qt.Orientation.Horizontal)
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.param_plot)
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 2)
        plots.setChildrenCollapsible(False)
        self.splitter = plots
        bottom = QHBoxLayout()  # one row under the plots, so that they keep the height
        bottom.setContentsMargins(0, 0, 4, 0)
        bottom.addWidget(self.timeline, 1)
        bottom.addWidget(self.log_scale)
        bottom.addWidget(self.readout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(plots, 1)
        layout.addLayout(bottom)
        self.log_scale.toggled.connect(self.loss_plot.set_log)
