"""Backward ▸ Check Gradients: the engine's finite-difference check, shown on the cards.

The check runs on its own worker thread (two forward passes per checked entry can take a
while on a large graph). Each checked parameter gets a ✓ or ✗ badge with its maximum relative
error; the inspector shows the selected parameter's entries, finite difference beside autograd,
and the reason when they differ. An edit that changes the numbers takes the badges away: they
described a graph that is no longer there.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from ...canvas.badges import NodeBadges
from ...model.check_result import GradCheck
from ...model.graph import Graph
from ...model.trace import Trace
from ..editor.parts import EditorParts
from ..engine_job import EngineJob

TITLE = "Check Gradients"


def _check(graph: Graph) -> GradCheck:
    from ...engine.gradcheck import check_graph  # on the worker thread: torch stays off the UI's

    return check_graph(graph)


def badge_text(ok: bool, max_rel_error: float) -> str:
    """``✓ err 4e-12``, ``✗ err 0.33``: the mark and the maximum relative error, short."""
    if max_rel_error == 0:
        return "✓ exact"
    error = f"{max_rel_error:.2g}" if max_rel_error >= 1e-3 else f"{max_rel_error:.0e}"
    return f"{'✓' if ok else '✗'} err {error}"


def check_badges(result: GradCheck) -> dict[str, tuple[str, str]]:
    """A badge per checked parameter, and one on each kink that explains a disagreement."""
    badges = {
        name: (badge_text(p.ok, p.max_rel_error), "good" if p.ok else "bad")
        for name, p in result.params.items()
    }
    for param in result.params.values():
        for entry in param.entries:
            if not entry.ok and entry.kink and entry.kink not in badges:
                badges[entry.kink] = ("kink at 0", "bad")
    return badges


class GradientChecker(QObject):
    """Owns the action, the worker, the badges and the latest result."""

    checked = Signal(object)  # the GradCheck now shown, or None when it failed (tests wait)

    def __init__(self, parts: EditorParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self._scene = parts.scene
        self._inspector = parts.inspector
        self._say = parts.say
        self.job = EngineJob("gradient-check", self)
        self.job.finished.connect(self._done)
        self.badges = NodeBadges(parts.scene)
        self.result: GradCheck | None = None
        self._numbers: tuple | None = None  # the trace's numbers the result belongs to
        self.action = QAction("Check &Gradients", parts.window)
        self.action.setShortcut(QKeySequence("Ctrl+K"))
        self.action.setStatusTip(
            "compare autograd's gradient of every parameter with central finite differences "
            "(float64, from torch forward passes)"
        )
        self.action.triggered.connect(lambda _checked=False: self.run())
        parts.canvas.shown.connect(self._on_trace)
        parts.scene.selectionChanged.connect(self.show_selected)

    def run(self) -> None:
        """Check a snapshot of the graph on the worker thread."""
        trace: Trace | None = self._parts.trace
        self._numbers = _numbers(trace) if trace is not None else None
        self._say("Checking gradients against finite differences…")
        self.job.start(_check, self._parts.graph().copy())

    def _done(self, result: GradCheck | None, error: str | None) -> None:
        message = error or (result.error if result is not None else None)
        if message or result is None:
            self.clear()
            QMessageBox.warning(
                self._parts.window, TITLE, f"The gradients cannot be checked: {message}"
            )
            self.checked.emit(None)
            return
        self.result = result
        self.badges.show(check_badges(result))
        bad = [n for n, p in result.params.items() if not p.ok]
        if bad:
            self._say(f"✗ Gradient check: {', '.join(bad)} disagree (select one to see why)", 10000)
        else:
            worst = max(p.max_rel_error for p in result.params.values())
            count = len(result.params)
            which = "the parameter agrees" if count == 1 else f"all {count} parameters agree"
            self._say(
                f"✓ Gradient check: {which} with finite differences "
                f"(max relative error {worst:.1e})",
                10000,
            )
        self.show_selected()
        self.checked.emit(result)

    def show_selected(self) -> None:
        if not (shiboken6.isValid(self._scene) and shiboken6.isValid(self._inspector)):
            return  # the window is going away
        names = self._scene.selected_names()
        param = None
        if self.result is not None and len(names) == 1:
            param = self.result.params.get(names[0])
        self._inspector.check.show_param(param)

    def clear(self) -> None:
        self.result = None
        self.badges.clear()
        self._inspector.check.show_param(None)

    def _on_trace(self, trace: Trace) -> None:
        if self.result is not None and _numbers(trace) != self._numbers:
            self.clear()

    def shutdown(self) -> None:
        self.job.shutdown()


def _numbers(trace: Trace) -> tuple:
    return (dict(trace.values), trace.output)
