"""A trained graph applied to new inputs: the fit of a regression, a classifier's decision surface.

The features leaf is swapped for other rows (a line of x values, a grid over the plane) and only
the nodes the asked-for node depends on are run, without gradients, so the loss — whose targets
keep the dataset's row count — is never computed. Results come back on the CPU as float64.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from ..model.shapes import Value
from .training import Trainer


def evaluate_on(
    trainer: Trainer, feed: Mapping[str, Value | torch.Tensor], node: str
) -> torch.Tensor:
    """The value of ``node`` at the trainer's current parameters, with the leaves in ``feed``
    (name → rows) in place of their data; KeyError for a name the plan does not know."""
    plan = trainer.plan
    for name in (*feed, node):
        if name not in plan.slot_of:
            raise KeyError(f"there is no evaluable node named '{name}'")
    slots = list(trainer.slots)
    for name, value in feed.items():
        ref = slots[plan.slot_of[name]]
        assert ref is not None
        slots[plan.slot_of[name]] = torch.as_tensor(value, dtype=ref.dtype, device=ref.device)
    with torch.no_grad():
        plan.forward(slots, plan.steps_for(node))
    out = slots[plan.slot_of[node]]
    assert out is not None
    return out.detach().to(device="cpu", dtype=torch.float64)


def grid(
    bounds: tuple[float, float, float, float], resolution: int = 60
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(xs, ys, points)`` for ``bounds = (x_min, x_max, y_min, y_max)``: ``points`` holds the
    resolution² (x, y) rows, row-major over ``ys`` then ``xs`` (reshape to (res, res, …))."""
    x_min, x_max, y_min, y_max = bounds
    xs = torch.linspace(x_min, x_max, resolution, dtype=torch.float64)
    ys = torch.linspace(y_min, y_max, resolution, dtype=torch.float64)
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    return xs, ys, torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)


def decision_surface(
    trainer: Trainer,
    features: str,
    node: str,
    bounds: tuple[float, float, float, float],
    resolution: int = 60,
) -> torch.Tensor:
    """``node`` (e.g. the logits) over a grid of 2-D feature points: shape (res, res, k), row
    ``i`` at ``ys[i]``, column ``j`` at ``xs[j]`` of :func:`grid`. For two classes with
    cross-entropy, ``softmax(surface, -1)[..., 1]`` is the probability of class 1; for one
    logit (binary cross-entropy), ``sigmoid(surface[..., 0])``."""
    _, _, points = grid(bounds, resolution)
    values = evaluate_on(trainer, {features: points}, node)
    return values.reshape(resolution, resolution, -1)
