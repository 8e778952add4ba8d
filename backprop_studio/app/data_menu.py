"""The Data menu: a toy dataset, or columns of a CSV file, as two data leaves (x and y).

Data ▸ Load CSV…: pick a file; the Load CSV dialog (``csv_dialog.py``) previews it, takes the
choices (header, target, labels, missing values, standardisation) and reads it on a worker; the
leaves (features x, targets y) arrive as one undoable step. A file that cannot even be previewed
(too large, not text, empty) is one message, before any dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from .. import commands
from ..model.csv_data import CsvError
from ..model.graph import Graph, GraphError, Node
from .csv_dialog import CsvDialog


def load_csv(window, path: Path | None = None, dialog: CsvDialog | None = None) -> list[str]:
    """Ask for a file and its choices; add the leaves. Returns the new node names ([] if none)."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(
            window, "Load CSV", "", "CSV files (*.csv *.tsv *.txt);;All files (*)"
        )
        if not chosen:
            return []
        path = Path(chosen)
    try:
        dialog = dialog or CsvDialog(path, window)
    except (CsvError, OSError) as exc:
        QMessageBox.warning(window, "Cannot load CSV", f"{path.name}: {exc}")
        return []
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.data is None:
        return []
    data = dialog.data
    problem = _leaf_problem(data)
    if problem:
        QMessageBox.warning(window, "Cannot load CSV", f"{path.name}: {problem}")
        return []
    graph = window.graph
    centre = window.view_center()
    nodes = []
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
    if data.dropped:
        window.statusBar().showMessage(
            f"{path.name}: {data.dropped} row{'s' * (data.dropped != 1)} with missing values "
            "dropped",
            8000,
        )
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


def _leaf_problem(data) -> str | None:
    """Why the leaves cannot join a graph (e.g. a column name of 5,000 characters), or None."""
    scratch = Graph()
    try:
        for name, value, attrs in (("x", data.x, data.x_attrs), ("y", data.y, data.y_attrs)):
            if value is not None:
                scratch.add_node(Node(name, "data", value=value, attrs=attrs))
    except (GraphError, ValueError) as exc:
        return str(exc)
    return None


def _free(graph, base: str, taken: list[str]) -> str:
    name, k = base, 2
    while name in graph or name in taken:
        name, k = f"{base}_{k}", k + 1
    return name


__all__ = ["add_dataset", "load_csv"]
