"""TitleEditor: the inline rename box over a node's title (Enter commits, Esc cancels)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent, QPainter, QPen, QTextCursor
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsTextItem,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from .. import style
from ..style import Z_EDITOR, Theme


class TitleEditor(QGraphicsTextItem):
    """Edits one line of text; calls ``on_commit(text)`` once, then removes itself."""

    def __init__(
        self,
        parent: QGraphicsItem,
        text: str,
        theme: Theme,
        on_commit: Callable[[str], None],
    ) -> None:
        super().__init__(text, parent)
        self._on_commit = on_commit
        self._theme = theme
        self._done = False
        self.setFont(style.fonts().title)
        self.setDefaultTextColor(theme.text)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.setZValue(Z_EDITOR)
        self.document().setDocumentMargin(3.0)

    def start(self) -> None:
        """Give the editor focus with the whole text selected, ready to type over."""
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        cursor = self.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        self.setTextCursor(cursor)

    def commit(self) -> None:
        if self._done:
            return
        self._done = True
        text = self.toPlainText().strip()
        self._close()
        self._on_commit(text)

    def cancel(self) -> None:
        if self._done:
            return
        self._done = True
        self._close()

    def _close(self) -> None:
        self.clearFocus()
        scene = self.scene()
        if scene is not None:
            scene.removeItem(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commit()
        elif event.key() == Qt.Key.Key_Escape:
            self.cancel()
        else:
            super().keyPressEvent(event)
        event.accept()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.commit()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        rect = self.boundingRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self._theme.selection, 1.2))
        painter.setBrush(self._theme.card)
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 3.0, 3.0)
        option.state &= ~QStyle.StateFlag.State_HasFocus  # no dotted focus frame
        super().paint(painter, option, widget)
