"""A plan's forward pass as one generated Python function: the training step's inner loop.

``Plan.forward`` walks its steps and, per step, builds an argument list from the slots and
stores the result back: cheap, yet on a graph of a few scalar ops that bookkeeping is a visible
share of a step. Training runs the same steps thousands of times, so it compiles them once into
straight-line code (``v4 = f4(s[0], v3)`` …) that keeps intermediate tensors in local variables
and returns the output; the functions are the plan's own, so the values are the same tensors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from .compile import Plan, Step

Forward = Callable[[list[torch.Tensor | None]], torch.Tensor]


def forward_function(plan: Plan, steps: Sequence[Step]) -> Forward:
    """``slots`` (the leaves' tensors, other slots unused) → the output tensor of ``plan``."""
    assert plan.output_slot is not None
    computed = {step.slot for step in steps}
    namespace: dict[str, object] = {}
    lines = ["def forward(s):"]
    for step in steps:
        namespace[f"f{step.slot}"] = step.fn
        args = ", ".join(f"v{a}" if a in computed else f"s[{a}]" for a in step.args)
        lines.append(f"    v{step.slot} = f{step.slot}({args})")
    out = plan.output_slot
    lines.append(f"    return v{out}" if out in computed else f"    return s[{out}]")
    exec(compile("\n".join(lines), "<plan forward>", "exec"), namespace)  # noqa: S102
    return namespace["forward"]  # type: ignore[return-value]
