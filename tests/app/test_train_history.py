"""The timeline's memory: every iteration's parameters within a budget, Traces as a bounded cache."""

from __future__ import annotations

import numpy as np

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.train_history import TraceCache, TrainingHistory, numbers_in
from tests.builders import seed_graph


def _feed(history: TrainingHistory, steps: int, batch: int = 7) -> None:
    """Parameter w = iteration, tensor v = (iteration, 0); loss = 1000 - iteration."""
    while history.iteration < steps:
        first = history.iteration
        n = min(batch, steps - first)
        losses = [1000.0 - (first + k) for k in range(n)]
        rows = np.array([[first + k + 1, first + k + 1, 0.0] for k in range(n)])
        history.extend(first, losses, rows)


def test_iterations_parameters_and_losses_line_up():
    history = TrainingHistory(["w", "v"], [(), (2,)], np.array([0.0, 0.0, 0.0]))
    _feed(history, 20)
    assert history.iteration == 20 and history.stride == 1
    assert history.values_at(3) == {"w": 3.0, "v": [3.0, 0.0]}
    assert history.loss_at(3) == 997.0
    x, y = history.loss_curve()
    assert list(x) == list(range(20)) and list(y) == [1000.0 - i for i in range(20)]
    history.set_loss(20, 980.0)
    assert list(history.loss_curve()[0]) == list(range(21))
    sx, cols = history.series_curve()
    assert list(sx) == list(range(21))
    assert list(cols[:, 0]) == list(range(21))  # a scalar is plotted as its value
    assert list(cols[:, 1]) == list(range(21))  # a tensor as its norm
    assert history.series_names == ["w", "‖v‖"]


def test_memory_stays_within_the_budget_by_thinning():
    budget = 256 * 6 * 8  # 256 rows of (loss, w, v0, v1, w, ‖v‖) as float64
    history = TrainingHistory(["w", "v"], [(), (2,)], np.zeros(3), budget_bytes=budget)
    _feed(history, 1000)
    assert history.nbytes <= budget
    assert history.stride > 1 and history.iteration == 1000
    kept = history.nearest(333)
    assert kept % history.stride == 0 and kept <= 333
    assert history.values_at(kept)["w"] == kept
    assert history.loss_at(kept) == 1000.0 - kept
    assert history.values_at(1000)["w"] == 1000.0  # the latest is always exact
    x, y = history.loss_curve()
    assert np.all(y == 1000.0 - x)


def test_truncate_ends_a_run_at_an_earlier_iteration():
    history = TrainingHistory(["w"], [()], np.zeros(1))
    losses = [float(i) for i in range(10)]
    history.extend(0, losses, np.arange(1, 11, dtype=float)[:, None])
    history.truncate(6)
    assert history.iteration == 6
    assert history.values_at(history.iteration) == {"w": 6.0}
    assert history.loss_at(6) == 6.0


def test_trace_cache_is_bounded_in_count_and_numbers():
    trace = evaluate(seed_graph())
    size = numbers_in(trace)
    assert size == 2 * len(trace.values) + len(trace.edges)
    cache = TraceCache(max_count=3, max_numbers=10 * size)
    for i in range(5):
        cache.put(i, trace)
    assert len(cache) == 3 and 0 not in cache and 4 in cache
    cache.get(2)  # recently looked at: kept
    cache.put(5, trace)
    assert 2 in cache and 3 not in cache
    small = TraceCache(max_count=10, max_numbers=2 * size)
    for i in range(5):
        small.put(i, trace)
    assert len(small) == 2 and small.numbers <= 2 * size
