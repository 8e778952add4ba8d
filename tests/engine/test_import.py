"""Import PyTorch: each module or function, imported, gives its own torch forward and backward."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest
import torch

from backprop_studio import evaluate
from backprop_studio.engine.importer import ImportRefused, import_pytorch

MLP = '''
import random

import torch
import torch.nn as nn


class Neuron(nn.Module):
    """micrograd's Neuron: scalar weights, a Python sum, tanh unless linear."""

    def __init__(self, nin, nonlin=True):
        super().__init__()
        self.w = nn.ParameterList(
            [nn.Parameter(torch.tensor(random.uniform(-1, 1), dtype=torch.float64)) for _ in range(nin)]
        )
        self.b = nn.Parameter(torch.tensor(0.0, dtype=torch.float64))
        self.nonlin = nonlin

    def forward(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh() if self.nonlin else act


class Layer(nn.Module):
    def __init__(self, nin, nout, **kwargs):
        super().__init__()
        self.neurons = nn.ModuleList([Neuron(nin, **kwargs) for _ in range(nout)])

    def forward(self, x):
        return [n(x) for n in self.neurons]


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        random.seed(0)
        sizes = [3, 4, 4, 1]
        self.layers = nn.ModuleList(
            [Layer(sizes[i], sizes[i + 1], nonlin=i != len(sizes) - 2) for i in range(3)]
        )

    def forward(self, x0, x1, x2, y):
        x = [x0, x1, x2]
        for layer in self.layers:
            x = layer(x)
        return (x[0] - y) ** 2


def example_inputs():
    return tuple(torch.tensor(v, dtype=torch.float64) for v in (2.0, 3.0, -1.0, 1.0))
'''

SEQUENTIAL = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.fc1 = nn.Linear(3, 4, dtype=torch.float64)
        self.net = nn.Sequential(nn.ReLU(), nn.Linear(4, 2, dtype=torch.float64))

    def forward(self, x, t):
        z = self.net(self.fc1(x))
        return F.cross_entropy(z, t)


def example_inputs():
    torch.manual_seed(1)
    return torch.randn(5, 3, dtype=torch.float64), torch.tensor([0, 1, 1, 0, 1])
"""

FUNCTIONS = """
import torch


def seed(x, y, w):
    y_hat = w * x
    loss = (y_hat - y) ** 2
    return loss


def fan_out(x, w):
    a = torch.tanh(x * w)
    b = x.sigmoid() * x.T.sum() @ w
    return (a + b).mean() + x.sum()


def example_inputs():
    return (
        torch.tensor(1.0, dtype=torch.float64),
        torch.tensor(2.0, dtype=torch.float64),
        torch.tensor(1.0, dtype=torch.float64, requires_grad=True),
    )
"""

FAN = """
import torch


def fan_out(x, w):
    a = torch.tanh(x @ w)
    b = torch.sigmoid(x) * x.T.sum(dim=0) / 3.0
    return (a.sum() + b.mean() + (x ** 2).sum()) * w.sum()


def example_inputs():
    torch.manual_seed(2)
    return (
        torch.randn(3, 3, dtype=torch.float64, requires_grad=True),
        torch.randn(3, 2, dtype=torch.float64, requires_grad=True),
    )
"""


def write(tmp_path: Path, source: str, name: str = "model.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def run_in_torch(path: Path, name: str) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The code's own forward and backward, with none of the studio involved."""
    spec = importlib.util.spec_from_file_location("reference_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = getattr(module, name)
    inputs = module.example_inputs()
    if isinstance(root, type):
        root = root()
        out = root(*inputs)
        out.backward()
        grads = {q.replace(".", "_"): p.grad for q, p in root.named_parameters()}
    else:
        out = root(*inputs)
        out.backward()
        args = root.__code__.co_varnames[: root.__code__.co_argcount]
        grads = {a: t.grad for a, t in zip(args, inputs) if t.requires_grad}
    return out.detach(), grads


def check_same(path: Path, name: str) -> None:
    imported = import_pytorch(path, name)
    trace = evaluate(imported.graph)
    assert trace.ok, trace.problems or trace.error
    out, grads = run_in_torch(path, name)
    assert grads
    torch.testing.assert_close(trace.tensor(imported.graph.output), out, rtol=0, atol=1e-9)
    for param, grad in grads.items():
        assert imported.graph.node(param).op == "param"
        torch.testing.assert_close(trace.grad_tensor(param), grad, rtol=0, atol=1e-9)
    assert {n.name for n in imported.graph if n.op == "param"} == set(grads)


def test_a_micrograd_style_mlp_gives_its_own_loss_and_gradients(tmp_path):
    check_same(write(tmp_path, MLP), "MLP")


def test_a_sequential_with_relu_and_cross_entropy_maps_linear_to_blocks(tmp_path):
    path = write(tmp_path, SEQUENTIAL)
    check_same(path, "TwoLayer")
    graph = import_pytorch(path, "TwoLayer").graph
    assert graph.blocks.names == ["Linear 1", "Linear 2"]
    assert all(block.collapsed for block in graph.blocks)  # each layer opens as one card
    first = graph.blocks.block("Linear 1").members
    assert set(first) == {"fc1_weight", "transpose_1", "matmul_1", "fc1_bias", "add_1"}
    assert graph.node("fc1_weight").op == "param"
    assert len(graph.node("fc1_weight").value) == 4  # (out, in), as the module holds it
    assert graph.node("t").op == "data" and graph.node("x").op == "data"
    assert graph.node("z").op == "add"  # the line's variable names the node
    assert graph.node(graph.output).op == "cross_entropy"


def test_the_seed_story_as_a_function(tmp_path):
    path = write(tmp_path, FUNCTIONS)
    check_same(path, "seed")
    imported = import_pytorch(path, "seed")
    graph = imported.graph
    assert [(n.name, n.op) for n in graph] == [
        ("x", "data"),
        ("y", "data"),
        ("w", "param"),
        ("y_hat", "mul"),
        ("sub_1", "sub"),
        ("loss", "power"),
    ]
    trace = evaluate(graph)
    assert trace.value("loss") == 1.0 and trace.grad("w") == -2.0
    assert imported.settings["dtype"] == "float64"
    assert len({n.position for n in graph}) == len(graph)  # laid out


def test_a_function_with_fan_out(tmp_path):
    path = write(tmp_path, FAN)
    check_same(path, "fan_out")
    graph = import_pytorch(path, "fan_out").graph
    assert len(graph.edges_from("x")) >= 3


def test_float32_code_imports_as_a_float32_document(tmp_path):
    source = FUNCTIONS.replace("dtype=torch.float64", "dtype=torch.float32")
    assert import_pytorch(write(tmp_path, source), "seed").settings["dtype"] == "float32"


def refusal(tmp_path: Path, source: str, name: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        import_pytorch(write(tmp_path, source), name)
    return caught.value


def test_an_if_on_a_tensor_value_is_refused_with_its_line(tmp_path):
    source = """\
        import torch

        def f(x, w):
            y = x * w
            if y.sum() > 0:
                return y
            return -y

        def example_inputs():
            return torch.tensor(1.0), torch.tensor(2.0, requires_grad=True)
    """
    exc = refusal(tmp_path, source, "f")
    assert exc.problems == [(5, exc.problems[0][1])]
    assert "control flow" in str(exc) and "line 5" in str(exc)


def test_every_unsupported_call_is_listed_with_its_line_in_one_message(tmp_path):
    source = """\
        import torch

        def f(x, w):
            a = torch.erf(x * w)
            b = a.cumsum(0)
            c = b[1:]
            return c.sum()

        def example_inputs():
            return torch.ones(3), torch.ones(3, requires_grad=True)
    """
    exc = refusal(tmp_path, source, "f")
    lines = [line for line, _ in exc.problems]
    assert lines == [4, 5, 6]
    assert "line 4: torch.erf" in str(exc)
    source = source.replace("torch.erf(x * w)", "torch.exp(x * w)")
    exc = refusal(tmp_path, source, "f")
    assert [line for line, _ in exc.problems] == [5, 6]
    text = str(exc)
    assert "line 5: Tensor.cumsum" in text and "line 6: indexing" in text
    assert "\n" not in text


def test_a_module_with_an_unsupported_module_names_it(tmp_path):
    source = SEQUENTIAL.replace("nn.ReLU()", "nn.Dropout(0.5)")
    exc = refusal(tmp_path, source, "TwoLayer")
    assert "Dropout" in str(exc) and "line 15" in str(exc)


@pytest.mark.parametrize(
    ("source", "name", "says"),
    [
        (FUNCTIONS, "nothing", "has no 'nothing' (functions and modules there: seed, fan_out)"),
        ("import torch\ndef f(x):\n    return x\n", "f", "no example_inputs()"),
        ("def f(:\n", "f", "line 1: syntax error"),
        ("import torch\nraise ValueError('boom')\n", "f", "line 2: ValueError: boom"),
        (
            "import torch\ndef f(x):\n    return x, x\ndef example_inputs():\n"
            "    return (torch.ones(2),)\n",
            "f",
            "return one tensor",
        ),
    ],
)
def test_bad_files_are_refused_in_one_line(tmp_path, source, name, says):
    exc = refusal(tmp_path, source, name)
    assert says in str(exc) and "\n" not in str(exc)


def test_code_that_fails_on_its_example_inputs_names_the_line(tmp_path):
    source = """\
        import torch

        def f(x, w):
            return (x @ w).sum()

        def example_inputs():
            return torch.ones(2, 3), torch.ones(2, 2, requires_grad=True)
    """
    exc = refusal(tmp_path, source, "f")
    assert "line 4" in str(exc)


def test_ops_outside_the_function_signature_map(tmp_path):
    """Numbers become constants, ``**`` with a number a power, methods and F calls their ops."""
    source = """\
        import torch
        import torch.nn.functional as F

        def f(x, w):
            z = (x @ w).T
            p = F.softmax(z, dim=-1)
            q = torch.log_softmax(z, dim=0).mean(dim=1, keepdim=True)
            r = (2.0 - p) ** 3 / torch.sqrt(torch.exp(z))
            return F.mse_loss(r.sum(0), q.reshape(-1)[:1].squeeze(0) * 0 + 1.0) if False else (
                F.mse_loss(r.sum(dim=0), torch.ones(3)) + q.sum() + F.relu(z).abs().sum()
            )

        def example_inputs():
            torch.manual_seed(0)
            return (
                torch.randn(3, 2, dtype=torch.float64),
                torch.randn(2, 3, dtype=torch.float64, requires_grad=True),
            )
    """
    path = write(tmp_path, source)
    imported = import_pytorch(path, "f")
    ops = {n.op for n in imported.graph}
    assert {"softmax", "log_softmax", "mean", "power", "div", "sqrt", "mse", "transpose"} <= ops
    assert imported.graph.node("r").op == "div"
    check_same(path, "f")


def test_an_op_the_catalogue_lacks_is_refused_like_any_other(tmp_path, monkeypatch):
    from backprop_studio.engine.importer import mapping

    monkeypatch.delitem(mapping.OPS, "tanh")
    exc = refusal(tmp_path, FAN, "fan_out")
    assert "line 6: torch.tanh: the studio has no 'tanh' op" in str(exc)


def test_ones_and_zeros_become_recipe_leaves(tmp_path):
    source = """\
        import torch

        def f(x, w):
            return ((x * w + torch.ones(2, 3)) * torch.zeros_like(x) + x * w).sum()

        def example_inputs():
            return torch.ones(2, 3, dtype=torch.float64), torch.ones(3, dtype=torch.float64, requires_grad=True)
    """
    path = write(tmp_path, source)
    check_same(path, "f")
    graph = import_pytorch(path, "f").graph
    leaves = [n.value for n in graph if n.op == "const"]
    assert [[1.0] * 3] * 2 in leaves  # torch.ones(2, 3): numbers fx made while tracing
    zeros = [n for n in graph if n.recipe or n.op == "zeros"]
    assert len(zeros) == 1  # zeros_like: a recipe leaf, or the zeros op once there is one


def test_loss_and_activation_modules_map(tmp_path):
    source = SEQUENTIAL.replace("nn.ReLU()", "nn.Tanh(), nn.Sigmoid()").replace(
        "F.cross_entropy(z, t)", "self.loss(z, t)"
    )
    source = source.replace(
        "dtype=torch.float64))\n",
        "dtype=torch.float64))\n        self.loss = nn.CrossEntropyLoss()\n",
    )
    path = write(tmp_path, source)
    check_same(path, "TwoLayer")
    ops = [n.op for n in import_pytorch(path, "TwoLayer").graph]
    assert {"tanh", "sigmoid", "cross_entropy"} <= set(ops)


def test_a_parameter_over_the_size_limit_is_refused_before_it_is_copied(tmp_path):
    source = """\
        import torch
        import torch.nn as nn

        class Big(nn.Module):
            def __init__(self):
                super().__init__()
                self.w = nn.Parameter(torch.empty(4000, 3000))

            def forward(self, x):
                return (x @ self.w).sum()

        def example_inputs():
            return (torch.ones(1, 4000),)
    """
    exc = refusal(tmp_path, source, "Big")
    assert str(exc) == "'w' (4000×3000) has more than 10,000,000 numbers, the most a node holds"


def test_a_file_that_exits_is_refused_not_obeyed(tmp_path):
    exc = refusal(tmp_path, "import sys\nsys.exit(3)\n", "f")
    assert str(exc) == "running model.py failed: line 2: SystemExit: 3"


SUMS_ON_ONE_LINE = """
import torch


def terms(a, b, c, d):
    s = a + b + c * d * a
    t = a + b
    u = t + c
    return (s * u).sum()


def example_inputs():
    return (
        torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True),
        torch.tensor([0.5, -1.0], dtype=torch.float64),
        torch.tensor([3.0, 1.0], dtype=torch.float64, requires_grad=True),
        torch.tensor([2.0, 2.0], dtype=torch.float64),
    )
"""


def test_a_sum_of_several_terms_on_one_line_is_one_n_ary_node(tmp_path):
    path = write(tmp_path, SUMS_ON_ONE_LINE)
    check_same(path, "terms")
    graph = import_pytorch(path, "terms").graph
    s = graph.node("s")
    assert (s.op, s.attrs.get("n")) == ("add", 3)
    product = graph.inputs_of("s")["c"].src
    assert (graph.node(product).op, graph.node(product).attrs.get("n")) == ("mul", 3)
    assert graph.node("u").attrs.get("n") is None  # t was named on a line of its own: kept
    assert graph.inputs_of("u")["a"].src == "t"
