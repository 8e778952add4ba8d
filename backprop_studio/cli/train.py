"""``backprop-studio train``: torch.optim on the graph's parameters, with the losses printed.

Watching a run is part of the command: a loss that grows by orders of magnitude is reported on
stderr while the run goes on (``DivergenceWatch``); a loss that stops being finite ends the run
with the last finite iteration's loss and parameters and a hint, and ``--json`` still prints the
history up to there. With mini-batches the losses per step are labelled as batch losses, apart
from the full-data losses before the first and after the last step.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from ..model.document_schema import DEVICES, MAX_SEED, MAX_STEPS, MAX_TEST_FRACTION, OPTIMIZERS
from ..model.graph import Graph
from ..model.recipes import MAX_ROWS
from ..model.shapes import Value
from .evaluate import add_dtype_argument, add_number_arguments, number_format
from .main import (
    EXIT_STATUS,
    CliError,
    add_source_arguments,
    load_source,
    number_between,
    positive_number,
    whole_number,
)
from .train_output import (
    ProgressBar,
    batch_description,
    grad_norms_json,
    history_json,
    print_summary,
)

GROWTH = 1e3  # a loss this many times its lowest so far is reported as diverging


def add_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train the parameters with torch.optim and print the losses",
        description="Minimise the graph's output with SGD, SGD with momentum or Adam "
        "(torch.optim). Options not given come from the file's settings. A loss growing "
        "by orders of magnitude is reported on stderr as the run goes; a loss that is no longer "
        "finite stops the run with the last finite loss and parameters (status 1).",
        epilog=EXIT_STATUS,
    )
    add_source_arguments(p)
    p.add_argument(
        "--steps", type=whole_number(1, MAX_STEPS), help="how many updates (default: the file's)"
    )
    add_optimizer_arguments(p)
    p.add_argument(
        "--batch-size",
        type=whole_number(1, MAX_ROWS, full=True),
        default=argparse.SUPPRESS,
        metavar="N",
        help="rows per step of every data leaf with rows (all of them must have as many, or "
        "be bound to datasets), or 'full' (default: the file's)",
    )
    p.add_argument(
        "--shuffle",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a new order of the rows every epoch (default: the file's, else shuffle)",
    )
    p.add_argument(
        "--seed",
        type=whole_number(0, MAX_SEED),
        help="seed of the shuffling and of the test split (default: the file's, else 0)",
    )
    p.add_argument(
        "--test-fraction",
        type=test_fraction,
        metavar="F",
        help=f"hold out this fraction of a dataset's rows (0 to {MAX_TEST_FRACTION:g}, split by "
        '--seed) and report their loss; --json then gains "test_losses" (default: the file\'s)',
    )
    add_dtype_argument(p)
    p.add_argument(
        "--device",
        choices=DEVICES,
        help="where to train (default: the file's, else cpu); cuda and mps need torch to "
        "report them available",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object ({"losses": [...], "params": {...}, "final_loss": ...}; '
        "see the README) instead of a summary",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="save the trained graph as a document: every digit of the trained numbers, and "
        "recipe parameters keep their recipe, marked trained, as the editor saves them",
    )
    add_number_arguments(p)
    p.set_defaults(handler=run_train)


def add_optimizer_arguments(p: argparse.ArgumentParser) -> None:
    """--optimizer, --lr, --momentum, --clip: shared by train and export --train."""
    p.add_argument("--optimizer", choices=OPTIMIZERS, help="default: the file's, else sgd")
    p.add_argument("--lr", type=positive_number, help="learning rate (default: the file's)")
    p.add_argument(
        "--momentum",
        type=momentum,
        help="momentum of --optimizer momentum, from 0 to below 1 (default: the file's, else 0.9)",
    )
    p.add_argument(
        "--clip",
        type=positive_number,
        metavar="MAX_NORM",
        help="clip the gradients' total norm to this (torch.nn.utils.clip_grad_norm_)",
    )


test_fraction = number_between(0, MAX_TEST_FRACTION, f"must be from 0 to {MAX_TEST_FRACTION:g}")
momentum = number_between(0, 1, "must be at least 0 and less than 1", below_high=True)


def training_overrides(ns: argparse.Namespace, settings: dict) -> dict:
    """The file's settings with the options given on the command line put in."""
    training = dict(settings.get("training", {}))
    keys = ("optimizer", "lr", "momentum", "clip", "steps", "shuffle", "seed", "device")
    for key in (*keys, "test_fraction"):
        if getattr(ns, key, None) is not None:
            training[key] = getattr(ns, key)
    if "batch_size" in vars(ns):
        training["batch_size"] = ns.batch_size
    result = {**settings, "training": training}
    if getattr(ns, "dtype", None):
        result["dtype"] = ns.dtype
    return result


