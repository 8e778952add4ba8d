"""Axes and a legend for small plots: a laptop's loss dock leaves a plot ~100 px high.

pyqtgraph spaces ticks for a plot of a few hundred pixels: in a short one the labels crowd each
other, a long axis label runs past the ends and is clipped, and a legend inside the view box
covers the curves. ``CompactAxis`` labels only as many ticks as fit with room between them, in
short text (``1.5k``) in the data's own units (no "×0.001" prefix), and shows the longest of its
labels that fits; ``SideLegend`` stands beside
the data, never on it, in as many columns as the height needs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsLayoutItem

LABEL_POINTS = 8
LABEL_STYLE = {"font-size": f"{LABEL_POINTS}pt"}
VERTICAL_ROOM = 1.7  # line heights from one labelled tick to the next on a vertical axis
HORIZONTAL_GAP = 2.5  # em between the widest labels of neighbouring ticks on a horizontal axis
MINOR_PX = 6.0  # minor ticks closer than this are left out
TOP_MARGIN = 7  # px above the view box: room for half a tick label at the top of the axis


def nice_step(least: float) -> float:
    """The smallest 1, 2 or 5 × 10ᵏ that is at least ``least`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(least))
    for mantissa in (1.0, 2.0, 5.0, 10.0):
        if mantissa * power >= least * (1 - 1e-9):
            return mantissa * power
    return 10.0 * power


def short_number(value: float) -> str:
    """``1500`` → ``1.5k``, ``2000000`` → ``2M``: an iteration axis stays four characters wide."""
    size = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:g}"


class CompactAxis(pg.AxisItem):
    """An axis whose labelled ticks keep their distance and whose label fits its length."""

    def __init__(self, orientation: str, whole: bool = False, **kwargs) -> None:
        self._labels: tuple[str, ...] = ()  # before the base class, which resizes
        self.whole = whole  # counts (iterations): no tick between two whole numbers
        super().__init__(orientation, **kwargs)
        # One level of unlabelled minor ticks. A label never sticks out past a horizontal axis,
        # and past a vertical one by at most the half line that ``TOP_MARGIN`` keeps free.
        vertical = orientation in ("left", "right")
        self.setStyle(
            maxTickLevel=1, maxTextLevel=0, hideOverlappingLabels=TOP_MARGIN if vertical else True
        )
        # Ticks in the data's own units: pyqtgraph would relabel losses of 0.3–0.7 as 300–700
        # under "loss (x0.001)", a factor a reader easily misses.
        self.enableAutoSIPrefix(False)

    # ---- ticks -----------------------------------------------------------------------------
    def _font(self) -> QFont:
        return self.style["tickFont"] or QFont()

    def _label_room(self, low: float, high: float, step: float) -> float:
        """Pixels one labelled tick needs along the axis."""
        metrics = QFontMetricsF(self._font())
        if self.orientation in ("left", "right"):
            return VERTICAL_ROOM * metrics.height()
        texts = self.tickStrings([low, high, (low + high) / 2], 1.0, step)
        widest = max(metrics.horizontalAdvance(text) for text in texts)
        return widest + HORIZONTAL_GAP * metrics.height()

    def tickSpacing(self, minVal: float, maxVal: float, size: float):  # noqa: N802 - pyqtgraph
        span = abs(maxVal - minVal)
        # a diverged run spans 1e308: span × pixels overflows, and pyqtgraph copes as it can
        if size <= 0 or not np.isfinite(span * 1e3) or span * 1e3 == 0:
            return super().tickSpacing(minVal, maxVal, size)
        low, high = sorted((minVal, maxVal))
        step = nice_step(span * 60.0 / size)  # a first guess, to measure real labels with
        for _ in range(3):  # wider labels may need a wider step, which has other labels
            wanted = nice_step(span * self._label_room(low, high, step) / size)
            if wanted == step:
                break
            step = wanted
        if self.whole:  # one step drawn is iterations 0 and 1, not 0.2, 0.4, …
            step = max(step, 1.0)
        levels = [(step, 0.0)]
        pixels = step / span * size
        for parts in (5, 2):
            if self.whole and step / parts < 1.0:
                continue
            if pixels / parts >= MINOR_PX:
                levels.append((step / parts, 0.0))
                break
        return levels

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        if self.logMode or not len(values):
            return super().tickStrings(values, scale, spacing)
        if max(abs(v * scale) for v in values) >= 1e4:
            return [short_number(v * scale) for v in values]
        return super().tickStrings(values, scale, spacing)

    # ---- the label -------------------------------------------------------------------------
    def set_label_fitting(self, *texts: str) -> None:
        """The first of ``texts`` (longest first) that fits along the axis; none if none fits."""
        self._labels = tuple(texts)
        self._fit_label()

    def resizeEvent(self, ev=None) -> None:  # noqa: N802 - Qt override
        if self._labels:
            self._fit_label()
        super().resizeEvent(ev)

    def _fit_label(self) -> None:
        length = self.size().height() if self.orientation in ("left", "right") else self.width()
        font = QFont(self.label.font())  # measured as drawn: in LABEL_STYLE's size, not 9 pt
        font.setPointSizeF(LABEL_POINTS)
        metrics = QFontMetricsF(font)
        margin = 2 * self.label.document().documentMargin()
        fitting = [t for t in self._labels if metrics.horizontalAdvance(t) + margin <= length]
        text = fitting[0] if fitting else ""
        if text == self.labelText and self.label.isVisible() == bool(text):
            return
        if text:
            self.setLabel(text, **LABEL_STYLE)
        else:
            self.labelText = ""
            self.showLabel(False)


def _preferred_height(item: QGraphicsLayoutItem) -> float:
    return item.effectiveSizeHint(Qt.SizeHint.PreferredSize).height()


class SideLegend(pg.LegendItem):
    """A legend to the right of a plot, outside its data: the plot keeps a margin as wide as the
    legend, and the entries flow into another column when they would not fit the height."""

    GAP = 4
    ROW_OVERLAP = 6  # px: a label item's text margins, which neighbouring rows may share

    def __init__(
        self, plot: pg.PlotItem, text_colour: QColor | None = None, text_size: str = "8pt"
    ) -> None:
        super().__init__(
            offset=None,
            labelTextSize=text_size,
            labelTextColor=text_colour,
            verSpacing=-self.ROW_OVERLAP,
            horSpacing=4,
        )
        self.layout.setContentsMargins(2, 0, 2, 0)
        self._plot = plot
        self._fitting = False
        self.setParentItem(plot)
        plot.legend = self  # PlotItem.plot(name=...) adds its entry here
        plot.geometryChanged.connect(self._fit)
        self._fit()

    def updateSize(self) -> None:  # noqa: N802 - pyqtgraph override
        # the layout's own preferred size: pyqtgraph's sum of the items' current heights
        # ignores the spacing, and the layout then stretches every row to fill the surplus
        self.layout.invalidate()
        size = self.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize)
        self.setGeometry(0, 0, size.width(), size.height())
        self._fit()

    def _fit(self) -> None:
        if self._fitting:  # setColumnCount lays the entries out again and calls back
            return
        self._fitting = True
        try:
            plot, count = self._plot, len(self.items)
            if count:
                row = max(_preferred_height(label) for _, label in self.items) - self.ROW_OVERLAP
                rows = max(1, int((plot.height() - self.ROW_OVERLAP) // max(row, 1.0)))
                columns = math.ceil(count / rows)
                if columns != self.columnCount:
                    self.setColumnCount(columns)
            width = self.width() + self.GAP if count else 0.0
            left, top, right, bottom = plot.layout.getContentsMargins()
            if abs(right - (width + 1)) > 0.5:
                plot.layout.setContentsMargins(left, top, width + 1, bottom)
            self.setPos(plot.width() - self.width(), 0)
        finally:
            self._fitting = False

    # the legend stays where it is put: no dragging it over the data
    def mouseDragEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        ev.ignore()

    def hoverEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        pass
