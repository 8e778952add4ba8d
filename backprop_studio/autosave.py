"""When to write the recovery copy: after a quiet spell, but never later than a deadline.

Restarting a plain debounce timer on every edit means someone who edits every second or two
never gets a recovery copy at all. Here the first edit that the copy does not hold starts a
deadline: the copy is written ``quiet_s`` after the latest edit or ``max_wait_s`` after that first
one, whichever comes first, so whatever the editing rhythm a crash loses at most ``max_wait_s``.
Pure logic on a clock the caller reads, so tests drive it with a fake clock and never sleep.
"""

from __future__ import annotations

from typing import Any, Protocol

QUIET_S = 3.0
MAX_WAIT_S = 5.0


class SingleShotTimer(Protocol):
    """What the document needs of a timer; a single-shot ``QTimer`` is one."""

    timeout: Any  # a signal with ``connect``

    def start(self, msec: int) -> None: ...

    def stop(self) -> None: ...


class RecoverySchedule:
    """Tracks the oldest change the recovery copy does not hold and says when to write it."""

    def __init__(self, quiet_s: float = QUIET_S, max_wait_s: float = MAX_WAIT_S) -> None:
        if not 0 <= quiet_s <= max_wait_s:
            raise ValueError("need 0 <= quiet_s <= max_wait_s")
        self.quiet_s = quiet_s
        self.max_wait_s = max_wait_s
        self.unsaved_since: float | None = None

    def edited(self, now: float) -> float:
        """Note a change at ``now``; returns the seconds to wait before writing the copy."""
        if self.unsaved_since is None:
            self.unsaved_since = now
        due = min(now + self.quiet_s, self.unsaved_since + self.max_wait_s)
        return max(0.0, due - now)

    def written(self) -> None:
        """The copy holds everything (or there is nothing to hold): no deadline runs."""
        self.unsaved_since = None

    def lag(self, now: float) -> float:
        """Seconds since the oldest change the copy does not hold; 0 when it holds them all."""
        return 0.0 if self.unsaved_since is None else max(0.0, now - self.unsaved_since)
