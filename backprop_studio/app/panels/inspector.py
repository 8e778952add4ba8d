"""The inspector: the selected node's name, op, kind and value (editable), and what torch computed."""

from __future__ import annotations

import html
import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...canvas.value_text import full_text as format_value
from ...model.attrs import op_symbol
from ...model.csv_prepare import origin_text
from ...model.graph import Graph
from ...model.lesson_conceal import conceal
from ...model.program_writer import recipe_text
from ...model.shapes import ShapeError, Value, format_shape, shape_of
from ...model.trace import Trace
from ..diagnose.check_view import CheckView
from .attr_editor import AttrEditor
from .value_table import HeatMap, ValueTable

KINDS = (("param", "parameter (trainable)"), ("data", "data (fixed input)"), ("const", "constant"))


def parse_value(text: str) -> Value:
    """A number or a JSON nested list typed by a user; ValueError with a readable reason."""
    text = text.strip()
    if not text:
        raise ValueError("type a number, or a list such as [[1, 2], [3, 4]]")
    try:
        value = json.loads(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a number or a list such as [1, 2]") from None
    try:
        shape_of(value)
    except ShapeError as exc:
        raise ValueError(str(exc)) from None
    return float(value) if isinstance(value, int) else value


class Inspector(QWidget):
    rename_requested = Signal(str, str)
    label_edited = Signal(str, str)
    kind_changed = Signal(str, str)
    value_edited = Signal(str, object, int)  # name, value, edit session (merges typing)
    attrs_edited = Signal(str, object, int)  # name, attributes, edit session (merges typing)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hidden: frozenset[tuple[str, str]] = frozenset()
        self._name: str | None = None
        self._session = 0
        self.title = QLabel("Select a node to inspect it.")
        self.title.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("shown instead of the name, e.g. ŷ")
        self.kind = QComboBox()
        self.kind.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.kind.setMinimumContentsLength(8)  # a narrow dock keeps the arrow in sight
        for op, text in KINDS:
            self.kind.addItem(text, op)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText("a number, or [[1, 2], [3, 4]]")
        self.value_error = QLabel()
        self.value_error.setStyleSheet("color: #c0392b")
        self.value_error.setWordWrap(True)
        self.recipe = QLabel()
        self.recipe.setWordWrap(True)
        self.attrs = AttrEditor()
        self.shape = QLabel()
        self.table = ValueTable()
        self.heat_value = HeatMap()
        self.heat_grad = HeatMap()
        self.computed = QPlainTextEdit()
        self.computed.setReadOnly(True)
        self.computed.setMaximumHeight(160)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.problem.setStyleSheet("color: #c0392b")
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Label", self.label_edit)
        form.addRow("Kind", self.kind)
        form.addRow("Value", self.value_edit)
        form.addRow("", self.value_error)
        form.addRow("Recipe", self.recipe)
        form.addRow(self.attrs)
        form.addRow("Shape", self.shape)
        form.addRow("", self.table)
        self.form = form
        heat = QHBoxLayout()
        heat.addWidget(self.heat_value)
        heat.addWidget(self.heat_grad)
        heat.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.problem)  # under the name, not below the fold of a short dock
        self.check = CheckView()  # filled by the gradient check, for a checked parameter
        layout.addWidget(self.check)  # what was just asked for: high up too
        layout.addLayout(form)
        layout.addWidget(QLabel("Computed by torch"))
        layout.addWidget(self.computed)
        layout.addLayout(heat)
        layout.addStretch(1)
        self.name_edit.editingFinished.connect(self._rename)
        self.label_edit.editingFinished.connect(self._label)
        self.kind.activated.connect(self._kind)
        self.value_edit.textEdited.connect(self._value)
        self.value_edit.editingFinished.connect(self._end_session)
        self.table.value_edited.connect(self._table_value)
        self.attrs.edited.connect(self.attrs_edited)
        self.show_node(None, None, None)

    @property
    def node_name(self) -> str | None:
        return self._name

    def set_hidden(self, hidden: frozenset[tuple[str, str]]) -> None:
        """Numbers (node, "value" | "grad") a lesson's open task asks for: shown as ?, not as
        numbers, until it is answered; the caller shows the node again."""
        self._hidden = frozenset(hidden)

    def show_node(self, graph: Graph | None, name: str | None, trace: Trace | None) -> None:
        """Show ``name`` of ``graph`` (None: nothing selected) with the numbers of ``trace``."""
        hidden = self._hidden
        if trace is not None and hidden:
            trace = conceal(trace, hidden)
        node = graph.node(name) if graph is not None and name in graph else None
        if node is None or self._name != name:
            self._end_session()
        self._name = node.name if node else None
        self.attrs.show_node(node)
        for widget in (self.name_edit, self.label_edit, self.kind, self.value_edit):
            widget.setEnabled(node is not None)
        if node is None:
            self.title.setText("Select a node to inspect it.")
            for edit in (self.name_edit, self.label_edit, self.value_edit):
                edit.clear()
            self.shape.clear()
            self._show_recipe(None)
            self.computed.clear()
            self.problem.clear()
            self.problem.hide()
            self.value_error.clear()
            for widget in (self.table, self.heat_value, self.heat_grad):
                widget.hide()
            return
        spec = node.spec
        # a leaf's symbol is a placeholder name (x, θ), which would contradict the node's own
        op = spec.name if node.is_leaf else f"{op_symbol(spec, node.attrs)} {spec.name}"
        self.title.setText(
            f"<b>{html.escape(node.title)}</b> — {op}: {spec.formula}"
            f"<br><small>{spec.derivative}</small>"
        )
        if not self.name_edit.hasFocus():
            self.name_edit.setText(node.name)
        if not self.label_edit.hasFocus():
            self.label_edit.setText(node.label)
        self.kind.setVisible(node.is_leaf)
        self.form.labelForField(self.kind).setVisible(node.is_leaf)
        self.value_edit.setVisible(node.is_leaf)
        self.value_error.setVisible(node.is_leaf)
        self.form.labelForField(self.value_edit).setVisible(node.is_leaf)
        self._show_recipe(node)
        if node.is_leaf:
            self.kind.setCurrentIndex([op for op, _ in KINDS].index(node.op))
            if not self.value_edit.hasFocus():
                self.value_edit.setText(json.dumps(node.value))
                self.value_error.clear()
        shape = trace.shapes.get(node.name) if trace else None
        self.shape.setText(format_shape(shape) if shape is not None else "—")
        lines = []
        if (node.name, "value") in hidden:
            lines.append("value = ? (predict it in the Lessons dock)")
        if (node.name, "grad") in hidden:
            lines.append(f"∂{trace.output if trace else 'output'}/∂{node.name} = ? (predict it)")
        elif trace is not None and node.name in trace.values:
            lines.append(f"value = {format_value(trace.values[node.name])}")
            grad = trace.grads.get(node.name)
            out = trace.output or "output"
            if node.op == "const":  # ∂loss/∂const_1 would name what the card calls 2
                lines.append("no gradient: a constant is never differentiated")
            else:
                shown = "— (no gradient flows here)" if grad is None else format_value(grad)
                lines.append(f"∂{out}/∂{node.name} = {shown}")
        self.computed.setPlainText("\n".join(lines))
        if node.is_leaf and not self.table.hasFocus():
            self.table.show_value(node.value)
        elif not node.is_leaf:
            self.table.hide()
        values = trace.values if trace is not None else {}
        grads = trace.grads if trace is not None else {}
        self.heat_value.show_value(values.get(node.name))
        self.heat_value.setToolTip(f"value of {node.name}: orange positive, blue negative")
        self.heat_grad.show_value(grads.get(node.name))
        self.heat_grad.setToolTip(f"gradient of {node.name}: orange positive, blue negative")
        problem = (trace.problem_of(node.name) if trace else None) or ""
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))

    def _show_recipe(self, node) -> None:
        """The recipe a leaf's numbers come from, as the program writes it, and whether
        training moved them; the row hides for any other node."""
        text = recipe_text(node) if node is not None else None
        origin = origin_text(node.attrs) if node is not None and text is None else None
        text = text or origin  # a CSV leaf: its file, columns, class names and transform
        self.form.labelForField(self.recipe).setText("From" if origin else "Recipe")
        self.recipe.setVisible(text is not None)
        self.form.labelForField(self.recipe).setVisible(text is not None)
        self.recipe.setText(text or "")
        self.recipe.setToolTip(
            "trained: training moved these numbers away from the recipe; the document keeps "
            "them. Typing a value replaces the recipe; Undo brings it back."
            if node is not None and node.trained
            else ""
        )

    def _rename(self) -> None:
        new = self.name_edit.text().strip()
        if self._name and new and new != self._name:
            self.rename_requested.emit(self._name, new)

    def _label(self) -> None:
        if self._name is not None:
            self.label_edited.emit(self._name, self.label_edit.text())

    def _kind(self, index: int) -> None:
        if self._name is not None:
            self.kind_changed.emit(self._name, self.kind.itemData(index))

    def _value(self, text: str) -> None:
        if self._name is None:
            return
        try:
            value = parse_value(text)
        except ValueError as exc:
            self.value_error.setText(str(exc))
            return
        self.value_error.clear()
        self.value_edited.emit(self._name, value, self._session)

    def _table_value(self, value) -> None:
        if self._name is not None:
            self.value_edited.emit(self._name, value, self._session)

    def _end_session(self) -> None:
        self._session += 1
        self.attrs.end_session()
