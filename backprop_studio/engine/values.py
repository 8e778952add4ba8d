"""Tensors back to the model's plain values (a float, or nested lists of floats).

The model stores numbers without torch, so every tensor that leaves the engine — a Trace's
values and gradients, a recipe's numbers, a trained parameter — passes through here.
"""

from __future__ import annotations

import torch

from ..model.shapes import Value


def to_plain(tensor: torch.Tensor) -> Value:
    """A detached copy as a float or nested list (safe to keep after parameters change)."""
    data = tensor.detach()
    return float(data.item()) if data.dim() == 0 else data.tolist()
