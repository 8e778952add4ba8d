"""The loss around the current parameters: a heat map with contours over two axes (or a curve
over one), the optimizer's path on it and an arrow down the gradient at the current point.

Plain arrays in, a picture out: this module knows nothing of graphs or torch. The arrow shows
the direction of −∇L (where a gradient step goes). Its length says how steep the loss is there
against the plot's own typical slope (the loss's spread over the axes' spans), approaching a
fifth of the plot on steep ground and vanishing at a minimum: the step itself (learning rate ×
gradient) is often too short to see.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPalette, QTransform
from PySide6.QtWidgets import QWidget

from .axes import SideLegend
from .loss_plot import ACCENT, compact_axes, style_plot

PATH_COLOUR = QColor(255, 255, 255)
CURRENT_COLOUR = QColor(230, 60, 40)
ARROW_COLOUR = QColor(230, 60, 40)
CONTOURS = 12
ARROW_SHARE = 0.2  # of the plot, the longest arrow
# several runs' paths: none the accent blue of a 1-D landscape's curve (and of the loss plot),
# none a hue of the viridis surface they are drawn over
RUN_COLOURS = [QColor(214, 39, 40), QColor(240, 135, 15), QColor(200, 40, 160)]


def colour_values(losses: np.ndarray, log: bool) -> np.ndarray:
    """What the colours stand for: the loss, or its log₁₀ (clipped where it is not positive)."""
    if not log:
        return losses
    positive = losses[np.isfinite(losses) & (losses > 0)]
    floor = float(positive.min()) if positive.size else 1e-12
    return np.log10(np.clip(losses, floor, None))


def contour_levels(values: np.ndarray, count: int = CONTOURS) -> list[float]:
    """``count`` levels evenly between the lowest value and the 95th percentile (a few huge
    corners would otherwise crowd every line into the valley)."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return []
    lo, hi = float(finite.min()), float(np.percentile(finite, 95))
    if not hi > lo:
        return []
    return list(np.linspace(lo, hi, count + 2)[1:-1])


