"""The inspector's gradient-check section: finite difference and autograd side by side.

It shows the numbers of one parameter's check (``model.check_result.ParamCheck``) as the engine
made them; it computes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...model.check_result import TOLERANCE, ParamCheck

COLUMNS = ("entry", "finite diff.", "autograd", "rel. error")
ROWS_SHOWN = 8  # the table scrolls beyond


def _number(x: float) -> str:
    return f"{x:.5g}"


class CheckView(QWidget):
    """A heading with ✓ or ✗, a table of the checked entries (worst first), the explanation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: 600;")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.explanation = QLabel()
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        for widget in (self.heading, self.table, self.explanation):
            layout.addWidget(widget)
        self.hide()

    def show_param(self, param: ParamCheck | None) -> None:
        """The check of the selected parameter; None hides the section."""
        self.setVisible(param is not None)
        if param is None:
            return
        mark = "✓ agrees" if param.ok else "✗ disagrees"
        of = "" if param.checked == param.numel else f" ({param.checked} of {param.numel} sampled)"
        self.heading.setText(
            f"Gradient check: {mark}, max relative error {param.max_rel_error:.2g}{of}"
        )
        entries = sorted(param.entries, key=lambda e: -e.rel_error)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            index = f"[{', '.join(map(str, entry.index))}]" if entry.index else "—"
            texts = (
                index,
                _number(entry.numeric),
                _number(entry.autograd),
                f"{entry.rel_error:.1g}",
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 3 and not entry.ok:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, column, item)
        rows = min(len(entries), ROWS_SHOWN)
        height = self.table.horizontalHeader().height() + 4
        height += sum(self.table.rowHeight(r) for r in range(rows))
        self.table.setFixedHeight(height)
        note = param.explanation or (
            f"Central finite differences of the output in float64 agree with autograd within "
            f"{TOLERANCE:g}."
        )
        self.explanation.setText(note)

    def cell_texts(self) -> list[list[str]]:
        """The table as text, row by row (tests)."""
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]
