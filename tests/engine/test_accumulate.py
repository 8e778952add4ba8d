"""Backward passes without zeroing: torch adds into .grad, so two passes double it."""

from __future__ import annotations

import torch

from backprop_studio.engine.accumulate import GradientPile
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import example_path
from backprop_studio.model.program import parse_program

SEED = "x = data(1.0)\ny = data(2.0)\nw = 1.0\ny_hat = w * x\nloss = (y_hat - y)**2"


def test_two_backward_passes_double_the_grad():
    graph = parse_program(SEED)
    pile = GradientPile()
    first = pile.backward(graph)
    second = pile.backward(graph)
    assert first.passes == 1 and second.passes == 2
    assert first.grads == {"w": -2.0}
    assert second.grads == {"w": -4.0}
    assert second.last == {"w": -2.0}
    # the same loop written in torch, forgetting zero_grad()
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    for _ in range(2):
        ((w * 1.0 - 2.0) ** 2).backward()
    assert second.grads["w"] == w.grad.item()


def test_tensor_parameters_accumulate_on_a_gallery_network():
    graph = load_document(example_path("xor_mlp")).graph
    one = evaluate(graph)
    pile = GradientPile()
    pile.backward(graph)
    pile.backward(graph)
    third = pile.backward(graph)
    assert third.passes == 3
    for name, grad in third.grads.items():
        expected = 3 * torch.tensor(one.grads[name], dtype=torch.float64)
        assert torch.allclose(torch.tensor(grad, dtype=torch.float64), expected, rtol=1e-12)


def test_a_change_of_the_numbers_starts_again():
    graph = parse_program(SEED)
    pile = GradientPile()
    pile.backward(graph)
    graph.set_value("w", 3.0)
    again = pile.backward(graph)
    assert again.passes == 1 and again.grads == {"w": 2.0}


def test_nothing_to_accumulate_says_so():
    result = GradientPile().backward(parse_program("x = data(1.0)\nx * 2"))
    assert result.passes == 0 and "nothing to accumulate" in result.error
