"""The Forward menu: choose a derivative target, and every card shows ∂node/∂target.

Forward mode is the engine's (torch's forward-mode AD, on a worker thread); this panel only
keeps the target, asks again whenever the numbers change, and puts each node's tangent on a
pill under its card. The Explain dock says how the two modes differ.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ...canvas.badges import NodeBadges
from ...canvas.flow.tangents import TangentFlow
from ...canvas.value_text import format_short, full_text, stats
from ...model.graph import Graph
from ...model.shapes import Value
from ...model.tangents import Tangents
from ...model.trace import Trace
from ..editor.parts import EditorParts
from ..engine_job import EngineJob
from .backward import BackwardPlayer

CONTRAST = (
    "Forward mode pushes one input's derivative along with the values, from the leaves to the "
    "output: one forward pass gives ∂node/∂{t} for every node at once. Backward (reverse mode) "
    "pulls one output's derivative back from the output: one backward pass gives ∂{out}/∂node "
    "for every node at once. So forward mode costs a pass per input, reverse mode a pass per "
    "output — which is why training, with many parameters and one loss, uses backward."
)


def _tangents(request: tuple[Graph, str, str]) -> Tangents:
    from ...engine.forward_mode import forward_tangents  # on the worker: torch stays off the UI

    graph, target, dtype = request
    return forward_tangents(graph, target, None, dtype)


def tangent_text(label: str, value: Value) -> str:
    """``∂/∂x 3`` for a scalar; ``∂/∂x ‖·‖ 1.2`` (the norm) for a tensor."""
    if isinstance(value, list):
        return f"∂/∂{label} ‖·‖ {format_short(stats(value)[1])}"
    return f"∂/∂{label} {format_short(value)}"


class ForwardMode(QObject):
    """Owns the target, the worker and the tangent pills; ``shown`` after each update."""

    shown = Signal(object)  # the Tangents now on the cards, or None when they went away

    def __init__(self, parts: EditorParts, backward: BackwardPlayer) -> None:
        super().__init__(parts.window)
        self._parts, self._backward = parts, backward
        self._scene = parts.scene
        self.job = EngineJob("forward-mode", self)
        self.job.finished.connect(self._done)
        self.badges = NodeBadges(parts.scene, bottom=True)
        self.target: str | None = None
        self.tangents: Tangents | None = None
        self._numbers: tuple | None = None
        self.actions = {
            "forward_target": self._action(
                "&Tangents of the Selected Leaf", self.choose_selected, "Ctrl+Shift+F",
                "forward mode: every node shows its derivative with respect to the selected leaf",
            ),
            "forward_play": self._action(
                "&Play Forward", self.play, None,
                "the tangents flow from the target to the output, one generation of nodes a step",
            ),
            "forward_off": self._action(
                "&Hide Tangents", self.stop, None, "leave forward mode"
            ),
        }  # fmt: skip
        for name in ("forward_play", "forward_off"):
            self.actions[name].setEnabled(False)
        self._shown: list[str] = []
        self.flow = TangentFlow(parts.scene, self)
        self.flow.arrived.connect(self._arrived)
        parts.canvas.shown.connect(self._on_trace)

    def _action(self, text: str, slot, keys: str | None, tip: str) -> QAction:
        act = QAction(text, self._parts.window)
        if keys:
            act.setShortcut(QKeySequence(keys))
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        return act

    def fill_menu(self, menu: QMenu) -> dict[str, QAction]:
        for action in self.actions.values():
            menu.addAction(action)
        return dict(self.actions)

    def choose_selected(self) -> None:
        names = self._scene.selected_names()
        graph = self._parts.graph()
        if len(names) != 1 or not graph.node(names[0]).is_leaf:
            self._parts.say(
                "Select one leaf (a param, data or const node) to take derivatives with respect "
                "to it",
                6000,
            )
            return
        self.choose(names[0])

    def choose(self, target: str) -> None:
        """Forward mode from ``target``: tangents now, and again after every change."""
        self.target = target
        for name in ("forward_play", "forward_off"):
            self.actions[name].setEnabled(True)
        self._parts.say(f"Forward mode from {target}: computing tangents…", 6000)
        self._request()
        backward = self._backward
        out = self._parts.trace.output if self._parts.trace else None
        backward.explain.show_text(
            f"Forward mode: ∂node/∂{target}", CONTRAST.format(t=target, out=out or "output")
        )
        backward.dock.show()
        backward.dock.raise_()

    def stop(self) -> None:
        self.flow.stop()
        self.target = self.tangents = None
        self.badges.clear()
        for name in ("forward_play", "forward_off"):
            self.actions[name].setEnabled(False)
        self.shown.emit(None)

    # ---- Play Forward --------------------------------------------------------------------
    def play(self) -> None:
        """Hide the tangents, then let them flow from the target along the edges, a generation
        of nodes a step, each pill appearing when its tangent arrives."""
        trace, tangents = self._parts.trace, self.tangents
        if trace is None or tangents is None:
            self._parts.say("Choose a leaf first: Forward ▸ Tangents of the Selected Leaf", 5000)
            return
        if not self.flow.load(trace, tangents.target):
            return
        self._shown = []
        self.badges.show({})
        self.flow.play()

    def advance(self) -> None:
        """The step under way completes at once, and the animation pauses (tests step exactly)."""
        self.flow.advance()

    def _arrived(self, k: int) -> None:
        """Step ``k`` of the flow is complete: its nodes' pills appear, the Explain dock says."""
        tangents = self.tangents
        if tangents is None:
            return
        group = [n for n in self.flow.steps[k - 1].nodes if n in tangents.values]
        self._shown.extend(group)
        label = tangents.label
        self.badges.show(
            {n: (tangent_text(label, tangents.values[n]), "info") for n in self._shown}
        )
        lines = [f"∂{n}/∂{label} = {full_text(tangents.values[n])}" for n in group]
        done = k == len(self.flow.steps)
        end = " Done: one pass gave every node's derivative." if done else ""
        self._backward.explain.show_text(
            f"Forward · {len(self._shown)} of {len(tangents.values)} nodes",
            "Each node's tangent is its op's derivative applied to its inputs' tangents, as soon "
            f"as their values are known: it flows forward along the edges.{end}",
            "\n".join(lines),
        )
        if done:
            self.flow.stop()

    def _request(self) -> None:
        trace: Trace | None = self._parts.trace
        self._numbers = _numbers(trace)
        self.job.start(_tangents, (self._parts.graph().copy(), self.target, self._parts.dtype()))

    def _done(self, tangents: Tangents | None, error: str | None) -> None:
        self.flow.stop()
        if self.target is None or not shiboken6.isValid(self._scene):
            return
        message = error or (tangents.error if tangents is not None else None)
        if message or tangents is None:
            self.stop()
            self._parts.say(f"Forward mode stopped: {message}", 8000)
            return
        self.tangents = tangents
        label = tangents.label
        self.badges.show(
            {name: (tangent_text(label, value), "info") for name, value in tangents.values.items()}
        )
        self._parts.say(f"Forward mode: every card shows ∂node/∂{label} (Forward ▸ Hide)", 6000)
        self.shown.emit(tangents)

    def _on_trace(self, trace: Trace) -> None:
        if self.target is not None and _numbers(trace) != self._numbers:
            self._request()

    def shutdown(self) -> None:
        self.job.shutdown()


def _numbers(trace: Trace | None) -> tuple | None:
    return None if trace is None else (dict(trace.values), trace.output)
