"""The timeline: a slider over the iterations run so far, and a clear word on what is shown.

At the right end the timeline is *live*: it follows training as it goes and the canvas shows the
newest numbers. Anywhere else the canvas shows an old iteration, and the label says so in the
accent colour until the user returns to the latest iteration or edits the graph.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from ..widgets import ElidedLabel

OLD_STYLE = "color: #b35c00; font-weight: bold"


class Timeline(QWidget):
    iteration_selected = Signal(int)  # the user moved to this iteration (not live)
    live_requested = Signal()  # the user asked for the latest iteration

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("drag back to see any iteration's values and gradients")
        self.label = ElidedLabel(width=230)  # "showing iteration 452 of 502" never widens the row
        self.latest_button = QToolButton()
        self.latest_button.setText("Latest")
        self.latest_button.setToolTip("back to the newest iteration (follow training)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 2)
        layout.addWidget(QLabel("Timeline"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.latest_button)
        self.live = True
        self.last = 0
        self.slider.valueChanged.connect(self._moved)
        self.latest_button.clicked.connect(self.live_requested)
        self._update_label()

    @property
    def iteration(self) -> int:
        return self.slider.value()

    def set_last(self, last: int, stride: int = 1) -> None:
        """Iterations 0 … ``last`` exist; a live timeline moves to ``last``."""
        self.last = last
        self.slider.blockSignals(True)
        self.slider.setSingleStep(stride)
        self.slider.setPageStep(max(stride, last // 10))
        self.slider.setMaximum(last)
        if self.live:
            self.slider.setValue(last)
        self.slider.blockSignals(False)
        self._update_label()

    def show_iteration(self, iteration: int, live: bool) -> None:
        """Put the handle at ``iteration`` without reporting it as the user's move."""
        self.live = live
        self.slider.blockSignals(True)
        self.slider.setValue(iteration)
        self.slider.blockSignals(False)
        self._update_label()

    def clear(self) -> None:
        self.live = True
        self.set_last(0)

    def _moved(self, value: int) -> None:
        if value >= self.last:
            self.live = True
            self._update_label()
            self.live_requested.emit()
        else:
            self.live = False
            self._update_label()
            self.iteration_selected.emit(value)

    def status_text(self) -> str:
        if self.live:
            return f"iteration {self.last} (latest)" if self.last else "iteration 0"
        return f"showing iteration {self.slider.value()} of {self.last}"

    def _update_label(self) -> None:
        self.label.setText(self.status_text())
        self.label.setStyleSheet("" if self.live else OLD_STYLE)
        self.latest_button.setEnabled(not self.live)
