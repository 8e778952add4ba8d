"""The headless commands: each one parses its options, runs the engine, prints a result."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from .cli import (
    EXIT_STATUS,
    CliError,
    add_source_arguments,
    load_source,
    positive_number,
    refuse_problems,
    whole_number,
)
from .model.document_schema import MAX_STEPS
from .model.graph import Graph
from .model.recipes import MAX_ROWS
from .model.shapes import Value
from .model.trace import Trace


def add_eval(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="evaluate a graph: values, gradients, chain rule",
        description="Run forward and backward once and print every node's value and gradient.",
        epilog=EXIT_STATUS,
    )
    add_source_arguments(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument(
        "--dtype",
        choices=("float64", "float32"),
        default=None,
        help="default: the file's, else float64",
    )
    p.set_defaults(handler=run_eval)


def run_eval(ns: argparse.Namespace) -> int:
    from .engine.autograd import evaluate

    graph, settings = load_source(ns)
    trace = evaluate(graph, ns.dtype or settings.get("dtype", "float64"))
    refuse_problems(trace)
    if ns.json:
        print(json.dumps(trace_to_json(trace, {n.name: n.op for n in graph})))
    else:
        print(format_table(trace, {n.name: n.op for n in graph}))
    return 0


def trace_to_json(trace: Trace, ops: dict[str, str]) -> dict:
    """The documented ``eval --json`` shape."""
    return {
        "output": trace.output_value,
        "nodes": {
            name: {"op": ops[name], "value": value, "grad": trace.grads.get(name)}
            for name, value in trace.values.items()
        },
        "edges": [
            {"from": e.src, "to": e.dst, "port": e.port, "grad": g}
            for e, g in zip(trace.edges, trace.edge_grads)
        ],
        "backward_order": list(trace.backward_order),
    }


def fmt(value: Value | None, digits: int = 4) -> str:
    """A number as a learner reads it: 4 decimals, scientific when tiny or huge."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return "[" + ", ".join(fmt(v, digits) for v in value) + "]"
    if math.isfinite(value) and value != 0 and not 1e-3 <= abs(value) < 1e6:
        return f"{value:.{digits}e}"
    return f"{value:.{digits}f}"


def _short(value: Value | None) -> str:
    text = fmt(value)
    return text if len(text) <= 40 else text[:37] + "…"


def format_table(trace: Trace, ops: dict[str, str]) -> str:
    """Every node's value and gradient, then the chain rule along each edge in backward order."""
    out = trace.output
    rows = [("node", "op", "value", f"∂{out}/∂node")]
    for name, value in trace.values.items():
        rows.append((name, ops[name], _short(value), _short(trace.grads.get(name))))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += ["", f"output: {out} = {_short(trace.output_value)}"]
    if trace.backward_order:
        lines += ["", "backward pass, in the order autograd computed it:"]
        for step, k in enumerate(trace.backward_order, 1):
            lines.append(f"{step:3}. {chain_rule_text(trace, k)}")
    sums = fan_out_sums(trace)
    if sums:
        lines += ["", "a node used more than once adds up its edges' gradients:"]
        lines += [f"     {text}" for text in sums]
    return "\n".join(lines)


def chain_rule_text(trace: Trace, k: int) -> str:
    """``∂L/∂u (via v.a) = ∂L/∂v · ∂v/∂u = (−2) · (1) = −2`` with the trace's own numbers; the
    port tells two edges into one node apart (``x * x``: ``via y.a`` and ``via y.b``)."""
    e = trace.edges[k]
    out = trace.output
    head = f"∂{out}/∂{e.src} (via {e.dst}.{e.port})"
    local = trace.local_grads[k] if k < len(trace.local_grads) else None
    if local is None:
        return f"{head} = ∂{out}/∂{e.dst} · ∂{e.dst}/∂{e.src} = {_short(trace.edge_grads[k])}"
    upstream = trace.grads.get(e.dst)
    return (
        f"{head} = ∂{out}/∂{e.dst} · ∂{e.dst}/∂{e.src} = ({fmt(upstream)}) · ({fmt(local)})"
        f" = {fmt(trace.edge_grads[k])}"
    )


