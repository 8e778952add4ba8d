"""The Run menu's training actions and their shortcuts, bound to one TrainingController."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from .controller import TrainingController


def training_actions(training: TrainingController, parent: QObject) -> dict[str, QAction]:
    def action(text: str, slot: Callable[[], None], shortcut: str, tip: str) -> QAction:
        act = QAction(text, parent)
        act.setShortcut(QKeySequence(shortcut))
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        return act

    t = training
    return {
        "train_step": action("Training &Step", t.step, "Ctrl+T", "one optimizer step"),
        "train_run": action("&Run / Pause Training", t.toggle_run, "Ctrl+R", "train live"),
        "train_reset": action(
            "Reset &Parameters", t.reset, "Ctrl+Shift+R", "back to before training"
        ),
        "iteration_back": action(
            "Earlier Iteration", lambda: t.nudge(-1), "Alt+Left", "timeline back"
        ),
        "iteration_forward": action(
            "Later Iteration", lambda: t.nudge(1), "Alt+Right", "timeline forward"
        ),
    }
