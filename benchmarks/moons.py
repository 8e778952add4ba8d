"""Training throughput of the moons MLP: ``Trainer.step`` against the same loop written in torch.

    python benchmarks/moons.py [--rounds R] [--seconds S] [--threads T] [--batch N|full]

The gallery's 2→16→16→2 ReLU network with cross-entropy on 200 points of two moons (Adam,
lr 0.01, float64). The torch loop gets exactly the studio's work: the same initial tensors, the
same mini-batch rows (a seeded permutation per epoch, ``index_select``), class targets as
``long``, and it reads every loss with ``.item()`` as the Trainer does for the plot and for
divergence. Goal: the studio ≤ 0.95× torch. Rounds are interleaved (torch, studio, torch, …) and
the figures are medians over them, the ratio the median of each round's ratio, so a busy machine
slows both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch
import torch.nn.functional as F

from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import example_path

PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")


def studio(graph, settings: TrainSettings):
    return Trainer(graph, settings).step


def torch_loop(graph, settings: TrainSettings):
    """The same computation by hand, starting from the same values."""
    trainer = Trainer(graph, settings)  # only to borrow its initial tensors
    t = {name: trainer.slots[trainer.plan.slot_of[name]].detach().clone() for name in ("x", "y")}
    W1, b1, W2, b2, W3, b3 = [
        trainer.slots[trainer.plan.slot_of[n]].detach().clone().requires_grad_() for n in PARAMS
    ]
    x, y = t["x"], t["y"]
    opt = torch.optim.Adam([W1, b1, W2, b2, W3, b3], lr=settings.lr)
    rows, batch = len(x), settings.batch_size or len(x)
    gen = torch.Generator().manual_seed(settings.seed)
    state = {"pos": rows, "order": None}

    def step() -> float:
        if batch < rows:
            if state["pos"] >= rows:
                state["pos"], state["order"] = 0, torch.randperm(rows, generator=gen)
            index = state["order"][state["pos"] : state["pos"] + batch]
            state["pos"] += batch
            xb, yb = x.index_select(0, index), y.index_select(0, index)
        else:
            xb, yb = x, y
        h1 = torch.relu(xb @ W1 + b1)
        h2 = torch.relu(h1 @ W2 + b2)
        loss = F.cross_entropy(h2 @ W3 + b3, yb.squeeze(-1).long())
        value = loss.item()
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return value

    return step


def seconds_per_step(step, seconds: float) -> float:
    for _ in range(50):
        step()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(20):
            step()
        count += 20
    return (time.perf_counter() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.5, help="length of one timed run")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--batch", default="file", help="rows per step: N, 'full' or 'file'")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = load_document(example_path("moons_mlp"))
    settings = TrainSettings.from_dict(data.settings)
    if args.batch != "file":
        batch = None if args.batch == "full" else int(args.batch)
        settings = TrainSettings(**{**settings.__dict__, "batch_size": batch})
    check_studio, check_torch = studio(data.graph, settings), torch_loop(data.graph, settings)
    same = [check_studio() for _ in range(30)] == [check_torch() for _ in range(30)]
    print(
        f"moons MLP 2→16→16→2, 200 rows, batch {settings.batch_size or 'full'}, Adam, float64; "
        f"torch {torch.__version__}, {args.threads} thread(s), median of {args.rounds} rounds "
        f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)"
    )
    print(f"same losses as the torch loop for 30 steps: {'yes' if same else 'NO'}")
    times: dict[str, list[float]] = {"torch": [], "studio": []}
    for _ in range(args.rounds):
        for name, make in (("torch", torch_loop), ("studio", studio)):
            times[name].append(seconds_per_step(make(data.graph, settings), args.seconds))
    ratio = statistics.median(s / t for s, t in zip(times["studio"], times["torch"]))
    print(f"torch loop        {statistics.median(times['torch']) * 1e6:8.1f} µs/step")
    print(f"Trainer.step      {statistics.median(times['studio']) * 1e6:8.1f} µs/step")
    verdict = "met" if ratio <= 0.95 else "NOT met"
    print(f"ratio             {ratio:8.2f}×  (median of the rounds; goal ≤ 0.95×: {verdict})")


if __name__ == "__main__":
    main()
