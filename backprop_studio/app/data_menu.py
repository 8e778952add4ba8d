"""The Data menu: a toy dataset, or columns of a CSV file, as two data leaves (x and y).

Data ▸ Load CSV…: pick a file, choose feature and target columns, get two data leaves.

The file is read and checked by model.csv_data (clear messages for ragged rows, text where a
number should be, empty files); the two leaves arrive as one undoable step.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QWidget,
)

from .. import commands
from ..model import csv_data, csv_prepare


class ColumnsDialog(QDialog):
    """Features (several) and a target (one, or none) from the file's columns."""

    def __init__(self, table: csv_data.CsvTable, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Columns of {name}")
        self.features = QListWidget()
        self.features.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.features.addItems(list(table.columns))
        self.target = QComboBox()
        self.target.addItem("(none)", None)
        for column in table.columns:
            self.target.addItem(column, column)
        if len(table.columns) >= 2:
            for i in range(len(table.columns) - 1):
                self.features.item(i).setSelected(True)
            self.target.setCurrentIndex(len(table.columns))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(f"{len(table.cells)} rows, {len(table.columns)} columns"))
        form.addRow("Features (x)", self.features)
        form.addRow("Target (y)", self.target)
        form.addRow(buttons)

    def chosen(self) -> tuple[list[str], str | None]:
        return [item.text() for item in self.features.selectedItems()], self.target.currentData()


def load_csv(window, path: Path | None = None, dialog: ColumnsDialog | None = None) -> list[str]:
    """Ask for a file and columns; add the leaves. Returns the new node names ([] if nothing)."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(
            window, "Load CSV", "", "CSV files (*.csv);;All files (*)"
        )
        if not chosen:
            return []
        path = Path(chosen)
    try:
        table = csv_data.read_csv(path)
    except (csv_data.CsvError, OSError) as exc:
        QMessageBox.warning(window, "Cannot load CSV", f"{path.name}: {exc}")
        return []
    dialog = dialog or ColumnsDialog(table, path.name, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return []
    features, target = dialog.chosen()
    if not features:
        QMessageBox.warning(window, "Cannot load CSV", "choose at least one feature column")
        return []
    graph = window.graph
    centre = window.view_center()
    nodes = []
    try:
        data = csv_prepare.prepare(table, csv_prepare.CsvChoice(target, tuple(features)), str(path))
    except csv_data.CsvError as exc:
        QMessageBox.warning(window, "Cannot load CSV", f"{path.name}: {exc}")
        return []
    for base, value, attrs, dy in (
        ("x", data.x, data.x_attrs, 0.0),
        ("y", data.y, data.y_attrs, 120.0),
    ):
        if value is None:
            continue
        node = window.new_node("data", QPointF(centre.x(), centre.y() + dy))
        node.name = _free(graph, base, [n.name for n in nodes])
        node.value, node.attrs = value, attrs
        nodes.append(node)
    window.push(commands.add_items(graph, nodes, [], f"Load {path.name}"))
    window.scene.select_names([n.name for n in nodes])
    return [n.name for n in nodes]


def add_dataset(window, dataset: str) -> list[str]:
    """x and y leaves bound to a built-in dataset (its default size, noise and seed)."""
    from ..model.program import parse_program

    part = parse_program(f'x, y = dataset("{dataset}")')
    graph, centre = window.graph, window.view_center()
    nodes = []
    for node, dy in zip(part.nodes, (0.0, 120.0)):
        placed = window.new_node("data", QPointF(centre.x(), centre.y() + dy))
        node.name = _free(graph, node.name, [n.name for n in nodes])
        node.position = placed.position
        nodes.append(node)
    window.push(commands.add_items(graph, nodes, [], f"Add {dataset} data"))
    window.scene.select_names([n.name for n in nodes])
    return [n.name for n in nodes]


def _free(graph, base: str, taken: list[str]) -> str:
    name, k = base, 2
    while name in graph or name in taken:
        name, k = f"{base}_{k}", k + 1
    return name


__all__ = ["ColumnsDialog", "add_dataset", "load_csv"]
