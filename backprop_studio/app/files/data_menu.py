"""The Data menu: a toy dataset, or columns of a CSV file, as two data leaves (x and y).

Data ▸ Load CSV…: pick a file; the Load CSV dialog (``csv_dialog.py``) previews it, takes the
choices (header, target, labels, missing values, standardisation) and reads it on a worker; the
leaves (features x, targets y) arrive as one undoable step. A file that cannot even be previewed
(too large, not text, empty) is one message, before any dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from ... import commands, document_commands
from ...canvas import style
from ...model.csv_data import CsvError
from ...model.graph import Graph, GraphError, Node
from ...model.layout_blocks import card_heights
from ...model.starter import TRAINING, Starter, build_starter, starters
from .csv_dialog import CsvDialog
from .starter_dialog import ask_starter

if TYPE_CHECKING:
    from ..editor.graph_edits import GraphEdits
    from ..editor.parts import EditorParts


def load_csv(
    parts: EditorParts,
    edits: GraphEdits,
    path: Path | None = None,
    dialog: CsvDialog | None = None,
    starter: Callable[[QWidget, list[Starter], str], str | None] | None = None,
) -> list[str]:
    """Ask for a file and its choices; add the leaves, and on an empty canvas the starter
    model chosen (``starter`` asks). Returns the new node names ([] if none)."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(
            parts.window, "Load CSV", "", "CSV files (*.csv *.tsv *.txt);;All files (*)"
        )
        if not chosen:
            return []
        path = Path(chosen)
    try:
        dialog = dialog or CsvDialog(path, parts.window)
    except (CsvError, OSError) as exc:
        QMessageBox.warning(parts.window, "Cannot load CSV", f"{path.name}: {exc}")
        return []
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.data is None:
        return []
    data = dialog.data
    problem = _leaf_problem(data)
    if problem:
        QMessageBox.warning(parts.window, "Cannot load CSV", f"{path.name}: {problem}")
        return []
    graph = parts.graph()
    nodes = []
    for base, value, attrs in (("x", data.x, data.x_attrs), ("y", data.y, data.y_attrs)):
        if value is not None:
            node = Node(_free(graph, base, [n.name for n in nodes]), "data", value=value)
            node.attrs = attrs
            nodes.append(node)
    ask = starter or ask_starter
    model = _starter_model(parts.window, nodes, data, path.name, ask) if not len(graph) else None
    if model is not None:
        return _add_with_model(parts, edits, nodes, model, path.name)
    column = _place_column(parts, edits, nodes)
    parts.push(commands.add_items(graph, nodes, [], f"Load {path.name}"))
    parts.scene.select_names([n.name for n in nodes])
    edits.view.ensureVisible(column, 40, 40)  # to the right of a full canvas: scroll there
    if parts.graph().output in {n.name for n in nodes} and len(parts.graph()) == len(nodes):
        parts.say(
            f"Loaded {' and '.join(f'{n.name} ({_shape_text(n.value)})' for n in nodes)}: "
            "wire a model from x to a loss that takes y (or start from Help ▸ Examples)",
            12000,
        )
    if data.dropped:
        parts.say(
            f"{path.name}: {data.dropped} row{'s' * (data.dropped != 1)} with missing values "
            "dropped",
            8000,
        )
    return [n.name for n in nodes]


def _starter_model(parent: QWidget, nodes: list[Node], data, file: str, starter) -> tuple | None:
    """The chosen starter model's (title, nodes, edges), or None for just the data."""
    if len(nodes) != 2:
        return None
    classes = len(data.classes)
    options = starters(classes)
    kind = f"{classes} classes" if classes >= 2 else "a number to predict"
    about = f"{file}: {_shape_text(nodes[0].value)} features, and a target with {kind}."
    key = starter(parent, options, about)
    chosen = next((o for o in options if o.key == key), None)
    if chosen is None:
        return None
    model, edges = build_starter(chosen.key, nodes[0], nodes[1], classes)
    return chosen, model, edges


def _add_with_model(
    parts: EditorParts, edits: GraphEdits, data_nodes: list[Node], model: tuple, file: str
) -> list[str]:
    """The data leaves, the model and its training settings as one undoable step, centred in
    the view."""
    chosen, nodes, edges = model
    everything = [*data_nodes, *nodes]
    xs = [n.position[0] for n in everything]
    ys = [n.position[1] for n in everything]
    centre = edits.view_center()
    dx = centre.x() - (min(xs) + max(xs) + style.NODE_WIDTH) / 2
    dy = centre.y() - (min(ys) + max(ys)) / 2
    for node in everything:
        node.position = (node.position[0] + dx, node.position[1] + dy)
    title = chosen.title[0].lower() + chosen.title[1:]
    settings = parts.document().settings
    children = commands.add_items(parts.graph(), everything, edges).children
    children += [document_commands.SetTrainingOption(settings, k, v) for k, v in TRAINING.items()]
    parts.push(commands.Macro(f"Load {file} with {title}", children))
    edits.view.fit_to_graph()
    parts.say(
        f"Loaded {file} with {title}, set to train with Adam (lr 0.05, 300 steps): press Run "
        "in the Training panel"
        + (", then look at the Confusion tab" if chosen.key != "linear" else ""),
        15000,
    )
    return [n.name for n in everything]


def add_dataset(parts: EditorParts, edits: GraphEdits, dataset: str) -> list[str]:
    """x and y leaves bound to a built-in dataset (its default size, noise and seed)."""
    from ...model.program import parse_program

    part = parse_program(f'x, y = dataset("{dataset}")')
    graph, centre = parts.graph(), edits.view_center()
    nodes = []
    for node, dy in zip(part.nodes, (0.0, 120.0)):
        placed = edits.new_node("data", QPointF(centre.x(), centre.y() + dy))
        node.name = _free(graph, node.name, [n.name for n in nodes])
        node.position = placed.position
        nodes.append(node)
    parts.push(commands.add_items(graph, nodes, [], f"Add {dataset} data"))
    parts.scene.select_names([n.name for n in nodes])
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


_GAP = 40.0  # between the new cards, and between them and the cards already there


def _place_column(parts: EditorParts, edits: GraphEdits, nodes: list[Node]) -> QRectF:
    """The new cards one under the other at the centre of the view, or, where they would cover
    cards already there, to the right of all of them; the view then shows them."""
    heights = card_heights(_scratch(nodes))
    width = style.NODE_WIDTH
    total = sum(heights[n.name] for n in nodes) + _GAP * (len(nodes) - 1)
    centre = edits.view_center()
    left, top = centre.x() - width / 2, centre.y() - total / 2
    cards = [
        item.sceneBoundingRect()
        for item in (*parts.scene.node_items().values(), *parts.scene.block_items().values())
        if item.isVisible()
    ]
    wanted = QRectF(left, top, width, total).adjusted(-_GAP, -_GAP, _GAP, _GAP)
    if any(wanted.intersects(card) for card in cards):
        everything = cards[0]
        for card in cards[1:]:
            everything = everything.united(card)
        left, top = everything.right() + 2 * _GAP, everything.top()
    for node in nodes:
        node.position = (left, top)
        top += heights[node.name] + _GAP
    return QRectF(left, nodes[0].position[1], width, total)


def _scratch(nodes: list[Node]) -> Graph:
    scratch = Graph()
    for node in nodes:
        scratch.add_node(Node(node.name, node.op, value=node.value, attrs=dict(node.attrs)))
    return scratch


def _shape_text(value) -> str:
    from ...model.shapes import format_shape, shape_of

    return format_shape(shape_of(value))
