"""Which Trace the canvas shows: the editor's evaluation, a training run's newest, or the
iteration picked on the timeline. This object alone decides, so the producers never meet.

The rule: the editor's evaluation shows unless a run's Trace holds the canvas (a run going on
and followed, or an earlier iteration picked); an evaluation that changes no number on show
(a card moved, a label edited, training's own values written back) only becomes the record,
so a playing animation goes on. The status-bar value and ``shown`` follow every change.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from ...canvas.scene import GraphScene
from ...canvas.value_text import full_text
from ...model.trace import Trace


class CanvasTrace(QObject):
    shown = Signal(object)  # the Trace now on the canvas (or its record)

    def __init__(self, scene: GraphScene, status: QLabel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene, self.status = scene, status
        self.trace: Trace | None = None  # the record: what the canvas stands for now
        self._evaluation: Trace | None = None  # the editor's newest
        self._run_holds = False  # a run's Trace is on the canvas and keeps it

    def forget(self) -> None:
        """Another document: nothing is on show until its first evaluation."""
        self.trace = self._evaluation = None
        self._run_holds = False

    # ---- the producers -------------------------------------------------------------------
    def evaluated(self, trace: Trace) -> None:
        """The editor evaluated the graph."""
        self._evaluation = trace
        if not self._run_holds:
            self._show(trace)

    def show_run(self, trace: Trace, holds: bool, note: str = "") -> None:
        """A run's Trace goes on the canvas; ``holds``: evaluations leave it there (the run
        goes on, or an earlier iteration was picked). ``note`` leads the status text."""
        self._run_holds = holds
        self._show(trace, note)

    def release(self) -> None:
        """The run lets go: the editor's newest evaluation is what the canvas stands for."""
        held, self._run_holds = self._run_holds, False
        if held and self._evaluation is not None:
            self._show(self._evaluation)

    # ---- showing -------------------------------------------------------------------------
    def _show(self, trace: Trace, note: str = "") -> None:
        shown = self.scene.trace
        if shown is not None and _same_numbers(shown, trace):
            self.scene.keep_trace(trace)
        else:
            self.scene.show_trace(trace)
        self.trace = trace
        text = status_text(trace)
        self.status.setText(f"{note} · {text}" if note else text)
        self.shown.emit(trace)


def status_text(trace: Trace) -> str:
    """The status bar's word on a Trace: its first problem, or the output's value."""
    if trace.error:
        return f"⚠ {trace.error}"
    if not trace.values and not trace.edges:
        return ""  # an empty graph: the canvas's own hint says what to do, in full
    if trace.problems:
        return f"⚠ {trace.problems[0].message}"
    if trace.output is not None and trace.output in trace.values:
        return f"{trace.output} = {full_text(trace.values[trace.output])}"
    return ""


def _same_numbers(a: Trace, b: Trace) -> bool:
    return (
        a.edges == b.edges
        and a.values == b.values
        and a.grads == b.grads
        and a.edge_grads == b.edge_grads
        and a.backward_order == b.backward_order
        and a.problems == b.problems
        and a.error == b.error
        and a.output == b.output
    )
