"""A main window whose evaluations the tests can wait for, and dialogs that never block."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from backprop_studio.app.files import data_menu
from backprop_studio.app.main_window import MainWindow


class Dialogs:
    """Stands in for QMessageBox's static functions: records each call, answers as told."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Discard
        self.starter: str | None = None  # the starter model chosen after a CSV file loads

    def ask_starter(self, parent, options, about) -> str | None:
        self.shown.append(("starter", about, ", ".join(o.key for o in options)))
        return self.starter

    def _record(self, kind):
        def show(parent, title, text, *args, **kwargs):
            self.shown.append((kind, title, text))
            return self.answer

        return show


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> Dialogs:
    fake = Dialogs()
    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(fake._record(kind)))
    monkeypatch.setattr(data_menu, "ask_starter", fake.ask_starter)
    return fake


@pytest.fixture
def window(qtbot):
    win = MainWindow()

    def before_close() -> None:
        win.document.undo_stack.setClean()  # no "save changes?" question at teardown

    qtbot.addWidget(win, before_close_func=lambda w: before_close())
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.runner.shutdown()


@pytest.fixture
def laptop(qtbot):
    """A window laid out at 1280×800 from a fresh settings folder: the default docks."""
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.runner.shutdown()


def settle(qtbot, window, timeout=10_000):
    """Wait until the newest evaluation has reached the canvas."""
    qtbot.waitUntil(
        lambda: (
            not window._refresh.isActive()
            and not window.runner._timer.isActive()
            and not window.runner.busy
        ),
        timeout=timeout,
    )
    qtbot.wait(10)
    return window.trace


def menu_action(window, menu_title: str, text: str):
    """The menu bar's ``menu_title ▸ text`` action (mnemonics ignored)."""
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == menu_title:
            for item in action.menu().actions():
                if item.text().replace("&", "") == text:
                    return item
    raise AssertionError(f"no {menu_title} ▸ {text}")


def trigger_and_wait(qtbot, window, menu_title: str, text: str, signal, timeout: int):
    """Trigger a menu action and return what ``signal`` carries when the work is done."""
    with qtbot.waitSignal(signal, timeout=timeout) as blocker:
        menu_action(window, menu_title, text).trigger()
    return blocker.args[0]