def fan_out_sums(trace: Trace) -> list[str]:
    """``∂L/∂x = 3.0000 (y.a) + 3.0000 (y.b) + 2.0000 (z.b) = 8.0000`` for each scalar node
    whose output feeds more than one input port, in the order of the node table."""
    uses: dict[str, list[int]] = {}
    for k, e in enumerate(trace.edges):  # scalars: a sum of tensors would not fit a line
        if k < len(trace.edge_grads) and isinstance(trace.edge_grads[k], (int, float)):
            uses.setdefault(e.src, []).append(k)
    texts = []
    for name in trace.values:
        ks = uses.get(name, [])
        if len(ks) < 2:
            continue
        terms = " + ".join(
            f"{_short(trace.edge_grads[k])} ({trace.edges[k].dst}.{trace.edges[k].port})"
            for k in ks
        )
        texts.append(f"∂{trace.output}/∂{name} = {terms} = {_short(trace.grads.get(name))}")
    return texts


# ---- train -----------------------------------------------------------------------------------
def add_train(sub: argparse._SubParsersAction) -> None:
    from .model.document_schema import DEVICES, OPTIMIZERS

    p = sub.add_parser(
        "train",
        help="train the parameters with torch.optim and print the losses",
        description="Minimise the graph's output with SGD, SGD with momentum or Adam "
        "(torch.optim). Steps, learning rate and optimizer default to the file's settings.",
        epilog=EXIT_STATUS,
    )
    add_source_arguments(p)
    p.add_argument(
        "--steps", type=whole_number(1, MAX_STEPS), help="how many updates (default: the file's)"
    )
    p.add_argument("--lr", type=positive_number, help="learning rate (default: the file's)")
    p.add_argument("--optimizer", choices=OPTIMIZERS, help="default: the file's")
    p.add_argument(
        "--batch-size",
        type=whole_number(1, MAX_ROWS, full=True),
        default=argparse.SUPPRESS,
        metavar="N",
        help="rows of the bound dataset per step, or 'full' (default: the file's)",
    )
    p.add_argument(
        "--device",
        choices=DEVICES,
        help="where to train (default: the file's, else cpu); cuda and mps need torch to "
        "report them available",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"losses": [...], "params": {...}, "final_loss": ...} instead of a summary',
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="save the trained graph as a document: every digit of the trained numbers, and "
        "recipe parameters keep their recipe, marked trained, as the editor saves them",
    )
    p.set_defaults(handler=run_train)


def run_train(ns: argparse.Namespace) -> int:
    from .engine.training import Trainer, TrainingError, TrainSettings

    graph, settings = load_source(ns)
    training = dict(settings.get("training", {}))
    if ns.lr is not None:
        training["lr"] = ns.lr
    if ns.optimizer is not None:
        training["optimizer"] = ns.optimizer
    if "batch_size" in vars(ns):
        training["batch_size"] = ns.batch_size
    if ns.device is not None:
        training["device"] = ns.device
    steps = ns.steps if ns.steps is not None else int(training.get("steps", 100))
    train_settings = TrainSettings.from_dict({**settings, "training": training})
    bar = ProgressBar(steps) if sys.stderr.isatty() else None
    try:
        trainer = Trainer(graph, train_settings)
        losses = []
        for i in range(steps):
            losses.append(trainer.step())
            if bar is not None:
                bar.update(i + 1, losses[-1])
        final = trainer.checked_loss()
    except TrainingError as exc:
        raise CliError(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    params = trainer.param_values()
    if ns.output is not None:
        save_trained(ns.output, graph, params, {**settings, "training": training})
    if ns.json:
        print(json.dumps({"losses": losses, "params": params, "final_loss": final}))
        return 0
    name = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}
    print(
        f"trained {steps} step{'s' * (steps != 1)} with "
        f"{name.get(train_settings.optimizer, train_settings.optimizer)}, lr {train_settings.lr:g}"
    )
    print(f"{'iteration':>9}  loss")
    shown = sorted({round(k * steps / 10) for k in range(11)})
    for it in shown:
        loss = losses[it] if it < steps else final
        print(f"{it:>9}  {fmt(loss)}")
    for param, value in params.items():
        print(f"{param} = {_short(value)}")
    return 0


def save_trained(path: str, graph: Graph, params: dict[str, Value], settings: dict) -> None:
    """Write ``params`` into ``graph`` as training in the editor does (``set_trained_value``:
    a recipe stays, marked trained) and save it; CliError if the file cannot be written."""
    from .model.document_io import DocumentError, save_document

    for name, value in params.items():
        node = graph.node(name)
        graph.set_trained_value(name, value, node.trained or value != node.value)
    try:
        save_document(path, graph, settings)
    except DocumentError as exc:
        raise CliError(str(exc)) from None


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
            f" · loss {fmt(loss)}  "
        )
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()
