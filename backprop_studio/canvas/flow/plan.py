"""FlowPlan: a Trace cut into the steps the animation plays, and what the canvas shows after each.

Plain Python, no Qt. The state after ``k`` steps is a function of ``(trace, k)`` alone, so stepping
backward is exact and an exporter can render any frame without timers. Nothing here
differentiates: every number comes from the Trace. The only arithmetic is the running sum of a
node's edge contributions as they arrive, which ends at ``Trace.grads`` — and once the last one is
in, the Trace's own gradient is shown, not our sum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from backprop_studio.model.blocks import Block, visible_backward_order
from backprop_studio.model.shapes import Value
from backprop_studio.model.trace import Trace

FORWARD = "forward"  # a generation of nodes gets its value
SEED = "seed"  # the output's own gradient, ∂L/∂L = 1, starts the backward pass
EDGE = "edge"  # one edge carries its gradient from consumer back to producer


@dataclass(frozen=True)
class FlowStep:
    """One step: ``nodes`` that change (forward: computed; seed: the output; edge: the producer)."""

    kind: str
    nodes: tuple[str, ...] = ()
    edge: int | None = None  # index into ``trace.edges`` for an EDGE step


@dataclass(frozen=True)
class NodeState:
    """What one card shows: its value (None: not computed yet) and gradient so far."""

    value: Value | None = None
    grad: Value | None = None
    terms: tuple[Value, ...] = ()  # contributions arrived, kept where a node receives several
    arrived: int = 0  # how many edge contributions have reached the node
    total: int = 0  # how many it receives in all

    @property
    def complete(self) -> bool:
        return self.arrived == self.total


@dataclass(frozen=True)
class FrameState:
    """Every card and edge after ``step`` steps; edges map an index into ``trace.edges``."""

    step: int
    nodes: Mapping[str, NodeState] = field(default_factory=dict)
    edges: Mapping[int, Value | None] = field(default_factory=dict)


def add_values(a: Value, b: Value) -> Value:
    """Elementwise a + b of two numbers or equally nested lists (a running partial sum)."""
    if isinstance(a, list) and isinstance(b, list):
        return [add_values(x, y) for x, y in zip(a, b)]
    return float(a) + float(b)  # type: ignore[arg-type]


def generations(trace: Trace) -> list[tuple[str, ...]]:
    """Nodes of the trace grouped by depth (leaves 0, then one more than the deepest input)."""
    names = list(trace.values)
    known = set(names)
    inputs: dict[str, list[str]] = {n: [] for n in names}
    for edge in trace.edges:
        if edge.src in known and edge.dst in known:
            inputs[edge.dst].append(edge.src)
    depth: dict[str, int] = {}

    def depth_of(name: str) -> int:
        stack = [name]
        while stack:  # iterative, so a deep chain never hits the recursion limit
            top = stack[-1]
            missing = [s for s in inputs[top] if s not in depth]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            depth[top] = 1 + max((depth[s] for s in inputs[top]), default=-1)
        return depth[name]

    groups: dict[int, list[str]] = {}
    for name in names:
        groups.setdefault(depth_of(name), []).append(name)
    return [tuple(groups[d]) for d in sorted(groups)]


class FlowPlan:
    """The steps of one Trace: forward generations (optional), the seed, then edges in autograd's
    own ``backward_order``; ``state(k)`` is what the canvas shows after ``k`` of them.

    Through a collapsed block (``blocks``) the backward pass is one step per boundary edge, in
    that same order: the edges hidden inside the card are left out."""

    def __init__(self, trace: Trace, forward: bool = True, blocks: Iterable[Block] = ()) -> None:
        self.trace = trace
        self.forward = forward
        steps: list[FlowStep] = []
        if forward:
            steps.extend(FlowStep(FORWARD, nodes) for nodes in generations(trace))
        self.forward_count = len(steps)
        out = trace.output
        if out is not None and trace.grads.get(out) is not None:
            steps.append(FlowStep(SEED, (out,)))
        for k in visible_backward_order(trace.edges, trace.backward_order, blocks):
            steps.append(FlowStep(EDGE, (trace.edges[k].src,), k))
        self.steps: tuple[FlowStep, ...] = tuple(steps)
        self._lit: dict[str, int] = {}  # node → the step after which its value shows
        for i, step in enumerate(self.steps):
            if step.kind == FORWARD:
                for name in step.nodes:
                    self._lit[name] = i + 1
        self._received: dict[str, list[tuple[int, int]]] = {}  # node → [(step number, edge)]
        for i, step in enumerate(self.steps):
            if step.kind == EDGE and step.edge is not None:
                self._received.setdefault(step.nodes[0], []).append((i + 1, step.edge))

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def edge_order(self) -> list[int]:
        """The edges in the order the animation visits them: ``trace.backward_order``, without
        the edges inside collapsed blocks."""
        return [s.edge for s in self.steps if s.kind == EDGE and s.edge is not None]

    def step(self, number: int) -> FlowStep | None:
        """Step ``number`` counted from 1 (the one that leads to state ``number``)."""
        return self.steps[number - 1] if 1 <= number <= len(self.steps) else None

    def contributions(self, name: str) -> list[int]:
        """The edges that carry gradient into ``name``, in arrival order."""
        return [edge for _, edge in self._received.get(name, [])]

    def state(self, k: int) -> FrameState:
        """Every card and edge after ``k`` steps (0: before the first, ``len(self)``: the end)."""
        k = max(0, min(k, len(self.steps)))
        trace = self.trace
        seeded = any(s.kind == SEED for s in self.steps[:k])
        nodes: dict[str, NodeState] = {}
        for name, value in trace.values.items():
            shown = value if self._lit.get(name, 0) <= k else None
            received = self._received.get(name, [])
            terms = tuple(trace.edge_grads[e] for n, e in received if n <= k)
            total = len(received)
            grad: Value | None = None
            if name == trace.output and seeded:
                grad = trace.grads.get(name)
            elif terms and len(terms) == total:
                grad = trace.grads.get(name)
            if grad is None and terms and all(t is not None for t in terms):
                grad = terms[0]
                for term in terms[1:]:
                    grad = add_values(grad, term)  # type: ignore[arg-type]
            nodes[name] = NodeState(shown, grad, terms if total > 1 else (), len(terms), total)
        visited = {s.edge for s in self.steps[:k] if s.kind == EDGE}
        edges = {
            i: (trace.edge_grads[i] if i in visited and i < len(trace.edge_grads) else None)
            for i in range(len(trace.edges))
        }
        return FrameState(k, nodes, edges)

    def states(self) -> list[FrameState]:
        """``state(k)`` for every k from 0 to the end, e.g. for rendering frames offline."""
        return [self.state(k) for k in range(len(self.steps) + 1)]


@dataclass(frozen=True)
class TangentStep:
    """One step of forward mode: ``nodes`` get their tangent once it has flowed along ``edges``
    (indices into ``trace.edges``, from nodes whose tangents are already known)."""

    nodes: tuple[str, ...]
    edges: tuple[int, ...] = ()


def tangent_steps(trace: Trace, target: str) -> list[TangentStep]:
    """The order forward mode computes tangents in, from ``target`` to the output.

    First the target and every node it does not reach (their tangents are known at once: 1
    for the target, 0 for the rest); then, generation by generation of the nodes downstream of
    the target, each node once all its inputs' tangents are known, with the edges they flow
    along. Only edges from nodes the target reaches carry a tangent (the others carry 0)."""
    names = list(trace.values)
    known = set(names)
    inputs: dict[str, list[int]] = {n: [] for n in names}
    outputs: dict[str, list[str]] = {n: [] for n in names}
    for i, edge in enumerate(trace.edges):
        if edge.src in known and edge.dst in known:
            inputs[edge.dst].append(i)
            outputs[edge.src].append(edge.dst)
    reached, stack = set(), [target] if target in known else []
    while stack:
        name = stack.pop()
        if name not in reached:
            reached.add(name)
            stack.extend(outputs[name])
    depth = {name: 0 for name in names if name == target or name not in reached}
    for group in generations(trace):  # inputs come in earlier generations
        for name in group:
            if name not in depth:
                depth[name] = 1 + max(depth[trace.edges[i].src] for i in inputs[name])
    groups: dict[int, list[str]] = {}
    for name in names:
        groups.setdefault(depth[name], []).append(name)
    steps = []
    for d in sorted(groups):
        nodes = tuple(groups[d])
        edges = tuple(
            i for n in nodes for i in inputs[n] if d > 0 and trace.edges[i].src in reached
        )
        steps.append(TangentStep(nodes, edges))
    return steps
