"""Check autograd against central finite differences, computed from torch forward passes.

For each parameter entry x_i: ``(f(x + h·e_i) − f(x − h·e_i)) / 2h`` in float64, with the step
``h = ε^(1/3) · max(1, |x_i|)`` (ε the float64 machine epsilon: the step that balances the
truncation error of the central difference, ~h², against round-off, ~ε/h). ``f`` is the output,
summed when it is a tensor, as backward seeds a tensor output with ones. Small parameters are
checked entry by entry; a large one on a seeded sample of :data:`SAMPLE` entries.

Where the two disagree because the steps straddle a kink (``relu`` or ``abs`` with an input
element at or near 0), the check says so: the finite difference averages the slopes on both
sides (0 and 1 for relu, so 0.5), while torch's convention takes the derivative at 0 to be 0.
"""

from __future__ import annotations

import math

import torch

from ..model.check_result import FLOOR, TOLERANCE, EntryCheck, GradCheck, ParamCheck
from ..model.graph import Graph
from .autograd import non_finite_kinds
from .compile import Plan, compile_graph

SAMPLE = 64  # entries checked per parameter at most
SEED = 0
STEP = float(torch.finfo(torch.float64).eps) ** (1 / 3)  # ≈ 6.1e-6
# op → the slopes either side of 0, and what the finite difference makes of them exactly at 0
KINKS = {"relu": ("0 and 1", "0.5"), "abs": ("−1 and 1", "0")}


def check_graph(graph: Graph) -> GradCheck:
    """Compile ``graph`` in float64 and check every parameter; problems come back as ``error``."""
    analysis = graph.analyse()
    if analysis.problems:
        return GradCheck(error=analysis.problems[0].message, revision=graph.revision)
    try:
        plan = compile_graph(graph, "float64", analysis)
        return check_plan(plan)
    except (MemoryError, RuntimeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return GradCheck(error=f"torch could not run the graph: {message}", revision=graph.revision)


def check_plan(plan: Plan) -> GradCheck:
    """The check of a float64 plan (see the module docstring)."""
    if plan.output_slot is None:
        return GradCheck(error="the graph has no output to differentiate", revision=plan.revision)
    params = [s for s, train in zip(plan.leaf_slots, plan.trainable) if train]
    if not params:
        return GradCheck(
            error="the graph has no parameter to check (mark a leaf trainable)",
            output=plan.output,
            revision=plan.revision,
        )
    slots = plan.leaf_tensors()
    with torch.enable_grad():
        out = plan.forward(list(slots))
    assert out is not None
    if not bool(torch.isfinite(out).all()):
        return GradCheck(
            error=f"the output '{plan.output}' is not finite ({non_finite_kinds(out)}): "
            "there is no gradient to check",
            output=plan.output,
            revision=plan.revision,
        )
    leaves = [slots[s] for s in params]
    if not out.requires_grad:  # no parameter reaches the output: every gradient is 0
        grads = [torch.zeros_like(t) for t in leaves]
    else:
        found = torch.autograd.grad(out.sum(), leaves, allow_unused=True)
        grads = [torch.zeros_like(t) if g is None else g for t, g in zip(leaves, found)]
    base = [None if t is None else t.detach() for t in slots]
    f0 = float(out.detach().sum())
    checks = {}
    for slot, grad in zip(params, grads):
        checks[plan.names[slot]] = _check_param(plan, base, slot, grad.detach(), f0)
    return GradCheck(params=checks, output=plan.output, revision=plan.revision)


def sample_indices(numel: int, sample: int = SAMPLE, seed: int = SEED) -> list[int]:
    """Every flat index of a small tensor; a seeded, sorted sample of ``sample`` of a large one."""
    if numel <= sample:
        return list(range(numel))
    generator = torch.Generator().manual_seed(seed)
    return sorted(torch.randperm(numel, generator=generator)[:sample].tolist())


def _check_param(
    plan: Plan, base: list[torch.Tensor | None], slot: int, grad: torch.Tensor, f0: float
) -> ParamCheck:
    x = base[slot]
    assert x is not None
    shape = tuple(x.shape)
    entries = []
    with torch.no_grad():
        for flat in sample_indices(x.numel()):
            value = float(x.reshape(-1)[flat])
            h = STEP * max(1.0, abs(value))
            (f_plus, signs_plus), (f_minus, signs_minus) = (
                _shifted(plan, base, slot, flat, sign * h) for sign in (1.0, -1.0)
            )
            numeric = (f_plus - f_minus) / (2 * h)
            auto = float(grad.reshape(-1)[flat])
            floor = FLOOR * max(1.0, abs(f0))
            scale = max(abs(numeric), abs(auto), floor)
            rel = abs(numeric - auto) / scale if math.isfinite(numeric) else math.inf
            kink = _straddled(signs_plus, signs_minus)
            entries.append(EntryCheck(_unravel(flat, shape), numeric, auto, rel, h, kink))
    name = plan.names[slot]
    return ParamCheck(name, tuple(entries), x.numel(), _explain(plan, name, entries))


def _shifted(
    plan: Plan, base: list[torch.Tensor | None], slot: int, flat: int, h: float
) -> tuple[float, dict[str, torch.Tensor]]:
    """The summed output with one entry of one leaf moved by ``h``, and the sign of every kink
    op's input on that run (to see whether the two runs lie on different sides of a kink)."""
    slots = list(base)
    moved = base[slot].clone()  # type: ignore[union-attr]
    moved.view(-1)[flat] += h
    slots[slot] = moved
    out = plan.forward(slots)
    assert out is not None
    signs = {
        plan.names[step.slot]: torch.sign(slots[step.args[0]])  # type: ignore[arg-type]
        for step in plan.steps
        if plan.ops[step.slot] in KINKS
    }
    return float(out.sum()), signs


def _straddled(plus: dict[str, torch.Tensor], minus: dict[str, torch.Tensor]) -> str | None:
    """The first kink node whose input is 0, or changes sign, between the two shifted runs."""
    for name, a in plus.items():
        b = minus[name]
        if bool(((a != b) | (a == 0) | (b == 0)).any()):
            return name
    return None


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        index.append(flat % size)
        flat //= size
    return tuple(reversed(index))


def _explain(plan: Plan, name: str, entries: list[EntryCheck]) -> str:
    """Why the entries that disagree do, when a kink accounts for them; '' when all agree."""
    bad = [e for e in entries if not e.ok]
    if not bad:
        return ""
    kinked = [e for e in bad if e.kink is not None]
    if not kinked:
        return (
            f"{len(bad)} of {len(entries)} entries of '{name}' disagree beyond the tolerance "
            f"{TOLERANCE:g} and no kink explains it"
        )
    node = kinked[0].kink
    op = plan.ops[plan.slot_of[node]]  # type: ignore[index]
    where = "" if len(kinked) == 1 else f" ({len(kinked)} entries)"
    slopes, average = KINKS[op]
    text = (
        f"a kink{where}: the input of '{node}' ({op}) is at 0, or the steps ±h cross 0 there. "
        f"The finite difference averages the slopes on both sides ({slopes}; {average} exactly "
        f"at 0), while torch's convention gives {op} the slope 0 at 0 and the slope of its own "
        "side elsewhere. Neither is wrong: the function has no derivative at that point."
    )
    if len(kinked) < len(bad):
        text += f" {len(bad) - len(kinked)} other entries disagree with no kink to explain them."
    return text
