"""The loss per iteration, appended live, with earlier runs kept faded for comparison.

The plot only draws arrays it is given (iterations on x, loss on y); it knows nothing about
training. Hovering reads off the nearest iteration, a click picks one (the timeline follows), and
the iteration on show is marked with a dot and a vertical line.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from .axes import TOP_MARGIN, CompactAxis, SideLegend

ACCENT = QColor(31, 119, 208)
TEST_COLOUR = QColor(230, 120, 20)  # the held-out rows' loss
MAX_FADED = 5  # earlier runs kept on the plot
FADED_POINTS = 20_000  # an archived curve is thinned to at most this many points
MINIMUM_SIZE = (160, 96)  # below this even two ticks and a label per axis do not fit


def style_plot(plot: pg.PlotWidget) -> None:
    """Colours from the widget's palette, so the plot follows the light or dark theme."""
    pal = plot.palette()
    plot.setBackground(pal.color(QPalette.ColorRole.Base))
    text = pal.color(QPalette.ColorRole.Text)
    for name in ("left", "bottom"):
        axis = plot.getPlotItem().getAxis(name)
        axis.setPen(pg.mkPen(text))
        axis.setTextPen(pg.mkPen(text))
    # No grid: it doubles the cost of every repaint, and a live plot repaints 20 times a second.
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.layout.setContentsMargins(1, TOP_MARGIN, 1, 1)
    plot.setMinimumSize(MINIMUM_SIZE[0], MINIMUM_SIZE[1])


def compact_axes(left: pg.AxisItem | None = None, counts: bool = True) -> dict[str, pg.AxisItem]:
    """The axes a small plot needs (see ``axes``): ``axisItems`` for a PlotWidget. ``counts``:
    the bottom axis counts iterations, so its ticks are whole numbers."""
    return {"left": left or CompactAxis("left"), "bottom": CompactAxis("bottom", whole=counts)}


def format_loss(value: float) -> str:
    if not np.isfinite(value):
        return str(value)
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.4f}"
    return f"{value:.3e}"


