"""EngineJob: results come back on the UI thread, the newest wins, a closed window drops them."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from backprop_studio.app.engine_job import EngineJob


def test_the_result_arrives_on_the_ui_thread(qtbot):
    job = EngineJob("test")
    seen = []
    job.finished.connect(
        lambda result, error: seen.append((result, error, QThread.currentThread()))
    )
    with qtbot.waitSignal(job.finished, timeout=10_000):
        job.start(lambda x: x * 2, 21)
    assert seen == [(42, None, job.thread())] and not job.busy


def test_an_error_is_one_line_and_the_newest_request_wins(qtbot):
    job = EngineJob("test")
    gate = threading.Event()
    results = []
    job.finished.connect(lambda result, error: results.append((result, error)))

    def slow(x):
        gate.wait(10)
        return x

    job.start(slow, "old")
    with qtbot.waitSignal(job.finished, timeout=10_000):
        job.start(lambda _x: 1 / 0, None)
        gate.set()
    assert results == [(None, "the computation failed: division by zero (see the log)")]


def test_after_shutdown_a_late_result_is_dropped(qtbot):
    job = EngineJob("test")
    gate, done = threading.Event(), threading.Event()
    results = []
    job.finished.connect(lambda result, error: results.append(result))

    def slow(x):
        gate.wait(10)
        done.set()
        return x

    job.start(slow, 1)
    job.shutdown()
    gate.set()
    assert done.wait(10)
    qtbot.wait(50)
    assert results == []
