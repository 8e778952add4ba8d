"""EngineJob: one engine computation at a time on its own worker thread, newest request wins.

For work that can take longer than a frame (a gradient check runs two forward passes per
checked entry), so the window stays responsive. The function runs on the worker and must only
compute (it imports the engine itself, so that torch stays out of this module's imports); its
result is posted back to the UI thread by ``done``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


class _Worker(QObject):
    done = Signal(int, object, object)  # token, result, error text

    def __init__(self) -> None:
        super().__init__()
        self.latest = 0

    @Slot(int, object, object)
    def run(self, token: int, fn: Callable[[Any], Any], arg: Any) -> None:
        if token != self.latest:
            return  # a newer request superseded this one
        try:
            self.done.emit(token, fn(arg), None)
        except Exception as exc:  # never let the thread die; the log keeps the traceback
            log.exception("a background computation failed")
            self.done.emit(token, None, f"the computation failed: {exc} (see the log)")


class EngineJob(QObject):
    """``start(fn, arg)`` runs ``fn(arg)`` off the UI thread; ``finished(result, error)``."""

    finished = Signal(object, object)
    _request = Signal(int, object, object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName(name)
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._thread.start()
        self._token = 0
        self.busy = False

    def start(self, fn: Callable[[Any], Any], arg: Any) -> None:
        self._token += 1
        self._worker.latest = self._token
        self.busy = True
        self._request.emit(self._token, fn, arg)

    @Slot(int, object, object)
    def _on_done(self, token: int, result: Any, error: str | None) -> None:
        if token == self._token:
            self.busy = False
            self.finished.emit(result, error)

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait(5000)
