"""One instrumented forward and backward pass: every value, gradient and edge gradient, as torch saw it.

Per-edge gradients come from aliases (DESIGN.md): each edge feeds its consumer a view of the
producer's output, so autograd computes a separate gradient for every edge; a hook on each alias
records that gradient and the moment autograd's engine produced it (the backward order). Node
gradients come from ``retain_grad`` and the parameters' ``.grad``, never from our own arithmetic.
"""

from __future__ import annotations

import math

import torch

from ..model.attrs import attr_value, number_text
from ..model.graph import Graph
from ..model.numbers import INF, NAN, NEG_INF
from ..model.ops import POWER, op_spec
from ..model.shapes import Value
from ..model.trace import Trace
from .compile import Plan, compile_graph
from .values import to_plain


def _finite(tensor: torch.Tensor) -> bool:
    return bool(torch.isfinite(tensor).all())


def _all_finite(tensors: list[torch.Tensor], plain: list[Value]) -> bool:
    """Whether every number of ``tensors`` (read already as ``plain``) is finite, in one check:
    ``isfinite`` is several kernels, so asking it once per tensor was a fifth of an instrumented
    run of small graphs. A scalar is checked as the float it was read as; the rest together in
    one tensor. Only a run that fails is walked tensor by tensor to name the first culprit."""
    rest = []
    for tensor, value in zip(tensors, plain):
        if isinstance(value, float):
            if not math.isfinite(value):
                return False
        else:
            rest.append(tensor.detach().reshape(-1))
    return not rest or bool(torch.isfinite(torch.cat(rest)).all())


def non_finite_kinds(tensor: torch.Tensor) -> str:
    """``nan``, ``-inf``, ``inf`` or several of them: what a non-finite tensor holds."""
    data = tensor.detach()
    present = (
        (NAN, torch.isnan(data)),
        (NEG_INF, torch.isneginf(data)),
        (INF, torch.isposinf(data)),
    )
    return ", ".join(name for name, mask in present if bool(mask.any()))


def evaluate(graph: Graph, dtype: str = "float64") -> Trace:
    """Compile ``graph`` and run it once; problems come back inside the Trace, never raised.

    Shape inference already refuses nodes beyond ``model.limits``; running out of memory anyway
    (a machine with little of it) is one more problem in the Trace, not an exception.
    """
    analysis = graph.analyse()
    try:
        plan = compile_graph(graph, dtype, analysis)
    except (MemoryError, RuntimeError) as exc:
        return Trace(
            output=analysis.output,
            shapes=dict(analysis.shapes),
            problems=tuple(analysis.problems),
            error=_refusal(exc),
            revision=graph.revision,
        )
    return run(plan)


def run(plan: Plan, leaves: list[torch.Tensor | None] | None = None) -> Trace:
    """Forward, local derivatives of scalar edges, backward; all recorded in a Trace.

    ``leaves`` (from ``Plan.leaf_tensors`` or a trainer's current parameters) replaces the values
    compiled into the plan; they are detached first, so a trainer's tensors are never touched.
    """
    try:
        return _run(plan, leaves)
    except (MemoryError, RuntimeError) as exc:  # torch refusing what the shape check let through
        return Trace(
            output=plan.output,
            shapes=plan.shapes,
            problems=plan.problems,
            error=_refusal(exc),
            revision=plan.revision,
        )


def _refusal(exc: BaseException) -> str:
    """One line for a run that torch or the memory refused (RecursionError is a RuntimeError)."""
    if isinstance(exc, MemoryError):
        return "there is not enough memory to run the graph: make its tensors smaller"
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"torch could not run the graph: {message}"


def _run(plan: Plan, leaves: list[torch.Tensor | None] | None) -> Trace:
    if leaves is None:
        slots = plan.leaf_tensors()
    else:
        slots = [None] * len(plan.names)
        for slot, train in zip(plan.leaf_slots, plan.trainable):
            slots[slot] = leaves[slot].detach().clone().requires_grad_(train)
    aliases: list[torch.Tensor | None] = [None] * len(plan.edges)
    with torch.enable_grad():
        for step in plan.steps:
            args = []
            for src, k in zip(step.args, step.arg_edges):
                tensor = slots[src]
                if tensor.requires_grad:
                    tensor = tensor.view_as(tensor)
                    aliases[k] = tensor
                args.append(tensor)
            slots[step.slot] = step.fn(*args)

    values = {name: to_plain(t) for name, t in zip(plan.names, slots)}
    error, error_node = _first_non_finite_value(plan, slots, list(values.values()))
    local_outputs, local_inputs, local_edges = _local_graphs(plan, slots, aliases)

    edge_grads: list[Value | None] = [None] * len(plan.edges)
    order: list[int] = []
    slot_grads: list[torch.Tensor | None] = [None] * len(slots)
    out = slots[plan.output_slot] if plan.output_slot is not None else None
    backward = out is not None and out.requires_grad
    if backward:
        for k, alias in enumerate(aliases):
            if alias is not None:
                alias.register_hook(_recorder(k, edge_grads, order))
        wanted = [s for s, tensor in enumerate(slots) if tensor.requires_grad]
        # One pass of autograd's engine for the output and every step's local copy: separate
        # graphs, so none feeds another, and the engine runs each graph's nodes in the order it
        # would alone. A scalar seeds itself: an explicit seed tensor makes torch import sympy.
        seeds = None if out.numel() == 1 else [torch.ones_like(out)] + [None] * len(local_outputs)
        derivs = torch.autograd.grad(
            [out, *local_outputs],
            [slots[s] for s in wanted] + local_inputs,
            grad_outputs=seeds,
            allow_unused=True,
        )
        for s, grad in zip(wanted, derivs):
            slot_grads[s] = grad
        local_derivs = derivs[len(wanted) :]
    elif local_outputs:
        local_derivs = torch.autograd.grad(local_outputs, local_inputs, allow_unused=True)
    else:
        local_derivs = ()
    local: list[float | None] = [None] * len(plan.edges)
    for k, d in zip(local_edges, local_derivs):
        local[k] = 0.0 if d is None else float(d.item())

    grads: dict[str, Value | None] = dict.fromkeys(plan.names)
    for name, grad in zip(plan.names, slot_grads):
        if grad is not None:
            grads[name] = to_plain(grad)
    if error is None and backward:
        error, error_node = _first_non_finite_grad(plan, slot_grads, grads, order)
    return Trace(
        output=plan.output,
        values=values,
        grads=grads,
        shapes=plan.shapes,
        edges=plan.edges,
        edge_grads=tuple(edge_grads),
        local_grads=tuple(local),
        backward_order=tuple(order),
        problems=plan.problems,
        error=error,
        error_node=error_node,
        revision=plan.revision,
    )


