"""Concealing a Trace's numbers, reading answers, and inline math as Unicode."""

from __future__ import annotations

import pytest

from backprop_studio.model.graph import Edge
from backprop_studio.model.lesson_answer import (
    AnswerError,
    close_enough,
    parse_number,
    parse_sign,
    sign_of,
)
from backprop_studio.model.lesson_conceal import conceal
from backprop_studio.model.math_text import markdown_with_math, math_to_unicode
from backprop_studio.model.trace import Trace

EDGES = (Edge("w", "y", "a"), Edge("x", "y", "b"), Edge("y", "loss", "a"))


def trace() -> Trace:
    return Trace(
        output="loss",
        values={"w": 1.0, "x": 3.0, "y": 3.0, "loss": 9.0},
        grads={"w": 18.0, "x": None, "y": 6.0, "loss": 1.0},
        edges=EDGES,
        edge_grads=(18.0, None, 6.0),
        local_grads=(3.0, None, 6.0),
        backward_order=(2, 0),
    )


def test_a_hidden_gradient_is_gone_from_the_trace_and_its_edges():
    shown = conceal(trace(), {("w", "grad")})
    assert shown.grads["w"] is None and shown.grads["y"] == 6.0
    assert shown.edge_grads[0] is None and shown.local_grads[0] is None
    assert shown.edge_grads[2] == 6.0
    assert 18.0 not in shown.edge_grads and 18.0 not in shown.grads.values()


def test_a_hidden_value_takes_the_local_derivatives_that_equal_it():
    shown = conceal(trace(), {("y", "value")})
    assert "y" not in shown.values
    assert shown.local_grads[2] is None  # ∂(y²)/∂y = 2y would tell y
    assert shown.grads["y"] == 6.0


def test_nothing_hidden_is_the_same_trace():
    t = trace()
    assert conceal(t, set()) is t


@pytest.mark.parametrize(
    ("text", "value"),
    [("-2", -2.0), ("−2", -2.0), (" 1.02 ", 1.02), ("1,5", 1.5), ("1/3", 1 / 3), ("2e-3", 0.002)],
)
def test_answers_read_as_numbers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "two", "1/0", "__import__('os')", "1e999", "9" * 80])
def test_non_answers_are_refused(text):
    with pytest.raises(AnswerError):
        parse_number(text)


def test_signs_and_tolerance():
    assert [parse_sign(s) for s in ("+", "−", "0", "negative")] == [1, -1, 0, -1]
    with pytest.raises(AnswerError):
        parse_sign("maybe")
    assert sign_of(-1e-12, 1e-9) == 0 and sign_of(-0.5, 1e-9) == -1
    assert close_enough(1.0201, 1.02, 5e-4, 0) and not close_enough(1.03, 1.02, 5e-4, 0)
    assert close_enough(105.0, 100.0, 0.0, 0.05)


def test_inline_math_becomes_unicode():
    assert math_to_unicode(r"\frac{\partial L}{\partial \hat{y}} \cdot x") == "∂L/∂ŷ · x"
    assert math_to_unicode(r"1 - \tanh^2(z)") == "1 − tanh²(z)"
    assert math_to_unicode(r"w \leftarrow w - \eta g_i") == "w ← w − η gᵢ"
    assert markdown_with_math(r"see $a_1 * b$ for \$2") == r"see a₁ \* b for $2"
    assert markdown_with_math("no math") == "no math"
