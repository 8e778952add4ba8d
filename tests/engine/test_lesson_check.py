"""Every shipped task's answer is torch's, computed here again by independent torch code; right
answers pass, wrong ones fail, and the hints follow the chain rule in order."""

from __future__ import annotations

import pytest
import torch

from backprop_studio.engine.lesson_check import check, expected, hints, reveal_text
from backprop_studio.model.lesson_io import load_lesson, shipped_lessons

D = torch.float64


def _t(v, grad=True):
    return torch.tensor(v, dtype=D, requires_grad=grad)


def seed(w0: float) -> dict:
    x, y, w = _t(1.0, False), _t(2.0, False), _t(w0)
    y_hat = w * x
    y_hat.retain_grad()
    d = y_hat - y
    d.retain_grad()
    (d**2).backward()
    return {"sub_1": d.grad.item(), "y_hat": y_hat.grad.item(), "w": w.grad.item()}


def tanh_neuron(w0: float) -> dict:
    x, w, b = _t(2.0, False), _t(w0), _t(0.0)
    z = w * x + b
    z.retain_grad()
    torch.tanh(z).backward()
    return {"z": z.grad.item(), "w": w.grad.item()}


def sigmoids() -> dict:
    w = _t(1.0)
    a = [w]
    for _ in range(4):
        a.append(torch.sigmoid(a[-1]))
        a[-1].retain_grad()
    a[-1].backward()
    return {"a3": a[3].grad.item(), "w": w.grad.item()}


def softmax_ce() -> list[float]:
    z = _t([[2.0, 1.0, 0.1]])
    torch.nn.functional.cross_entropy(z, torch.tensor([0])).backward()
    return z.grad[0].tolist()


def gd_step() -> float:
    w = _t(1.0)
    opt = torch.optim.SGD([w], lr=0.01)
    ((w * 1.0 - 2.0) ** 2).backward()
    opt.step()
    return w.item()


TORCH = {  # (lesson, step) → torch's number, written without the studio
    ("1-chain-rule", 1): seed(1.0)["sub_1"],
    ("1-chain-rule", 2): seed(1.0)["y_hat"],
    ("1-chain-rule", 3): seed(1.0)["w"],
    ("1-chain-rule", 4): seed(3.0)["w"],
    ("2-used-twice", 0): 6.0,
    ("2-used-twice", 1): 3.0,
    ("3-tanh-neuron", 1): tanh_neuron(0.25)["z"],
    ("3-tanh-neuron", 2): tanh_neuron(0.25)["w"],
    ("3-tanh-neuron", 3): tanh_neuron(2.0)["z"],
    ("4-gradient-step", 1): gd_step(),
    ("5-softmax-cross-entropy", 1): softmax_ce()[0],
    ("5-softmax-cross-entropy", 2): softmax_ce()[1],
    ("6-vanishing-gradients", 1): sigmoids()["a3"],
    ("6-vanishing-gradients", 2): sigmoids()["w"],
    ("6-vanishing-gradients", 3): sigmoids()["w"],
}


def tasks():
    for path in shipped_lessons():
        lesson = load_lesson(path)
        graph = None
        for i, step in enumerate(lesson.steps):
            if step.document is not None:
                graph = step.document.graph
            if step.task is not None:
                yield pytest.param(path.stem, i, step.task, graph, id=f"{path.stem}[{i}]")


ALL = list(tasks())


def test_every_task_has_an_independent_torch_answer():
    assert {(p.values[0], p.values[1]) for p in ALL} == set(TORCH)


@pytest.mark.parametrize(("lesson", "index", "task", "graph"), ALL)
def test_the_answer_is_torchs_and_passes(lesson, index, task, graph):
    truth = expected(graph, task.quantity)
    assert truth == pytest.approx(TORCH[lesson, index], abs=1e-12)
    answer = (
        {1: "+", -1: "-", 0: "0"}[(truth > 0) - (truth < 0)]
        if task.answer == "sign"
        else repr(truth)
    )
    verdict = check(task, graph, answer)
    assert verdict.correct, verdict.message
    assert verdict.expected == truth


@pytest.mark.parametrize(("lesson", "index", "task", "graph"), ALL)
def test_a_wrong_answer_fails_and_the_hints_follow_the_chain_rule(lesson, index, task, graph):
    truth = expected(graph, task.quantity)
    wrong = ("-" if truth > 0 else "+") if task.answer == "sign" else repr(truth + 0.5)
    assert not check(task, graph, wrong).correct
    given = hints(task, graph)
    assert given[len(given) - len(task.hints) :] == list(task.hints)  # the author's come last
    if task.quantity.of == "grad":
        assert given[0].startswith("Local derivative")
        assert given[1].startswith("Upstream gradient")
    elif task.quantity.of == "after_step":
        assert given[0].startswith("The gradient") and "−2" in given[0]
        assert "lr = 0.01" in given[1]
    shown = reveal_text(task, graph)
    assert f"{truth:.4g}".replace("-", "−") in shown


def test_the_first_hint_is_the_traces_local_derivative():
    lesson = load_lesson(shipped_lessons()[0])
    graph = lesson.steps[0].document.graph
    task = lesson.steps[3].task  # ∂loss/∂w: through ŷ = w·x the local derivative is x = 1
    first, second = hints(task, graph)[:2]
    assert first == "Local derivative: ∂ŷ/∂w = 1 (input a of ŷ)."
    assert second == "Upstream gradient: ∂loss/∂ŷ = −2."


def test_a_node_used_twice_gets_a_hint_per_use_and_one_that_they_add():
    lesson = load_lesson(shipped_lessons()[1])
    graph = lesson.steps[0].document.graph
    given = hints(lesson.steps[0].task, graph)
    assert [h.split(":")[0] for h in given[:4]] == ["Local derivative", "Upstream gradient"] * 2
    assert "used 2 times" in given[4]
