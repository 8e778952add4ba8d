"""Graphs the benchmarks share: the seed story and a 2→16→1 tanh MLP on a batch of 64."""

from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout, for tests.builders
from backprop_studio.model.graph import Graph  # noqa: E402
from tests.builders import build as _graph  # noqa: E402
from tests.builders import seed_graph as seed  # noqa: E402, F401  (re-exported)


def mlp(batch: int = 64, hidden: int = 16) -> Graph:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(batch, 2, generator=gen)
    y = (x[:, :1] * x[:, 1:]).tanh()
    return _graph(
        {
            "x": ("data", x.tolist()),
            "y": ("data", y.tolist()),
            "W1": ("param", (torch.randn(2, hidden, generator=gen) * 0.5).tolist()),
            "b1": ("param", torch.zeros(hidden).tolist()),
            "W2": ("param", (torch.randn(hidden, 1, generator=gen) * 0.5).tolist()),
            "b2": ("param", [0.0]),
        },
        [
            ("xW1", "matmul", ["x", "W1"]),
            ("z1", "add", ["xW1", "b1"]),
            ("h", "tanh", ["z1"]),
            ("hW2", "matmul", ["h", "W2"]),
            ("pred", "add", ["hW2", "b2"]),
            ("loss", "mse", ["pred", "y"]),
        ],
    )
