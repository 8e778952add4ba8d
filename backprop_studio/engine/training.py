"""Gradient descent on a graph with torch.optim, fast enough to be no slower than torch itself.

Each step runs the compiled plan as one generated function (no aliases, no hooks), takes the
parameters' gradients from ``torch.autograd.grad`` (no ``.grad`` fields to fill and zero) and
applies torch.optim's update directly (``engine/updates.py``, bit for bit torch.optim's); a full
instrumented Trace is made only for the iterations a user looks at. Divergence costs nothing to watch for: the loss is read every
step anyway, and a non-finite loss triggers one instrumented run that names the culprit node.

With a ``batch_size``, each step sees the next mini-batch of the rows of the data leaves bound to
a dataset (``engine/batches.py``); ``loss()`` and ``trace()`` always use all rows. On a GPU
``device``, tensors stay there; only the loss (one number per step) and the iterations a user
looks at (``trace``, ``param_values``) are copied back to the CPU.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from ..model.graph import Graph
from ..model.numbers import special_name
from ..model.shapes import Value
from ..model.trace import Trace
from .autograd import non_finite_kinds, run
from .batches import Batcher, BatchError
from .closure import forward_function
from .compile import Plan, compile_graph
from .devices import device_problem
from .grad_health import flat_grads
from .split import SplitError, split_slots
from .updates import Update, make_update
from .values import to_plain


class TrainingError(ValueError):
    """Training cannot start or must stop; the message names the node (and iteration)."""

    def __init__(self, message: str, node: str | None = None, iteration: int | None = None):
        super().__init__(message)
        self.node = node
        self.iteration = iteration


@dataclass(frozen=True)
class TrainSettings:
    """How :class:`Trainer` steps: the optimizer (``"sgd"``, ``"momentum"``, ``"adam"``), its
    learning rate, the gradient-norm clip, the dtype, the mini-batch and its shuffling, and the
    device. A document's ``settings`` give the same fields (:meth:`from_dict`)."""

    optimizer: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.9
    clip: float | None = None  # max gradient norm, or None
    dtype: str = "float64"
    batch_size: int | None = None  # rows of the bound datasets per step; None: all of them
    shuffle: bool = True  # a new order of the rows every epoch (with batch_size)
    seed: int = 0  # of the shuffling
    device: str = "cpu"  # "cpu", "cuda" or "mps" (see engine.devices.available_devices)
    test_fraction: float = 0.0  # of a dataset's rows held out (split by ``seed``); 0: none

    @classmethod
    def from_dict(cls, settings: dict) -> TrainSettings:
        """From a document's ``settings`` (``dtype`` at the top, the rest under ``training``)."""
        training = settings.get("training", {}) if isinstance(settings, dict) else {}
        return cls(
            optimizer=training.get("optimizer", cls.optimizer),
            lr=float(training.get("lr", cls.lr)),
            momentum=float(training.get("momentum", cls.momentum)),
            clip=training.get("clip"),
            dtype=settings.get("dtype", cls.dtype) if isinstance(settings, dict) else cls.dtype,
            batch_size=training.get("batch_size", cls.batch_size),
            shuffle=bool(training.get("shuffle", cls.shuffle)),
            seed=int(training.get("seed", cls.seed)),
            device=training.get("device", cls.device),
            test_fraction=float(training.get("test_fraction") or 0.0),
        )


def _make_update(params: list[torch.Tensor], settings: TrainSettings) -> Update:
    try:
        return make_update(settings.optimizer, params, settings.lr, settings.momentum)
    except ValueError as exc:
        raise TrainingError(str(exc)) from None


