"""The updates of torch.optim's SGD, SGD with momentum and Adam, called directly on fixed lists.

On the small graphs the studio trains, ``Optimizer.step()`` costs more than the update itself:
a profiler scope, hook checks, grad-mode switching, a walk over the parameter groups and a state
lookup per parameter, every step, then ``zero_grad`` to undo the ``.grad`` fields. A training
step here instead gets its gradients from ``torch.autograd.grad`` and hands them to one of these
updates, which run the very torch calls of torch.optim's default path (its ``foreach`` form,
which on the CPU applies the same single-tensor kernel to each tensor in turn), with the same
scalars computed in the same order, so the parameters stay bit for bit those of torch.optim with
the same settings (``tests/engine/test_updates.py`` compares them with ``torch.equal``).

The updates write through detached aliases of the parameters (same storage): an in-place change
then needs no ``torch.no_grad()`` scope per step.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

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
    """``torch.optim.SGD(params, lr)``: ``p -= lr · g``."""

    def apply(self, grads: Sequence[torch.Tensor]) -> None:
        torch._foreach_add_(self.params, grads, alpha=-self.lr)


class Momentum(Update):
    """``torch.optim.SGD(params, lr, momentum)`` (no dampening, not Nesterov): the buffer starts
    as a copy of the first gradient, then ``b = momentum · b + g``; ``p -= lr · b``."""

    def __init__(self, params: Sequence[torch.Tensor], lr: float, momentum: float) -> None:
        super().__init__(params, lr)
        self.momentum = momentum
        self.buffers: list[torch.Tensor] | None = None

    def apply(self, grads: Sequence[torch.Tensor]) -> None:
        if self.buffers is None:
            self.buffers = [g.detach().clone() for g in grads]
        else:
            torch._foreach_mul_(self.buffers, self.momentum)
            torch._foreach_add_(self.buffers, grads, alpha=1)  # 1 - dampening
        torch._foreach_add_(self.params, self.buffers, alpha=-self.lr)


class Adam(Update):
    """``torch.optim.Adam(params, lr)`` with its default betas and eps, no weight decay, no
    amsgrad: the moving averages, the bias corrections from the step count, then
    ``p += -(lr / bc1) · m / (√v / √bc2 + eps)``."""

    def __init__(self, params: Sequence[torch.Tensor], lr: float) -> None:
        super().__init__(params, lr)
        self.exp_avgs = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in params]
        self.exp_avg_sqs = [
            torch.zeros_like(p, memory_format=torch.preserve_format) for p in params
        ]
        self.steps = 0

    def apply(self, grads: Sequence[torch.Tensor]) -> None:
        beta1, beta2 = ADAM_BETAS
        self.steps += 1
        step = float(self.steps)  # torch.optim reads its step counter back as a float
        torch._foreach_lerp_(self.exp_avgs, grads, 1 - beta1)
        torch._foreach_mul_(self.exp_avg_sqs, beta2)
        torch._foreach_addcmul_(self.exp_avg_sqs, grads, grads, value=1 - beta2)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = (self.lr / bias_correction1) * -1
        denom = torch._foreach_sqrt(self.exp_avg_sqs)
        torch._foreach_div_(denom, bias_correction2**0.5)
        torch._foreach_add_(denom, ADAM_EPS)
        torch._foreach_addcdiv_(self.params, self.exp_avgs, denom, value=step_size)


def make_update(
    optimizer: str, params: Sequence[torch.Tensor], lr: float, momentum: float
) -> Update:
    """The update named by a training setting (``"sgd"``, ``"momentum"``, ``"adam"``);
    ValueError for another name."""
    if optimizer == "sgd":
        return SGD(params, lr)
    if optimizer == "momentum":
        return Momentum(params, lr, momentum)
    if optimizer == "adam":
        return Adam(params, lr)
    raise ValueError(f"unknown optimizer '{optimizer}' (choose {', '.join(OPTIMIZERS)})")
