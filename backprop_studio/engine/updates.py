"""The updates of torch.optim's SGD, SGD with momentum and Adam, called directly on fixed lists.

On the small graphs the studio trains, ``Optimizer.step()`` costs more than the update itself:
a profiler scope, hook checks, grad-mode switching, a walk over the parameter groups and a state
lookup per parameter, every step, then ``zero_grad`` to undo the ``.grad`` fields. A training
step here instead gets its gradients from ``torch.autograd.grad`` and hands them to torch.optim's
own functional updates (``torch.optim.sgd.sgd``, ``torch.optim.adam.adam``: what
``Optimizer.step()`` calls) in their multi-tensor (``foreach``) form: one call per step over all
parameters instead of a Python loop over them. On the CPU that form runs the same kernels in the
same order as torch.optim's default, so the parameters are bit for bit those of torch.optim with
the same settings (``tests/engine/test_updates.py`` compares them with ``torch.equal``), and no
arithmetic of an optimizer is written here.

The updates write through detached aliases of the parameters (same storage): an in-place change
then needs no ``torch.no_grad()`` scope per step.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch.optim.adam import adam
from torch.optim.sgd import sgd

from ..model.document_schema import OPTIMIZERS

# torch.optim.Adam's defaults, which the studio uses
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


class Update:
    """One optimiser's state for fixed parameters; ``apply(grads)`` makes one step."""

    def __init__(self, params: Sequence[torch.Tensor], lr: float) -> None:
        self.params = [p.detach() for p in params]
        self.lr = lr

    def apply(self, grads: Sequence[torch.Tensor]) -> None:
        raise NotImplementedError


class SGD(Update):
    """``torch.optim.SGD(params, lr, momentum)``: no weight decay, dampening or Nesterov; the
    momentum buffers (made from the first gradients) are kept between steps."""

    def __init__(self, params: Sequence[torch.Tensor], lr: float, momentum: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = momentum
        self.buffers: list[torch.Tensor | None] = [None] * len(self.params)

    def apply(self, grads: Sequence[torch.Tensor]) -> None:
        sgd(
            self.params, list(grads), self.buffers, foreach=True,
            weight_decay=0.0, momentum=self.momentum, lr=self.lr, dampening=0.0,
            nesterov=False, maximize=False,
        )  # fmt: skip


class Adam(Update):
    """``torch.optim.Adam(params, lr)`` with its default betas and eps, no weight decay and no
    amsgrad; its moving averages and step counts are kept as torch.optim keeps them."""

    def __init__(self, params: Sequence[torch.Tensor], lr: float) -> None:
        super().__init__(params, lr)
        self.exp_avgs = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in params]
        self.exp_avg_sqs = [
            torch.zeros_like(p, memory_format=torch.preserve_format) for p in params
        ]
        dtype = torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32
        self.steps = [torch.tensor(0.0, dtype=dtype) for _ in params]  # as Adam's state["step"]

    def apply(self, grads: Sequence[torch.Tensor]) -> None:
        beta1, beta2 = ADAM_BETAS
        adam(
            self.params, list(grads), self.exp_avgs, self.exp_avg_sqs, [], self.steps,
            foreach=True, amsgrad=False, beta1=beta1, beta2=beta2, lr=self.lr, weight_decay=0.0,
            eps=ADAM_EPS, maximize=False,
        )  # fmt: skip


def make_update(
    optimizer: str, params: Sequence[torch.Tensor], lr: float, momentum: float
) -> Update:
    """The update named by a training setting (``"sgd"``, ``"momentum"``, ``"adam"``);
    ValueError for another name."""
    if optimizer == "sgd":
        return SGD(params, lr)
    if optimizer == "momentum":
        return SGD(params, lr, momentum)
    if optimizer == "adam":
        return Adam(params, lr)
    raise ValueError(f"unknown optimizer '{optimizer}' (choose {', '.join(OPTIMIZERS)})")
