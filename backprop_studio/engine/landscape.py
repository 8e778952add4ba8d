"""The loss around the current parameters: a curve or a grid over a plane through them.

A plane is the current point ``c`` and one or two directions ``d``: the loss at coordinates
``a`` is ``L(c + a·d)`` over all rows (as ``Trainer.loss``). Its directions are two scalar
parameters themselves (then the axes read in the parameters' own values), or for tensors two
random directions normalised per filter as in Li et al. 2018, "Visualizing the Loss Landscape
of Neural Nets": each output unit's slice of a random direction is scaled to the norm of the
same slice of the weights, so that a unit of the plot means as much for a large layer as for
a small one. A filter here is a column of ``W`` in ``x @ W`` (the incoming weights of one
output unit: the last axis); parameters of one axis or none (biases) do not move, as in the
paper, unless nothing else would. A third plane goes from the current point to the run's
start and along one random direction, so that a path in many dimensions stays in sight.

The grid is evaluated in chunks with ``torch.func.vmap`` over the flat parameter vector (one
batched forward per chunk), or point by point where an op does not batch. The gradient is
the restricted function's, ``∂L/∂a`` at the current point, by autograd.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from .training import Trainer

RESOLUTION = 60
CHUNK_BYTES = 8 * 2**20  # intermediates of one vmapped chunk (measured fastest: cache-sized)
MAX_PATH = 2000  # trajectory points drawn, at most (evenly thinned)
SCALARS, RANDOM, PATH, PCA = "scalars", "random", "path", "pca"


@dataclass(frozen=True)
class Axes:
    """What the landscape is drawn over: one or two scalar parameters by name (``SCALARS``),
    two filter-normalised random directions (``RANDOM``), or the way back to the run's start
    and one random direction (``PATH``); ``seed`` draws the random directions."""

    kind: str
    names: tuple[str, ...] = ()
    seed: int = 0

    @property
    def label(self) -> str:
        if self.kind == SCALARS:
            return " and ".join(self.names)
        if self.kind == RANDOM:
            return "two random directions"
        if self.kind == PCA:
            return "the runs' two principal directions"
        return "towards the start, and across the path"


def axes_choices(names: list[str], shapes: list[tuple[int, ...]]) -> list[Axes]:
    """The planes a graph offers, the most telling first: its scalar parameters when all of
    them are scalars (each pair, or the one), then random directions."""
    scalars = [n for n, s in zip(names, shapes) if s == ()]
    choices: list[Axes] = []
    if len(scalars) == 1:
        choices.append(Axes(SCALARS, (scalars[0],)))
    pairs = [(a, b) for i, a in enumerate(scalars) for b in scalars[i + 1 :]]
    choices.extend(Axes(SCALARS, pair) for pair in pairs[:28])
    if sum(math.prod(s) for s in shapes) >= 2:
        tensors_first = len(scalars) < len(names)
        randoms = [Axes(RANDOM), Axes(PATH)]
        choices = randoms + choices if tensors_first else choices + randoms
    return choices


@dataclass
class Landscape:
    """The loss over a plane (``losses`` (res, res), row ``i`` at ``ys[i]``) or along a line
    (``ys`` None, ``losses`` (res,)), in axis coordinates: a scalar parameter's own value, or
    the multiple of a direction. ``current`` is the current point, ``gradient`` ∂L/∂(axes)
    there; ``path`` the kept iterations' points (``path_losses`` their losses for a line).
    ``message`` says why there is nothing to draw (``losses`` None)."""

    message: str = ""
    axes: Axes | None = None
    labels: tuple[str, ...] = ()
    xs: np.ndarray | None = None
    ys: np.ndarray | None = None
    losses: np.ndarray | None = None
    current: np.ndarray = field(default_factory=lambda: np.zeros(0))
    current_loss: float = math.nan
    gradient: np.ndarray = field(default_factory=lambda: np.zeros(0))
    path: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    path_losses: np.ndarray = field(default_factory=lambda: np.zeros(0))
    iterations: np.ndarray = field(default_factory=lambda: np.zeros(0))
    batched: bool = True  # the grid went through vmap (else one forward per point)
    on_plane: float = 1.0  # the share of the way from the start to here that the plane holds
    seconds: float = 0.0


@dataclass(frozen=True)
class Plane:
    """Coordinates ``a`` ↔ parameters ``centre + a @ directions`` (flat, float64); a point's
    axis value is ``offsets + a`` (a scalar parameter's value, or 0 at the centre)."""

    centre: torch.Tensor  # (n,)
    directions: torch.Tensor  # (k, n)
    offsets: np.ndarray  # (k,)
    labels: tuple[str, ...]

    def coordinates(self, rows: np.ndarray) -> np.ndarray:
        """Each row of flat parameters as axis values: its least-squares projection on the
        plane (exact for scalar axes, where the directions are unit vectors)."""
        if not len(rows):
            return np.zeros((0, len(self.offsets)))
        d = self.directions.numpy()
        rel = np.asarray(rows, dtype=np.float64) - self.centre.numpy()
        a, *_ = np.linalg.lstsq(d.T, rel.T, rcond=None)
        return a.T + self.offsets


def flat_loss(trainer: Trainer):
    """``f(flat) -> loss`` over all rows for a flat parameter vector (float64), differentiable
    and free of in-place work, so that ``torch.func.vmap`` can batch it."""
    plan, slots = trainer.plan, trainer.slots
    steps = plan.unchecked_steps()
    sizes = [p.numel() for p in trainer.params]
    shapes = [p.shape for p in trainer.params]
    dtype, device = trainer.params[0].dtype, trainer.params[0].device
    fixed = [t.detach() if t is not None else None for t in slots]

    def f(flat: torch.Tensor) -> torch.Tensor:
        leaves = list(fixed)
        parts = torch.split(flat.to(device=device, dtype=dtype), sizes)
        for slot, part, shape in zip(trainer.param_slots, parts, shapes):
            leaves[slot] = part.reshape(shape)
        out = plan.forward(leaves, steps)
        assert out is not None
        return out

    return f


def losses_at(trainer: Trainer, flats: torch.Tensor) -> tuple[torch.Tensor, bool]:
    """The loss at each row of ``flats`` (G, n): batched with vmap in chunks that keep the
    intermediates under ``CHUNK_BYTES``, else one forward per row. Returns (losses, batched)."""
    f = flat_loss(trainer)
    per_point = sum(math.prod(s) for s in trainer.plan.shapes.values()) * 8
    chunk = max(1, CHUNK_BYTES // max(per_point, 1))
    with torch.no_grad():
        try:
            batched = torch.func.vmap(f)
            parts = [batched(flats[i : i + chunk]) for i in range(0, len(flats), chunk)]
            return torch.cat(parts).to("cpu", torch.float64), True
        except (RuntimeError, ValueError, NotImplementedError, AssertionError):
            out = torch.stack([f(row) for row in flats])
            return out.detach().to("cpu", torch.float64), False


def _filter_normalised(p: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """A random direction shaped like ``p``, each output unit's slice (along the last axis)
    scaled to the norm of ``p``'s slice; zero for parameters of fewer than two axes."""
    if p.dim() < 2:
        return torch.zeros_like(p)
    d = torch.randn(p.shape, generator=generator, dtype=torch.float64)
    reduce = tuple(range(p.dim() - 1))
    scale = p.norm(dim=reduce, keepdim=True) / (d.norm(dim=reduce, keepdim=True) + 1e-10)
    return d * scale


def random_directions(
    trainer: Trainer, centre: torch.Tensor, count: int, seed: int
) -> torch.Tensor:
    """``count`` directions (count, n) normalised per filter to the parameters ``centre``
    (flat); plain random unit vectors when no parameter has two axes or the normalised ones
    would vanish (zero weights)."""
    generator = torch.Generator().manual_seed(seed)
    parts = torch.split(centre, [p.numel() for p in trainer.params])
    params = [part.reshape(p.shape) for part, p in zip(parts, trainer.params)]
    rows = []
    for _ in range(count):
        rows.append(torch.cat([_filter_normalised(p, generator).reshape(-1) for p in params]))
    d = torch.stack(rows)
    if bool((d.norm(dim=1) < 1e-12).any()):
        d = torch.randn(d.shape, generator=generator, dtype=torch.float64)
        d = d / d.norm(dim=1, keepdim=True)
    return d


def make_plane(
    trainer: Trainer,
    axes: Axes,
    start: np.ndarray | None = None,
    centre: np.ndarray | None = None,
    path: np.ndarray | None = None,
) -> Plane:
    """The plane of ``axes`` through ``centre`` (flat; the trainer's current parameters by
    default); ``start`` (flat) is where the run began and ``path`` its kept rows, for
    ``PATH``. ValueError for a name that is no scalar parameter."""
    if centre is None:
        centre = trainer.flat_params()
    centre = torch.as_tensor(np.asarray(centre, dtype=np.float64))
    n = len(centre)
    if axes.kind == SCALARS:
        offsets = _offsets(trainer)
        d = torch.zeros(len(axes.names), n, dtype=torch.float64)
        values = []
        for k, name in enumerate(axes.names):
            if name not in offsets:
                raise ValueError(f"'{name}' is not a scalar parameter of this graph")
            d[k, offsets[name]] = 1.0
            values.append(float(centre[offsets[name]]))
        return Plane(centre, d, np.array(values), axes.names)
    if axes.kind == RANDOM:
        d = random_directions(trainer, centre, 2, axes.seed)
        return Plane(centre, d, np.zeros(2), ("direction 1", "direction 2"))
    back = None if start is None else torch.as_tensor(start, dtype=torch.float64) - centre
    if back is None or float(back.norm()) < 1e-12:  # not moved yet: two random directions
        d = random_directions(trainer, centre, 2, axes.seed)
        return Plane(centre, d, np.zeros(2), ("towards the start", "direction 2"))
    other, label = _across(back, centre, path)
    if other is None:
        other, label = random_directions(trainer, centre, 1, axes.seed)[0], "random"
    other = other - (other @ back) / (back @ back) * back  # at right angles to the chord
    other = other * (back.norm() / (other.norm() + 1e-30))
    return Plane(centre, torch.stack([back, other]), np.zeros(2), ("towards the start", label))


def _across(
    back: torch.Tensor, centre: torch.Tensor, path: np.ndarray | None
) -> tuple[torch.Tensor | None, str]:
    """The direction in which the path strays furthest from the straight line between its
    start and the centre (the first principal component of what the line does not hold), so
    that the plane shows how the path bends; None for a path too straight to tell."""
    if path is None or len(path) < 3:
        return None, ""
    moved = torch.as_tensor(np.asarray(path, dtype=np.float64)) - centre
    unit = back / back.norm()
    off = moved - (moved @ unit)[:, None] * unit[None, :]
    if float(off.norm(dim=1).max()) < 1e-3 * float(back.norm()):
        return None, ""
    _, _, vt = torch.linalg.svd(off, full_matrices=False)
    return vt[0], "across the path"


def _offsets(trainer: Trainer) -> dict[str, int]:
    """Each scalar parameter's index in the flat vector."""
    out, start = {}, 0
    for name, p in zip(trainer.param_names, trainer.params):
        if p.dim() == 0:
            out[name] = start
        start += p.numel()
    return out


def _bounds(coords: np.ndarray, offset: float, scalar: bool) -> tuple[float, float]:
    """An axis's range: the current point and the whole path with room around them, at
    least ±1 around the current point (a scalar: ±1.5, and ± the path's extent, so that a
    minimum reached shows both of its sides)."""
    values = np.append(coords[np.isfinite(coords)], offset)
    lo, hi = float(values.min()), float(values.max())
    least = max(1.5, hi - lo) if scalar else 1.0
    pad = max(0.25 * (hi - lo), 0.0)
    lo, hi = min(lo - pad, offset - least), max(hi + pad, offset + least)
    return lo, hi


def landscape(
    trainer: Trainer,
    axes: Axes,
    path: np.ndarray | None = None,
    iterations: np.ndarray | None = None,
    resolution: int = RESOLUTION,
    start: np.ndarray | None = None,
    centre: np.ndarray | None = None,
    plane: Plane | None = None,
) -> Landscape:
    """The loss around ``centre`` (flat; the trainer's current parameters by default) over
    ``axes`` (or over ``plane`` as given), with ``path`` (kept iterations' flat parameters,
    oldest first; the first is the start unless ``start`` says otherwise) projected on it.
    Never raises for a graph the trainer could train: a problem comes back as ``message``."""
    began = time.perf_counter()
    rows = np.zeros((0, len(trainer.flat_params()))) if path is None else np.asarray(path)
    its = np.arange(len(rows)) if iterations is None else np.asarray(iterations)
    if len(rows) > MAX_PATH:
        keep = np.unique(np.linspace(0, len(rows) - 1, MAX_PATH).round().astype(int))
        rows, its = rows[keep], its[keep]
    if start is None and len(rows):
        start = rows[0]
    try:
        plane = plane or make_plane(trainer, axes, start, centre, rows)
    except ValueError as exc:
        return Landscape(str(exc), axes)
    coords = plane.coordinates(rows)
    on_plane = _share_on_plane(plane, rows)
    k = len(plane.offsets)
    scalar = axes.kind == SCALARS
    bounds = [_bounds(coords[:, i], plane.offsets[i], scalar) for i in range(k)]
    lines = [np.linspace(lo, hi, resolution) for lo, hi in bounds]
    if k == 1:
        grid = lines[0].reshape(-1, 1)
    else:
        yy, xx = np.meshgrid(lines[1], lines[0], indexing="ij")
        grid = np.stack([xx.reshape(-1), yy.reshape(-1)], axis=1)
    rel = torch.as_tensor(grid - plane.offsets, dtype=torch.float64)
    flats = plane.centre + rel @ plane.directions
    try:
        values, batched = losses_at(trainer, flats)
        gradient, current_loss = _gradient(trainer, plane)
    except (RuntimeError, MemoryError) as exc:
        return Landscape(f"cannot draw the landscape: {str(exc).splitlines()[0]}", axes)
    path_losses = np.zeros(0)
    if k == 1 and len(rows):
        path_losses = losses_at(trainer, torch.as_tensor(rows, dtype=torch.float64))[0].numpy()
    surface = values.numpy().reshape((resolution,) * k)
    return Landscape(
        "",
        axes,
        plane.labels,
        lines[0],
        lines[1] if k == 2 else None,
        surface,
        plane.offsets.copy(),
        current_loss,
        gradient,
        coords,
        path_losses,
        its,
        batched,
        on_plane,
        time.perf_counter() - began,
    )


def _share_on_plane(plane: Plane, rows: np.ndarray) -> float:
    """How much of the way from the first row to the centre lies in the plane (1: all of it;
    random directions in many dimensions hold almost none of a path)."""
    if not len(rows):
        return 1.0
    way = plane.centre.numpy() - np.asarray(rows[0], dtype=np.float64)
    length = float(np.linalg.norm(way))
    if length < 1e-12:
        return 1.0
    d = plane.directions.numpy()
    a, *_ = np.linalg.lstsq(d.T, way, rcond=None)
    return float(np.linalg.norm(d.T @ a)) / length


def _gradient(trainer: Trainer, plane: Plane) -> tuple[np.ndarray, float]:
    """∂L/∂a at the current point (a = 0) of L(centre + a @ directions), and L there."""
    f = flat_loss(trainer)
    a = torch.zeros(len(plane.offsets), dtype=torch.float64, requires_grad=True)
    loss = f(plane.centre + a @ plane.directions)
    (grad,) = torch.autograd.grad(loss, a)
    return grad.numpy().copy(), float(loss.detach())


def session_landscape(session, axes: Axes, resolution: int = RESOLUTION) -> Landscape:
    """The landscape at a training session's newest (finite) iteration with the path of its
    kept iterations: what the Landscape view shows while a run goes on."""
    with session.lock:
        iterations, rows = session.history.kept_params()
    return landscape(session.trainer, axes, rows, iterations, resolution, centre=rows[-1])
