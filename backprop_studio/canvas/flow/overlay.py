"""FlowOverlay: the marks laid over the canvas for one step of a FlowPlan at some progress.

Rings round the cards a step is about, pulses travelling along edges, the chain-rule callout
and partial-sum pills. ``show(k, progress)`` depends on nothing else, so any frame can be
rebuilt exactly. The marks are pooled scene items: a frame moves them, it does not create them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEasingCurve, QPointF, QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from .. import style
from ..items.edge import EdgeItem
from ..items.flow_marks import CalloutMark, PulseMark, RingMark, SumMark, route
from ..items.node import NodeItem
from ..scene import GraphScene
from ..value_text import magnitude, signed
from .plan import EDGE, FORWARD, SEED, FlowPlan, NodeState
from .text import Labels, chain_rule, sum_text

LEAD = 0.14  # share of a step spent highlighting before the pulse leaves
TRAVEL = 0.74  # share of a step the pulse spends on the edge
# the callout's leader meets its edge this far from the midpoint, where the gradient label goes
# (half a short label such as "-2.5", in scene units, before the label is first drawn) ...
LABEL_HALF_WIDTH = 30.0
LEADER_CLEARANCE = 4.0  # ... and this far outside a label already drawn
_EASE = QEasingCurve(QEasingCurve.Type.InOutCubic)


def _ramp(phase: float) -> float:
    return max(0.0, min(1.0, phase / LEAD))


def _travel(phase: float) -> float:
    return _EASE.valueForProgress(max(0.0, min(1.0, (phase - LEAD) / TRAVEL)))


def card_rect(item: QGraphicsItem) -> QRectF:
    """The card of a node in scene coordinates (without its port margin)."""
    return item.mapRectToScene(item.shape().boundingRect())


class FlowOverlay:
    """The marks of one plan on one scene, for the node and edge items the plan is shown on."""

    def __init__(
        self,
        scene: GraphScene,
        plan: FlowPlan,
        nodes: Mapping[str, QGraphicsItem],
        edges: dict[int, EdgeItem],
        labels: Labels,
    ) -> None:
        self._scene = scene
        self._plan = plan
        self._nodes = nodes
        self._edges = edges
        self._labels = labels
        self._routes: dict[tuple[int, bool], list[QPointF]] = {}
        self._cards: list[QRectF] | None = None
        self._pulses: list[PulseMark] = []
        self._rings: list[RingMark] = []
        self._sums: dict[str, SumMark] = {}
        self._callout: CalloutMark | None = None
        self._callout_edge = -1

    def clear(self) -> None:
        """Take every mark off the scene."""
        for mark in self._all():
            if mark.scene() is self._scene:
                self._scene.removeItem(mark)
        self._pulses, self._rings, self._sums, self._callout = [], [], {}, None

    def _all(self) -> list[QGraphicsItem]:
        extra = [self._callout] if self._callout is not None else []
        return [*self._pulses, *self._rings, *self._sums.values(), *extra]

    def marks(self) -> dict[str, list[QGraphicsItem]]:
        """The visible marks by kind (pulses, rings, sums, callout), e.g. to compare states."""
        return {
            "pulses": [m for m in self._pulses if m.isVisible()],
            "rings": [m for m in self._rings if m.isVisible()],
            "sums": [m for m in self._sums.values() if m.isVisible()],
            "callout": [self._callout] if self._callout and self._callout.isVisible() else [],
        }

    # ---- partial sums ----------------------------------------------------------------------
    def show_sum(self, name: str, state: NodeState) -> None:
        """The running sum under a card that receives several gradients (hidden otherwise)."""
        mark = self._sums.get(name)
        item = self._nodes.get(name)
        if not state.terms or not isinstance(item, NodeItem):  # a block card sums nothing
            if mark is not None:
                mark.setVisible(False)
            return
        if mark is None:
            mark = self._sums[name] = SumMark()
            self._scene.addItem(mark)
        card = card_rect(item)
        theme = self._scene.theme
        color = style.grad_color(theme, signed(state.grad))
        below = QPointF(card.center().x(), card.bottom() + 7.0)
        mark.show_text(below, sum_text(state), theme, color)

    # ---- one frame -------------------------------------------------------------------------
    def show(self, k: int, progress: float, keep_last: bool = False) -> None:
        """The marks of step ``k + 1`` at ``progress`` (> 0), or of step ``k`` just completed;
        after the last step none, unless ``keep_last`` (a GIF's last frame keeps its formula)."""
        plan = self._plan
        number = k + 1 if progress > 0 else k
        step = plan.step(number) if number < len(plan) or progress > 0 or keep_last else None
        phase = progress if progress > 0 else 1.0
        self._n_pulses = self._n_rings = 0
        callout = False
        if step is not None and step.kind == FORWARD:
            self._forward(step.nodes, progress, phase)
        elif step is not None and step.kind == SEED:
            item = self._nodes.get(step.nodes[0])
            if item is not None:
                grad = plan.trace.grads.get(step.nodes[0])
                color = style.grad_color(self._scene.theme, signed(grad))
                self._ring(card_rect(item), color, _ramp(phase))
        elif step is not None and step.kind == EDGE and step.edge in self._edges:
            self._edge(step.edge, progress, phase)
            callout = True
        for mark in self._pulses[self._n_pulses :]:
            mark.setVisible(False)
        for mark in self._rings[self._n_rings :]:
            mark.setVisible(False)
        if self._callout is not None and not callout:
            self._callout.setVisible(False)

    def show_tangents(
        self, edges: Sequence[int], nodes: Sequence[str], progress: float, color: QColor
    ) -> None:
        """Forward mode's step at ``progress``: tangents travel forward along ``edges`` from
        their sources' cards, and ``nodes`` are ringed when they arrive (at once if no edge
        leads to them); at 0 nothing is marked."""
        self._n_pulses = self._n_rings = 0
        t = _travel(progress) if progress > 0 else 0.0
        if progress > 0:
            for i in edges:
                src = self._nodes.get(self._plan.trace.edges[i].src)
                if src is not None:
                    self._ring(card_rect(src), color, _ramp(progress) * (0.55 if t >= 1 else 1.0))
                if i in self._edges and t < 1.0:
                    self._pulse(i, False, t, color, style.EDGE_WIDTH + 0.8)
            if t >= 1.0 or not edges:
                for name in nodes:
                    item = self._nodes.get(name)
                    if item is not None:
                        self._ring(card_rect(item), color, 1.0, width=3.2)
        for mark in self._pulses[self._n_pulses :]:
            mark.setVisible(False)
        for mark in self._rings[self._n_rings :]:
            mark.setVisible(False)
        if self._callout is not None:
            self._callout.setVisible(False)

    def _forward(self, names: tuple[str, ...], progress: float, phase: float) -> None:
        ink = self._scene.theme.output_border
        for name in names:
            item = self._nodes.get(name)
            if item is not None:
                self._ring(card_rect(item), ink, _ramp(phase))
        if progress > 0:
            into = set(names)
            for i, edge in enumerate(self._plan.trace.edges):
                if edge.dst in into and i in self._edges:
                    self._pulse(i, False, _travel(phase), ink, style.EDGE_WIDTH + 0.6)

    def _edge(self, i: int, progress: float, phase: float) -> None:
        trace = self._plan.trace
        edge, grad = trace.edges[i], trace.edge_grads[i]
        color = style.grad_color(self._scene.theme, signed(grad))
        sender, receiver = self._nodes.get(edge.dst), self._nodes.get(edge.src)
        t = _travel(phase)
        if sender is not None:
            self._ring(card_rect(sender), color, _ramp(phase) * (0.55 if t >= 1 else 1.0))
        if receiver is not None and t >= 1.0:
            self._ring(card_rect(receiver), color, 1.0, width=3.2)
        if progress > 0 and t < 1.0:
            self._pulse(i, True, t, color, style.grad_width(magnitude(grad)))
        anchor = self._edges[i].mapToScene(callout_anchor(self._edges[i]))
        self._callout_at(i, anchor, chain_rule(trace, i, self._labels), color)

    # ---- pooled marks ----------------------------------------------------------------------
    def _ring(self, card: QRectF, color: QColor, opacity: float, width: float = 2.6) -> None:
        if len(self._rings) <= self._n_rings:
            ring = RingMark()
            self._scene.addItem(ring)
            self._rings.append(ring)
        self._rings[self._n_rings].show_around(card, color, opacity, width)
        self._n_rings += 1

    def _pulse(self, edge: int, backward: bool, t: float, color: QColor, width: float) -> None:
        if len(self._pulses) <= self._n_pulses:
            pulse = PulseMark()
            self._scene.addItem(pulse)
            self._pulses.append(pulse)
        points = self._routes.get((edge, backward))
        if points is None:
            item = self._edges[edge]
            points = self._routes[(edge, backward)] = route(item.mapToScene(item.path()), backward)
        self._pulses[self._n_pulses].show_at(points, t, color, width)
        self._n_pulses += 1

    def _callout_at(self, edge: int, anchor: QPointF, text: str, color: QColor) -> None:
        if self._callout is None:
            self._callout = CalloutMark()
            self._scene.addItem(self._callout)
        callout = self._callout
        moved = edge != self._callout_edge or not callout.isVisible()
        callout.set_text(text, self._scene.theme, color)
        if moved:
            self._callout_edge = edge
            callout.show_at(anchor, self._free_offset(anchor, *callout.size))

    def _free_offset(self, anchor: QPointF, w: float, h: float) -> QPointF:
        """Where a w×h pixel pill near ``anchor`` stays in view and covers the fewest cards."""
        views = self._scene.views()
        zoom = views[0].transform().m11() if views else 1.0
        visible = None
        if views:
            visible = views[0].mapToScene(views[0].viewport().rect()).boundingRect()
        if self._cards is None:
            self._cards = [card_rect(item) for item in self._nodes.values()]
        gap = 18.0 + h / 2
        best, best_cover = QPointF(0, -gap), float("inf")
        for dy in (-gap, gap, -gap - 48, gap + 48, -gap - 96, gap + 96):
            dx = 0.0
            if visible is not None:  # slide sideways to stay inside the view
                margin = 8.0 / zoom
                left, right = anchor.x() - w / 2 / zoom, anchor.x() + w / 2 / zoom
                if right > visible.right() - margin:
                    dx = (visible.right() - margin - right) * zoom
                if left + dx / zoom < visible.left() + margin:
                    dx = (visible.left() + margin - left) * zoom
            rect = QRectF(
                anchor.x() + (dx - w / 2) / zoom,
                anchor.y() + (dy - h / 2) / zoom,
                w / zoom,
                h / zoom,
            )
            cover = 0.0
            for card in self._cards:
                both = rect.intersected(card)
                cover += both.width() * both.height()
            if visible is not None and not visible.contains(rect):
                cover += rect.width() * rect.height()
            if cover == 0.0:
                return QPointF(dx, dy)
            if cover < best_cover:
                best, best_cover = QPointF(dx, dy), cover
        return best


def callout_anchor(item: EdgeItem) -> QPointF:
    """Where the callout's leader meets the edge: a point of its curve clear of the gradient
    label, which is drawn at the midpoint as the gradient lands (a leader from the midpoint
    struck through the label's number). The midpoint only when no point along is clear."""
    path, mid = item.path(), item.midpoint()
    labels = [r.adjusted(-LEADER_CLEARANCE, -LEADER_CLEARANCE, LEADER_CLEARANCE, LEADER_CLEARANCE)
              for r in item.label_rects()]  # fmt: skip
    for t in (0.3, 0.7, 0.2, 0.8, 0.12, 0.88):
        point = path.pointAtPercent(t)
        far = abs(point.x() - mid.x()) >= LABEL_HALF_WIDTH or abs(point.y() - mid.y()) >= 14.0
        if far and not any(rect.contains(point) for rect in labels):
            return point
    return QPointF(mid)
