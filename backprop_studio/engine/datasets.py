"""Toy datasets generated with torch from a seed: the same rows on every machine, every run.

Each generator returns ``(x, y)``: float64 features of shape (n, features) and targets of shape
(n, 1) — a number for regression, a class index 0..C−1 for classification (cross-entropy reads
them as indices, binary cross-entropy as 0/1 targets). The catalogue (names, defaults, shapes)
lives in ``model/recipes.py`` so the editor can list datasets without importing torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import torch

from ..model.recipes import DATASETS, dataset_params

Pair = tuple[torch.Tensor, torch.Tensor]
F64 = torch.float64


def _noise(gen: torch.Generator, shape: tuple[int, ...], noise: float) -> torch.Tensor:
    return torch.randn(shape, generator=gen, dtype=F64) * noise


def _shuffled(x: torch.Tensor, y: torch.Tensor, gen: torch.Generator) -> Pair:
    order = torch.randperm(len(x), generator=gen)
    return x[order], y[order]


def linear(n: int, noise: float, gen: torch.Generator) -> Pair:
    """y = 2x − 1 + noise·ε, x uniform in [−1, 1]."""
    x = torch.rand((n, 1), generator=gen, dtype=F64) * 2 - 1
    return x, 2 * x - 1 + _noise(gen, (n, 1), noise)


def xor(n: int, noise: float, gen: torch.Generator) -> Pair:
    """The corners (0,0), (0,1), (1,0), (1,1) in turn, label x₀ XOR x₁; n=4 is the truth table."""
    corners = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=F64)
    labels = torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=F64)
    index = torch.arange(n) % 4
    return corners[index] + _noise(gen, (n, 2), noise), labels[index].unsqueeze(1)


def moons(n: int, noise: float, gen: torch.Generator) -> Pair:
    """Two interleaving half circles (as scikit-learn's make_moons), shuffled."""
    n_out = n // 2
    t_out = torch.linspace(0, math.pi, n_out, dtype=F64)
    t_in = torch.linspace(0, math.pi, n - n_out, dtype=F64)
    outer = torch.stack([torch.cos(t_out), torch.sin(t_out)], 1)
    inner = torch.stack([1 - torch.cos(t_in), 0.5 - torch.sin(t_in)], 1)
    x = torch.cat([outer, inner]) + _noise(gen, (n, 2), noise)
    y = torch.cat([torch.zeros(n_out, dtype=F64), torch.ones(n - n_out, dtype=F64)])
    return _shuffled(x, y.unsqueeze(1), gen)


def circles(n: int, noise: float, gen: torch.Generator) -> Pair:
    """A circle of radius 0.5 (class 1) inside one of radius 1 (class 0), shuffled."""
    n_out = n // 2
    t_out = torch.arange(n_out, dtype=F64) * (2 * math.pi / max(n_out, 1))
    t_in = torch.arange(n - n_out, dtype=F64) * (2 * math.pi / max(n - n_out, 1))
    outer = torch.stack([torch.cos(t_out), torch.sin(t_out)], 1)
    inner = 0.5 * torch.stack([torch.cos(t_in), torch.sin(t_in)], 1)
    x = torch.cat([outer, inner]) + _noise(gen, (n, 2), noise)
    y = torch.cat([torch.zeros(n_out, dtype=F64), torch.ones(n - n_out, dtype=F64)])
    return _shuffled(x, y.unsqueeze(1), gen)


def spiral(n: int, noise: float, gen: torch.Generator, classes: int = 2) -> Pair:
    """One arm per class, turning 1.5 times from the centre, shuffled."""
    xs, ys = [], []
    for k in range(classes):
        count = n // classes + (1 if k < n % classes else 0)
        r = torch.linspace(0.05, 1.0, count, dtype=F64)
        t = r * 3 * math.pi + 2 * math.pi * k / classes
        xs.append(torch.stack([r * torch.cos(t), r * torch.sin(t)], 1))
        ys.append(torch.full((count,), float(k), dtype=F64))
    x = torch.cat(xs) + _noise(gen, (n, 2), noise)
    return _shuffled(x, torch.cat(ys).unsqueeze(1), gen)


GENERATORS: dict[str, Callable[..., Pair]] = {
    "linear": linear,
    "xor": xor,
    "moons": moons,
    "circles": circles,
    "spiral": spiral,
}
assert set(GENERATORS) == set(DATASETS)


def generate(
    name: str, n: int | None = None, noise: float | None = None, seed: int = 0, **extra: int
) -> Pair:
    """``(x, y)`` of a built-in dataset (defaults from the catalogue); same seed, same rows."""
    if name not in GENERATORS:
        raise ValueError(f"unknown dataset '{name}' (choose {', '.join(GENERATORS)})")
    info = DATASETS[name]
    gen = torch.Generator().manual_seed(seed)
    kwargs = {"classes": extra.get("classes", info.classes)} if info.takes_classes else {}
    return GENERATORS[name](
        info.n if n is None else n, info.noise if noise is None else noise, gen, **kwargs
    )


def generate_from_attrs(attrs: Mapping[str, object]) -> Pair:
    """The dataset a data leaf is bound to (``{"dataset": "moons", "n": 200, …}``)."""
    params = dataset_params(attrs)
    return generate(str(attrs["dataset"]), **params)
