"""What the model has learned, drawn over its data: a fit curve (1-D) or a decision surface (2-D).

Plain arrays in, pictures out: this module knows nothing of graphs or torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .axes import SideLegend

CLASS_COLOURS = [(31, 119, 180), (230, 85, 13), (44, 160, 44), (148, 103, 189), (140, 86, 75)]


MAX_STRETCH = 3.0  # a plane's picture may be drawn this much wider (or taller) than true scale


def _probability_map() -> pg.ColorMap:
    # class 0 blue, undecided white, class 1 orange: the same two colours as the points
    return pg.ColorMap([0.0, 0.5, 1.0], [(120, 170, 220), (250, 250, 250), (245, 170, 120)])


class SmoothImage(pg.ImageItem):
    """The model's grid drawn scaled smoothly: a 60 × 60 grid magnified to a plot's size in
    blocks drew the decision boundary as a staircase."""

    def paint(self, painter: QPainter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        super().paint(painter, *args)


class FitPlot(QWidget):
    """Data points plus the model: ``show_surface`` for a classifier, ``show_curve`` for a fit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.plot = pg.PlotWidget(self, background="w")
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=False, y=False)
        self.image = SmoothImage()
        self.lookup = _probability_map().getLookupTable(0.0, 1.0, 256)
        self.image.setLookupTable(self.lookup)
        self.image.setLevels((0.0, 1.0))
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=6, pen=pg.mkPen(255, 255, 255, 160))
        self.plot.addItem(self.points)
        self.test_points = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(255, 255, 255, 230))
        self.plot.addItem(self.test_points)  # held-out rows: hollow, ringed in their colour
        self.curve = pg.PlotDataItem(pen=pg.mkPen((214, 39, 40), width=2))
        self.plot.addItem(self.curve)
        self.threshold = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen((90, 90, 90), width=1, style=Qt.PenStyle.DashLine)
        )
        self.threshold.hide()
        self.plot.addItem(self.threshold)
        self._plane: tuple[float, float] | None = None  # (width, height) drawn at one scale
        self.plot.getViewBox().sigResized.connect(self._keep_aspect)
        # beside the data, never on it: in a laptop's low dock a legend inside the view box
        # covered the points and was cut off at the bottom
        self.legend = SideLegend(self.plot.getPlotItem(), QColor(40, 40, 40), "9pt")
        self.legend.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 1)
        self.say("Open a graph whose data is bound to a dataset (Help ▸ Examples) to see its fit.")

    def clear(self) -> None:
        """Nothing drawn: a graph with nothing to fit must not show another graph's fit."""
        self.points.setData([], [])
        self.test_points.setData([], [])
        self.curve.setData([], [])
        self.image.clear()
        self.image.setVisible(False)
        self.threshold.hide()
        self.show_legend(())

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_points(self, x: np.ndarray, y: np.ndarray, classes: int) -> None:
        """2-D points coloured by class, (x, class) pairs of a 1-D classifier coloured by class,
        or (x, y) pairs of a 1-D regression."""
        if classes >= 2:
            labels = np.clip(y.reshape(-1).astype(int), 0, len(CLASS_COLOURS) - 1)
            brushes = [pg.mkBrush(*CLASS_COLOURS[k]) for k in labels]
            height = x[:, 1] if x.shape[1] >= 2 else labels.astype(float)
            self.points.setData(x=x[:, 0], y=height, brush=brushes)
        else:
            self.points.setData(x=x[:, 0], y=y.reshape(-1), brush=pg.mkBrush(*CLASS_COLOURS[0]))

    def show_test_points(self, x: np.ndarray, y: np.ndarray, classes: int) -> None:
        """The held-out rows, hollow (as ``show_points`` places them); empty: none."""
        if not len(x):
            self.test_points.setData([], [])
        elif classes >= 2 and x.shape[1] >= 2:
            labels = np.clip(y.reshape(-1).astype(int), 0, len(CLASS_COLOURS) - 1)
            pens = [pg.mkPen(*CLASS_COLOURS[k], width=2) for k in labels]
            self.test_points.setData(x=x[:, 0], y=x[:, 1], pen=pens)
        else:
            pen = pg.mkPen(*CLASS_COLOURS[1], width=2)
            self.test_points.setData(x=x[:, 0], y=y.reshape(-1), pen=pen)

    def show_legend(self, names: Sequence[str]) -> None:
        """Each class's name beside its colour (a CSV target's class names); () hides it."""
        self.legend.clear()
        for k, name in enumerate(names):
            colour = CLASS_COLOURS[min(k, len(CLASS_COLOURS) - 1)]
            sample = pg.ScatterPlotItem(size=8, brush=pg.mkBrush(*colour), pen=pg.mkPen(None))
            self.legend.addItem(sample, f"{k}  {name}")
        self.legend.setVisible(bool(names))

    def legend_names(self) -> list[str]:
        """The legend's texts, in class order (for tests)."""
        return [label.text for _, label in self.legend.items] if self.legend.isVisible() else []

    def set_axis_names(self, x: str, y: str) -> None:
        """The plotted columns' names under and beside the plot ("" for none)."""
        self.plot.setLabel("bottom", x)
        self.plot.setLabel("left", y)

    def show_surface(
        self,
        probability: np.ndarray,
        bounds: tuple[float, float, float, float],
        same_scale: bool = True,
    ) -> None:
        """``probability[i, j]`` of class 1 at row ``i`` (y) and column ``j`` (x) of the grid;
        ``same_scale`` keeps one unit as long on both axes (False: two columns of a file, whose
        units and ranges differ)."""
        x_min, x_max, y_min, y_max = bounds
        self._plane = (x_max - x_min, y_max - y_min) if same_scale else None
        self._keep_aspect()
        if not same_scale:
            self.plot.setAspectLocked(False)
        self.curve.setData([], [])
        self.threshold.hide()
        self.image.setLookupTable(self.lookup)
        self.image.setImage(probability.T, autoLevels=False)  # ImageItem wants (x, y)
        self.image.setLevels((0.0, 1.0))
        self._show_plane(bounds)

    def show_classes(
        self, probabilities: np.ndarray, bounds: tuple[float, float, float, float]
    ) -> None:
        """Three or more classes: ``probabilities[i, j, k]`` of class ``k`` at grid row ``i``
        (y) and column ``j`` (x); each cell takes its likeliest class's colour, paler where the
        model is less sure (white at 1/k, an even guess)."""
        x_min, x_max, y_min, y_max = bounds
        k = probabilities.shape[-1]
        best = probabilities.argmax(axis=-1)
        sure = (probabilities.max(axis=-1) - 1 / k) / (1 - 1 / k)
        colours = np.array([CLASS_COLOURS[min(c, len(CLASS_COLOURS) - 1)] for c in range(k)])
        tint = 0.55 * np.clip(sure, 0, 1)[..., None]
        rgb = (250 + (colours[best] - 250) * tint).round().astype(np.uint8)
        self._plane = None
        self.plot.setAspectLocked(False)
        self.curve.setData([], [])
        self.threshold.hide()
        self.image.setLookupTable(None)  # colours as they are, not the two-class map
        self.image.setImage(rgb.transpose(1, 0, 2), autoLevels=False)
        self.image.setLevels((0, 255))
        self._show_plane(bounds)

    def _show_plane(self, bounds: tuple[float, float, float, float]) -> None:
        """The picture over ``bounds``, and the view on exactly that plane: pyqtgraph's auto
        range added a margin, so the colours stopped short of the axes in white bands."""
        x_min, x_max, y_min, y_max = bounds
        self.image.setRect(x_min, y_min, x_max - x_min, y_max - y_min)
        self.image.setVisible(True)
        self.plot.getViewBox().setRange(xRange=(x_min, x_max), yRange=(y_min, y_max), padding=0)

    def show_curve(self, xs: np.ndarray, ys: np.ndarray, threshold: float | None = None) -> None:
        """A fitted curve; ``threshold`` draws that level across it, dashed (a classifier's
        0.5, where its decision changes)."""
        self._plane = None
        self.plot.setAspectLocked(False)  # a fitted curve uses the whole plot
        self.image.setVisible(False)
        self.plot.getViewBox().enableAutoRange()  # a plane's fixed range no longer applies
        self.curve.setData(xs, ys)
        if threshold is None:
            self.threshold.hide()
        else:
            self.threshold.setValue(threshold)
            self.threshold.show()

    def shows_something(self) -> bool:
        """Points are drawn (a dataset-bound graph's fit), so an export has a picture."""
        return bool(len(self.points.data))

    def surface(self) -> np.ndarray | None:
        """The probabilities on screen (for tests)."""
        return (
            None if self.image.image is None or not self.image.isVisible() else self.image.image.T
        )

    def _keep_aspect(self) -> None:
        """A plane of the data keeps its shape (moons stay moons) as long as that leaves the
        plot mostly filled; in a long, low dock it is stretched up to MAX_STRETCH rather than
        drawn as a small island in an axis of empty units (−13 … 14 around −1 … 2)."""
        if self._plane is None:
            return
        box = self.plot.getViewBox().size()
        width, height = self._plane
        if box.width() <= 0 or box.height() <= 0 or width <= 0 or height <= 0:
            self.plot.setAspectLocked(True, 1.0)
            return
        # pyqtgraph's ratio: how many pixels one unit of y takes for one pixel of a unit of x
        fill = (box.width() / box.height()) / (width / height)
        self.plot.setAspectLocked(True, min(max(fill, 1 / MAX_STRETCH), MAX_STRETCH))
