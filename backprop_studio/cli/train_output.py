"""What ``backprop-studio train`` prints: the summary table, the ``--json`` object, the progress
bar on stderr. Kept apart from the run itself (``cli/train.py``), which decides what happened."""

from __future__ import annotations

import math
import sys
import time

from ..model.shapes import Value
from .output import NumberFormat, json_number

OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}


def batch_description(trainer) -> dict | None:
    """Which leaves are split into mini-batches, how, or None when every step sees all rows."""
    if not trainer.batcher.active:
        return None
    ts = trainer.settings
    return {
        "size": ts.batch_size,
        "groups": [
            {"leaves": [trainer.plan.names[s] for s in g.slots], "rows": g.rows}
            for g in trainer.batcher.groups
        ],
        "shuffle": ts.shuffle,
        "seed": ts.seed,
    }


def history_json(
    losses: list[float],
    params: dict[str, Value],
    final: float | None,
    initial: float,
    batches: dict | None,
    warnings: list[str],
    stop,
) -> dict:
    """The documented ``train --json`` object; ``losses`` are full-data losses, and with
    mini-batches they are ``batch_losses`` instead, beside the full-data initial and final."""
    data: dict = {"batch_losses" if batches else "losses": losses}
    values = {}
    marks = {}
    for name, value in params.items():
        values[name], kinds = json_number(value)
        if kinds:
            marks[name] = kinds
    data["params"] = values
    if marks:
        data["params_non_finite"] = marks
    data["final_loss"] = final
    if batches:
        data["initial_loss"] = initial
        data["batches"] = batches
    data["steps"] = len(losses)
    data["warnings"] = warnings
    data["stopped"] = None
    if stop is not None:
        data["stopped"] = {
            "iteration": stop.iteration,
            "node": stop.node,
            "message": str(stop),
            "last_finite_iteration": len(losses) - 1 if losses else None,
        }
    return data


def grad_norms_json(names: list[str], norms) -> dict[str, list]:
    """Per parameter, ‖∂L/∂w‖ of every step (``norms``: a row per step, a column per
    parameter; before any clipping); a non-finite norm as its name ("inf", "nan"), as JSON
    has no such numbers."""
    return {
        name: [x if math.isfinite(x) else str(x) for x in norms[:, k].tolist()]
        for k, name in enumerate(names)
    }


def print_summary(
    ts, steps, losses, initial, final, params, batches, numbers: NumberFormat
) -> None:
    print(
        f"trained {steps} step{'s' * (steps != 1)} with "
        f"{OPTIMIZER_NAMES.get(ts.optimizer, ts.optimizer)}, lr {ts.lr:g}"
        + (f", momentum {ts.momentum:g}" if ts.optimizer == "momentum" else "")
        + (f", clip {ts.clip:g}" if ts.clip is not None else "")
    )
    if batches:
        groups = "; ".join(
            f"{', '.join(g['leaves'])} ({g['rows']} rows)" for g in batches["groups"]
        )
        order = f"shuffled each epoch, seed {batches['seed']}" if batches["shuffle"] else "in order"
        print(f"mini-batches of {batches['size']} rows of {groups}, {order}")
        print(f"{'iteration':>9}  batch loss")
    else:
        print(f"{'iteration':>9}  loss")
    shown = sorted({round(k * steps / 10) for k in range(11)})
    for it in shown:
        if it < steps:
            print(f"{it:>9}  {numbers.number(losses[it])}")
        elif not batches:
            print(f"{it:>9}  {numbers.number(final)}")
    if batches:
        print(f"full-data loss: {numbers.number(initial)} before, {numbers.number(final)} after")
    for param, value in params.items():
        lines = numbers.lines(value)
        print(f"{param} = {lines[0]}")
        for line in lines[1:]:
            print(" " * len(f"{param} = ") + line)


class ProgressBar:
    """``[#####     ] 50% 500/1,000 steps · loss 0.1234`` on stderr, redrawn at most 10 times a
    second and only once a run has taken half a second, so short runs print nothing."""

    WIDTH = 30

    def __init__(self, total: int, delay: float = 0.5) -> None:
        self.total = total
        self.start = time.monotonic()
        self.delay = delay
        self.next = self.start + delay
        self.drawn = False

    def update(self, done: int, loss: float) -> None:
        now = time.monotonic()
        if now < self.next:
            return
        self.next = now + 0.1
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + " " * (self.WIDTH - filled)
        sys.stderr.write(
            f"\r[{bar}] {100 * done // self.total:3d}% {done:,}/{self.total:,} steps"
            f" · loss {NumberFormat().number(loss)}  "
        )
        sys.stderr.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()

    def close(self) -> None:
        self.clear()
