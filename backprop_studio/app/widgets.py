"""Dock contents that keep the window on the screen.

A dock's minimum size is its content's: a table or a long message inside one would widen the
dock, and past the screen's room the main window itself grows off-screen. Content that can be
long goes into a scroll area, and text that changes length is elided or wrapped in a fixed
space, so that what a dock shows never changes the window's or the docks' sizes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QWidget


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that adds bars instead of asking for room."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setMinimumSize(60, 40)
    return area


class ElidedLabel(QLabel):
    """One line of text that takes the width it is given, ending in … (full text as tooltip)
    when it is longer, so a changing message never resizes what holds it."""

    def __init__(
        self, text: str = "", parent: QWidget | None = None, width: int | None = None
    ) -> None:
        super().__init__(parent)
        if width is None:  # takes whatever width the layout gives
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            self.setMinimumWidth(20)
        else:  # always ``width`` wide (an Ignored policy would let a layout squeeze it)
            self.setFixedWidth(width)
            self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setTextFormat(Qt.TextFormat.PlainText)  # elided text must never cut a tag in two
        self._full = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text
        self.setToolTip(text if text else "")
        self._elide()

    def text(self) -> str:
        return self._full

    def clear(self) -> None:
        self.setText("")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width())
        super().setText(shown)


class MessageLabel(QLabel):
    """Wrapped text in a fixed height of ``lines`` lines: room for a whole error message
    ("line 2: '(' was never closed") without the dock growing when one appears; anything
    longer is in the tooltip."""

    def __init__(self, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 4)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setToolTip(text)
