"""Gradient health: the recorded norms are torch's own ``p.grad.norm()`` of the same steps, and
the warnings fire on a deep sigmoid chain, a too-high learning rate and a large-initialised
deep chain, never on the gallery's examples trained as they promise."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.grad_health import (
    EXPLODE_GROWTH,
    VANISH_STEPS,
    GradientRecord,
)
from backprop_studio.engine.session import TrainingSession
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import EXAMPLES, example_path, promise
from backprop_studio.model.program import parse_program

SETTINGS = {"dtype": "float64", "training": {"optimizer": "adam", "lr": 0.05}}


def _chain(depth: int, op: str, weight: float) -> str:
    lines, previous = ["x = data(1.0)"], "x"
    for i in range(depth):
        lines.append(f"w{i} = {weight}")
        inner = f"{previous} * w{i}"
        lines.append(f"h{i} = {op}({inner})" if op else f"h{i} = {inner}")
        previous = f"h{i}"
    lines += ["y = data(0.0)", f"loss = ({previous} - y)**2"]
    return "\n".join(lines)


def _train(program: str, steps: int, optimizer: str = "sgd", lr: float = 0.1, trace=False):
    graph = parse_program(program)
    session = TrainingSession(
        graph, {"dtype": "float64", "training": {"optimizer": optimizer, "lr": lr}}
    )
    end = session.run(steps, final_trace=trace)
    return session, end


def test_norms_and_ratios_are_torchs_own_for_every_step(one_thread):
    graph = load_document(example_path("xor_mlp")).graph  # the gallery's 2→8→1 network
    trace = evaluate(graph)
    session = TrainingSession(graph, SETTINGS)
    names = session.trainer.param_names
    start = {n: torch.tensor(trace.value(n), dtype=torch.float64) for n in names}
    session.run(6, final_trace=False)

    # the same network written directly in torch, with torch's Adam
    x = torch.tensor(trace.value("x"), dtype=torch.float64)
    y = torch.tensor(trace.value("y"), dtype=torch.float64)
    params = {n: v.clone().requires_grad_(True) for n, v in start.items()}
    optimizer = torch.optim.Adam(list(params.values()), lr=0.05)
    expected_norms, expected_ratios = [], []
    for _ in range(6):
        p = params
        logits = torch.tanh(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
        optimizer.zero_grad()
        loss.backward()
        expected_norms.append([p[n].grad.norm().item() for n in names])
        before = {n: p[n].detach().clone() for n in names}
        optimizer.step()
        expected_ratios.append(
            [((p[n].detach() - before[n]).norm() / before[n].norm()).item() for n in names]
        )
    iterations, norms, ratios = session.health.curves()
    assert iterations.tolist() == [0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(norms, expected_norms, rtol=1e-10)
    assert np.isnan(ratios[:, names.index("b1")]).tolist() == [True] + [False] * 5  # b1 = 0
    expected = np.array(expected_ratios)
    finite = np.isfinite(expected)
    np.testing.assert_allclose(ratios[finite], expected[finite], rtol=1e-8)


def test_norms_are_of_the_gradients_before_clipping(one_thread):
    graph = parse_program("x = data(3.0)\nw = 1.0\ny = data(0.0)\nloss = (w * x - y)**2")
    settings = {"dtype": "float64", "training": {"optimizer": "sgd", "lr": 0.01, "clip": 0.5}}
    session = TrainingSession(graph, settings)
    session.run(1, final_trace=False)
    assert session.health.curves()[1][0, 0] == pytest.approx(2 * 3 * 3)  # 2(wx − y)·x


def test_a_deep_sigmoid_chain_vanishes(one_thread):
    session, _ = _train(_chain(12, "sigmoid", 1.0), 60)
    vanishing = [w for w in session.watch.warnings if w.kind == "vanishing"]
    assert vanishing and vanishing[0].param == "w0"
    assert vanishing[0].iteration == 0
    assert all(w.kind == "vanishing" for w in session.watch.warnings)
    assert "vanishing" in vanishing[0].message and "relu" in vanishing[0].message
    short, _ = _train(_chain(12, "sigmoid", 1.0), VANISH_STEPS - 1)
    assert short.watch.warnings == []  # not before that many steps in a row


def test_too_high_a_learning_rate_explodes(one_thread):
    seed = load_document(example_path("seed"))
    session = TrainingSession(seed.graph, {"dtype": "float64", "training": {"lr": 2.0}})
    end = session.run(40, final_trace=False)
    assert end.reason == "done"
    (warning,) = session.watch.warnings
    assert (warning.param, warning.kind) == ("w", "exploding")
    norms = session.health.curves()[1][:, 0]
    assert norms[warning.iteration] >= EXPLODE_GROWTH * norms[0] > norms[warning.iteration - 1]
    assert warning.message.endswith(
        "lower the learning rate or clip the gradients' norm (the learning rate is 2: try 0.2)"
    )


def test_a_large_initialised_deep_chain_explodes_at_once(one_thread):
    session, end = _train(_chain(8, "", 10.0), 10, lr=0.01)
    assert end.reason == "error"  # it diverges, and the warnings came first, at iteration 0
    exploding = {w.param: w.iteration for w in session.watch.warnings if w.kind == "exploding"}
    assert set(exploding) == {f"w{i}" for i in range(8)}
    assert set(exploding.values()) == {0}


def test_progress_posts_each_warning_once(one_thread):
    seed = load_document(example_path("seed"))
    session = TrainingSession(seed.graph, {"dtype": "float64", "training": {"lr": 2.0}})
    posted = []
    first = session.run(5, final_trace=False)
    second = session.run(30, post=posted.append, final_trace=False)
    found = first.warnings + [w for p in posted for w in p.warnings] + second.warnings
    assert [w.kind for w in found] == ["exploding"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_no_warning_on_the_gallery_trained_as_promised(example, one_thread):
    data = load_document(example_path(example.name))
    _, steps = promise(example, data.settings)
    session = TrainingSession(data.graph, data.settings)
    session.run(steps, final_trace=False)
    assert session.watch.warnings == []
    assert session.health.count == steps


def test_a_long_run_keeps_a_bounded_record():
    record = GradientRecord(["w"], rows=8)
    for first in range(0, 40, 7):
        steps = np.arange(first, min(first + 7, 40), dtype=np.float64)[:, None]
        record.extend(first, steps, steps / 10)
    iterations, norms, ratios = record.curves()
    assert len(iterations) <= 8 and record.stride == 8
    np.testing.assert_array_equal(norms[:, 0], iterations)  # row r is iteration r · stride
    np.testing.assert_allclose(ratios[:, 0], iterations / 10)
    assert not math.isnan(norms[-1, 0])


DEAD = """x = data([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.0]])
W = param([[1.0, -0.5, 0.2], [0.3, 1.0, -0.4]])
b = param([-100.0, 0.0, 0.1])
h = relu(x @ W + b)
y = data([[1.0], [0.0], [1.0], [0.0]])
V = param([[0.5], [0.5], [0.5]])
loss = mse(h @ V, y)
"""


def test_dead_relu_units_are_counted_over_every_row(one_thread):
    session, end = _train(DEAD, 1, trace=True)
    assert end.trace is not None
    x = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.0]], dtype=torch.float64)
    w = torch.tensor(session.trainer.param_values()["W"], dtype=torch.float64)
    b = torch.tensor(session.trainer.param_values()["b"], dtype=torch.float64)
    off = (torch.relu(x @ w + b) == 0).all(dim=0)  # torch, independently
    assert session.dead == {"h": (int(off.sum()), 3)}
    assert bool(off[0]) and session.dead["h"][0] >= 1  # b = −100 keeps unit 0 off on every row
