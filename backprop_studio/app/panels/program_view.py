"""The program view: the graph as text, kept in sync with the canvas both ways.

Canvas edits rewrite the text unless the user has unapplied edits in it (those are never thrown
away silently). Apply parses the text and hands the new graph to the app, which pushes one undo
step; nodes whose names survive keep their positions.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QKeySequence, QShortcut, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...model.graph import Graph
from ...model.program import ProgramError, incomplete_nodes, parse_program, to_program
from ...model.program_writer import keep_exact_values
from ..widgets import MessageLabel

DIGITS = 6  # significant digits a reader needs; the document keeps every digit


class ProgramView(QWidget):
    apply_requested = Signal(object)  # the parsed Graph

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._graph: Graph | None = None
        self._edited = False
        self._setting = False
        self.editor = QPlainTextEdit(self)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlaceholderText("x = data(1.0)\nw = 1.0\nloss = (w * x - 2) ** 2")
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.message = MessageLabel(2, self)  # a long error never resizes the dock
        self.apply_button = QPushButton("Apply", self)
        self.apply_button.setToolTip("Rebuild the graph from this text (Ctrl+Return)")
        self.revert_button = QPushButton("Revert", self)
        self.revert_button.setToolTip("Throw away the text edits and show the graph again")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.editor)
        # the dock's whole width for the message: beside the buttons of a laptop's narrow dock
        # even "Incomplete: mul_1 not written as code yet." took three lines of its two
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.editor.textChanged.connect(self._on_text_changed)
        self.apply_button.clicked.connect(self.apply)
        self.revert_button.clicked.connect(self.revert)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.editor)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.apply)
        self._update_buttons()

    @property
    def edited(self) -> bool:
        return self._edited

    def set_graph(self, graph: Graph | None) -> None:
        self._graph = graph
        self._edited = False
        self.refresh()

    def refresh(self) -> None:
        """Show the graph's text, unless the user is in the middle of editing it."""
        if self._graph is None:
            self._set_text("")
            return
        if self._edited:
            self._say("The canvas changed; Apply replaces it with this text, Revert shows it.")
            return
        self._set_text(to_program(self._graph, DIGITS))
        broken = incomplete_nodes(self._graph)
        self._say(
            f"Incomplete: {', '.join(broken[:3])}{'…' if len(broken) > 3 else ''} not written as code yet."
            if broken
            else ""
        )
        self._highlight(None)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c0392b" if error else "")
        self.message.setText(text)

    def apply(self) -> None:
        positions = {n.name: n.position for n in self._graph} if self._graph is not None else {}
        try:
            graph = parse_program(self.editor.toPlainText(), positions)
            if self._graph is not None:
                keep_exact_values(self._graph, graph, DIGITS)
        except ProgramError as exc:
            self._say(str(exc), error=True)
            self._highlight(exc.line)  # the line is marked; the cursor stays where the user types
            return
        self._edited = False
        self._update_buttons()
        self._say("")
        self._highlight(None)
        self.apply_requested.emit(graph)

    def revert(self) -> None:
        self._edited = False
        self.refresh()
        self._update_buttons()

    def _set_text(self, text: str) -> None:
        if self.editor.toPlainText() == text:
            return
        self._setting = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._setting = False

    def _on_text_changed(self) -> None:
        if not self._setting:
            self._edited = True
            self._update_buttons()

    def _update_buttons(self) -> None:
        self.apply_button.setEnabled(self._edited)
        self.revert_button.setEnabled(self._edited)

    def _highlight(self, line: int | None) -> None:
        if line is None:
            self.editor.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(QColor(231, 76, 60, 60))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection.cursor = QTextCursor(self.editor.document().findBlockByLineNumber(line - 1))
        self.editor.setExtraSelections([selection])
