"""A classifier's confusion matrix as a grid of counts, with each class's accuracy beside it.

Plain numbers in (``matrix[t][p]``: rows of true class t predicted as p, as
``engine.confusion`` counts them), a picture out; this module knows nothing of graphs or torch.
The diagonal (right) is green, the rest (wrong) shades of red by their share of the row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

RIGHT = np.array((44, 160, 44))
WRONG = np.array((214, 39, 40))
BLANK = np.array((250, 250, 250))
SUMMARY_WIDTH = 230  # px beside the matrix: "accuracy 96.7% of 150 rows" and a class a line


def cell_colours(matrix: np.ndarray) -> np.ndarray:
    """RGB (rows, cols, 3) uint8: a cell's colour mixes white and green (diagonal) or red by the
    share of its true class's rows that it holds."""
    totals = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, totals, out=np.zeros(matrix.shape, float), where=totals > 0)
    k = matrix.shape[0]
    tint = np.where(np.eye(k, dtype=bool)[..., None], RIGHT, WRONG)
    return (BLANK + (tint - BLANK) * share[..., None]).round().astype(np.uint8)


class ConfusionPlot(QWidget):
    """``show_matrix(matrix, names)``; rows are the true classes, columns the predictions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.plot = pg.PlotWidget(self, background="w")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)  # class 0 on top, as a table reads
        self.plot.setLabel("bottom", "predicted")
        self.plot.setLabel("left", "true")
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.texts: list[pg.TextItem] = []
        # the summary beside the matrix, not above it: a matrix keeps its cells square, so in
        # a low dock every line of text above it made it smaller
        self.summary.setFixedWidth(SUMMARY_WIDTH)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.summary)
        self.counts: list[list[int]] = []

    def clear(self, message: str = "") -> None:
        """No matrix (not a classifier, or nothing bound): only ``message``."""
        self.image.clear()
        for item in self.texts:
            self.plot.removeItem(item)
        self.texts, self.counts = [], []
        self.summary.setText(message)

    def show_matrix(self, matrix: Sequence[Sequence[int]], names: Sequence[str] = ()) -> None:
        """Draw the counts; ``names`` label the classes (their indices without)."""
        counts = np.array(matrix, dtype=np.int64).reshape(len(matrix), -1)
        k = counts.shape[0]
        names = list(names) or [f"class {i}" for i in range(k)]
        self.counts = counts.tolist()
        self.image.setImage(cell_colours(counts).transpose(1, 0, 2), levels=(0, 255))
        self.image.setRect(0, 0, k, k)
        for item in self.texts:
            self.plot.removeItem(item)
        self.texts = []
        for t in range(k):
            for p in range(k):
                text = pg.TextItem(str(counts[t, p]), color=(20, 20, 20), anchor=(0.5, 0.5))
                text.setPos(p + 0.5, t + 0.5)
                self.plot.addItem(text)
                self.texts.append(text)
        # the rows say which class each index is; the columns, a cell wide in a low dock, say
        # only the index, so that names never run into one another
        ticks = [[(i + 0.5, f"{i}  {name[:14]}") for i, name in enumerate(names)]]
        self.plot.getAxis("bottom").setTicks([[(i + 0.5, str(i)) for i in range(k)]])
        left = self.plot.getAxis("left")
        left.setTicks(ticks)
        metrics = QFontMetrics(left.style.get("tickFont") or self.font())
        widest = max(metrics.horizontalAdvance(name) for _, name in ticks[0])
        left.setWidth(widest + 28)  # every class name in full beside its row
        self.summary.setText(summary_text(counts, names))

    def cell_texts(self) -> list[list[str]]:
        """The numbers drawn, row by row (for tests)."""
        k = len(self.counts)
        return [[self.texts[t * k + p].toPlainText() for p in range(k)] for t in range(k)]


def summary_text(counts: np.ndarray, names: Sequence[str]) -> str:
    """ "accuracy 96.7% of 150 rows", then a line a class: "setosa 100%", "versicolor 94%", …
    (— for a class without rows); read beside the matrix, each fact on a line of its own."""
    total = int(counts.sum())
    if not total:
        return "no rows to count"
    parts = [f"accuracy {100 * np.trace(counts) / total:.1f}% of {total} rows"]
    for k, name in enumerate(names):
        row = int(counts[k].sum())
        parts.append(f"{name} {100 * counts[k, k] / row:.0f}%" if row else f"{name} —")
    return "\n".join(parts)
