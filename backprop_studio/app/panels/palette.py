"""The op palette: every catalogue entry by category, searchable, dragged onto the canvas."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ...canvas.interactions import OP_MIME, TEMPLATE_MIME, make_op_mime, make_template_mime
from ...model.attrs import op_symbol
from ...model.ops import CATEGORIES, ops_in
from ...model.templates import TEMPLATES

OP_ROLE = Qt.ItemDataRole.UserRole
TEMPLATE_ROLE = Qt.ItemDataRole.UserRole + 1
_DRAGGABLE = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
)


class OpTree(QTreeWidget):
    """A tree whose drag payload is exactly what the canvas accepts (``make_op_mime``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QTreeWidget.DragDropMode.DragOnly)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        for category in CATEGORIES:
            parent_item = QTreeWidgetItem(self, [category])
            parent_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for spec in ops_in(category):
                label, also = _label(op_symbol(spec, {}), spec.name)
                item = QTreeWidgetItem(parent_item, [label])
                item.setData(0, OP_ROLE, spec.name)
                item.setToolTip(0, f"<b>{spec.name}</b>{also}: {spec.formula}<br>{spec.derivative}")
                item.setFlags(_DRAGGABLE)
        blocks = QTreeWidgetItem(self, ["Blocks"])
        blocks.setFlags(Qt.ItemFlag.ItemIsEnabled)
        for template in TEMPLATES.values():
            item = QTreeWidgetItem(blocks, [f"▣   {template.title}"])
            item.setData(0, TEMPLATE_ROLE, template.key)
            item.setToolTip(0, f"<b>{template.title}</b>: {template.description}, as one block")
            item.setFlags(_DRAGGABLE)
        self.expandAll()

    def mimeTypes(self) -> list[str]:
        return [OP_MIME, TEMPLATE_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        for item in items:
            if item.data(0, OP_ROLE):
                return make_op_mime(item.data(0, OP_ROLE))
            if item.data(0, TEMPLATE_ROLE):
                return make_template_mime(item.data(0, TEMPLATE_ROLE))
        return QMimeData()

    def item_for(self, op: str) -> QTreeWidgetItem | None:
        for i in range(self.topLevelItemCount()):
            group = self.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, OP_ROLE) == op:
                    return group.child(j)
        return None


class Palette(QWidget):
    """Search box over the op tree; double-click or Enter asks for a node (``op_activated``)."""

    op_activated = Signal(str)
    template_activated = Signal(str)  # a block template's key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search ops…")
        self.search.setClearButtonEnabled(True)
        self.tree = OpTree(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._activate_first)
        self.tree.itemActivated.connect(self._activated)

    def filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            visible = 0
            for j in range(group.childCount()):
                child = group.child(j)
                match = (
                    not needle
                    or needle in child.text(0).lower()
                    or needle in child.toolTip(0).lower()
                )
                child.setHidden(not match)
                visible += match
            group.setHidden(visible == 0)

    def visible_ops(self) -> list[str]:
        ops = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                child = group.child(j)
                if not child.isHidden() and child.data(0, OP_ROLE):
                    ops.append(child.data(0, OP_ROLE))
        return ops

    def visible_templates(self) -> list[str]:
        keys = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                child = group.child(j)
                if not child.isHidden() and child.data(0, TEMPLATE_ROLE):
                    keys.append(child.data(0, TEMPLATE_ROLE))
        return keys

    def _activate_first(self) -> None:
        ops = self.visible_ops()
        if ops:
            self.op_activated.emit(ops[0])
        elif templates := self.visible_templates():
            self.template_activated.emit(templates[0])

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        op = item.data(0, OP_ROLE)
        if op:
            self.op_activated.emit(op)
        elif item.data(0, TEMPLATE_ROLE):
            self.template_activated.emit(item.data(0, TEMPLATE_ROLE))


def _label(symbol: str, name: str) -> tuple[str, str]:
    """The entry's text, and what the tooltip adds. A symbol that only spells the name out
    ("leaky ReLU" for leaky_relu) is left to the tooltip: both would not fit the dock's width,
    and the name is what a program calls it."""
    if len(symbol) > 5 and symbol.lower().replace(" ", "_") == name:
        return name, f" ({symbol})"
    return f"{symbol}   {name}", ""
