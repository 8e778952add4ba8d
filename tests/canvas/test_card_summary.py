"""A small card's summary is worked out once per width of its number and reused for every other
number of that width: what it gives must be what working it out afresh gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_studio.canvas.items.node_summary import (
    Summary,
    _arrange,
    richer_numbers,
    summarize,
)
from backprop_studio.canvas.value_text import format_short

_NAMES = st.sampled_from(["x", "w", "loss", "n123", "Linear 1 weight", "a_rather_long_name"])
_NUMBERS = st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from([float("nan"), float("inf")])
_LODS = st.sampled_from([0.05, 0.12, 0.2, 0.32, 0.45, 0.6, 0.8]) | st.floats(0.03, 1.0)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=_NAMES,
    values=st.lists(st.tuples(_NUMBERS, _NUMBERS), min_size=1, max_size=6),
    height=st.sampled_from([58.0, 80.0, 110.0, 150.0]),
    lod=_LODS,
    shapes=st.booleans(),
)
def test_a_summary_is_what_working_it_out_afresh_gives(qapp, title, values, height, lod, shapes):
    for value, grad in values:
        number = "6×6" if shapes else format_short(value)
        richer = () if shapes else richer_numbers(value, grad)
        got = summarize(title, number, 240.0, height, 24.0, lod, richer)
        shown, a, b, mode, pick = _arrange(title, number, (240.0, height, 24.0, lod), richer)
        assert got == Summary(shown, (*richer, number)[pick], a, b, mode)


def test_numbers_of_one_width_share_an_arrangement_and_others_do_not(qapp):
    """Seen in a fitted network: −1.23 after 4.56 keeps the name's size, −12.3 after 4.56 too
    (as wide), and a number too long for the line shrinks or elides the name."""
    first = summarize("weight", "4.56", 240.0, 58.0, 24.0, 0.32, ())
    same = summarize("weight", "7.89", 240.0, 58.0, 24.0, 0.32, ())
    assert same.number == "7.89" and same.name_scale == first.name_scale
    long = summarize("weight", "−1.23456789e+300", 240.0, 58.0, 24.0, 0.32, ())
    assert long.number == "−1.23456789e+300"
    assert (long.name, long.name_scale) != (first.name, first.name_scale)
