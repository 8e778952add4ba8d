"""The words of the animation: the chain rule on an edge, partial sums, and a narration per step.

Plain text from a Trace and a FlowPlan, no Qt, so the canvas callout, the Explain panel, edge
tooltips and a later GIF caption all say the same thing. Numbers are formatted, never computed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from backprop_studio.model.attrs import op_symbol
from backprop_studio.model.graph import Graph
from backprop_studio.model.op_spec import PORT_NAMES
from backprop_studio.model.ops import OPS
from backprop_studio.model.shapes import Value, format_shape
from backprop_studio.model.trace import Trace

from ..value_text import format_short, is_scalar, shape_of, stats
from .plan import FORWARD, SEED, FlowPlan, NodeState

MAX_TERMS = 4  # a partial sum lists this many terms, then "…"
MAX_LISTED = 6  # a forward step names this many nodes, then "and n more"


@dataclass(frozen=True)
class Labels:
    """What the text calls each node (its label, else its name), which op it is, and the symbol
    its card shows when the node's attributes add to the op's (a power's ``**2``)."""

    titles: Mapping[str, str] = field(default_factory=dict)
    ops: Mapping[str, str] = field(default_factory=dict)
    symbols: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: Graph | None) -> Labels:
        """Read from the graph itself (not from the cards that mirror it)."""
        if graph is None:
            return cls()
        return cls(
            {n.name: n.title for n in graph},
            {n.name: n.op for n in graph},
            {n.name: op_symbol(OPS[n.op], n.attrs) for n in graph if n.op in OPS},
        )

    def title(self, name: str) -> str:
        return self.titles.get(name) or name

    def op(self, name: str) -> str | None:
        return self.ops.get(name)

    def symbol(self, name: str) -> str | None:
        """The card's symbol, or the catalogue's when not known (None for an unknown op)."""
        op = self.ops.get(name)
        spec = OPS.get(op) if op else None
        return self.symbols.get(name) or (spec.symbol if spec else None)


@dataclass(frozen=True)
class Narration:
    heading: str
    text: str
    formula: str | None = None


def describe(value: Value | None) -> str:
    """A scalar as ``-2``; a tensor as ``[2×3] ‖·‖ 1.41`` (shape and norm, not its elements)."""
    if value is None:
        return "—"
    if is_scalar(value):
        return format_short(value)  # type: ignore[arg-type]
    return f"[{format_shape(shape_of(value))}] ‖·‖ {format_short(stats(value)[1])}"


def chain_rule_text(
    u: str,
    v: str,
    grad: Value | None,
    upstream: Value | None,
    local: float | None,
    via: str | None = None,
) -> str:
    """``∂L/∂u (via v) = ∂L/∂v · ∂v/∂u = (−2) · (1) = −2``; shapes and norms for tensors.
    ``via`` names the use when ``v`` takes ``u`` twice (``s.b`` for ``s = a · a``)."""
    head = f"∂L/∂{u} (via {via or v})"
    if grad is None:
        return f"{head}: no gradient flows along this edge"
    rule = f"{head} = ∂L/∂{v} · ∂{v}/∂{u}"
    if local is not None and is_scalar(upstream) and is_scalar(grad):
        return f"{rule} = ({describe(upstream)}) · ({describe(local)}) = {describe(grad)}"
    summed = _summed(upstream, grad)
    if summed:
        shape = format_shape(shape_of(upstream)) if upstream is not None else ""
        return f"{rule}, [{shape}], {summed} → {describe(grad)}"
    return f"{rule}: {describe(upstream)} → {describe(grad)}"


def _summed(upstream: Value | None, grad: Value | None) -> str:
    """ "summed over 15 rows" when the edge's gradient has fewer numbers than the one it comes
    from (a parameter broadcast over a batch: autograd sums its uses); "" otherwise."""
    if upstream is None or grad is None or is_scalar(upstream):
        return ""
    up = shape_of(upstream)
    down = () if is_scalar(grad) else shape_of(grad)
    n_up, n_down = math.prod(up), math.prod(down)
    if n_down == 0 or n_up <= n_down or n_up % n_down:
        return ""
    times = n_up // n_down
    if len(up) >= 1 and up[0] == times:
        return f"summed over {times} rows"
    return f"each number summed over {times} uses"


def chain_rule(trace: Trace, index: int, labels: Labels | None = None) -> str:
    """The chain rule of edge ``index`` of the trace, with the trace's own numbers."""
    labels = labels or Labels()
    edge = trace.edges[index]
    grad = trace.edge_grads[index] if index < len(trace.edge_grads) else None
    local = trace.local_grads[index] if index < len(trace.local_grads) else None
    u, v = labels.title(edge.src), labels.title(edge.dst)
    twice = sum(1 for e in trace.edges if e.src == edge.src and e.dst == edge.dst) > 1
    via = f"{v}.{edge.port}" if twice else None
    return chain_rule_text(u, v, grad, trace.grads.get(edge.dst), local, via)


