"""Initialisers from ``torch.nn.init`` with a seeded generator: a recipe gives the same numbers always.

Values are made in float64 on the CPU, whatever the training dtype and device, so a document means
the same numbers everywhere; the plan converts them. Fans follow the studio's convention ``x @ W``:
a weight of shape (inputs, outputs) has fan-in = inputs (``torch.nn.Linear`` stores the transpose),
so Kaiming is asked for ``mode="fan_out"``, which reads torch's fan-out axis, our inputs.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from ..model.recipes import INITS


def initialise(attrs: Mapping[str, object]) -> torch.Tensor:
    """A new float64 tensor for ``{"init": …, "shape": …, "seed": …, "scale": …}``."""
    kind = INITS[str(attrs["init"])]
    shape: tuple[int, ...] = tuple(attrs["shape"])  # type: ignore[arg-type]
    scale = float(attrs.get("scale", 1.0))  # type: ignore[arg-type]
    gen = torch.Generator().manual_seed(int(attrs.get("seed", 0)))  # type: ignore[call-overload]
    t = torch.empty(shape, dtype=torch.float64)
    init = torch.nn.init
    if kind == "zeros":
        return t.zero_()
    if kind == "ones":
        return t.fill_(1.0)
    if kind == "constant":
        return t.fill_(scale)
    if kind == "normal":
        return init.normal_(t, 0.0, scale, generator=gen)
    if kind == "uniform":
        return init.uniform_(t, -scale, scale, generator=gen)
    if kind == "xavier_uniform":
        return init.xavier_uniform_(t, gain=scale, generator=gen)
    if kind == "xavier_normal":
        return init.xavier_normal_(t, gain=scale, generator=gen)
    if kind == "kaiming_uniform":
        return init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu", generator=gen) * scale
    if kind == "kaiming_normal":
        return init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu", generator=gen) * scale
    raise ValueError(f"unknown initialiser '{kind}'")
