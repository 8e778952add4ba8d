"""Messages in the status bar that stay long enough to read.

Qt clears a status-bar message whenever the mouse passes a widget or action with a status tip,
so a refusal ("… would make a cycle") shown on mouse release could vanish before it was read.
A message said here comes back after such a clearing until its time is up; a newer message
replaces it at once.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QStatusBar

READ_MS = 6000  # long enough for a sentence, short enough not to outstay its event


class StatusLine(QObject):
    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self._bar = bar
        self._text = ""
        self._until = 0.0
        self._hovered = ""
        bar.messageChanged.connect(self._changed)

    def say(self, text: str, ms: int = READ_MS) -> None:
        """Show ``text`` for at least ``ms`` milliseconds."""
        self._text, self._until = text, time.monotonic() + ms / 1000
        self._bar.showMessage(text, ms)

    def hover(self, text: str) -> None:
        """While the mouse rests on something with a message (a card's problem): ``text``;
        ``""`` when it leaves, which brings back a message said before if its time is not up."""
        if text:
            self._hovered = f"⚠ {text}"
            self._bar.showMessage(self._hovered)
        elif self._hovered:
            if self._bar.currentMessage() == self._hovered:
                self._bar.clearMessage()
            self._hovered = ""

    def _changed(self, shown: str) -> None:
        if shown and shown == self._hovered:  # passing over a card does not end a message
            return
        if shown or not self._text:
            if shown != self._text:
                self._text = ""  # something newer was said: it wins
            return
        left = self._until - time.monotonic()
        if left > 0.05:
            self._bar.showMessage(self._text, int(left * 1000))
        else:
            self._text = ""