class LossAxis(CompactAxis):
    """A log axis that labels only 1, 2 and 5 times a power of ten: pyqtgraph labels every minor
    tick when the loss spans less than two decades, and in a short plot they overlap."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        strings = super().logTickStrings(values, scale, spacing)
        shown = []
        for value, text in zip(values, strings):
            mantissa = 10 ** (value - np.floor(value + 1e-9))
            shown.append(text if np.isclose(mantissa, (1, 2, 5), rtol=1e-6).any() else "")
        return shown


class LossPlot(pg.PlotWidget):
    """Iterations on x, loss on y. ``iteration_picked`` fires when the user clicks the plot."""

    iteration_picked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems=compact_axes(LossAxis("left")))
        style_plot(self)
        item = self.getPlotItem()
        item.getAxis("bottom").set_label_fitting("iteration")
        item.getAxis("left").set_label_fitting("loss")
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        self.legend = SideLegend(item, self.palette().color(QPalette.ColorRole.Text))
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._faded: list[pg.PlotDataItem] = []
        self._label = ""
        self._log = False
        self.curve = item.plot(pen=pg.mkPen(ACCENT, width=2))
        self.curve.setZValue(10)
        self.test_curve = item.plot(pen=pg.mkPen(TEST_COLOUR, width=2, style=Qt.PenStyle.DashLine))
        self.test_curve.setZValue(9)
        self._test_named = False
        self.marker = item.plot(
            [], [], pen=None, symbol="o", symbolSize=9, symbolBrush=ACCENT, symbolPen="w"
        )
        self.marker.setZValue(20)
        self.current_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(ACCENT, width=1, style=Qt.PenStyle.DashLine)
        )
        self.current_line.hide()
        item.addItem(self.current_line, ignoreBounds=True)
        text = self.palette().color(QPalette.ColorRole.Text)
        self.hover_dot = item.plot([], [], pen=None, symbol="o", symbolSize=6, symbolBrush=text)
        self.hover_label = pg.TextItem(
            color=text, anchor=(0, 1), fill=pg.mkBrush(255, 255, 255, 200)
        )
        self.hover_label.setZValue(30)
        self.hover_label.hide()
        item.addItem(self.hover_label, ignoreBounds=True)
        self.hint = pg.TextItem(
            "Step or Run to train: the loss appears here",
            color=QColor(140, 140, 140),
            anchor=(0.5, 0.5),
        )
        self.hint.setPos(0.5, 0.5)
        item.addItem(self.hint, ignoreBounds=True)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    # ---- data ------------------------------------------------------------------------------
    def set_losses(self, iterations: np.ndarray, losses: np.ndarray, label: str = "") -> None:
        """The current run's curve (both arrays are kept by reference until the next call)."""
        self._x, self._y = iterations, losses
        self.curve.setData(iterations, losses)
        label = label if len(iterations) else ""
        if label != self._label:
            self._label = label
            self.legend.removeItem(self.curve)
            if label:
                self.legend.addItem(self.curve, label)
        self.hint.setVisible(not len(iterations) and not self._faded)

    def set_test_losses(self, iterations: np.ndarray, losses: np.ndarray) -> None:
        """The held-out rows' loss beside the training loss (empty arrays: none)."""
        self.test_curve.setData(iterations, losses)
        named = bool(len(iterations))
        if named != self._test_named:
            self._test_named = named
            if named:
                self.legend.addItem(self.test_curve, "test rows")
            else:
                self.legend.removeItem(self.test_curve)

    def set_current(self, iteration: int | None) -> None:
        """Mark ``iteration`` on the curve (None: no mark)."""
        if iteration is None or not len(self._x):
            self.marker.setData([], [])
            self.current_line.hide()
            return
        i = self._index_of(iteration)
        self.marker.setData([self._x[i]], [self._y[i]])
        self.current_line.setValue(float(self._x[i]))
        self.current_line.show()

    def archive(self) -> None:
        """Fade the current run into the background (keeping ``MAX_FADED``) and start afresh."""
        if len(self._x):
            step = max(1, len(self._x) // FADED_POINTS)
            x, y = np.array(self._x[::step]), np.array(self._y[::step])
            alpha = 90
            faded = self.getPlotItem().plot(
                x, y, pen=pg.mkPen(QColor(120, 120, 120, alpha), width=1), name=self._label
            )
            self._faded.append(faded)
            while len(self._faded) > MAX_FADED:
                old = self._faded.pop(0)
                self.legend.removeItem(old)
                self.getPlotItem().removeItem(old)
        self.set_losses(np.zeros(0), np.zeros(0), "")
        self.set_test_losses(np.zeros(0), np.zeros(0))
        self.set_current(None)

    def clear_runs(self) -> None:
        """Forget every run, current and faded (a different document was opened)."""
        self.set_losses(np.zeros(0), np.zeros(0), "")
        for old in self._faded:
            self.legend.removeItem(old)
            self.getPlotItem().removeItem(old)
        self._faded.clear()
        self.set_test_losses(np.zeros(0), np.zeros(0))
        self.set_current(None)

    @property
    def faded_count(self) -> int:
        return len(self._faded)

    def set_log(self, on: bool) -> None:
        """A logarithmic loss axis: the slow tail of a converging run becomes a straight line."""
        self._log = on
        self.getPlotItem().setLogMode(y=on)

    @property
    def log(self) -> bool:
        return self._log

    # ---- reading off -----------------------------------------------------------------------
    def _index_of(self, iteration: float) -> int:
        i = int(np.searchsorted(self._x, iteration))
        if i >= len(self._x):
            return len(self._x) - 1
        if i > 0 and iteration - self._x[i - 1] < self._x[i] - iteration:
            return i - 1
        return i

    def readout(self, iteration: float) -> tuple[int, float] | None:
        """The kept iteration nearest to ``iteration`` and its loss (None: nothing plotted)."""
        if not len(self._x):
            return None
        i = self._index_of(iteration)
        return int(self._x[i]), float(self._y[i])

    def readout_text(self, iteration: float) -> str:
        found = self.readout(iteration)
        if found is None:
            return ""
        it, loss = found
        return f"iteration {it}\nloss {format_loss(loss)}"

    def _view_y(self, y: float) -> float:
        if self.log:
            return float(np.log10(y)) if y > 0 else float("nan")
        return y

    def _on_mouse_moved(self, pos: QPointF) -> None:
        vb = self.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(pos) or not len(self._x):
            self.hover_label.hide()
            self.hover_dot.setData([], [])
            return
        point = vb.mapSceneToView(pos)
        found = self.readout(point.x())
        if found is None:
            return
        it, loss = found
        self.hover_dot.setData([it], [loss])
        self.hover_label.setText(self.readout_text(point.x()))
        y = self._view_y(loss)
        if np.isfinite(y):
            self.hover_label.setPos(it, y)
            left = it > (vb.viewRange()[0][0] + vb.viewRange()[0][1]) / 2
            self.hover_label.setAnchor((1, 1) if left else (0, 1))
            self.hover_label.show()

    def _on_mouse_clicked(self, event) -> None:
        vb = self.getPlotItem().getViewBox()
        if event.button() != Qt.MouseButton.LeftButton or not len(self._x):
            return
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        found = self.readout(vb.mapSceneToView(event.scenePos()).x())
        if found is not None:
            self.iteration_picked.emit(found[0])
