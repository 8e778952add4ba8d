"""Number formatting: four decimals for what a learner checks by hand, compact beyond that."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from backprop_studio.canvas.style import DARK, LIGHT, grad_color, theme_for
from backprop_studio.canvas.value_text import format_number, format_short, full_text, stats_text


@pytest.mark.parametrize(
    "x, text",
    [
        (1.0, "1.0000"),
        (-2.0, "-2.0000"),
        (0.0, "0.0000"),
        (1234567.0, "1.235e6"),
        (-0.0000123, "-1.230e-5"),
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
        (float("inf"), "inf"),
    ],
)
def test_format_number(x, text):
    assert format_number(x) == text


def test_format_short_and_stats():
    assert format_short(-2.0) == "-2"
    assert format_short(0.12345) == "0.123"
    assert format_short(2.5e-7) == "2.50e-7"
    assert stats_text([3.0, 4.0]) == "mean 3.5 · ‖·‖ 5"
    assert full_text(list(range(20))).endswith("…]")


def test_theme_follows_the_palette_window_colour(qapp):
    dark, light = QPalette(), QPalette()
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    light.setColor(QPalette.ColorRole.Window, QColor("#f0f0f0"))
    assert theme_for(dark) is DARK and theme_for(light) is LIGHT


def test_gradient_colour_is_by_sign():
    assert grad_color(LIGHT, 0.5) == LIGHT.positive
    assert grad_color(LIGHT, -0.5) == LIGHT.negative
    assert grad_color(LIGHT, None) == LIGHT.edge


def test_tensors_holding_non_finite_numbers_name_them():
    inf = float("inf")
    assert stats_text([inf, -inf]) == "holds -inf, inf"  # not the nan of their mean
    assert stats_text([[1.0, float("nan")], [2.0, 3.0]]) == "holds nan"
    assert "holds nan, -inf" in full_text([-inf, float("nan")])
