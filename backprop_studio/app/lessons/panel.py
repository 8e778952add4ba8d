"""The Lessons dock: a step's text, its task (an answer field or a choice of sign), the hints as
they are revealed, and the way through the lesson.

The panel only shows and asks; the player (``player.py``) decides what a click means and where the
numbers come from, so the widgets can be driven by tests exactly as a learner drives them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...model.lesson import Task
from ...model.math_text import markdown_with_math
from ..widgets import scrolling

SIGN_CHOICES = (("+", "positive (+)"), ("-", "negative (−)"), ("0", "zero"))
WELCOME = (
    "## Lessons\n\nEach lesson tells a short story on the canvas and asks you to **predict** a "
    "number before the studio shows it. Choose one in **Help ▸ Lessons**."
)


def _label(object_name: str, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class LessonPanel(QWidget):
    check_requested = Signal(str)  # the typed answer, or the chosen sign
    hint_requested = Signal()
    reveal_requested = Signal()
    back_requested = Signal()
    next_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LessonPanel")
        self.title = _label("LessonTitle")
        self.title.setStyleSheet("font-weight: 600;")
        self.position = _label("LessonPosition", wrap=False)
        self.text = QTextBrowser()
        self.text.setObjectName("LessonText")
        self.text.setOpenLinks(False)
        self.text.setFrameShape(QFrame.Shape.NoFrame)
        self.text.setMinimumHeight(80)
        self.task_box = QFrame()
        self.task_box.setObjectName("LessonTask")
        self.task_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.question = _label("LessonQuestion")
        self.question.setStyleSheet("font-weight: 600;")
        self.answer = QLineEdit()
        self.answer.setObjectName("LessonAnswer")
        self.answer.setPlaceholderText("your prediction, e.g. −2 or 0.5")
        self.answer.returnPressed.connect(self._check)
        self.signs = QButtonGroup(self)
        sign_row = QHBoxLayout()
        for i, (key, text) in enumerate(SIGN_CHOICES):
            button = QRadioButton(text)
            button.setObjectName(f"LessonSign{'PMZ'[i]}")
            button.setProperty("answer", key)
            self.signs.addButton(button, i)
            sign_row.addWidget(button)
        self.sign_widget = QWidget()
        self.sign_widget.setLayout(sign_row)
        sign_row.setContentsMargins(0, 0, 0, 0)
        self.check = self._button("Check", "LessonCheck", self._check)
        self.hint = self._button("Hint", "LessonHint", self.hint_requested.emit)
        self.reveal = self._button("Reveal", "LessonReveal", self.reveal_requested.emit)
        self.feedback = _label("LessonFeedback")
        self.hints = _label("LessonHints")
        self.answer_text = _label("LessonAnswerText")
        self.answer_text.setStyleSheet("font-weight: 600;")
        self.explanation = _label("LessonExplanation")
        task = QVBoxLayout(self.task_box)
        task.addWidget(self.question)
        task.addWidget(self.answer)
        task.addWidget(self.sign_widget)
        buttons = QHBoxLayout()
        for button in (self.check, self.hint, self.reveal):
            buttons.addWidget(button)
        task.addLayout(buttons)
        # what follows an answer scrolls on its own, so the dock never grows past the screen
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.feedback, self.hints, self.answer_text, self.explanation):
            results_layout.addWidget(widget)
        results_layout.addStretch(1)
        self.results = scrolling(results)
        self.results.setObjectName("LessonResults")
        self.results.setMinimumHeight(60)  # more would grow the dock when a task appears
        task.addWidget(self.results, 1)
        self.back = self._button("◂ Back", "LessonBack", self.back_requested.emit)
        self.next = self._button("Next ▸", "LessonNext", self.next_requested.emit)
        nav = QHBoxLayout()
        nav.addWidget(self.back)
        nav.addStretch(1)
        nav.addWidget(self.position)
        nav.addStretch(1)
        nav.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addLayout(nav)  # on top: always in view, however long the step
        layout.addWidget(self.title)
        layout.addWidget(self.text, 2)
        layout.addWidget(self.task_box, 3)
        self.show_welcome()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # ---- what the player shows -----------------------------------------------------------
    def show_welcome(self) -> None:
        self.title.setText("")
        self.text.setMarkdown(WELCOME)
        self.task_box.hide()
        for button in (self.back, self.next):
            button.setEnabled(False)
        self.position.setText("")

    def show_step(self, title: str, index: int, count: int, text: str, task: Task | None) -> None:
        self.title.setText(title)
        self.position.setText(f"step {index + 1} of {count}")
        self.text.setMarkdown(markdown_with_math(text))
        self.back.setEnabled(index > 0)
        self.next.setEnabled(True)
        self.next.setText("Next ▸" if index + 1 < count else "Finish ✓")
        self.task_box.setVisible(task is not None)
        if task is None:
            return
        self.question.setText(task.question)
        is_sign = task.answer == "sign"
        self.answer.setVisible(not is_sign)
        self.sign_widget.setVisible(is_sign)
        self.answer.clear()
        self.signs.setExclusive(False)
        for button in self.signs.buttons():
            button.setChecked(False)
        self.signs.setExclusive(True)
        self.feedback.clear()
        self.hints.clear()
        self.hints.hide()
        for label in (self.answer_text, self.explanation):
            label.clear()
            label.hide()
        self.set_open(True)
        self.hint.setEnabled(False)  # a hint follows a wrong answer

    def set_open(self, is_open: bool) -> None:
        """An open task takes answers; an answered or revealed one only shows its result."""
        for widget in (self.answer, self.sign_widget, self.check, self.reveal):
            widget.setEnabled(is_open)
        if not is_open:
            self.hint.setEnabled(False)

    def show_feedback(self, text: str, correct: bool | None) -> None:
        colour = {True: "#2e7d32", False: "#c62828", None: ""}[correct]
        self.feedback.setStyleSheet(f"color: {colour};" if colour else "")
        self.feedback.setText(text)

    def show_hints(self, hints: list[str], more: bool) -> None:
        self.hints.setText("\n".join(f"Hint {i + 1}. {h}" for i, h in enumerate(hints)))
        self.hints.setVisible(bool(hints))
        self.hint.setEnabled(more)

    def show_answer(self, text: str, explanation: str) -> None:
        self.answer_text.setText(text)
        self.answer_text.show()
        self.explanation.setText(explanation)
        self.explanation.setVisible(bool(explanation))
        self.results.ensureWidgetVisible(self.answer_text)

    def _check(self) -> None:
        if not self.check.isEnabled():
            return
        if self.sign_widget.isVisible() or self.answer.isHidden():
            chosen = self.signs.checkedButton()
            self.check_requested.emit(chosen.property("answer") if chosen else "")
        else:
            self.check_requested.emit(self.answer.text())
