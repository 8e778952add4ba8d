"""Python's cycle collector runs on the UI thread only, from a timer, never on a worker thread.

Automatic collection runs in whichever thread happens to allocate: on the training or landscape
thread it could free a closed window's Qt objects (timers, scenes, widgets) there, and Qt objects
destroyed outside the thread that owns them crash the UI thread's event loop later (seen as a
segmentation fault in ``QApplication.exec`` while the landscape thread imported a torch module).
pyqtgraph's ``GarbageCollector`` turns automatic collection off and collects on a UI-thread
timer with the same generation thresholds, so what is collected is what would have been.
"""

from __future__ import annotations

from pyqtgraph.util.garbage_collector import GarbageCollector

INTERVAL_S = 0.5  # how often the UI thread looks whether a collection is due

_collector: GarbageCollector | None = None


def collect_garbage_on_the_gui_thread() -> GarbageCollector:
    """Start the UI-thread collector once per process (each window asks; the first one starts
    it) and return it. Must be called on the UI thread, after the QApplication exists."""
    global _collector
    if _collector is None:
        _collector = GarbageCollector(interval=INTERVAL_S)
    return _collector


def collect_due() -> None:
    """Collect now what automatic collection would have, if a window turned it off (a caller
    on the UI thread that spins no event loop for a while: the test suite between tests)."""
    if _collector is not None:
        _collector.check()