class Trainer:
    """One training run with torch.optim on ``graph``, which is never modified: the trainer owns
    the parameter tensors. ``step()`` makes one update and returns the loss before it (of the
    step's mini-batch with a ``batch_size``); ``loss()`` and ``trace()`` use all rows;
    ``param_values()`` reads the trained parameters. TrainingError, naming the node, when the
    graph cannot be trained (no parameter, a non-scalar output) or a step goes non-finite."""

    def __init__(self, graph: Graph, settings: TrainSettings | None = None) -> None:
        self.settings = settings or TrainSettings()
        if not self.settings.lr > 0:
            raise TrainingError("the learning rate must be a positive number")
        problem = device_problem(self.settings.device, self.settings.dtype)
        if problem:
            raise TrainingError(problem)
        self.plan: Plan = compile_graph(graph, self.settings.dtype)
        if self.plan.problems:
            first = self.plan.problems[0]
            raise TrainingError(first.message, first.node)
        if self.plan.output_slot is None:
            raise TrainingError("the graph has no output to minimise")
        loss_shape = self.plan.shapes[self.plan.output]
        if loss_shape:
            raise TrainingError(
                f"the output '{self.plan.output}' must be a single number to minimise, "
                f"not a tensor of shape {'×'.join(map(str, loss_shape))} (add sum or mean)",
                self.plan.output,
            )
        self.slots = self.plan.leaf_tensors(device=self.settings.device)
        # with a test fraction, ``slots`` hold the training rows and ``test_slots`` the others
        self.test_slots: list[torch.Tensor | None] | None = None
        if self.settings.test_fraction > 0:
            try:
                self.slots, self.test_slots = split_slots(
                    self.plan, self.slots, self.settings.test_fraction, self.settings.seed
                )
            except SplitError as exc:
                raise TrainingError(str(exc), exc.node) from None
        try:
            self.batcher = Batcher(
                self.plan,
                self.slots,
                self.settings.batch_size,
                self.settings.shuffle,
                self.settings.seed,
            )
        except BatchError as exc:
            raise TrainingError(str(exc), exc.node) from None
        self.param_slots = [
            slot for slot, train in zip(self.plan.leaf_slots, self.plan.trainable) if train
        ]
        if not self.param_slots:
            raise TrainingError("nothing to train: mark at least one leaf as a parameter")
        self.params = [self.slots[s] for s in self.param_slots]
        self.param_names = [self.plan.names[s] for s in self.param_slots]
        self.initial = [p.detach().clone() for p in self.params]
        self._flat_views = _flat_views(self.params)
        _make_update(self.params, self.settings)  # an unknown optimizer is refused here
        self._update: Update | None = None  # made at the first step, for the parameters used
        self._used: list[torch.Tensor] = []  # the parameters the loss depends on
        self.iteration = 0
        self.grads = torch.zeros(0, dtype=torch.float64)  # the last step's, flat (flat_grads)
        try:  # one checked pass over all rows (e.g. class targets), so steps need not check
            self.loss()
            if self.test_slots is not None:
                with torch.no_grad():
                    self.plan.forward(list(self.test_slots))
        except TrainingError as exc:
            raise TrainingError(str(exc).removeprefix("iteration 0: "), exc.node) from None
        self._forward = forward_function(self.plan, self.plan.unchecked_steps())

    def step(self) -> float:
        """Forward, backward, update; returns the loss before the update."""
        slots = list(self.slots)
        if self.batcher.active:
            self.batcher.feed(slots, self.slots)
        try:
            loss = self._forward(slots)
        except (RuntimeError, MemoryError) as exc:  # torch refusing what the check let through
            raise self._refused(exc) from None
        value = loss.item()
        if not math.isfinite(value):
            raise self._diverged()
        try:
            grads = self._gradients(loss)
        except (RuntimeError, MemoryError) as exc:
            raise self._refused(exc) from None
        # as backward gave them, before any clip (a parameter the loss does not use: zeros)
        given = {id(p): g for p, g in zip(self._used, grads)}
        self.grads = flat_grads(self.params, [given.get(id(p)) for p in self.params])
        if self.settings.clip is not None:
            self._clip(grads)
        if self._update is not None:
            self._update.apply(grads)
        self.iteration += 1
        return value

    def _gradients(self, loss: torch.Tensor) -> Sequence[torch.Tensor]:
        """The gradients of the parameters the loss depends on (torch.optim skips the others,
        whose ``.grad`` a backward pass leaves empty); the first step finds which they are."""
        if self._update is not None:
            return torch.autograd.grad(loss, self._used)
        grads = torch.autograd.grad(loss, self.params, allow_unused=True)
        self._used = [p for p, g in zip(self.params, grads) if g is not None]
        self._update = _make_update(self._used, self.settings) if self._used else None
        return [g for g in grads if g is not None]

    def _clip(self, grads: Sequence[torch.Tensor]) -> None:
        """torch's own gradient-norm clip, in place on ``grads`` (it reads them from ``.grad``)."""
        for p, g in zip(self._used, grads):
            p.grad = g
        torch.nn.utils.clip_grad_norm_(self._used, self.settings.clip)
        for p in self._used:
            p.grad = None

    def loss(self) -> float:
        """The current loss over all rows, without a step."""
        with torch.no_grad():
            try:
                return self.plan.forward(list(self.slots)).item()
            except (RuntimeError, MemoryError) as exc:
                raise self._refused(exc) from None

    def test_loss(self) -> float | None:
        """The loss over the held-out rows at the current parameters (None: no split)."""
        if self.test_slots is None:
            return None
        with torch.no_grad():
            try:
                return self._forward(list(self.test_slots)).item()
            except (RuntimeError, MemoryError) as exc:
                raise self._refused(exc) from None

    def trace(self) -> Trace:
        """A full instrumented Trace at the current parameters."""
        return run(self.plan, self.slots)

    def param_values(self) -> dict[str, Value]:
        """The current parameters by name, as plain Python (a float, or nested lists)."""
        return {name: to_plain(p) for name, p in zip(self.param_names, self.params)}

    @property
    def param_shapes(self) -> list[tuple[int, ...]]:
        """The shape of each parameter, in the order of ``param_names``."""
        return [tuple(p.shape) for p in self.params]

    def flat_params(self) -> torch.Tensor:
        """All parameters in one detached float64 vector: one cheap copy per step, so that a
        timeline can keep every iteration's parameters without holding tensors."""
        flat = torch.cat([p.detach().reshape(-1) for p in self.params])
        return flat.to(device="cpu", dtype=torch.float64)

    def params_into(self, row: torch.Tensor) -> None:
        """Write ``flat_params()`` into ``row`` (float64, CPU) without a new tensor: a session
        keeps every step's parameters, and on small graphs making that copy was a fifth of a
        step. float64 CPU parameters are read through views made once (updates are in place)."""
        if self._flat_views is None:
            row.copy_(self.flat_params())
        else:
            torch.cat(self._flat_views, out=row)

    def trace_at(self, flat: Sequence[float]) -> Trace:
        """A full Trace at the parameters ``flat`` (as from ``flat_params``); the trainer's own
        tensors and optimizer state are left as they are."""
        vector = torch.as_tensor(flat, dtype=torch.float64)
        leaves = list(self.slots)
        start = 0
        for slot, p in zip(self.param_slots, self.params):
            size = p.numel()
            leaves[slot] = vector[start : start + size].reshape(p.shape).to(p.device, p.dtype)
            start += size
        return run(self.plan, leaves)

    def checked_loss(self) -> float:
        """The current loss; TrainingError naming the node when it is not finite."""
        value = self.loss()
        if not math.isfinite(value):
            raise self._diverged()
        return value

    def reset(self) -> None:
        """Back to the initial parameters, with a fresh optimizer state."""
        with torch.no_grad():
            for p, start in zip(self.params, self.initial):
                p.copy_(start)
        self._update, self._used = None, []
        self.batcher.reset()
        self.iteration = 0

    def _refused(self, exc: RuntimeError | MemoryError) -> TrainingError:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if isinstance(exc, MemoryError):
            message = "there is not enough memory (make the tensors or the batch smaller)"
        return TrainingError(
            f"iteration {self.iteration}: torch could not run the graph: {message}",
            self.plan.output,
            self.iteration,
        )

    def _diverged(self) -> TrainingError:
        it = self.iteration
        for name, p in zip(self.param_names, self.params):
            if not bool(torch.isfinite(p).all()):
                return TrainingError(
                    f"iteration {it}: parameter '{name}' is no longer finite "
                    f"({non_finite_kinds(p)}) — the update at "
                    f"iteration {it - 1} diverged (try a smaller learning rate)",
                    name,
                    it,
                )
        trace = self.trace()
        node = trace.error_node or self.plan.output
        kind = special_name(self.loss()) or "not finite on this batch"
        reason = trace.error or f"the loss '{self.plan.output}' is {kind}"
        return TrainingError(f"iteration {it}: {reason}", node, it)


def _flat_views(params: list[torch.Tensor]) -> list[torch.Tensor] | None:
    """Flat views of float64 CPU parameters (None otherwise: those are converted each time)."""
    if any(p.dtype != torch.float64 or p.device.type != "cpu" for p in params):
        return None
    try:
        return [p.detach().view(-1) for p in params]
    except RuntimeError:  # not contiguous: no flat view of it
        return None


def train(
    graph: Graph, steps: int, settings: TrainSettings | None = None
) -> tuple[list[float], Trainer]:
    """Run ``steps`` updates; returns the loss before each step and the trainer (final params)."""
    trainer = Trainer(graph, settings)
    losses = [trainer.step() for _ in range(steps)]
    return losses, trainer
