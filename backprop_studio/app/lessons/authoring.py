"""File ▸ Save as Lesson Step…: the current document becomes a step of a lesson file.

The teacher writes the step's text, marks the quantity to predict (a node's gradient, value, or
value after one step), and ticks the controls to lock and the docks to hide; the step is appended
to the chosen lesson file (a new file starts a new lesson). The step goes through the same strict
reader as any lesson before it is written, so a saved lesson always opens.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
)

from ...model.document_io import document_to_dict
from ...model.lesson import FORMAT, VERSION, LessonError, lesson_from_dict
from ...model.lesson_io import MAX_LESSON_BYTES, lesson_to_dict, load_lesson, save_lesson

if TYPE_CHECKING:
    from ...document import Document
    from ..main_window import MainWindow

QUANTITY_CHOICES = (("grad", "its gradient ∂output/∂node"), ("value", "its value"),
                    ("after_step", "its value after one step"), ("", "nothing (no task)"))  # fmt: skip
LOCKABLE = ("backward_play", "train_step", "train_run", "evaluate", "TrainingDock", "ProgramDock")


def _checklist(names: list[str], name: str) -> QListWidget:
    box = QListWidget()
    box.setObjectName(name)
    for text in names:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        box.addItem(item)
    box.setMaximumHeight(90)
    return box


def _checked(box: QListWidget) -> list[str]:
    return [
        box.item(i).text()
        for i in range(box.count())
        if box.item(i).checkState() == Qt.CheckState.Checked
    ]


class LessonStepDialog(QDialog):
    """The step's text, its task and its locks; ``step_dict()`` is the step as lesson JSON."""

    def __init__(self, document: Document, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Save as Lesson Step")
        self.document = document
        self.path = QLineEdit()
        self.path.setObjectName("LessonPath")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.title = QLineEdit(document.title)
        self.title.setObjectName("LessonTitleEdit")
        self.text = QPlainTextEdit()
        self.text.setObjectName("LessonStepText")
        self.text.setPlaceholderText("What the learner reads (Markdown; $∂L/∂w$ for math)")
        self.node = QComboBox()
        self.node.setObjectName("LessonNode")
        self.node.addItems([n.name for n in document.graph.nodes])
        self.quantity = QComboBox()
        self.quantity.setObjectName("LessonQuantity")
        for key, text in QUANTITY_CHOICES:
            self.quantity.addItem(text, key)
        self.sign = QCheckBox("ask only for the sign")
        self.sign.setObjectName("LessonSignOnly")
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(4)
        self.lr.setRange(0.0001, 100.0)
        self.lr.setValue(float(document.settings.get("training", {}).get("lr", 0.01)))
        self.question = QLineEdit()
        self.question.setObjectName("LessonQuestionEdit")
        self.locks = _checklist(list(LOCKABLE), "LessonLocks")
        docks = [d.objectName() for d in window.findChildren(QDockWidget) if d.objectName()]
        self.docks = _checklist(sorted(set(docks) - {"LessonsDock"}), "LessonDocks")
        form = QFormLayout(self)
        form.addRow("Lesson file", row)
        form.addRow("Lesson title", self.title)
        form.addRow("Step text", self.text)
        form.addRow("Predict, of node", self.node)
        form.addRow("", self.quantity)
        form.addRow("", self.sign)
        form.addRow("Learning rate", self.lr)
        form.addRow("Question", self.question)
        form.addRow("Lock controls", self.locks)
        form.addRow("Hide docks", self.docks)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Lesson File", self.path.text(), "Lessons (*.json)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if path:
            self.path.setText(path)

    def step_dict(self) -> dict[str, Any]:
        doc = self.document
        step: dict[str, Any] = {
            "text": self.text.toPlainText(),
            "document": document_to_dict(doc.graph, doc.settings, doc.view),
        }
        of = self.quantity.currentData()
        if of and self.node.currentText():
            quantity: dict[str, Any] = {"node": self.node.currentText(), "of": of}
            if of == "after_step":
                quantity["lr"] = self.lr.value()
            step["task"] = {
                "question": self.question.text() or "What do you predict?",
                "quantity": quantity,
                "answer": "sign" if self.sign.isChecked() else "number",
            }
        if _checked(self.locks):
            step["lock"] = _checked(self.locks)
        if _checked(self.docks):
            step["hide_docks"] = _checked(self.docks)
        return step

    def lesson_dict(self, path: Path) -> dict[str, Any]:
        """The lesson file's contents with this step appended (a new lesson if none is there)."""
        if path.exists():
            data = lesson_to_dict(load_lesson(path))
        else:
            data = {"format": FORMAT, "version": VERSION, "title": self.title.text(), "steps": []}
        data["title"] = self.title.text() or data["title"]
        data["steps"].append(self.step_dict())
        return data

    def _save(self) -> None:
        if not self.path.text().strip():
            self.message.setText("Choose a lesson file first.")
            return
        path = Path(self.path.text().strip())
        try:
            lesson = lesson_from_dict(self.lesson_dict(path))
            save_lesson(path, lesson)
        except LessonError as exc:
            self.message.setText(f"Cannot save the lesson: {exc}")
            return
        if path.stat().st_size > MAX_LESSON_BYTES:  # pragma: no cover - a huge graph
            self.message.setText("The lesson is too large to open again.")
            return
        self.accept()


def save_as_lesson_step(window: MainWindow) -> None:
    dialog = LessonStepDialog(window.document, window)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        window.say(f"Lesson step saved to {Path(dialog.path.text()).name}", 5000)
