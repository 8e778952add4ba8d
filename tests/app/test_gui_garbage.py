"""Cycles are collected on the UI thread: a window turns Python's automatic collection off
(a worker thread allocating could otherwise free Qt objects outside their thread) and a UI-thread
timer collects instead."""

from __future__ import annotations

import gc
import threading
import weakref

from backprop_studio.app.gui_garbage import collect_garbage_on_the_gui_thread


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_window_collects_cycles_on_the_ui_thread_and_never_on_a_worker(qtbot, window):
    assert not gc.isenabled()
    assert collect_garbage_on_the_gui_thread() is collect_garbage_on_the_gui_thread()
    threads: list[str] = []

    def note(phase: str, _info: dict) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.callbacks.append(note)
    try:
        probe = _Cycle()
        gone = weakref.ref(probe)
        del probe

        def churn() -> None:  # allocation enough to trigger automatic collections many times
            keep = [[_Cycle() for _ in range(100)] for _ in range(200)]
            del keep

        worker = threading.Thread(target=churn, name="churn")
        worker.start()
        worker.join()
        assert "churn" not in threads  # nothing was collected on the worker thread
        qtbot.waitUntil(lambda: gone() is None, timeout=10_000)  # the UI timer collected it
        assert threads and set(threads) == {threading.main_thread().name}
    finally:
        gc.callbacks.remove(note)
