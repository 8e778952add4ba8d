"""A small tensor as a table you can type into, and a matrix as a heat map.

Tables stop at MAX_CELLS per side (bigger values keep the JSON field); every edited cell becomes
one whole new value, handed to the inspector, which pushes it as an undoable SetValue.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QWidget

from ...canvas.heat import as_rows, cells_picture
from ...model.shapes import Value

MAX_CELLS = 20
HEAT_SIZE = 160


class ValueTable(QTableWidget):
    value_edited = Signal(object)  # the whole new value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vector = False
        self._filling = False
        self.setMaximumHeight(220)
        self.horizontalHeader().setDefaultSectionSize(64)
        self.itemChanged.connect(self._changed)

    def show_value(self, value: Value | None) -> bool:
        """Fill the table; False (and hidden) when the value does not fit a small table."""
        rows = as_rows(value) if value is not None else None
        fits = rows is not None and len(rows) <= MAX_CELLS and len(rows[0]) <= MAX_CELLS
        self.setVisible(fits)
        if not fits:
            return False
        self._vector = not isinstance(value[0], list)
        self._filling = True
        try:
            self.setRowCount(len(rows))
            self.setColumnCount(len(rows[0]))
            for i, row in enumerate(rows):
                for j, x in enumerate(row):
                    self.setItem(i, j, QTableWidgetItem(f"{x:.6g}"))
        finally:
            self._filling = False
        return True

    def current_value(self) -> Value:
        rows = [
            [float(self.item(i, j).text()) for j in range(self.columnCount())]
            for i in range(self.rowCount())
        ]
        return rows[0] if self._vector else rows

    def _changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        try:
            number = float(item.text())
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            item.setBackground(QColor(250, 210, 205))
            item.setToolTip("type a finite number")
            return
        item.setBackground(QColor(0, 0, 0, 0))
        item.setToolTip("")
        self.value_edited.emit(self.current_value())


def heat_map(value: Value | None, size: int = HEAT_SIZE) -> QPixmap | None:
    """The canvas's colour scale (canvas/heat.py), one block per cell; None unless a matrix or
    vector."""
    rows = as_rows(value) if value is not None else None
    if rows is None:
        return None
    h, w = len(rows), len(rows[0])
    image = cells_picture(rows).image
    return QPixmap.fromImage(
        image.scaled(
            size,
            max(4, size * h // max(w, 1)) if h <= w else size,
            Qt.AspectRatioMode.KeepAspectRatio,
        )
    )


class HeatMap(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip(
            "orange positive, blue negative, white zero (scaled to the largest |value|)"
        )

        self._pixmap: QPixmap | None = None
        self.setMinimumSize(40, 24)  # a narrow dock shrinks the map instead of growing itself

    def show_value(self, value: Value | None) -> bool:
        self._pixmap = heat_map(value)
        self.setVisible(self._pixmap is not None)
        self._fit()
        return self._pixmap is not None

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(40, 24)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._pixmap.size() if self._pixmap is not None else QSize(40, 24)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The map at its own size, or smaller (same aspect) when the room is narrower."""
        if self._pixmap is None:
            return
        pixmap = self._pixmap
        if pixmap.width() > self.width() or pixmap.height() > self.height():
            pixmap = pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        self.setPixmap(pixmap)