def sum_text(state: NodeState) -> str:
    """``grad = -3 + -3 + -3 = -9`` for a node receiving several contributions; while some are
    still on their way, ``grad = -3 + -3 + … = -6 so far (2 of 3)``."""
    terms, total = state.terms, state.total
    if not terms:
        return ""
    done = len(terms) == total
    if all(is_scalar(t) for t in terms) and is_scalar(state.grad):
        parts = " + ".join(describe(t) for t in terms[:MAX_TERMS])
        if len(terms) > MAX_TERMS:
            parts += f" + … ({len(terms)} terms)"
        elif not done:
            parts += " + …"
        text = f"grad = {parts} = {describe(state.grad)}"
    else:
        text = f"grad = Σ of {len(terms)} edges = {describe(state.grad)}"
    return text if done else f"{text} so far ({len(terms)} of {total})"


def _expression(trace: Trace, name: str, labels: Labels) -> str:
    """``ŷ = w × x = 1`` for an op node, ``x = 1`` for a leaf."""
    value = describe(trace.values.get(name))
    op = labels.op(name)
    spec = OPS.get(op) if op else None
    if spec is None or spec.is_leaf:
        title = labels.title(name)
        if op == "const" and title != name:  # titled with its number: not "2 = 2"
            same = _number(title) == trace.values.get(name)
            return f"the constant {title}" + ("" if same else f" = {value}")
        return f"{title} = {value}"
    by_port = {e.port: e.src for e in trace.edges if e.dst == name}
    ports = PORT_NAMES if spec.variadic else spec.inputs
    args = [labels.title(by_port[p]) for p in ports if p in by_port]
    if spec.infix and len(args) >= 2:  # `a + b`, an n-ary add's `a + b + c`
        call = f" {spec.symbol} ".join(args)
    elif spec.shows and len(args) == 1:  # a power: `d**2`
        call = f"{args[0]}{labels.symbol(name)}"
    else:
        call = f"{spec.name}({', '.join(args)})"
    return f"{labels.title(name)} = {call} = {value}"


def _number(text: str) -> float | None:
    try:
        return float(text.replace("−", "-"))
    except ValueError:
        return None


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown if len(items) <= MAX_LISTED else f"{shown} and {len(items) - MAX_LISTED} more"


def narration(
    plan: FlowPlan, number: int, labels: Labels | None = None, finished: bool = False
) -> Narration:
    """What happens in step ``number`` (1-based; 0 is before the start), in words;
    ``finished`` adds that the whole pass is done."""
    labels = labels or Labels()
    trace, step = plan.trace, plan.step(number)
    edges_total = len(plan.edge_order)
    if step is None:
        first = "first the forward pass computes every value from the leaves to the output, then "
        return Narration(
            "Ready",
            f"Press Play: {first if plan.forward else ''}the backward pass sends the gradient "
            f"from the output back along each of the {edges_total} edges that carry one, in the "
            "order torch's autograd engine produced them.",
        )
    if step.kind == FORWARD:
        index = plan.steps.index(step) + 1
        lines = [_expression(trace, n, labels) for n in step.nodes]
        if index == 1:
            text = f"The leaves hold their values: {_listed(lines)}."
        else:
            text = f"Each node computes its value from its inputs: {_listed(lines)}."
        return Narration(f"Forward · step {index} of {plan.forward_count}", text)
    if step.kind == SEED:
        out = labels.title(step.nodes[0])
        seed = describe(trace.grads.get(step.nodes[0]))
        return Narration(
            "Backward · start",
            f"The backward pass starts at the output {out}: ∂L/∂{out} = {seed}, since L is "
            f"{out} itself. From here autograd walks the graph in reverse, one edge at a time.",
        )
    assert step.edge is not None
    k = step.edge
    edge = trace.edges[k]
    u, v = labels.title(edge.src), labels.title(edge.dst)
    order = plan.edge_order.index(k) + 1
    op = labels.op(edge.dst)
    spec = OPS.get(op) if op else None
    rule = ""
    if spec is not None:
        shown = f" {labels.symbol(edge.dst)}" if spec.shows else ""  # power **2: n is 2
        rule = f" ({spec.name}{shown}: {spec.derivative})"
    text = (
        f"{v} sends its gradient back to {u} along input '{edge.port}'. ∂L/∂{v} is complete, "
        f"and the local derivative ∂{v}/∂{u}{rule} turns it into this edge's share."
    )
    state = plan.state(number).nodes.get(edge.src)
    if state is not None and state.total > 1:
        if state.complete:
            text += f" That was the last of {state.total} shares for {u}: {sum_text(state)}."
        else:
            text += f" {u} feeds {state.total} consumers; shares add up: {sum_text(state)}."
    elif state is not None:
        text += f" {u} feeds nothing else, so ∂L/∂{u} = {describe(state.grad)}."
    if finished:
        text += " Done: every node now shows the gradient torch computed."
    return Narration(
        f"Backward · edge {order} of {edges_total}", text, chain_rule(trace, k, labels)
    )
