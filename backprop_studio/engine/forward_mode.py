"""Forward mode: every node's tangent for one input, by torch's forward-mode AD (dual numbers).

One forward pass carries a tangent along with each value (``torch.autograd.forward_ad``): the
target leaf is made dual with a direction (one entry, or all ones), and each op's tangent is
computed by torch's own forward derivative of that op. One pass gives the derivative of every
node with respect to one input; reverse mode (backward) gives the derivative of one output with
respect to every input.
"""

from __future__ import annotations

import torch
from torch.autograd import forward_ad

from ..model.graph import Graph
from ..model.tangents import Tangents, target_text
from .compile import compile_graph
from .values import to_plain


def forward_tangents(
    graph: Graph, target: str, index: tuple[int, ...] | None = None, dtype: str = "float64"
) -> Tangents:
    """The tangents of every evaluable node for ``target`` (a leaf), or an ``error``."""
    label = target_text(target, index)

    def refused(message: str) -> Tangents:
        return Tangents(target, index, error=message, revision=graph.revision)

    if target not in graph:
        leaves = ", ".join(n.name for n in graph if n.is_leaf)
        return refused(f"there is no node named '{target}' (leaves: {leaves})")
    if not graph.node(target).is_leaf:
        return refused(
            f"'{target}' is not a leaf: forward mode starts from an input (a param, data or "
            "const node)"
        )
    analysis = graph.analyse()
    try:
        plan = compile_graph(graph, dtype, analysis)
        if target not in plan.slot_of:
            return refused(f"'{target}' cannot be evaluated: {analysis.problems[0].message}")
        slots = plan.leaf_tensors(requires_grad=False)
        slot = plan.slot_of[target]
        primal = slots[slot]
        assert primal is not None
        direction = _direction(primal, index, label)
        with forward_ad.dual_level():
            slots[slot] = forward_ad.make_dual(primal, direction)
            plan.forward(slots)
            values = {}
            for name, tensor in zip(plan.names, slots):
                if tensor is None:
                    continue
                primal_out, tangent = forward_ad.unpack_dual(tensor)
                values[name] = to_plain(
                    torch.zeros_like(primal_out) if tangent is None else tangent
                )
    except (RuntimeError, IndexError, MemoryError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return refused(f"torch could not run the graph in forward mode: {message}")
    except ValueError as exc:
        return refused(str(exc))
    return Tangents(target, index, values, revision=graph.revision)


def _direction(primal: torch.Tensor, index: tuple[int, ...] | None, label: str) -> torch.Tensor:
    if index is None:
        return torch.ones_like(primal)
    shape = tuple(primal.shape)
    if len(index) != len(shape) or any(not 0 <= i < n for i, n in zip(index, shape)):
        raise ValueError(f"{label}: no such entry in a tensor of shape {list(shape)}")
    direction = torch.zeros_like(primal)
    direction[index] = 1.0
    return direction
