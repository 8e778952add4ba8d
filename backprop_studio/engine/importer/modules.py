"""What a ``torch.nn`` module that fx keeps as one call becomes (``nn.Linear`` is a block,
built by the builder); the module's own settings are checked as the functional call's are."""

from __future__ import annotations

from typing import Any

import torch.nn as nn

from .mapping import (
    Op,
    Rule,
    Unsupported,
    elu_rule,
    flatten_rule,
    gelu_rule,
    leaky_relu_rule,
    op,
    softmax_rule,
    softplus_rule,
    tensor_arg,
)


def module_rule(module: nn.Module) -> Rule | None:
    """Rules for modules fx keeps as one call (``nn.Linear`` is built apart, as a block)."""
    simple = {
        nn.ReLU: "relu",
        nn.Tanh: "tanh",
        nn.Sigmoid: "sigmoid",
        nn.GELU: "gelu",
        nn.Softplus: "softplus",
        nn.ELU: "elu",
        nn.Identity: "identity",
    }
    for kind, name in simple.items():
        if type(module) is kind:
            if isinstance(module, nn.GELU):
                return lambda input: gelu_rule(input, module.approximate)
            if isinstance(module, nn.Softplus):
                return lambda input: softplus_rule(input, module.beta, module.threshold)
            if isinstance(module, nn.ELU):
                return lambda input: elu_rule(input, module.alpha)
            return lambda input, *args, **kwargs: op(name, [input])
    if type(module) is nn.LeakyReLU:
        return lambda input: leaky_relu_rule(input, module.negative_slope)
    if type(module) in (nn.Softmax, nn.LogSoftmax):
        name = "softmax" if isinstance(module, nn.Softmax) else "log_softmax"
        return lambda input: softmax_rule(name)(input, module.dim)
    if type(module) is nn.Flatten:
        return lambda input: flatten_rule(input, module.start_dim, module.end_dim)
    losses = {
        nn.MSELoss: "mse",
        nn.CrossEntropyLoss: "cross_entropy",
        nn.BCEWithLogitsLoss: "bce_logits",
        nn.BCELoss: "bce",
    }
    for kind, name in losses.items():
        if type(module) is kind:
            return lambda input, target: _module_loss(module, name, input, target)
    return None


def _module_loss(module: nn.Module, name: str, input: Any, target: Any) -> Op:
    if getattr(module, "reduction", "mean") != "mean":
        raise Unsupported(f"reduction='{module.reduction}' (only 'mean' maps)")
    for attr, default in (("weight", None), ("pos_weight", None), ("label_smoothing", 0.0)):
        if getattr(module, attr, default) is not None and getattr(module, attr) != default:
            raise Unsupported(f"{attr}= other than the default")
    if getattr(module, "ignore_index", -100) != -100:
        raise Unsupported("ignore_index= other than the default")
    return op(name, [tensor_arg(input), tensor_arg(target)])
