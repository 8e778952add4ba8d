"""How far the learner got in each lesson, remembered between sessions (QSettings)."""

from __future__ import annotations

from ..files.file_actions import settings

PREFIX = "lessons"


class Progress:
    """Per lesson key: the furthest step reached, and whether the lesson was finished."""

    def reached(self, key: str, index: int) -> None:
        """The learner has seen step ``index`` of lesson ``key``."""
        if key and index > self.furthest(key):
            settings().setValue(f"{PREFIX}/{key}/step", index)

    def finished(self, key: str) -> None:
        if key:
            settings().setValue(f"{PREFIX}/{key}/done", True)

    def furthest(self, key: str) -> int:
        value = settings().value(f"{PREFIX}/{key}/step", -1)
        try:
            return int(value)
        except (TypeError, ValueError):
            return -1

    def done(self, key: str) -> bool:
        return settings().value(f"{PREFIX}/{key}/done", False) in (True, "true", "1", 1)
