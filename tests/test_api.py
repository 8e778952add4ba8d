"""The Python API as the README shows it: only names imported from ``backprop_studio``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import backprop_studio
from backprop_studio import (
    DocumentData,
    DocumentError,
    Edge,
    Graph,
    GraphError,
    Node,
    ProgramError,
    Trace,
    evaluate,
    graph_svg,
    load_document,
    load_graph,
    ops,
    parse_program,
    save_document,
)

SEED = Path(backprop_studio.__file__).resolve().parents[1] / "resources" / "examples" / "seed.json"


def seed_story() -> Graph:
    """x = 1, y = 2, w = 1 (a parameter), y_hat = w * x, loss = (y_hat - y) ** 2, in code."""
    graph = Graph()
    graph.add_node(Node("x", "data", value=1.0))
    graph.add_node(Node("y", "data", value=2.0))
    graph.add_node(Node("w", "param", value=1.0))
    graph.add_node(Node("y_hat", "mul"))
    graph.connect("w", "y_hat", ops["mul"].inputs[0])
    graph.connect("x", "y_hat", ops["mul"].inputs[1])
    graph.add_node(Node("diff", "sub"))
    graph.connect("y_hat", "diff", "a")
    graph.connect("y", "diff", "b")
    graph.add_node(Node("loss", "power", attrs={"exponent": 2}))
    graph.connect("diff", "loss", "a")
    return graph


def in_torch() -> tuple[torch.Tensor, torch.Tensor]:
    """The same computation written directly in torch: (loss, dloss/dw)."""
    x = torch.tensor(1.0, dtype=torch.float64)
    y = torch.tensor(2.0, dtype=torch.float64)
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    loss = (w * x - y) ** 2
    loss.backward()
    return loss.detach(), w.grad


def test_the_seed_story_built_in_code_matches_torch():
    trace = evaluate(seed_story())
    loss, grad_w = in_torch()
    assert trace.ok
    assert trace.output == "loss"
    assert trace.value("loss") == 1.0 == loss.item()
    assert trace.grad("w") == -2.0 == grad_w.item()
    assert torch.equal(trace.tensor("loss"), loss)
    assert torch.equal(trace.grad_tensor("w"), grad_w)
    assert trace.tensor("loss").dtype == torch.float64
    assert trace.grad_tensor("x") is None  # data gets no gradient
    assert isinstance(trace, Trace)
    assert Edge("w", "y_hat", "a") in trace.edges


def test_tensors_keep_their_shape_and_the_run_dtype():
    graph = parse_program("W = param([[1.0, 2.0], [3.0, 4.0]])\nloss = sum(W * W)")
    trace = evaluate(graph, dtype="float32")
    assert trace.tensor("W").shape == (2, 2)
    assert trace.tensor("W").dtype == torch.float32
    assert torch.equal(trace.grad_tensor("W"), torch.tensor([[2.0, 4.0], [6.0, 8.0]]))
    with pytest.raises(KeyError, match="nope"):
        trace.tensor("nope")


def test_ops_lists_every_op_with_its_ports():
    assert ops["mul"].inputs == ("a", "b")
    assert ops["mse"].inputs == ("pred", "target")
    assert ops["sum"].attr_names == ("axis", "keepdim")
    assert "power" in ops and len(ops) == len(list(ops))
    listing = repr(ops)
    assert "mul(a, b)" in listing and "cross_entropy(logits, target)" in listing
    with pytest.raises(KeyError, match="relu2"):
        ops["relu2"]


def test_a_wrong_port_is_refused_with_the_ports_there_are():
    graph = seed_story()
    graph.add_node(Node("t", "tanh"))
    with pytest.raises(GraphError, match=r"its inputs: a"):
        graph.connect("loss", "t", "x")


def test_evaluate_takes_what_load_document_returns(tmp_path):
    data = load_document(SEED)
    assert isinstance(data, DocumentData)
    trace = evaluate(data)
    assert trace.value("loss") == 1.0 and trace.grad("w") == -2.0
    assert trace.dtype == data.settings["dtype"]
    assert evaluate(load_graph(SEED)).value("loss") == 1.0
    path = tmp_path / "story.json"
    save_document(path, seed_story())
    assert evaluate(load_graph(path)).grad("w") == -2.0


def test_evaluate_refuses_anything_else_clearly():
    with pytest.raises(TypeError, match=r"load_graph\(path\)"):
        evaluate(str(SEED))
    with pytest.raises(TypeError, match="not int"):
        evaluate(3)
    with pytest.raises(ValueError, match="float16"):
        evaluate(seed_story(), dtype="float16")


def test_errors_are_top_level_names():
    with pytest.raises(ProgramError, match="line 1"):
        parse_program("x = relu2(1)")
    with pytest.raises(DocumentError):
        load_graph(SEED.with_name("missing.json"))


def test_public_names_have_docstrings():
    for name in backprop_studio.__all__:
        if name == "__version__":
            continue
        thing = getattr(backprop_studio, name)
        doc = (type(thing) if name == "ops" else thing).__doc__
        assert doc and doc.strip(), name
    for method in (
        Graph.add_node,
        Graph.connect,
        Graph.node,
        Trace.value,
        Trace.grad,
        Trace.tensor,
        Trace.grad_tensor,
    ):
        assert method.__doc__, method.__qualname__
    assert "DocumentData" in load_document.__doc__


def test_a_graph_reads_like_its_program():
    text = repr(seed_story())
    assert text.splitlines()[0] == "Graph(6 nodes, 5 edges, output 'loss')"
    assert "  y_hat = mul(a=w, b=x)" in text
    assert "  loss = power(a=diff, exponent=2.0)" in text
    assert "  w = param(1)" in text
    big = parse_program("\n".join(f"v{i} = {i}.0" for i in range(20)))
    assert "… and 8 more" in repr(big)


def test_a_trace_reads_as_a_table():
    text = repr(evaluate(seed_story()))
    lines = text.splitlines()
    assert lines[0] == "Trace of 'loss' = 1: 6 nodes, 5 edges"
    assert re.search(r"^  w\s+1\s+-2$", text, re.M)
    assert re.search(r"^  x\s+1\s+—$", text, re.M)
    broken = evaluate(parse_program("x = data(-1.0)\nloss = log(x)"))
    assert not broken.ok
    assert "error: 'loss' (log) has a non-finite value" in repr(broken)


def test_a_notebook_draws_the_graph_with_its_values():
    trace = evaluate(seed_story())
    svg = trace._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    texts = set(re.findall(r">([^<>]+)</text>", svg))
    for name in ("x", "y", "w", "y_hat", "diff", "loss"):
        assert name in texts, name
    assert any("-2" in t for t in texts)  # dloss/dw is written on the picture
    html = trace._repr_html_()
    assert html.startswith("<div><svg") and html.endswith("</div>")
    drawn = seed_story()._repr_svg_()  # a graph evaluates itself to show numbers
    assert "y_hat" in drawn and any("-2" in t for t in re.findall(r">([^<>]+)</text>", drawn))
    assert seed_story()._repr_html_().startswith("<div><svg")
    assert Graph()._repr_svg_() is None  # nothing to draw: the notebook shows the repr
    assert graph_svg(seed_story(), trace) is not None


def test_importing_the_package_loads_neither_torch_nor_qt():
    code = (
        "import sys, backprop_studio as b; b.Graph; b.parse_program; b.ops; b.Trace; "
        "b.load_graph; b.ProgramError; b.DocumentError; assert 'Trainer' in dir(b); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'PySide6'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_drawing_makes_an_offscreen_app_when_the_process_has_none(tmp_path):
    """A plain script or notebook kernel with no QApplication still gets its picture."""
    code = (
        "import os; os.environ.pop('QT_QPA_PLATFORM', None); os.environ.pop('DISPLAY', None)\n"
        "from backprop_studio import parse_program\n"
        "svg = parse_program('w = 1.0\\nloss = w * w')._repr_svg_()\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "print('loss' in svg, QGuiApplication.platformName())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.split() == ["True", "offscreen"]


def test_drawing_uses_the_app_already_running_and_leaves_the_graph_as_it_was(qapp):
    from PySide6.QtWidgets import QApplication

    graph = seed_story()
    before = graph.structure()
    assert "loss" in graph_svg(graph)
    assert QApplication.instance() is qapp
    assert graph.structure() == before  # laid out for the picture on a copy
    assert all(node.position == (0.0, 0.0) for node in graph)


def test_a_notebook_cell_draws_once_until_the_graph_changes(monkeypatch):
    from backprop_studio import api

    drawn = []
    real = api.graph_svg
    monkeypatch.setattr(api, "graph_svg", lambda *a: drawn.append(a) or real(*a))
    trace = evaluate(seed_story())
    trace._repr_svg_(), trace._repr_html_()
    assert len(drawn) == 1
    graph = seed_story()
    first = graph._repr_svg_()
    assert graph._repr_html_() == f"<div>{first[first.find('<svg') :]}</div>"
    graph.set_value("w", 3.0)
    assert graph._repr_svg_() != first  # the new numbers, drawn anew