class DivergenceWatch:
    """Warns when the loss reaches ``GROWTH`` times its lowest magnitude so far and is above where
    it started, and again at each squaring of that ratio (10³, 10⁶, 10¹², …), so a run that
    explodes says so a few times, not every step."""

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.lowest = math.inf
        self.lowest_at = 0
        self.next_ratio = GROWTH
        self.warnings: list[str] = []
        self.first = math.inf

    def see(self, iteration: int, loss: float) -> str | None:
        size = abs(loss)
        if iteration == 0:
            self.first = size
        if size < self.lowest:
            self.lowest, self.lowest_at = size, iteration
            return None
        ratio = size / max(self.lowest, 1e-12)
        if ratio < self.next_ratio or size <= self.first:
            return None  # e.g. rounding noise of a loss near 0 is not a divergence
        while self.next_ratio <= ratio:
            self.next_ratio *= self.next_ratio
        warning = (
            f"iteration {iteration}: the loss is {loss:.4g}, {ratio:.2g}× its lowest "
            f"({self.lowest:.4g} at iteration {self.lowest_at}): training is diverging "
            f"({hint(self.lr)})"
        )
        self.warnings.append(warning)
        return warning


def hint(lr: float) -> str:
    return f"try a lower --lr than {lr:g}, e.g. --lr {lr / 10:g}, or --clip 1"


def run_train(ns: argparse.Namespace) -> int:
    graph, settings = load_source(ns)
    import numpy as np

    from ..engine.grad_health import segment_norms
    from ..engine.session import TrainingSession
    from ..engine.training import TrainingError, TrainSettings

    settings = training_overrides(ns, settings)
    steps = int(settings["training"].get("steps", 100))
    train_settings = TrainSettings.from_dict(settings)
    numbers = number_format(ns)
    try:
        session = TrainingSession(graph, settings)
        initial = session.trainer.loss()
    except TrainingError as exc:
        raise CliError(str(exc)) from None
    trainer = session.trainer
    batches = batch_description(trainer)
    watch = DivergenceWatch(train_settings.lr)
    bar = ProgressBar(steps) if sys.stderr.isatty() else None
    losses: list[float] = []
    offsets = session.history.offsets
    # each step's gradient norm per parameter, for --json only (a row per step)
    norms = np.empty((steps if ns.json else 0, len(offsets) - 1))

    first_test = trainer.test_loss()  # the held-out rows' loss before each step and after all
    tests: list[float] | None = None if first_test is None else [first_test]

    def see(i: int, loss: float) -> None:
        losses.append(loss)
        if ns.json:
            norms[len(losses) - 1] = segment_norms(trainer.grads.numpy()[None, :], offsets)[0]
        if tests is not None:
            tests.append(trainer.test_loss())
        warning = watch.see(i, loss)
        if warning:
            _stderr(bar, f"backprop-studio train: warning: {warning}")
        if bar is not None:
            bar.update(i + 1, loss)

    final: float | None = None
    try:
        stop = session.run(steps, on_step=see, final_trace=False).failure
        if stop is None:
            final = trainer.checked_loss()
    except TrainingError as exc:
        stop = exc
    finally:
        if bar is not None:
            bar.close()
    for warning in session.watch.warnings:
        watch.warnings.append(warning.message)
        print(f"backprop-studio train: warning: {warning.message}", file=sys.stderr)
    # on a stop, the last finite loss is the one of the parameters before the last update
    params = trainer.param_values() if stop is None else session.values_at(len(losses) - 1)
    last = len(losses) - 1
    if ns.output is not None and stop is None:
        save_trained(ns.output, graph, params, settings)
    ended_high = final is not None and abs(final) > watch.first
    if stop is None and ended_high and abs(final) >= GROWTH * max(watch.lowest, 1e-12):
        watch.warnings.append(
            f"the run ended with the loss at {final:.4g}, "
            f"{abs(final) / max(watch.lowest, 1e-12):.2g}× its lowest "
            f"({watch.lowest:.4g}): it diverged ({hint(train_settings.lr)})"
        )
        print(f"backprop-studio train: warning: {watch.warnings[-1]}", file=sys.stderr)
    if ns.json:
        data = history_json(losses, params, final, initial, batches, watch.warnings, stop)
        data["grad_norms"] = grad_norms_json(trainer.param_names, norms[: len(losses)])
        if tests is not None:  # iterations 0 … steps; a stopped run's up to its last finite one
            data["test_losses"] = tests[: len(losses) + (stop is None)]
        print(json.dumps(data, allow_nan=False))
    elif stop is None:
        print_summary(train_settings, steps, losses, initial, final, params, batches, numbers)
    if stop is not None:
        done = (
            f"last finite loss: {numbers.number(losses[-1])} at iteration {last}" if losses else ""
        )
        done = done or f"full-data loss {numbers.number(initial)} before the first step"
        shown = "; ".join(f"{n} = {numbers.inline(v)}" for n, v in params.items())
        raise CliError(f"{stop}\n{done}, with {shown}\nhint: {hint(train_settings.lr)}")
    return 0


def save_trained(path: str, graph: Graph, params: dict[str, Value], settings: dict) -> None:
    """Write ``params`` into ``graph`` as training in the editor does (``set_trained_value``:
    a recipe stays, marked trained) and save it; CliError if the file cannot be written."""
    from ..model.document_io import DocumentError, save_document

    for name, value in params.items():
        node = graph.node(name)
        graph.set_trained_value(name, value, node.trained or value != node.value)
    try:
        save_document(path, graph, settings)
    except DocumentError as exc:
        raise CliError(str(exc)) from None


def _stderr(bar: ProgressBar | None, line: str) -> None:
    if bar is not None:
        bar.clear()
    print(line, file=sys.stderr)
