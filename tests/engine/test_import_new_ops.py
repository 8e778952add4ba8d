"""Importing code that uses the ops real models use: tan, identity, bce, leaky_relu, gelu, …

These ops join the catalogue apart from the importer; until all of them are there, this module
is skipped (the importer refuses each one missing, as test_import checks).
"""

from __future__ import annotations

import pytest

from backprop_studio.model.ops import OPS

NEW_OPS = ("tan", "identity", "bce", "leaky_relu", "gelu", "softplus", "elu", "clamp", "log1p")
NEW_OPS += ("maximum", "minimum", "max", "min", "square")
MISSING = [name for name in NEW_OPS if name not in OPS]
if MISSING:
    pytest.skip(f"not in the catalogue yet: {', '.join(MISSING)}", allow_module_level=True)

from backprop_studio.engine.importer import import_pytorch  # noqa: E402
from tests.engine.test_import import check_same, write  # noqa: E402

ACTIVATIONS = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Activations(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.w = nn.Parameter(torch.randn(3, 4, dtype=torch.float64))
        self.same = nn.Identity()
        self.leaky = nn.LeakyReLU(0.2)

    def forward(self, x, y):
        z = self.same(x @ self.w)
        a = F.gelu(z) + F.softplus(z) + F.elu(z) + self.leaky(z) + F.leaky_relu(z, 0.05)
        b = torch.tan(torch.clamp(z, min=-1.0, max=1.0)) + torch.log1p(torch.square(z))
        c = torch.maximum(a, b) - torch.minimum(a, b)
        m = torch.max(c, dim=1).values + c.min(dim=1, keepdim=True)[0].squeeze(1)
        p = torch.sigmoid(m)
        return F.binary_cross_entropy(p, y) + c.amax(dim=0).sum()


def example_inputs():
    torch.manual_seed(1)
    return torch.randn(5, 3, dtype=torch.float64), torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0], dtype=torch.float64)
"""


def test_every_new_op_imports_and_gives_torch_numbers(tmp_path):
    path = write(tmp_path, ACTIVATIONS)
    check_same(path, "Activations")
    graph = import_pytorch(path, "Activations").graph
    assert set(NEW_OPS) <= {node.op for node in graph}
    leaky = [n for n in graph if n.op == "leaky_relu"]
    assert sorted(n.attrs["slope"] for n in leaky) == [0.05, 0.2]
