"""How each op of the engine is written in a script: one writer per entry of
``compile.TORCH_OPS``, making the same torch call, so the script's numbers are the studio's
(a test checks both tables hold the same ops)."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..model.attrs import attr_value, number_text
from ..model.graph import Node
from ..model.shapes import Shape, Value
from .compile import TORCH_OPS


def _binary(symbol: str) -> Callable[..., str]:
    return lambda args, node, shapes: f" {symbol} ".join(args)  # a + b + c: left to right


def _keywords(fn: str, *names: str) -> Callable[..., str]:
    """``fn(a, name=value, …)`` with each attribute's value or its catalogue default."""

    def write(args: list[str], node: Node, shapes: list[Shape]) -> str:
        kws = [f"{key}={literal(attr_value(node.spec, node.attrs, name))}" for name, key in names]
        return f"{fn}({', '.join([*args, *kws])})"

    return write


def _clamp(args: list[str], node: Node, shapes: list[Shape]) -> str:
    kws = [f"{k}={literal(node.attrs[k])}" for k in ("min", "max") if k in node.attrs]
    return f"torch.clamp({', '.join([args[0], *kws])})"


def _extreme(fn: str) -> Callable[..., str]:
    """torch.max/min over every axis (a scalar, reshaped for keepdim) or the values over one."""

    def write(args: list[str], node: Node, shapes: list[Shape]) -> str:
        axis, keepdim = node.attrs.get("axis"), bool(node.attrs.get("keepdim", False))
        if axis is None:
            ones = ", ".join("1" for _ in shapes[0])
            return f"{fn}({args[0]})" + (f".reshape({ones})" if keepdim and ones else "")
        kept = ", keepdim=True" if keepdim else ""
        return f"{fn}({args[0]}, dim={axis}{kept}).values"

    return write


def _call(fn: str) -> Callable[..., str]:
    return lambda args, node, shapes: f"{fn}({', '.join(args)})"


def _reduce(fn: str) -> Callable[..., str]:
    def write(args: list[str], node: Node, shapes: list[Shape]) -> str:
        axis, keepdim = node.attrs.get("axis"), bool(node.attrs.get("keepdim", False))
        if keepdim:
            return f"{fn}({args[0]}, dim={axis}, keepdim=True)"
        return f"{fn}({args[0]})" if axis is None else f"{fn}({args[0]}, dim={axis})"

    return write


def _softmax(fn: str) -> Callable[..., str]:
    return lambda args, node, shapes: f"{fn}({args[0]}, dim={node.attrs.get('axis', -1)})"


def _power(args: list[str], node: Node, shapes: list[Shape]) -> str:
    """``a ** 2`` as a teacher writes it: Tensor.__pow__ is torch.pow, the same number."""
    exponent = float(attr_value(node.spec, node.attrs, "exponent"))
    if not math.isfinite(exponent):
        return f"torch.pow({args[0]}, {literal(exponent)})"
    shown = number_text(exponent)
    return f"{args[0]} ** {f'({shown})' if exponent < 0 else shown}"


def _reshape(args: list[str], node: Node, shapes: list[Shape]) -> str:
    shape = attr_value(node.spec, node.attrs, "shape")
    return f"torch.reshape({args[0]}, {tuple(shape)!r})"


def _dim(fn: str) -> Callable[..., str]:
    return lambda args, node, shapes: f"{fn}({args[0]}, {attr_value(node.spec, node.attrs, 'dim')})"


def _transpose(args: list[str], node: Node, shapes: list[Shape]) -> str:
    if len(shapes[0]) >= 2:
        return f"{args[0]}.transpose(-2, -1)"
    return f"{args[0]}.view_as({args[0]})"  # a scalar or vector is its own transpose


def _cross_entropy(args: list[str], node: Node, shapes: list[Shape]) -> str:
    logits, target = args
    if shapes[1] == shapes[0]:  # class probabilities, e.g. one-hot rows
        return f"F.cross_entropy({logits}, {target})"
    index = f"{target}.squeeze(-1)" if len(shapes[1]) == len(shapes[0]) else target
    return f"F.cross_entropy({logits}, {index}.long())  # class indices"


# One writer per entry of compile.TORCH_OPS, making the same torch call (a test checks both).
OP_CODE: dict[str, Callable[[list[str], Node, list[Shape]], str]] = {
    "add": _binary("+"),
    "sub": _binary("-"),
    "mul": _binary("*"),
    "div": _binary("/"),
    "power": _power,
    "pow": _binary("**"),
    "matmul": _binary("@"),
    "neg": lambda args, node, shapes: f"-{args[0]}",
    **{op: _call(f"torch.{op}") for op in ("square", "maximum", "minimum", "tan", "log1p")},
    "identity": _call("torch.clone"),
    "clamp": _clamp,
    "leaky_relu": _keywords("F.leaky_relu", ("slope", "negative_slope")),
    "gelu": _call("F.gelu"),
    "softplus": _call("F.softplus"),
    "elu": _keywords("F.elu", ("alpha", "alpha")),
    "max": _extreme("torch.max"),
    "min": _extreme("torch.min"),
    "bce": _call("F.binary_cross_entropy"),
    **{op: _call(f"torch.{op}") for op in ("exp", "log", "sqrt", "abs", "sin", "cos")},
    **{op: _call(f"torch.{op}") for op in ("tanh", "sigmoid", "relu")},
    "softmax": _softmax("torch.softmax"),
    "log_softmax": _softmax("torch.log_softmax"),
    "sum": _reduce("torch.sum"),
    "mean": _reduce("torch.mean"),
    "mse": lambda args, node, shapes: f"torch.mean(({args[0]} - {args[1]}) ** 2)",
    "bce_logits": _call("F.binary_cross_entropy_with_logits"),
    "cross_entropy": _cross_entropy,
    "transpose": _transpose,
    "reshape": _reshape,
    "unsqueeze": _dim("torch.unsqueeze"),
    "squeeze": _dim("torch.squeeze"),
}
assert set(OP_CODE) == set(TORCH_OPS), "every op of the engine needs a line of code"
FUNCTIONAL = frozenset(
    {"bce_logits", "cross_entropy", "bce", "leaky_relu", "gelu", "softplus", "elu"}
)  # the ops whose line calls torch.nn.functional (F)


def literal(value: Value) -> str:
    """A Python literal that reads back as exactly ``value`` (repr of a float is exact)."""
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    number = float(value)
    if math.isfinite(number):
        return repr(number)
    return "math.nan" if math.isnan(number) else ("math.inf" if number > 0 else "-math.inf")
