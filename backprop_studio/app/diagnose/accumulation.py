"""Backward ▸ Keep Gradients Between Passes: the lesson of a loop that forgets zero_grad().

Off by default and never remembered across launches. While on, the status bar says so in a
warning colour, and every parameter card shows torch's ``.grad`` after the passes so far;
Backward ▸ Backward Pass Again runs one more pass on the same tensors, and torch adds its
gradient in. The passes run on a worker thread, in the engine (``engine.accumulate``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu

from ...canvas.badges import NodeBadges
from ...canvas.value_text import format_short, stats
from ...model.accumulation import Accumulated
from ...model.shapes import Value
from ...model.trace import Trace
from ..editor.parts import EditorParts
from ..engine_job import EngineJob

MARK_STYLE = "color: #b35c00; font-weight: 600;"


class _Passes:
    """The engine's GradientPile, made on the worker thread at its first use (torch is there)."""

    def __init__(self) -> None:
        self.pile = None

    def __call__(self, request) -> Accumulated:
        from ...engine.accumulate import GradientPile

        graph, dtype, fresh = request
        if self.pile is None:
            self.pile = GradientPile()
        if fresh:
            self.pile.reset()
        return self.pile.backward(graph, dtype)


def grad_text(value: Value, passes: int) -> str:
    times = f"{passes} pass" if passes == 1 else f"{passes} passes"
    if isinstance(value, list):
        return f".grad ‖·‖ {format_short(stats(value)[1])} · {times}"
    return f".grad {format_short(value)} · {times}"


class GradientAccumulation(QObject):
    shown = Signal(object)  # the Accumulated now on the cards, None when switched off

    def __init__(self, parts: EditorParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self.job = EngineJob("gradient-passes", self)
        self.job.finished.connect(self._done)
        self._passes = _Passes()
        self.badges = NodeBadges(parts.scene, bottom=True, row=1)
        self.result: Accumulated | None = None
        self._numbers: tuple | None = None
        self.mark = QLabel()
        self.mark.setStyleSheet(MARK_STYLE)
        self.mark.hide()
        parts.window.statusBar().addPermanentWidget(self.mark)
        self.option = QAction("&Keep Gradients Between Passes (no zero_grad)", parts.window)
        self.option.setCheckable(True)
        self.option.setStatusTip(
            "each backward pass adds into .grad instead of starting from zero, as in a training "
            "loop that forgets optimizer.zero_grad()"
        )
        self.option.toggled.connect(self._toggled)
        self.again = QAction("Backward Pass &Again", parts.window)
        self.again.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.again.setStatusTip("one more backward pass on the same tensors; torch adds into .grad")
        self.again.setEnabled(False)
        self.again.triggered.connect(lambda _checked=False: self.run())
        parts.canvas.shown.connect(self._on_trace)

    def fill_menu(self, menu: QMenu) -> dict[str, QAction]:
        menu.addAction(self.option)
        menu.addAction(self.again)
        return {"keep_gradients": self.option, "backward_again": self.again}

    @property
    def enabled(self) -> bool:
        return self.option.isChecked()

    def run(self, fresh: bool = False) -> None:
        if not self.enabled:
            return
        trace: Trace | None = self._parts.trace
        self._numbers = None if trace is None else (dict(trace.values), trace.output)
        self.job.start(self._passes, (self._parts.graph().copy(), self._parts.dtype(), fresh))

    def _toggled(self, on: bool) -> None:
        self.again.setEnabled(on)
        if on:
            self.run(fresh=True)
            return
        self.result = None
        self.badges.clear()
        self.mark.hide()
        self.shown.emit(None)

    def _done(self, result: Accumulated | None, error: str | None) -> None:
        if not self.enabled:
            return
        message = error or (result.error if result is not None else None)
        if message or result is None:
            self.badges.clear()
            self.mark.setText("Σ gradients accumulate — nothing to add")
            self.mark.show()
            self._parts.say(f"Cannot accumulate gradients: {message}", 8000)
            return
        self.result = result
        self.badges.show(
            {name: (grad_text(value, result.passes), "bad") for name, value in result.grads.items()}
        )
        times = "1 backward pass" if result.passes == 1 else f"{result.passes} backward passes"
        self.mark.setText(f"Σ gradients accumulate: .grad holds {times}")
        self.mark.show()
        self.shown.emit(result)

    def _on_trace(self, trace: Trace) -> None:
        if self.enabled and (dict(trace.values), trace.output) != self._numbers:
            self.run(fresh=True)  # other numbers: torch would start from fresh tensors too

    def shutdown(self) -> None:
        self.job.shutdown()
