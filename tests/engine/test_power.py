"""The power node (``a ** n``, n a number) against torch written directly, and its failures."""

from __future__ import annotations

import math

import pytest
import torch

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.codegen import to_script
from backprop_studio.engine.compile import compile_graph
from backprop_studio.engine.training import Trainer, TrainingError, TrainSettings
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.program import parse_program
from tests.engine.test_codegen import assert_matches_studio, parse, run_in_process

POSITIVE = [0.3, 1.5, 2.0, 4.0]
SIGNED = [-1.5, -0.3, 0.7, 2.0]
# (exponent, input): fractional exponents only on positive inputs, where they are real
CASES = [
    (2.0, SIGNED),
    (3.0, SIGNED),
    (1.0, SIGNED),
    (0.0, SIGNED),
    (-1.0, SIGNED),
    (-2.0, SIGNED),
    (0.5, POSITIVE),
    (-0.5, POSITIVE),
    (2.5, POSITIVE),
    (1 / 3, POSITIVE),
]


def power_graph(value, exponent: float) -> Graph:
    """a (a parameter) → power → sum, so a vector has one number to differentiate."""
    g = Graph()
    g.add_node(Node("a", "param", value=value))
    g.add_node(Node("p", "power", attrs={"exponent": exponent}))
    g.add_node(Node("out", "sum"))
    g.connect("a", "p", "a")
    g.connect("p", "out", "a")
    return g


@pytest.mark.parametrize(("exponent", "value"), CASES)
def test_values_and_gradients_match_torch_pow_and_the_textbook(exponent, value):
    trace = evaluate(power_graph(value, exponent))
    assert trace.ok, trace.error
    a = torch.tensor(value, dtype=torch.float64, requires_grad=True)
    direct = torch.pow(a, exponent)
    direct.sum().backward()
    assert torch.allclose(torch.tensor(trace.value("p"), dtype=torch.float64), direct.detach())
    assert torch.allclose(torch.tensor(trace.grad("a"), dtype=torch.float64), a.grad)
    # and the derivative a learner is told: n·a^(n−1), computed without autograd
    for x, got in zip(value, trace.grad("a")):
        expected = 0.0 if exponent == 0 else exponent * x ** (exponent - 1)
        assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize(("exponent", "value"), CASES)
def test_gradcheck_through_the_plan(exponent, value):
    plan = compile_graph(power_graph(value, exponent))

    def through_plan(a: torch.Tensor) -> torch.Tensor:
        slots = plan.leaf_tensors()
        slots[plan.slot_of["a"]] = a
        return plan.forward(slots)

    a = torch.tensor(value, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(through_plan, (a,))


def test_the_seed_story_with_a_power_loss():
    g = parse_program("x = data(1.0)\ny = data(2.0)\nw = 1.0\ny_hat = w * x\nloss = (y_hat - y)**2")
    assert g.node("loss").op == "power"
    trace = evaluate(g)
    assert trace.value("loss") == 1.0 and trace.grad("w") == -2.0
    k = next(k for k, e in enumerate(trace.edges) if e.dst == "loss")
    assert trace.local_grads[k] == -2.0  # ∂(d²)/∂d = 2d at d = −1
    trainer = Trainer(g, TrainSettings(lr=0.01))
    trainer.step()
    assert trainer.param_values()["w"] == 1.02


@pytest.mark.parametrize("exponent", [2.0, -1.0, 0.5, 3.0])
def test_the_script_reproduces_the_numbers(exponent):
    value = POSITIVE if exponent == 0.5 else SIGNED
    graph = power_graph(value, exponent)
    script = to_script(graph)
    written = {2.0: "a ** 2", -1.0: "a ** (-1)", 0.5: "a ** 0.5", 3.0: "a ** 3"}[exponent]
    assert written in script and "torch.pow" not in script  # as a teacher writes it
    assert_matches_studio(graph, parse(run_in_process(script)))


def test_a_negative_number_to_a_fractional_power_is_named_not_a_crash():
    trace = evaluate(power_graph([4.0, -2.0], 0.5))
    assert not trace.ok
    assert trace.error_node == "p"
    assert "'p' (power) has a non-finite value (nan)" in trace.error
    assert "a negative number to the power 0.5 has no real value" in trace.error


def test_zero_to_a_negative_power_is_named():
    trace = evaluate(power_graph([0.0, 1.0], -1.0))
    assert trace.error_node == "p"
    assert "(inf)" in trace.error and "0 to the power -1 is infinite" in trace.error


def test_an_overflowing_power_is_named_without_a_made_up_reason():
    trace = evaluate(power_graph([1e200], 2.0))
    assert trace.error_node == "p"
    assert trace.error.endswith("in the forward pass")


def test_training_into_a_negative_base_stops_with_the_power_named():
    # loss = w ** 0.5 from w = 0.04: one step of lr 1 takes w to 0.04 − 2.5 < 0
    g = Graph()
    g.add_node(Node("w", "param", value=0.04))
    g.add_node(Node("loss", "power", attrs={"exponent": 0.5}))
    g.connect("w", "loss", "a")
    trainer = Trainer(g, TrainSettings(lr=1.0))
    trainer.step()
    with pytest.raises(TrainingError) as info:
        trainer.step()
    assert info.value.node == "loss"
    assert "negative number to the power 0.5" in str(info.value)
