"""Tensors back to the model's plain values (a float, or nested lists of floats).

The model stores numbers without torch, so every tensor that leaves the engine — a Trace's
values and gradients, a recipe's numbers, a trained parameter — passes through here.
"""

from __future__ import annotations

import torch

from ..model.shapes import Value


def to_plain(tensor: torch.Tensor) -> Value:
    """A copy as a float or nested list (safe to keep after parameters change); reading numbers
    records nothing for autograd, so no ``detach`` is needed first."""
    return float(tensor.item()) if tensor.dim() == 0 else tensor.tolist()
