"""Export ▸ PyTorch code of every gallery example, imported again, is the same graph."""

from __future__ import annotations

import pytest

from backprop_studio import evaluate
from backprop_studio.engine.codegen import to_script
from backprop_studio.engine.importer import import_pytorch
from backprop_studio.model.attrs import attr_value
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import EXAMPLES, example_path


def shape(graph):
    """What the round trip keeps: names, ops, op attributes, leaf values, edges, output."""
    nodes = []
    for node in graph:
        attrs = {} if node.is_leaf else effective_attrs(node)
        value = node.value if node.is_leaf else None
        nodes.append((node.name, node.op, tuple(sorted(attrs.items())), repr(value)))
    return sorted(nodes), sorted(graph.edges, key=lambda e: (e.dst, e.port)), graph.output


def effective_attrs(node):
    """An op's settings as they act: ``softmax(z)`` and ``softmax(z, axis=-1)`` are one op."""
    return {a.name: attr_value(node.spec, node.attrs, a.name) for a in node.spec.attrs}


def leaf_values(graph):
    """A recipe leaf's value as the engine makes it (the script holds the numbers)."""
    from backprop_studio.engine.leaves import leaf_value

    return {
        n.name: leaf_value(n.op, n.attrs) if n.recipe and not n.trained else n.value
        for n in graph
        if n.is_leaf
    }


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_the_exported_script_imports_as_the_same_graph(tmp_path, example):
    data = load_document(example_path(example))
    path = tmp_path / f"{example}.py"
    path.write_text(to_script(data.graph, data.settings, title=example), encoding="utf-8")
    imported = import_pytorch(path)
    original = data.graph.copy()
    for name, value in leaf_values(original).items():
        original.node(name).attrs = {}
        original.node(name).value = value
    assert shape(imported.graph) == shape(original)
    assert {n.name: n.label for n in imported.graph} == {n.name: n.label for n in data.graph}
    assert imported.settings["dtype"] == data.settings["dtype"]
    before, after = evaluate(data), evaluate(imported.graph)
    assert after.ok
    for node in data.graph:
        assert after.value(node.name) == before.value(node.name)
        assert after.grad(node.name) == before.grad(node.name)


PROGRAM = """\
x = data([[1.0, 2.0], [3.0, -1.0]])
w = param([[0.5, -0.5], [1.0, 2.0]])
t = data([1.0, 0.0])
s = softmax(x @ w)
ls = log_softmax(x @ w, axis=0)
m = mean(s, axis=1, keepdim=True)
r = reshape(transpose(m - 1.0), shape=(2, 1))
u = squeeze(unsqueeze(r, dim=0), dim=0)
q = exp(u) * sqrt(abs(u)) / 2 - log(abs(u)) + sin(u) ** 3 + cos(u) ** u + relu(u) + sigmoid(-u)
p = transpose(t)
loss = sum(q) + mse(q, u) + cross_entropy(x @ w, t) + bce_logits(s, x) + sum(ls) + sum(p * 2)
"""


def test_every_op_of_the_catalogue_round_trips(tmp_path):
    from backprop_studio import parse_program
    from backprop_studio.engine.compile import TORCH_OPS

    graph = parse_program(PROGRAM)
    missing = set(TORCH_OPS) - {n.op for n in graph}
    path = tmp_path / "all.py"
    path.write_text(to_script(graph, {}), encoding="utf-8")
    back = import_pytorch(path).graph
    assert shape(back) == shape(graph)
    before, after = evaluate(graph), evaluate(back)
    assert after.value("loss") == before.value("loss") and after.grad("w") == before.grad("w")
    assert missing <= {"tanh"} | (set(TORCH_OPS) - OLD_OPS)  # tanh: in the gallery


OLD_OPS = {"add", "sub", "mul", "div", "power", "pow", "matmul", "neg", "exp", "log", "sqrt"}
OLD_OPS |= {"abs", "sin", "cos", "tanh", "sigmoid", "relu", "softmax", "log_softmax", "sum"}
OLD_OPS |= {"mean", "mse", "bce_logits", "cross_entropy", "transpose", "reshape", "unsqueeze"}
OLD_OPS |= {"squeeze"}


NEW_OPS_PROGRAMS = {
    "an n-ary add and mul": "a = param([1.0, 2.0])\nb = data([0.5, -1.0])\nc = param([3.0, 1.0])\n"
    "s = add(a, b, c)\nm = mul(a, b, c)\nloss = sum(s * m)\n",
    "activations": "a = param([0.5, -2.0])\nloss = sum(tan(a) + identity(a) + gelu(a) + softplus(a)"
    " + log1p(abs(a)) + square(a) + leaky_relu(a, slope=0.2) + elu(a, alpha=0.5)"
    " + clamp(a, min=-1.0, max=1.0))\n",
    "maximum and minimum": "a = param([0.5, -2.0])\nb = data([1.0, -3.0])\n"
    "loss = sum(maximum(a, b) + minimum(a, b))\n",
    "max and min over an axis": "a = param([[0.5, -2.0], [1.0, 3.0]])\n"
    "loss = sum(max(a, axis=1)) + sum(min(a, axis=0, keepdim=True))\n",
    "bce on probabilities": "p = param([0.2, 0.7])\nt = data([0.0, 1.0])\nloss = bce(p, t)\n",
}


@pytest.mark.parametrize("what", sorted(NEW_OPS_PROGRAMS))
def test_the_newer_ops_round_trip_through_the_script(tmp_path, what):
    from backprop_studio import parse_program

    graph = parse_program(NEW_OPS_PROGRAMS[what])
    path = tmp_path / "new.py"
    path.write_text(to_script(graph, {}), encoding="utf-8")
    back = import_pytorch(path).graph
    assert shape(back) == shape(graph)
    before, after = evaluate(graph), evaluate(back)
    assert after.value("loss") == before.value("loss")
    for leaf in (n.name for n in graph if n.op == "param"):
        assert after.grad(leaf) == before.grad(leaf)
