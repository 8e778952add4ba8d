"""What each traced torch call becomes in the studio: an op of the catalogue, or a refusal.

A rule has the signature of the torch function it stands for, so positional and keyword
arguments land where torch would put them; it is called with the traced arguments (``fx.Node``
for a tensor, plain Python for the rest) and returns an :class:`Op` (a node to make), a
:class:`Pass` (the value goes through unchanged: a dtype cast of whole numbers), a
:class:`Leaf` (a tensor made from nothing but numbers), or raises :class:`Unsupported` with
the reason. A rule naming an op the catalogue does not hold refuses like any unknown call, so
the table may name ops before they exist.
"""

from __future__ import annotations

import operator
from typing import Any

import torch
import torch.nn.functional as F
from torch import fx

from ...model.ops import MAX_EXPONENT, OPS
from .results import (
    Leaf,
    Op,
    Pass,
    Rule,
    Unsupported,
    literal_number,
    one_axis,
    op,
    shape_of,
    tensor_arg,
)


def _unary(name: str) -> Rule:
    def rule(input: Any, *rest: Any, **kwargs: Any) -> Op:
        if rest or any(v is not None for v in kwargs.values()):
            raise Unsupported("extra arguments")
        return op(name, [tensor_arg(input)])

    return rule


def _binary(name: str) -> Rule:
    def rule(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Op:
        if alpha != 1 or out is not None:
            raise Unsupported("alpha= or out= (write the multiplication out)")
        return op(name, [tensor_arg(input), tensor_arg(other)])

    return rule


def _pow(input: Any, exponent: Any) -> Op:
    if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
        if not isinstance(input, fx.Node):
            raise Unsupported("a power of two numbers (compute it in the code)")
        if abs(exponent) > MAX_EXPONENT:
            raise Unsupported(f"an exponent beyond ±{MAX_EXPONENT:g}")
        return op("power", [input], exponent=float(exponent))
    return op("pow", [tensor_arg(input), tensor_arg(exponent)])


def _reduce(name: str) -> Rule:
    def rule(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Op:
        if dtype is not None:
            raise Unsupported("dtype=")
        axis = one_axis(dim)
        return op(name, [tensor_arg(input)], axis=axis, keepdim=True if keepdim else None)

    return rule


def _extreme(name: str, pairwise: str) -> Rule:
    """``torch.max(x)``, ``torch.max(x, dim)`` (its values) and ``torch.max(a, b)``."""

    def rule(input: Any, dim: Any = None, keepdim: bool = False) -> Op:
        if isinstance(dim, fx.Node):
            return op(pairwise, [tensor_arg(input), dim])
        axis = one_axis(dim)
        return op(name, [tensor_arg(input)], axis=axis, keepdim=True if keepdim else None)

    return rule


def _amax(name: str) -> Rule:
    def rule(input: Any, dim: Any = (), keepdim: bool = False) -> Op:
        axis = None if dim == () else one_axis(dim)
        return op(name, [tensor_arg(input)], axis=axis, keepdim=True if keepdim else None)

    return rule


def softmax_rule(name: str) -> Rule:
    def rule(input: Any, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> Op:
        if dim is None or dtype is not None:
            raise Unsupported("softmax needs dim= (and no dtype=)")
        return op(name, [tensor_arg(input)], axis=one_axis(dim))

    return rule


def _defaults(given: dict[str, Any], **expected: Any) -> None:
    for key, default in expected.items():
        if key in given and given[key] != default:
            raise Unsupported(f"{key}={given[key]!r} (only the default, {default!r}, maps)")


def _loss(name: str, **expected: Any) -> Rule:
    def rule(input: Any, target: Any, *args: Any, **kwargs: Any) -> Op:
        if args:
            raise Unsupported("options given by position (name them, e.g. reduction=)")
        _defaults(kwargs, reduction="mean", **expected)
        return op(name, [tensor_arg(input), tensor_arg(target)])

    return rule


def _transpose_method(input: Any, dim0: Any = -2, dim1: Any = -1) -> Op:
    ndim = len(shape_of(input))
    if ndim >= 2 and sorted(d % ndim for d in (dim0, dim1)) != [ndim - 2, ndim - 1]:
        raise Unsupported("a transpose of axes other than the last two")
    return op("transpose", [input])


def _t(input: Any) -> Op:
    if len(shape_of(input)) > 2:
        raise Unsupported(".T of more than two axes (it reverses them all)")
    return op("transpose", [input])


def _reshape(input: Any, *shape: Any) -> Op:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, torch.Size)):
        shape = tuple(shape[0])
    if not shape or not all(isinstance(s, int) and not isinstance(s, bool) for s in shape):
        raise Unsupported("a shape that is not whole numbers written in the code")
    return op("reshape", [input], shape=tuple(shape))


def flatten_rule(input: Any, start_dim: int = 0, end_dim: int = -1) -> Op:
    if (start_dim, end_dim) != (0, -1):
        raise Unsupported("flatten of some axes only (use reshape)")
    return op("reshape", [input], shape=(-1,))


def _dim(name: str) -> Rule:
    def rule(input: Any, dim: Any = None) -> Op:
        if dim is None or isinstance(dim, (tuple, list)):
            raise Unsupported(f"{name} needs one dim")
        return op(name, [input], dim=one_axis(dim))

    return rule


def _cast(input: Any, *args: Any, **kwargs: Any) -> Pass:
    """A dtype cast changes no number the studio shows when the values are whole (class
    indices as ``long``), or when it is a float cast (the document has one dtype)."""
    target = next((a for a in (*args, *kwargs.values()) if isinstance(a, torch.dtype)), None)
    if target is not None and not target.is_floating_point:
        value = input.meta.get("value") if isinstance(input, fx.Node) else None
        if not isinstance(value, torch.Tensor) or not torch.equal(value, value.round()):
            raise Unsupported("a cast to whole numbers of values that are not whole")
    return Pass(input)


def _int_cast(input: Any, *args: Any, **kwargs: Any) -> Pass:
    return _cast(input, torch.long)


def _float_cast(input: Any, *args: Any, **kwargs: Any) -> Pass:
    return Pass(input)


def _clamp(input: Any, min: Any = None, max: Any = None) -> Op:
    low = None if min is None else literal_number(min, "min")
    high = None if max is None else literal_number(max, "max")
    if low is None and high is None:
        raise Unsupported("clamp with neither min nor max")
    return op("clamp", [input], min=low, max=high)


def leaky_relu_rule(input: Any, negative_slope: Any = 0.01, inplace: bool = False) -> Op:
    return op("leaky_relu", [input], slope=literal_number(negative_slope, "negative_slope"))


def gelu_rule(input: Any, approximate: str = "none") -> Op:
    if approximate != "none":
        raise Unsupported("approximate='tanh' (only the exact GELU maps)")
    return op("gelu", [input])


def softplus_rule(input: Any, beta: Any = 1.0, threshold: Any = 20.0) -> Op:
    if beta != 1 or threshold != 20:
        raise Unsupported("beta= or threshold= other than the defaults")
    return op("softplus", [input])


def elu_rule(input: Any, alpha: Any = 1.0, inplace: bool = False) -> Op:
    return op("elu", [input], alpha=literal_number(alpha, "alpha"))


def clone_rule(input: Any, memory_format: Any = None) -> Op:
    """``torch.clone`` (how the studio writes ``identity``): the same numbers, a node of its own."""
    return op("identity", [tensor_arg(input)])


def _activation(name: str) -> Rule:
    def rule(input: Any, inplace: bool = False) -> Op:
        return op(name, [tensor_arg(input)])

    return rule


def _like(name: str, init: str) -> Rule:
    def rule(input: Any, *args: Any, **kwargs: Any) -> Op | Leaf:
        spec = OPS.get(name)
        if spec is not None and spec.inputs == ("a",):
            return op(name, [input])
        return Leaf("data", attrs={"init": init, "shape": shape_of(input)})

    return rule


# ---- the table ---------------------------------------------------------------------------
_UNARY = ("exp", "log", "sqrt", "abs", "sin", "cos", "tan", "tanh", "sigmoid", "relu")
_UNARY += ("log1p", "square")

FUNCTIONS: dict[Any, Rule] = {
    operator.add: _binary("add"),
    operator.sub: _binary("sub"),
    operator.mul: _binary("mul"),
    operator.truediv: _binary("div"),
    operator.matmul: _binary("matmul"),
    operator.neg: _unary("neg"),
    operator.pos: lambda input: Pass(input),
    operator.pow: _pow,
    torch.add: _binary("add"),
    torch.sub: _binary("sub"),
    torch.subtract: _binary("sub"),
    torch.mul: _binary("mul"),
    torch.multiply: _binary("mul"),
    torch.div: _binary("div"),
    torch.true_divide: _binary("div"),
    torch.matmul: _binary("matmul"),
    torch.mm: _binary("matmul"),
    torch.neg: _unary("neg"),
    torch.pow: _pow,
    torch.sum: _reduce("sum"),
    torch.mean: _reduce("mean"),
    torch.max: _extreme("max", "maximum"),
    torch.min: _extreme("min", "minimum"),
    torch.amax: _amax("max"),
    torch.amin: _amax("min"),
    torch.maximum: _binary("maximum"),
    torch.minimum: _binary("minimum"),
    torch.clamp: _clamp,
    torch.clip: _clamp,
    torch.softmax: softmax_rule("softmax"),
    torch.log_softmax: softmax_rule("log_softmax"),
    torch.transpose: _transpose_method,
    torch.t: _t,
    torch.reshape: _reshape,
    torch.flatten: flatten_rule,
    torch.unsqueeze: _dim("unsqueeze"),
    torch.squeeze: _dim("squeeze"),
    torch.clone: clone_rule,
    torch.ones_like: _like("ones", "ones"),
    torch.zeros_like: _like("zeros", "zeros"),
    **{getattr(torch, name): _unary(name) for name in _UNARY},
    F.relu: _activation("relu"),
    F.tanh: _unary("tanh"),
    F.sigmoid: _unary("sigmoid"),
    F.softmax: softmax_rule("softmax"),
    F.log_softmax: softmax_rule("log_softmax"),
    F.leaky_relu: leaky_relu_rule,
    F.gelu: gelu_rule,
    F.softplus: softplus_rule,
    F.elu: elu_rule,
    F.mse_loss: _loss("mse", size_average=None, reduce=None),
    F.cross_entropy: _loss(
        "cross_entropy",
        weight=None,
        size_average=None,
        ignore_index=-100,
        reduce=None,
        label_smoothing=0.0,
    ),
    F.binary_cross_entropy_with_logits: _loss(
        "bce_logits", weight=None, size_average=None, reduce=None, pos_weight=None
    ),
    F.binary_cross_entropy: _loss("bce", weight=None, size_average=None, reduce=None),
}

METHODS: dict[str, Rule] = {
    "clone": clone_rule,
    "add": _binary("add"),
    "sub": _binary("sub"),
    "mul": _binary("mul"),
    "div": _binary("div"),
    "matmul": _binary("matmul"),
    "mm": _binary("matmul"),
    "neg": _unary("neg"),
    "pow": _pow,
    "sum": _reduce("sum"),
    "mean": _reduce("mean"),
    "max": _extreme("max", "maximum"),
    "min": _extreme("min", "minimum"),
    "amax": _amax("max"),
    "amin": _amax("min"),
    "clamp": _clamp,
    "clip": _clamp,
    "softmax": softmax_rule("softmax"),
    "log_softmax": softmax_rule("log_softmax"),
    "transpose": _transpose_method,
    "t": _t,
    "reshape": _reshape,
    "view": _reshape,
    "flatten": flatten_rule,
    "unsqueeze": _dim("unsqueeze"),
    "squeeze": _dim("squeeze"),
    "double": _float_cast,
    "float": _float_cast,
    "long": _int_cast,
    "int": _int_cast,
    "to": _cast,
    "type": _cast,
    "contiguous": _float_cast,
    **{name: _unary(name) for name in _UNARY},
}

ATTRIBUTES: dict[str, Rule] = {"T": _t, "mT": _transpose_method}


def function_rule(target: Any) -> Rule | None:
    try:
        return FUNCTIONS.get(target)
    except TypeError:  # an unhashable target
        return None


def call_name(node: fx.Node) -> str:
    """How the code wrote the call, for a message: ``torch.erf``, ``Tensor.cumsum``, ``a[...]``."""
    target = node.target
    if node.op == "call_method":
        return f"Tensor.{target}"
    if node.op == "call_module":
        return str(target)
    if target is operator.getitem:
        return "indexing [...]"
    if target is getattr:
        return f".{node.args[1]}"
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__name__", str(target))
    if module.startswith("torch.nn.functional"):
        return f"F.{name}"
    if module.startswith("torch") or getattr(torch, name, None) is target:
        return f"torch.{name}"
    if module in ("_operator", "operator"):
        return f"operator.{name}"
    return f"{module}.{name}" if module else name
