"""Time per forward+backward step: compiled plan and instrumented run against plain torch.

    python benchmarks/engine.py [--repeat N]

Prints, per graph, the median time of a step written directly in torch, of the compiled plan
(the un-instrumented path training uses), and of the instrumented run (aliases, hooks, local
derivatives, conversion to a Trace), and their ratios to torch.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from graphs import mlp, seed  # noqa: E402

from backprop_studio.engine.autograd import run  # noqa: E402
from backprop_studio.engine.compile import compile_graph  # noqa: E402


def timed(fn, repeat: int, inner: int) -> float:
    """Median seconds per call over ``repeat`` batches of ``inner`` calls."""
    for _ in range(inner):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def direct_seed():
    x, y = torch.tensor(1.0, dtype=torch.float64), torch.tensor(2.0, dtype=torch.float64)
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)

    def step():
        loss = (w * x - y) ** 2
        loss.backward()
        w.grad = None

    return step


def direct_mlp(graph):
    t = {n.name: torch.tensor(n.value, dtype=torch.float64) for n in graph if n.is_leaf}
    params = [t[n].requires_grad_() for n in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params
    x, y = t["x"], t["y"]

    def step():
        loss = torch.mean((torch.tanh(x @ W1 + b1) @ W2 + b2 - y) ** 2)
        loss.backward()
        for p in params:
            p.grad = None

    return step


def plan_step(graph):
    plan = compile_graph(graph)
    base = plan.leaf_tensors()
    params = [t for t in base if t is not None and t.requires_grad]

    def step():
        slots = list(base)
        plan.forward(slots).backward()
        for p in params:
            p.grad = None

    return step


def instrumented_step(graph):
    plan = compile_graph(graph)
    return lambda: run(plan)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread, float64, median of {args.repeat} batches")
    print(f"{'graph':<22}{'torch':>10}{'plan':>10}{'ratio':>8}{'instrumented':>14}{'ratio':>8}")
    for label, graph, direct, inner in (
        ("seed story", seed(), direct_seed(), 2000),
        ("MLP 2-16-1, batch 64", mlp(), None, 500),
    ):
        direct = direct or direct_mlp(graph)
        t_direct = timed(direct, args.repeat, inner)
        t_plan = timed(plan_step(graph), args.repeat, inner)
        t_inst = timed(instrumented_step(graph), args.repeat, max(inner // 10, 20))
        print(
            f"{label:<22}{t_direct * 1e6:>8.1f}µs{t_plan * 1e6:>8.1f}µs{t_plan / t_direct:>7.2f}×"
            f"{t_inst * 1e6:>12.1f}µs{t_inst / t_direct:>7.2f}×"
        )


if __name__ == "__main__":
    main()
