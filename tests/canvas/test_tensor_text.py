"""Tensor text for learners: a broadcast parameter's gradient said to be summed over the rows,
float noise around zero shown as 0 and uncoloured, card numbers never cut half-way."""

from __future__ import annotations

import torch

from backprop_studio.canvas import style
from backprop_studio.canvas.flow.text import chain_rule, chain_rule_text
from backprop_studio.canvas.items.node_body import body_lines, body_row_count, fitting_parts
from backprop_studio.canvas.style import LIGHT
from backprop_studio.canvas.value_text import signed, stats, stats_text
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.program import parse_program


def test_a_scalar_weight_over_a_batch_is_summed_over_its_rows(qtbot):
    graph = parse_program(
        "x = data([[0.5], [1.0], [1.5]]); y = data([[1.0], [2.0], [2.5]])\n"
        "w = 0.8\nloss = mean((w * x - y) ** 2)"
    )
    trace = evaluate(graph)
    k = next(i for i, e in enumerate(trace.edges) if e.src == "w")
    text = chain_rule(trace, k)
    # independently: torch's gradient of w, and the [3×1] upstream it is the sum over
    w = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    x = torch.tensor([[0.5], [1.0], [1.5]], dtype=torch.float64)
    y = torch.tensor([[1.0], [2.0], [2.5]], dtype=torch.float64)
    ((w * x - y) ** 2).mean().backward()
    assert text.endswith(f"[3×1], summed over 3 rows → {float(w.grad):.3g}")
    assert "‖·‖" not in text  # no norm that turns into a signed number


def test_equal_shapes_keep_shape_and_norm_and_a_bias_is_summed_per_number():
    same = chain_rule_text("h", "t", [[1.0, 2.0]], [[3.0, 4.0]], None)
    assert same.endswith(": [1×2] ‖·‖ 5 → [1×2] ‖·‖ 2.24")
    bias = chain_rule_text("b", "add", [0.5, 0.5], [[0.25, 0.25], [0.25, 0.25]], None)
    assert "[2×2], summed over 2 rows → [2] ‖·‖ 0.707" in bias


def test_a_mean_within_rounding_of_zero_is_zero_and_grey():
    noise = [0.1, 0.2, -0.3]
    assert sum(noise) != 0  # 5.55e-17 in floating point
    assert stats(noise)[0] == 0.0 and stats_text(noise).startswith("mean 0 · ")
    assert signed(noise) == 0.0
    assert style.grad_color(LIGHT, signed(noise)) == LIGHT.zero
    real = [1e-3, 2e-3, -2.9e-3]  # a mean of 3.3e-5: small, but not noise
    assert stats(real)[0] != 0.0 and style.grad_color(LIGHT, signed(real)) == LIGHT.positive


def test_a_card_row_loses_whole_parts_rather_than_half_a_number(qtbot):
    metrics = style.fonts().body_metrics
    text = "mean 0.00828 · ‖·‖ 0.347"
    whole = metrics.horizontalAdvance(text)
    assert fitting_parts(text, metrics, whole + 1) == text
    first = metrics.horizontalAdvance("mean 0.00828")
    assert fitting_parts(text, metrics, (first + whole) / 2) == "mean 0.00828"
    assert fitting_parts(text, metrics, first / 2).endswith("…")  # only when nothing fits


def test_a_card_counts_its_rows_without_writing_them(qtbot):
    """A card's height comes from how many rows it has; the rows are written only when drawn."""
    width = 150.0
    for value, grad, shape in (
        (None, None, None),
        (None, None, (2, 3)),
        (1.5, -0.25, ()),
        (1.5, None, ()),
        ([[1.0, 2.0]], [[0.5, 0.5]], (1, 2)),
        ([1.0, 2.0, 3.0], None, (3,)),
    ):
        rows = body_lines(value, grad, shape, False, None, width)
        assert body_row_count(value, shape) == len(rows), (value, shape)
