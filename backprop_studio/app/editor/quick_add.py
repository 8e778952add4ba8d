"""Quick-add: Tab on the canvas (or an edge dropped on empty space) opens a small op chooser."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ...model.attrs import op_symbol
from ...model.graph import Edge, Node
from ...model.ops import OPS


class QuickAdd(QFrame):
    """Type to filter, Enter to choose, Esc to cancel; emits ``chosen(op)``."""

    chosen = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None, ops: list[str] | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Add node: type an op…")
        self.list = QListWidget(self)
        self.list.setMinimumHeight(220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        for name in ops or list(OPS):
            spec = OPS[name]
            item = QListWidgetItem(f"{op_symbol(spec, {})}   {name}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(spec.tooltip)
            self.list.addItem(item)
        self.edit.textChanged.connect(self._filter)
        self.edit.installEventFilter(self)
        self.list.itemActivated.connect(self._choose)
        self._filter("")

    def popup_at(self, global_pos: QPoint) -> None:
        self.move(global_pos)
        self.resize(240, 280)
        self.show()
        self.edit.setFocus()

    def visible_ops(self) -> list[str]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if not self.list.item(i).isHidden()
        ]

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            op = item.data(Qt.ItemDataRole.UserRole)
            hidden = bool(needle) and needle not in op and needle not in item.text().lower()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        # an exact name wins over an earlier partial match
        exact = [
            self.list.item(i)
            for i in range(self.list.count())
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == needle
        ]
        self.list.setCurrentItem(exact[0] if exact else first)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if (
            obj is self.edit
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
        ):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose(self.list.currentItem())
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                self.cancelled.emit()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
        return super().eventFilter(obj, event)

    def _move(self, step: int) -> None:
        visible = [i for i in range(self.list.count()) if not self.list.item(i).isHidden()]
        if not visible:
            return
        row = self.list.currentRow()
        pos = visible.index(row) if row in visible else -1
        self.list.setCurrentRow(visible[(pos + step) % len(visible)])

    def _choose(self, item: QListWidgetItem | None) -> None:
        if item is None or item.isHidden():
            return
        self.close()
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))


def connections_for(node: Node, source: str | None, target: tuple[str, str] | None) -> list[Edge]:
    """The edges a quick-added node comes with: ``source`` into its first input, or its output
    into ``target`` (node, port)."""
    edges = []
    if source is not None and node.inputs:
        edges.append(Edge(source, node.name, node.inputs[0]))
    if target is not None:
        edges.append(Edge(node.name, target[0], target[1]))
    return edges