def _recorder(k: int, edge_grads: list[Value | None], order: list[int]):
    def hook(grad: torch.Tensor) -> None:
        order.append(k)
        edge_grads[k] = to_plain(grad)

    return hook


def _local_graphs(
    plan: Plan, slots: list[torch.Tensor], aliases: list[torch.Tensor | None]
) -> tuple[list[torch.Tensor], list[torch.Tensor], list[int]]:
    """For ∂dst/∂src of every edge whose both ends are scalars: outputs, inputs and edges for
    torch.autograd.grad.

    Each step is run once more on detached copies of its inputs: the same function of the same
    values, so the same derivative, but autograd then walks that one step instead of everything
    upstream of it (asking the full graph per step made this pass quadratic in the depth). The
    copies are separate graphs, so one call with every copy's output (each seeded with 1)
    gives each input exactly its own step's derivative.
    """
    outputs: list[torch.Tensor] = []
    inputs: list[torch.Tensor] = []
    edges: list[int] = []
    with torch.enable_grad():
        for step in plan.steps:
            out = slots[step.slot]
            if not out.requires_grad or out.numel() != 1:
                continue
            wanted = {
                k for k in step.arg_edges if aliases[k] is not None and aliases[k].numel() == 1
            }
            if not wanted:
                continue
            args = [
                slots[src].detach().requires_grad_(k in wanted)
                for src, k in zip(step.args, step.arg_edges)
            ]
            outputs.append(step.fn(*args))
            for arg, k in zip(args, step.arg_edges):
                if k in wanted:
                    inputs.append(arg)
                    edges.append(k)
    return outputs, inputs, edges


def _first_non_finite_value(
    plan: Plan, slots: list[torch.Tensor], plain: list[Value]
) -> tuple[str | None, str | None]:
    if _all_finite(slots, plain):
        return None, None
    for slot, (name, op, tensor) in enumerate(zip(plan.names, plan.ops, slots)):
        if not _finite(tensor):
            kind = non_finite_kinds(tensor)
            why = _power_reason(plan, slots, slot) if op == POWER else ""
            return f"'{name}' ({op}) has a non-finite value ({kind}) in the forward pass{why}", name
    return None, None


def _power_reason(plan: Plan, slots: list[torch.Tensor], slot: int) -> str:
    """Why a power is not finite, when its input and exponent tell ('' when they do not)."""
    step = next(step for step in plan.steps if step.slot == slot)
    base = slots[step.args[0]].detach()
    n = float(attr_value(op_spec(POWER), plan.attrs[slot], "exponent"))
    if not n.is_integer() and bool((base < 0).any()):
        return f": a negative number to the power {number_text(n)} has no real value"
    if n < 0 and bool((base == 0).any()):
        return f": 0 to the power {number_text(n)} is infinite"
    return ""


def _first_non_finite_grad(
    plan: Plan, grads: list[torch.Tensor | None], plain: dict[str, Value | None], order: list[int]
) -> tuple[str | None, str | None]:
    """The first edge, in autograd's own order, whose source's gradient is NaN or inf."""
    present = [(g, plain[n]) for n, g in zip(plan.names, grads) if g is not None]
    if _all_finite([g for g, _ in present], [v for _, v in present]):
        return None, None
    for k in order:
        edge = plan.edges[k]
        grad = grads[plan.slot_of[edge.src]]
        if grad is not None and not _finite(grad):
            return (
                f"the gradient of '{edge.src}' (via '{edge.dst}') is not finite "
                f"({non_finite_kinds(grad)}) in the backward pass",
                edge.src,
            )
    for name, grad in zip(plan.names, grads):
        if grad is not None and not _finite(grad):
            return (
                f"the gradient of '{name}' is not finite ({non_finite_kinds(grad)}) "
                "in the backward pass",
                name,
            )
    return None, None
