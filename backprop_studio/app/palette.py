"""The op palette: every catalogue entry by category, searchable, dragged onto the canvas."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ..canvas.interactions import OP_MIME, make_op_mime
from ..model.attrs import op_symbol
from ..model.ops import CATEGORIES, ops_in

OP_ROLE = Qt.ItemDataRole.UserRole


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
                item = QTreeWidgetItem(parent_item, [f"{op_symbol(spec, {})}   {spec.name}"])
                item.setData(0, OP_ROLE, spec.name)
                item.setToolTip(0, f"<b>{spec.name}</b>: {spec.formula}<br>{spec.derivative}")
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsDragEnabled
                )
        self.expandAll()

    def mimeTypes(self) -> list[str]:
        return [OP_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        ops = [item.data(0, OP_ROLE) for item in items if item.data(0, OP_ROLE)]
        return make_op_mime(ops[0]) if ops else QMimeData()

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
                if not group.child(j).isHidden():
                    ops.append(group.child(j).data(0, OP_ROLE))
        return ops

    def _activate_first(self) -> None:
        ops = self.visible_ops()
        if ops:
            self.op_activated.emit(ops[0])

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        op = item.data(0, OP_ROLE)
        if op:
            self.op_activated.emit(op)
