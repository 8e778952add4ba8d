"""What a ``torch.nn`` module that fx keeps as one call becomes (``nn.Linear`` is a block,
built by the builder); the module's own settings are checked as the functional call's are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch.nn as nn

from .mapping import (
    elu_rule,
    flatten_rule,
    gelu_rule,
    leaky_relu_rule,
    softmax_rule,
    softplus_rule,
)
from .results import Op, Rule, Unsupported, op, tensor_arg


def _same(name: str) -> Callable[[nn.Module], Rule]:
    return lambda module: lambda input, *args, **kwargs: op(name, [tensor_arg(input)])


def _loss(name: str) -> Callable[[nn.Module], Rule]:
    return lambda module: lambda input, target: _module_loss(module, name, input, target)


_RULES: dict[type, Callable[[Any], Rule]] = {
    nn.ReLU: _same("relu"),
    nn.Tanh: _same("tanh"),
    nn.Sigmoid: _same("sigmoid"),
    nn.Identity: _same("identity"),
    nn.GELU: lambda m: lambda input: gelu_rule(input, m.approximate),
    nn.Softplus: lambda m: lambda input: softplus_rule(input, m.beta, m.threshold),
    nn.ELU: lambda m: lambda input: elu_rule(input, m.alpha),
    nn.LeakyReLU: lambda m: lambda input: leaky_relu_rule(input, m.negative_slope),
    nn.Softmax: lambda m: lambda input: softmax_rule("softmax")(input, m.dim),
    nn.LogSoftmax: lambda m: lambda input: softmax_rule("log_softmax")(input, m.dim),
    nn.Flatten: lambda m: lambda input: flatten_rule(input, m.start_dim, m.end_dim),
    nn.MSELoss: _loss("mse"),
    nn.CrossEntropyLoss: _loss("cross_entropy"),
    nn.BCEWithLogitsLoss: _loss("bce_logits"),
    nn.BCELoss: _loss("bce"),
}


def module_rule(module: nn.Module) -> Rule | None:
    """The rule for a module fx keeps as one call (``nn.Linear`` is built apart, as a block);
    a subclass of these has its own forward, so only the exact classes map."""
    make = _RULES.get(type(module))
    return make(module) if make else None


def _module_loss(module: nn.Module, name: str, input: Any, target: Any) -> Op:
    if getattr(module, "reduction", "mean") != "mean":
        raise Unsupported(f"reduction='{module.reduction}' (only 'mean' maps)")
    for attr in ("weight", "pos_weight"):
        if getattr(module, attr, None) is not None:
            raise Unsupported(f"{attr}= (class weights do not map)")
    if getattr(module, "label_smoothing", 0.0) != 0.0:
        raise Unsupported("label_smoothing= other than 0")
    if getattr(module, "ignore_index", -100) != -100:
        raise Unsupported("ignore_index= other than the default")
    return op(name, [tensor_arg(input), tensor_arg(target)])