class LandscapePlot(pg.PlotWidget):
    """``show_surface`` (two axes) or ``show_curve`` (one), then ``show_path``,
    ``show_current``; ``show_runs`` draws several named paths (a comparison) instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems=compact_axes(counts=False))
        style_plot(self)
        item = self.getPlotItem()
        self.colour_map = pg.colormap.get("viridis")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(self.colour_map)
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.bar = pg.ColorBarItem(colorMap=self.colour_map, interactive=False, width=12)
        self.bar.setImageItem(self.image, insert_in=item)
        self.bar.setVisible(False)
        self.contours: list[pg.IsocurveItem] = []
        self.curve = item.plot(pen=pg.mkPen(ACCENT, width=2))
        self.path = item.plot(
            pen=pg.mkPen(PATH_COLOUR, width=2), symbol="o", symbolSize=3, symbolPen=None
        )
        self.path.setZValue(10)
        self.start = item.plot(
            [], [], pen=None, symbol="s", symbolSize=8, symbolBrush="w", symbolPen=(40, 40, 40)
        )
        self.start.setZValue(11)
        self.current = item.plot(
            [], [], pen=None, symbol="o", symbolSize=10, symbolBrush=CURRENT_COLOUR, symbolPen="w"
        )
        self.current.setZValue(20)
        self.shaft = item.plot(pen=pg.mkPen(ARROW_COLOUR, width=2))
        self.shaft.setZValue(19)
        self.head = pg.ArrowItem(
            headLen=12, tailLen=0, brush=ARROW_COLOUR, pen=pg.mkPen(ARROW_COLOUR)
        )
        self.head.setZValue(19)
        self.head.setVisible(False)
        item.addItem(self.head, ignoreBounds=True)
        self.runs: list[pg.PlotDataItem] = []
        self.legend = SideLegend(item, self.palette().color(QPalette.ColorRole.Text))
        self.hint = pg.TextItem("", color=QColor(140, 140, 140), anchor=(0.5, 0.5))
        item.addItem(self.hint, ignoreBounds=True)
        self._arrow: tuple[np.ndarray, np.ndarray] | None = None
        self._spread = 1.0  # the drawn loss's spread (95th percentile − lowest)
        self._surface = False
        self.log = False
        item.getViewBox().sigTransformChanged.connect(self._aim_head)
        item.getViewBox().sigRangeChanged.connect(self._centre_hint)

    # ---- the loss --------------------------------------------------------------------------
    def _note_spread(self, losses: np.ndarray) -> None:
        finite = losses[np.isfinite(losses)]
        spread = float(np.percentile(finite, 95) - finite.min()) if finite.size else 0.0
        self._spread = spread if spread > 0 else 1.0

    def clear_all(self) -> None:
        """Nothing drawn (a graph with nothing to train must not show another's landscape)."""
        self.image.clear()
        self.image.setVisible(False)
        self.bar.setVisible(False)
        self._set_contours([], np.zeros((0, 0)), QTransform())
        for item in (self.curve, self.path, self.start, self.current, self.shaft):
            item.setData([], [])
        self.head.setVisible(False)
        self._arrow = None
        self.show_runs([])

    def say(self, text: str) -> None:
        """A word in the middle of an empty plot ("" hides it)."""
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
        self._centre_hint()

    def _centre_hint(self, *_args) -> None:
        """Kept in the middle when the range moves: said before the plot was first laid out
        (the Compare dialog's), it ended in the corner, half cut off."""
        if self.hint.isVisible():
            box = self.getPlotItem().getViewBox().viewRange()
            self.hint.setPos(sum(box[0]) / 2, sum(box[1]) / 2)

    def set_axis_names(self, x: str, y: str) -> None:
        item = self.getPlotItem()
        item.getAxis("bottom").set_label_fitting(x)
        item.getAxis("left").set_label_fitting(y)

    def show_surface(
        self, xs: np.ndarray, ys: np.ndarray, losses: np.ndarray, log: bool = False
    ) -> None:
        """``losses[i, j]`` at ``(xs[j], ys[i])`` as colours (log₁₀ with ``log``) and contours."""
        self._surface, self.log = True, log
        self.curve.setData([], [])
        self._note_spread(losses)
        values = colour_values(losses, log)
        finite = values[np.isfinite(values)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
        dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
        self.image.setImage(np.nan_to_num(values, nan=hi, posinf=hi), levels=(lo, hi or 1.0))
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys)))
        self.image.setVisible(True)
        self.bar.setLevels((lo, hi if hi > lo else lo + 1.0))
        self.bar.setVisible(True)
        label = "log₁₀ loss" if log else "loss"
        self.bar.axis.setLabel(label)
        corner = QTransform()
        corner.translate(xs[0], ys[0])
        corner.scale(dx or 1.0, dy or 1.0)
        self._set_contours(contour_levels(values), values, corner)
        self.getPlotItem().getViewBox().setRange(
            xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0
        )

    def _set_contours(self, levels: Sequence[float], values: np.ndarray, where: QTransform) -> None:
        for old in self.contours:
            self.getPlotItem().removeItem(old)
        self.contours = []
        pen = pg.mkPen(255, 255, 255, 110, width=1)
        for level in levels:
            iso = pg.IsocurveItem(values, level, pen, axisOrder="row-major")
            iso.setTransform(where)
            iso.setZValue(-5)
            self.getPlotItem().addItem(iso, ignoreBounds=True)
            self.contours.append(iso)

    def show_curve(self, xs: np.ndarray, losses: np.ndarray) -> None:
        """The loss along one axis (a single scalar parameter)."""
        self._surface = False
        self.image.setVisible(False)
        self.bar.setVisible(False)
        self._set_contours([], np.zeros((0, 0)), QTransform())
        self._note_spread(losses)
        self.curve.setData(xs, losses)
        self.getPlotItem().getViewBox().autoRange(padding=0.04)

    # ---- the optimizer ---------------------------------------------------------------------
    def show_path(self, points: np.ndarray, losses: np.ndarray | None = None) -> None:
        """The kept iterations: (m, 2) points on a surface, or (m, 1) values with their losses
        on a curve. The first one (the start) is a square."""
        x, y = self._xy(points, losses)
        self.path.setData(x, y)
        self.path.setSymbolBrush(pg.mkBrush(PATH_COLOUR if self._surface else ACCENT))
        self.path.setPen(pg.mkPen(PATH_COLOUR if self._surface else ACCENT, width=2))
        self.start.setData(x[:1], y[:1])

    def _xy(self, points: np.ndarray, losses: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if not len(points):
            return np.zeros(0), np.zeros(0)
        if points.shape[1] >= 2:
            return points[:, 0], points[:, 1]
        return points[:, 0], np.zeros(len(points)) if losses is None else losses

    def show_current(self, point: np.ndarray, loss: float, gradient: np.ndarray) -> None:
        """The current point and an arrow from it along −gradient (on a curve: along the
        tangent, downhill), at most ``ARROW_SHARE`` of the plot long."""
        (x0, x1), (y0, y1) = self.getPlotItem().getViewBox().viewRange()
        if self._surface:
            tip = np.array([point[0], point[1]], dtype=float)
            span = np.array([x1 - x0, y1 - y0])
            step = -np.asarray(gradient[:2], dtype=float) / np.where(span > 0, span, 1.0)
        else:
            tip = np.array([point[0], loss], dtype=float)
            span = np.array([x1 - x0, y1 - y0])
            g = float(gradient[0])
            step = -np.array([g, g * g]) / np.where(span > 0, span, 1.0)
        self.current.setData([tip[0]], [tip[1]])
        g = np.asarray(gradient, dtype=float)
        spans = span[: len(g)] if self._surface else span[:1]
        steepness = float(np.linalg.norm(g * spans / self._spread))
        size = float(np.hypot(*step))
        share = ARROW_SHARE * steepness / (steepness + 1.0)
        if not math.isfinite(size) or size == 0 or not share > 1e-3:
            self.shaft.setData([], [])
            self.head.setVisible(False)
            self._arrow = None
            return
        end = tip + step / size * share * span
        self.shaft.setData([tip[0], end[0]], [tip[1], end[1]])
        self._arrow = (tip, end)
        self.head.setPos(float(end[0]), float(end[1]))
        self.head.setVisible(True)
        self._aim_head()

    def _aim_head(self, *_args) -> None:
        """The head's angle is on screen: the data→screen scale of each axis turns it."""
        if self._arrow is None:
            return
        box = self.getPlotItem().getViewBox()
        tip, end = (box.mapViewToScene(pg.Point(float(p[0]), float(p[1]))) for p in self._arrow)
        back = tip - end  # from the arrow's point towards its tail
        self.head.setStyle(angle=math.degrees(math.atan2(back.y(), back.x())))

    def show_runs(
        self,
        runs: Sequence[tuple[str, np.ndarray]],
        legend: bool = True,
        colours: Sequence[QColor] = (),
    ) -> None:
        """Several named paths ((m, 2) points) in ``colours`` (``RUN_COLOURS`` in turn without),
        with a legend unless something beside this plot names the colours."""
        for old in self.runs:
            self.getPlotItem().removeItem(old)
            self.legend.removeItem(old)
        self.runs = []
        for k, (name, points) in enumerate(runs):
            colour = colours[k] if k < len(colours) else RUN_COLOURS[k % len(RUN_COLOURS)]
            x, y = self._xy(points, None)
            line = self.getPlotItem().plot(
                x,
                y,
                pen=pg.mkPen(colour, width=2),
                symbol="o",
                symbolSize=4,
                symbolBrush=colour,
                symbolPen=None,
                name=name if legend else None,
            )
            line.setZValue(12 + (len(runs) - k) / len(runs))  # the first on top: it is
            # SGD in a comparison, the slowest, whose short path the others' would hide
            self.runs.append(line)
