"""TangentFlow: plays forward mode on the canvas — each tangent travels forward along the edges
from the derivative target to the output, as GradientFlow plays gradients backward.

It computes nothing: ``tangent_steps`` orders the nodes by when forward mode knows their
tangents, and the marks of step ``k`` at some progress are a function of ``(k, progress)``
(``FlowOverlay.show_tangents``). One QVariantAnimation drives each step from 0 to 1;
``arrived`` tells the app which nodes' tangents may now be shown.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QVariantAnimation, Signal

from backprop_studio.model.trace import Trace

from ..items.node_badge import tone_color
from ..scene import GraphScene
from .overlay import FlowOverlay
from .plan import FlowPlan, TangentStep, tangent_steps
from .text import Labels

STEP_MS = 900  # one generation of tangents at speed 1×


class TangentFlow(QObject):
    arrived = Signal(int)  # step k (from 1) is complete: its nodes' tangents are known
    finished = Signal()

    def __init__(self, scene: GraphScene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scene = scene
        self.steps: list[TangentStep] = []
        self.k = 0  # steps complete
        self._playing = False
        self._overlay: FlowOverlay | None = None
        self._anim = QVariantAnimation(self)
        self._anim.setStartValue(0.0)
        self._anim.setEndValue(1.0)
        self._anim.setDuration(STEP_MS)
        self._anim.valueChanged.connect(lambda v: self.apply(self.k, float(v)))
        self._anim.finished.connect(self._step_done)

    @property
    def is_playing(self) -> bool:
        return self._playing

    def load(self, trace: Trace, target: str) -> bool:
        """Marks for ``trace`` from ``target``, at step 0; False when there is nothing to play."""
        self.stop()
        self.steps = tangent_steps(trace, target)
        if not self.steps:
            return False
        items = self._scene.node_items()
        nodes = {n: items[n] for n in trace.values if n in items}
        edge_items = self._scene.edge_items()
        edges = {
            i: edge_items[e]
            for i, e in enumerate(trace.edges)
            if e in edge_items and edge_items[e].isVisible()
        }
        plan = FlowPlan(trace, forward=False)
        self._overlay = FlowOverlay(self._scene, plan, nodes, edges, Labels.of(self._scene.graph))
        self.k = 0
        return True

    def play(self) -> None:
        if self._overlay is not None and self.k < len(self.steps):
            self._playing = True
            self._anim.start()

    def apply(self, k: int, progress: float) -> None:
        """The marks of step ``k + 1`` at ``progress`` (nothing at 0)."""
        if self._overlay is None or k >= len(self.steps):
            return
        step = self.steps[k]
        color = tone_color(self._scene.theme, "info")
        self._overlay.show_tangents(step.edges, step.nodes, progress, color)

    def advance(self) -> None:
        """Complete the step under way (or the next one) at once and pause there."""
        self._anim.stop()
        self._playing = False
        self._step_done()

    def _step_done(self) -> None:
        if self._overlay is None or self.k >= len(self.steps):
            return
        self.apply(self.k, 1.0)
        self.k += 1
        self.arrived.emit(self.k)
        if self.k < len(self.steps):
            if self._playing:
                self._anim.start()
        else:
            self._playing = False
            self.finished.emit()

    def stop(self) -> None:
        """Take the marks off the canvas."""
        self._anim.stop()
        self._playing = False
        if self._overlay is not None:
            self._overlay.clear()
        self._overlay = None
        self.steps, self.k = [], 0

    def marks(self) -> dict[str, list]:
        return self._overlay.marks() if self._overlay else {}
