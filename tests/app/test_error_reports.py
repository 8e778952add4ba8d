"""Unexpected errors leave a trail: their traceback in the log file (and on stderr), and a dialog
that says where the log is — from the GUI thread, a Python thread, or an engine worker."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtWidgets import QMessageBox

from backprop_studio.app.editor.eval_runner import EvalRunner
from backprop_studio.app.main import install_excepthook
from backprop_studio.log_file import configure_logging, current_log_path
from backprop_studio.model.program import parse_program


@pytest.fixture
def hooked(qtbot, window):
    old_hook, old_thread_hook = sys.excepthook, threading.excepthook
    install_excepthook(window)
    yield window
    sys.excepthook, threading.excepthook = old_hook, old_thread_hook


def log_text() -> str:
    return current_log_path().read_text(encoding="utf-8")


def raise_here(message: str) -> None:
    raise RuntimeError(message)


def test_the_dialog_names_the_log_and_the_log_holds_the_traceback(hooked, capsys):
    try:
        raise_here("boom in a slot")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    box = hooked.findChild(QMessageBox, "unexpected-error")
    assert box is not None and box.isVisible()
    assert "boom in a slot" in box.text()
    assert "The details are in the log file" in box.text()
    assert str(current_log_path()) in box.text()
    assert "raise_here" in box.detailedText()
    for text in (log_text(), capsys.readouterr().err):
        assert "Traceback (most recent call last)" in text
        assert "in raise_here" in text and "RuntimeError: boom in a slot" in text
    box.close()
    assert hooked.isVisible()


def test_an_error_on_another_thread_is_logged_there_and_shown_on_the_gui_thread(qtbot, hooked):
    thread = threading.Thread(target=raise_here, args=("boom off the GUI thread",), name="helper")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: hooked.findChild(QMessageBox, "unexpected-error") is not None)
    box = hooked.findChild(QMessageBox, "unexpected-error")
    assert box.thread() is hooked.thread()
    assert "boom off the GUI thread" in box.text()
    text = log_text()
    assert "unexpected error on thread helper" in text and "in raise_here" in text
    box.close()


def test_an_evaluation_worker_failure_reaches_the_log_with_its_traceback(qtbot, monkeypatch):
    configure_logging(stderr=True)
    monkeypatch.setattr(
        "backprop_studio.engine.autograd.evaluate",
        lambda graph, dtype: raise_here("engine bug"),
    )
    runner = EvalRunner()
    try:
        with qtbot.waitSignal(runner.trace_ready, timeout=60_000) as got:
            runner.evaluate_now(parse_program("w = 1.0; w * 2"))
    finally:
        runner.shutdown()
    trace = got.args[0]
    assert "evaluation failed: engine bug" in trace.error and "log" in trace.error
    text = log_text()
    assert "[MainThread" not in text  # written on the worker thread
    assert "evaluation failed unexpectedly" in text
    assert "in raise_here" in text and "RuntimeError: engine bug" in text


def test_a_training_worker_failure_reaches_the_log_with_its_traceback(qtbot, monkeypatch, window):
    from backprop_studio.document import Document
    from backprop_studio.engine.training import Trainer

    configure_logging(stderr=True)
    monkeypatch.setattr(Trainer, "step", lambda self: raise_here("optimizer bug"))
    graph = parse_program("w = 1.0; x = data(2.0); (w * x - 3) ** 2")
    window.set_document(Document(graph))
    training = window.training
    with qtbot.waitSignal(training.stopped, timeout=60_000) as got:
        training.step()
    batch = got.args[0]
    assert batch.reason == "error" and "optimizer bug" in batch.error
    text = log_text()
    assert "[MainThread" not in text
    assert "training step 0 failed unexpectedly" in text
    assert "in raise_here" in text and "RuntimeError: optimizer bug" in text
