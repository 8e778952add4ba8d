"""GradientFlow: plays a Trace on the canvas — values lighting up forward, then the gradient
travelling back along each edge in the order torch's autograd engine produced it.

It computes nothing: ``FlowPlan`` says what every card and edge shows after ``k`` steps, and
the marks (pulse, rings, chain-rule callout, partial sums) are a function of ``(k, progress)``.
So ``apply(k, p)`` puts the scene in one exact state whatever came before: stepping back is
exact, and an exporter can render frames without timers. One QVariantAnimation drives
``progress`` from 0 to 1 through each step; at 1 the step is done and the next one starts.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QVariantAnimation, Signal
from PySide6.QtWidgets import QGraphicsItem

from backprop_studio.model.graph import Graph
from backprop_studio.model.trace import Trace

from ..items.edge import EdgeItem
from ..items.node import NodeItem
from ..scene import GraphScene
from .overlay import FlowOverlay
from .plan import EDGE, FORWARD, SEED, FlowPlan, FrameState
from .text import Labels

STEP_MS = {FORWARD: 550, SEED: 700, EDGE: 1100}  # at speed 1×
MIN_SPEED, MAX_SPEED = 0.25, 16.0


class GradientFlow(QObject):
    """Animates one Trace on a GraphScene; owns nothing of the scene but its overlay marks.

    Steps count forward generations (when ``forward``), the seed at the output, then one step
    per edge in ``trace.backward_order``; ``plan.edge_order`` lists the edges in that order.
    """

    step_changed = Signal(int)  # the step being shown or played (0: before the first)
    playing_changed = Signal(bool)
    edge_visited = Signal(int)  # an edge's gradient arrived (index into ``trace.edges``)
    finished = Signal()  # the last step arrived while playing
    stopped = Signal()  # the flow let go of the canvas (edit, new trace, new graph, stop())

    def __init__(self, scene: GraphScene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scene = scene
        self._plan: FlowPlan | None = None
        self._labels = Labels()
        self._k = 0
        self._progress = 0.0
        self._shown: tuple[int, int] | None = None
        self._speed = 1.0
        self._playing = False
        self._applied: FrameState | None = None
        self._state: FrameState | None = None
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[int, EdgeItem] = {}
        self._overlay: FlowOverlay | None = None
        self._graph = None
        self._anim = QVariantAnimation(self)
        self._anim.setStartValue(0.0)
        self._anim.setEndValue(1.0)
        self._anim.valueChanged.connect(self._on_frame)
        self._anim.finished.connect(self._on_step_done)
        scene.display_reset.connect(lambda: self.stop(restore=False))

    # ---- what is loaded ------------------------------------------------------------------
    @property
    def plan(self) -> FlowPlan | None:
        return self._plan

    @property
    def trace(self) -> Trace | None:
        return self._plan.trace if self._plan else None

    @property
    def labels(self) -> Labels:
        return self._labels

    @property
    def is_active(self) -> bool:
        """True from ``load`` until ``stop``: the canvas shows the flow's state, not the trace."""
        return self._plan is not None

    @property
    def is_playing(self) -> bool:
        return self._playing

    @property
    def step(self) -> int:
        """How many steps are complete."""
        return self._k

    @property
    def progress(self) -> float:
        """How far the next step has played, in [0, 1)."""
        return self._progress

    @property
    def count(self) -> int:
        return len(self._plan) if self._plan else 0

    @property
    def current(self) -> int:
        """The step being played (progress > 0) or the one just completed; 0 before the first."""
        return self._k + 1 if self._progress > 0 else self._k

    @property
    def speed(self) -> float:
        return self._speed

    def load(self, trace: Trace | None = None, forward: bool = True) -> bool:
        """Take over the canvas at step 0 for ``trace`` (default: the scene's); False if it has
        nothing to play (no values, e.g. a graph with problems)."""
        self.stop(restore=False)
        trace = trace if trace is not None else self._scene.trace
        if trace is None or not trace.values:
            return False
        graph = self._scene.graph
        blocks = graph.blocks.snapshot() if graph is not None else ()
        plan = FlowPlan(trace, forward, blocks)
        if not len(plan):
            return False
        self._plan = plan
        items = self._scene.node_items()
        self._nodes = {n: items[n] for n in trace.values if n in items}
        edge_items = self._scene.edge_items()
        self._edges = {
            i: edge_items[e]
            for i, e in enumerate(trace.edges)
            if e in edge_items and edge_items[e].isVisible()
        }
        self._labels = Labels.of(graph)
        cards: dict[str, QGraphicsItem] = dict(self._nodes)
        for card in self._scene.block_items().values():  # a collapsed card stands for its nodes
            if card.collapsed:
                cards.update((m, card) for m in card.members if m in cards)
        self._overlay = FlowOverlay(self._scene, plan, cards, self._edges, self._labels)
        self._graph = graph
        if graph is not None:
            graph.changed.connect(self._on_graph_changed)
            for signal in self._block_signals(graph):
                signal.connect(self._on_blocks_changed)
        self.apply(0, 0.0)
        return True

    def stop(self, restore: bool = True) -> None:
        """Let go: stop the timer, remove the marks, and (``restore``) show the whole trace."""
        if self._plan is None:
            return
        trace = self._plan.trace
        self._anim.stop()
        self._set_playing(False)
        if self._graph is not None:
            self._graph.changed.disconnect(self._on_graph_changed)
            for signal in self._block_signals(self._graph):
                signal.disconnect(self._on_blocks_changed)
            self._graph = None
        if self._overlay is not None:
            self._overlay.clear()
        self._plan = self._applied = self._state = self._overlay = None
        self._nodes, self._edges = {}, {}
        self._k, self._progress, self._shown = 0, 0.0, None
        if restore:
            self._scene.show_trace(trace)
        self.stopped.emit()

    def _on_graph_changed(self) -> None:
        self.stop(restore=True)  # an edit: the app re-evaluates and shows the new trace

    def _on_blocks_changed(self, *args: object) -> None:
        self.stop(restore=True)  # what the canvas shows changed: the plan no longer fits

    @staticmethod
    def _block_signals(graph: Graph) -> list:
        return [graph.blocks.added, graph.blocks.removed, graph.blocks.changed]

    # ---- playback ------------------------------------------------------------------------
    def play(self) -> None:
        if self._plan is None:
            return
        if self._k >= len(self._plan):
            self.apply(0, 0.0)
        self._set_playing(True)
        self._start_step()

    def pause(self) -> None:
        self._anim.stop()
        self._set_playing(False)

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def step_forward(self) -> None:
        """Complete the step under way, or the next one, and pause there."""
        self.pause()
        if self._plan is not None and self._k < len(self._plan):
            self.apply(self._k + 1, 0.0)
            self._announce_arrival()

    def step_back(self) -> None:
        """Return to the state before the step under way, or before the last completed one."""
        self.pause()
        if self._plan is not None:
            self.apply(self._k if self._progress > 0 else max(0, self._k - 1), 0.0)

    def rewind(self) -> None:
        self.pause()
        if self._plan is not None:
            self.apply(0, 0.0)

    def jump_to_end(self) -> None:
        self.pause()
        if self._plan is not None:
            self.apply(len(self._plan), 0.0)

    def set_speed(self, speed: float) -> None:
        self._speed = max(MIN_SPEED, min(MAX_SPEED, speed))
        if self._playing:
            self._anim.stop()
            self._start_step()

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)

    def _start_step(self) -> None:
        assert self._plan is not None
        step = self._plan.step(self._k + 1)
        if step is None:
            self._set_playing(False)
            return
        remaining = 1.0 - self._progress
        self._anim.setStartValue(self._progress)
        self._anim.setDuration(max(1, round(STEP_MS[step.kind] * remaining / self._speed)))
        self._anim.start()

    def _on_frame(self, value: object) -> None:
        if self._plan is not None and self._playing:
            self.apply(self._k, float(value))  # type: ignore[arg-type]

    def _on_step_done(self) -> None:
        if self._plan is None or not self._playing:
            return
        self.apply(self._k + 1, 0.0)
        self._announce_arrival()
        if self._k < len(self._plan):
            self._start_step()
        else:
            self._set_playing(False)
            self.finished.emit()

    def _announce_arrival(self) -> None:
        step = self._plan.step(self._k) if self._plan else None
        if step is not None and step.kind == EDGE and step.edge is not None:
            self.edge_visited.emit(step.edge)

    # ---- frames --------------------------------------------------------------------------
    def frame_states(self) -> list[FrameState]:
        """What the cards and edges show after each step, 0 … count (no timers involved)."""
        return self._plan.states() if self._plan else []

    def apply_step(self, k: int) -> None:
        """Put the scene in the state after ``k`` steps, at rest."""
        self.apply(k, 0.0)

    def apply(self, k: int, progress: float = 0.0, keep_last: bool = False) -> None:
        """Put the scene in the state after ``k`` steps with step ``k + 1`` at ``progress``;
        ``keep_last``: at the end, the last step's marks stay (``FlowOverlay.show``)."""
        plan = self._plan
        if plan is None:
            return
        k = max(0, min(k, len(plan)))
        progress = 0.0 if k >= len(plan) else max(0.0, min(progress, 1.0))
        if self._state is None or self._state.step != k:
            self._state = plan.state(k)
            self._apply_state(self._state)
        self._k, self._progress = k, progress
        assert self._overlay is not None
        self._overlay.show(k, progress, keep_last)
        if (self.current, k) != self._shown:  # a new step, or the one shown has arrived
            self._shown = (self.current, k)
            self.step_changed.emit(self.current)

    def _apply_state(self, state: FrameState) -> None:
        """Set only the cards and edges that differ from what is shown."""
        trace = self._plan.trace  # type: ignore[union-attr]
        before = self._applied
        changed = 0
        for name, item in self._nodes.items():
            now = state.nodes[name]
            if before is not None and before.nodes[name] == now:
                continue
            item.set_data(now.value, now.grad, trace.shapes.get(name))
            self._overlay.show_sum(name, now)  # type: ignore[union-attr]
            changed += 1
        for i, item in self._edges.items():
            grad = state.edges.get(i)
            if before is not None and before.edges.get(i) == grad:
                continue
            if grad is None:
                item.set_grad(None)
            else:
                local = trace.local_grads[i] if i < len(trace.local_grads) else None
                item.set_grad(grad, local, trace.grads.get(trace.edges[i].dst))
            changed += 1
        self._applied = state
        if changed > 24:
            for view in self._scene.views():
                expect = getattr(view, "expect_full_repaint", None)
                if expect is not None:
                    expect()

    # ---- for tests and exporters ---------------------------------------------------------
    def marks(self) -> dict[str, list]:
        """The visible marks by kind (pulses, rings, sums, callout), e.g. to compare states."""
        return self._overlay.marks() if self._overlay else {}
