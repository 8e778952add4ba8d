"""EngineJob: an engine computation on a background thread, newest request wins.

For work that can take longer than a frame (a gradient check runs two forward passes per
checked entry; the first forward-mode pass makes torch load more of itself), so the window stays
responsive. The function runs on a daemon Python thread and must only compute (it imports the
engine itself, so that torch stays out of this module's imports); its result reaches the UI
thread through a queued Qt signal. Jobs run one at a time, in order. A plain daemon thread, not a
QThread, because a window that closes while a job still runs must not have to wait for it: the
result is dropped, and nothing is destroyed while running.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class EngineJob(QObject):
    """``start(fn, arg)`` runs ``fn(arg)`` off the UI thread; ``finished(result, error)``."""

    finished = Signal(object, object)
    _posted = Signal(int, object, object)  # token, result, error text (from the worker)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._lock = threading.Lock()  # one job at a time: a job may keep state (a GradientPile)
        self._posted.connect(self._on_done)
        self._token = 0
        self.busy = False

    def start(self, fn: Callable[[Any], Any], arg: Any) -> None:
        self._token += 1
        self.busy = True
        thread = threading.Thread(
            target=self._work, args=(self._token, fn, arg), name=self._name, daemon=True
        )
        thread.start()

    def _work(self, token: int, fn: Callable[[Any], Any], arg: Any) -> None:
        with self._lock:
            if token != self._token:
                return  # a newer request superseded this one
            try:
                result, error = fn(arg), None
            except Exception as exc:  # the log keeps the traceback; the UI gets one line
                log.exception("a background computation failed")
                result, error = None, f"the computation failed: {exc} (see the log)"
        try:
            if shiboken6.isValid(self):
                self._posted.emit(token, result, error)
        except RuntimeError:  # the window went away meanwhile: nobody is waiting
            pass

    @Slot(int, object, object)
    def _on_done(self, token: int, result: Any, error: str | None) -> None:
        if token == self._token:
            self.busy = False
            self.finished.emit(result, error)

    def shutdown(self) -> None:
        """Drop any result still to come (the window is closing)."""
        self._token += 1
        self.busy = False
