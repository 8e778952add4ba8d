"""Time per forward+backward step: compiled plan and instrumented run against plain torch.

    python benchmarks/engine.py [--repeat N]

Prints, per graph, the median time of a step written directly in torch, of the compiled plan
(the un-instrumented path), and of the instrumented run (aliases, hooks, local derivatives,
conversion to a Trace), and their ratios to torch. The three run in interleaved rounds (torch,
plan, instrumented, torch, …); a ratio is the median of each round's ratio. Goal: the
instrumented run ≤ 2× the plain forward+backward written in torch.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from graphs import mlp, seed  # noqa: E402

from backprop_studio.engine.autograd import run  # noqa: E402
from backprop_studio.engine.compile import compile_graph  # noqa: E402


def per_call(fn, inner: int) -> float:
    """Seconds per call of ``inner`` calls in a row."""
    start = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - start) / inner


def interleaved(fns: list, repeat: int, inner: int) -> list[list[float]]:
    """Seconds per call of each of ``fns``, ``repeat`` rounds, one batch of each per round."""
    for fn in fns:
        per_call(fn, inner)
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, samples):
            times.append(per_call(fn, inner))
    return samples


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
    print(
        f"torch {torch.__version__}, 1 thread, float64, median of {args.repeat} interleaved "
        f"rounds (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)"
    )
    print(f"{'graph':<22}{'torch':>10}{'plan':>10}{'ratio':>8}{'instrumented':>14}{'ratio':>8}")
    for label, graph, direct, inner in (
        ("seed story", seed(), direct_seed(), 2000),
        ("MLP 2-16-1, batch 64", mlp(), None, 500),
    ):
        direct = direct or direct_mlp(graph)
        fns = [direct, plan_step(graph), instrumented_step(graph)]
        t_direct, t_plan, t_inst = interleaved(fns, args.repeat, max(inner // 4, 20))
        median = statistics.median
        plan_ratio = median(p / d for p, d in zip(t_plan, t_direct))
        inst_ratio = median(i / d for i, d in zip(t_inst, t_direct))
        print(
            f"{label:<22}{median(t_direct) * 1e6:>8.1f}µs{median(t_plan) * 1e6:>8.1f}µs"
            f"{plan_ratio:>7.2f}×{median(t_inst) * 1e6:>12.1f}µs{inst_ratio:>7.2f}×"
        )
    print("goal: instrumented ≤ 2× the forward+backward written in torch")


if __name__ == "__main__":
    main()
