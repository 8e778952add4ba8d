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


Transform = tuple[tuple[float, ...], tuple[float, ...]]  # per feature column: (mean, std)


def to_raw(x: torch.Tensor, transform: Transform | None) -> torch.Tensor:
    """Features in the file's own units: standardised rows times std plus mean (or as they are)."""
    if transform is None:
        return x
    mean, std = (torch.as_tensor(t, dtype=x.dtype, device=x.device) for t in transform)
    return x * std + mean


def surface_on_axes(
    trainer: Trainer,
    features: str,
    node: str,
    bounds: tuple[float, float, float, float],
    axes: tuple[int, int] = (0, 1),
    held: torch.Tensor | None = None,
    transform: Transform | None = None,
    resolution: int = 60,
    follow: bool = False,
) -> torch.Tensor:
    """``node`` over a grid of two chosen feature columns, like :func:`decision_surface` but for
    any number of features and in the file's units: ``bounds`` are raw values of columns
    ``axes``; every other column is held at ``held`` (raw; default the raw mean of the rows),
    or with ``follow`` takes the value the rows' least-squares fit on the two gives it there
    (``following``), and each grid point gets the leaf's standardisation before the graph sees
    it, as the training rows did. Shape (res, res, k)."""
    plan = trainer.plan
    x = trainer.slots[plan.slot_of[features]]
    assert x is not None
    raw = to_raw(x.detach().to("cpu", torch.float64), transform)
    if raw.dim() != 2 or not all(0 <= a < raw.shape[1] for a in axes) or axes[0] == axes[1]:
        raise ValueError(f"choose two different feature columns of {features} to plot")
    _, _, points = grid(bounds, resolution)
    if follow:
        rows = following(raw, axes, points)
    else:
        centre = raw.mean(dim=0) if held is None else torch.as_tensor(held, dtype=torch.float64)
        rows = centre.repeat(len(points), 1)
    rows[:, axes[0]], rows[:, axes[1]] = points[:, 0], points[:, 1]
    if transform is not None:
        mean, std = (torch.as_tensor(t, dtype=torch.float64) for t in transform)
        rows = (rows - mean) / std
    return evaluate_on(trainer, {features: rows}, node).reshape(resolution, resolution, -1)


def following(raw: torch.Tensor, axes: tuple[int, int], points: torch.Tensor) -> torch.Tensor:
    """Rows for ``points`` (n, 2) of columns ``axes`` whose other columns are what a linear
    least-squares fit of them on the two (and a constant) over ``raw``'s rows says there.

    Correlated features do not sit at their mean: iris flowers with short petals have wide
    sepals. Held at the mean, a softmax model that tells the rows apart 98% of the time agreed
    with itself on 63% of them over the petals' plane; with the sepals following the petals,
    on 97%.
    """
    design = torch.cat([raw[:, list(axes)], torch.ones(len(raw), 1, dtype=raw.dtype)], dim=1)
    coefficients = torch.linalg.lstsq(design, raw).solution  # (3, columns)
    at = torch.cat([points.to(raw.dtype), torch.ones(len(points), 1, dtype=raw.dtype)], dim=1)
    # within the values the rows have: a grid's corner far from every row is no licence for a
    # negative petal width
    return torch.clamp(at @ coefficients, raw.min(dim=0).values, raw.max(dim=0).values)
