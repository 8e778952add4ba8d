"""What a Trace shows while a task is open: the asked numbers taken out, not merely painted over.

The canvas and the inspector are given this Trace instead of the engine's, so the hidden values and
gradients are absent from every card, edge label, tooltip and field: hiding a node's gradient also
removes what its out-edges carried back (their sum is that gradient) and their local derivatives
(the hints reveal those one at a time).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from .trace import Trace


def conceal(trace: Trace, hidden: Collection[tuple[str, str]]) -> Trace:
    """``trace`` without the (node, "value" | "grad") numbers in ``hidden``."""
    if not hidden:
        return trace
    no_grad = {node for node, what in hidden if what == "grad"}
    no_value = {node for node, what in hidden if what == "value"}
    grads = {k: (None if k in no_grad else v) for k, v in trace.grads.items()}
    values = {k: v for k, v in trace.values.items() if k not in no_value}
    n_local = len(trace.local_grads)
    edge_grads = list(trace.edge_grads)
    local_grads = list(trace.local_grads)
    for i, edge in enumerate(trace.edges[: len(edge_grads)]):
        if edge.src in no_grad or edge.dst in no_grad:
            # into a hidden node: grad(dst) = edge grad / local derivative would give it away
            edge_grads[i] = None
            if i < n_local:
                local_grads[i] = None
    # a local derivative can be a value: ∂(a·b)/∂a is b, ∂tanh(a)/∂a is 1 − tanh(a)²
    touched = {e.dst for e in trace.edges if e.src in no_value} | no_value
    for i, edge in enumerate(trace.edges[:n_local]):
        if edge.dst in touched:
            local_grads[i] = None
    return replace(
        trace,
        values=values,
        grads=grads,
        edge_grads=tuple(edge_grads),
        local_grads=tuple(local_grads),
    )
