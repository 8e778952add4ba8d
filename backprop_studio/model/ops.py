"""The op catalogue: one table row per op, shared by the palette, the parser, the engine and tooltips.

Each row says what the op is called, which named inputs it has, which attributes it takes (e.g. the
``axis`` of a sum), how it is drawn and written, and how its output shape follows from its input
shapes. The numerics live in the engine, never here.
"""

from __future__ import annotations

from .op_spec import (
    AXIS_REDUCE,
    BOOL,
    BROADCAST,
    CLAMP,
    CLASS_LOSS,
    COLUMNS,
    FILL,
    FLOAT,
    FLOATS,
    INT,
    LEAF,
    MATMUL,
    MAX_INPUTS,
    NEW_SHAPE,
    RESHAPE,
    SAME,
    SAME_SHAPE_LOSS,
    SHAPE,
    SOFTMAX,
    SQUEEZE,
    STR,
    TEXTS,
    TRANSPOSE,
    UNSQUEEZE,
    AttrSpec,
    OpSpec,
)

POWER = "power"  # a ** n with the number n an attribute; "pow" takes its exponent from a node
MAX_EXPONENT = 100.0
_EXPONENT = AttrSpec(
    "exponent",
    FLOAT,
    2.0,
    f"the number n in a ** n, from −{MAX_EXPONENT:g} to {MAX_EXPONENT:g}",
    MAX_EXPONENT,
)
_AXIS = AttrSpec("axis", INT, None, "the axis to reduce; unset reduces every axis")
_KEEPDIM = AttrSpec(
    "keepdim", BOOL, False, "keep the reduced axis with size 1, so the result broadcasts back"
)
_NEW_SHAPE = AttrSpec(
    "shape", NEW_SHAPE, (-1,), "the new shape, e.g. (2, 3); one size may be -1 (the rest)"
)
_INPUTS = AttrSpec(
    "n",
    INT,
    None,  # unset: 2, as every add has always had
    f"how many inputs (a, b, c, …), 2 to {MAX_INPUTS}: add(a, b, c) in a program",
    bound=MAX_INPUTS,
    minimum=2,
)
_FILL_SHAPE = AttrSpec("shape", SHAPE, (), "the shape, e.g. (3, 2); () is a scalar")
_CLAMP = (
    AttrSpec("min", FLOAT, None, "the smallest value kept; unset: no lower bound"),
    AttrSpec("max", FLOAT, None, "the largest value kept; unset: no upper bound"),
)
_LAST_AXIS = AttrSpec("axis", INT, -1, "the axis that sums to one (default: the last)")
# A leaf is given by its value, or by a recipe the engine turns into one (model/recipes.py).
_INIT = (
    AttrSpec("init", STR, None, "initialiser: zeros, constant, normal, uniform, xavier, kaiming…"),
    AttrSpec("shape", SHAPE, None, "the shape of the initialised tensor, e.g. (2, 16)"),
    AttrSpec("seed", INT, None, "random seed (default 0), so every run starts the same"),
    AttrSpec("scale", FLOAT, None, "constant: the value; normal: std; uniform: bound; else gain"),
)
_DATA = (
    AttrSpec("dataset", STR, None, "a built-in dataset: linear, xor, moons, circles, spiral"),
    AttrSpec("part", STR, None, "x (features) or y (targets)"),
    AttrSpec("n", INT, None, "number of rows (samples)"),
    AttrSpec("noise", FLOAT, None, "standard deviation of the noise"),
    AttrSpec("classes", INT, None, "number of classes (spiral)"),
    AttrSpec("csv", STR, None, "the CSV file the rows came from"),
    AttrSpec("columns", COLUMNS, None, "the CSV columns, by name or index"),
    AttrSpec("class_names", TEXTS, None, "a CSV target's classes: class k is class_names[k]"),
    AttrSpec("labels", STR, None, "onehot: one column per class (else one class index)"),
    AttrSpec("missing", STR, None, "how missing cells were handled: drop the rows, or mean"),
    AttrSpec("mean", FLOATS, None, "standardised: each column's mean before the transform"),
    AttrSpec("std", FLOATS, None, "standardised: each column's deviation; z = (v − mean) / std"),
)


def _leaf(
    name: str, symbol: str, formula: str, derivative: str, attrs: tuple[AttrSpec, ...] = ()
) -> OpSpec:
    return OpSpec(name, (), symbol, "Leaves", formula, derivative, LEAF, attrs=attrs)


def _binary(
    name: str, symbol: str, infix: str | None, formula: str, derivative: str, variadic: bool = False
) -> OpSpec:
    attrs = (_INPUTS,) if variadic else ()
    return OpSpec(
        name, ("a", "b"), symbol, "Arithmetic", formula, derivative, BROADCAST, infix, attrs,
        variadic=variadic,
    )  # fmt: skip


def _fill(name: str, number: str) -> OpSpec:
    return OpSpec(
        name, (), name, "Leaves", f"a tensor of {number}s of a shape: {name}(3, 2)",
        "no gradient (nothing flows into it)", FILL, attrs=(_FILL_SHAPE,),
    )  # fmt: skip


def _reduce(name: str, formula: str, derivative: str) -> OpSpec:
    return OpSpec(name, ("a",), name, "Reductions", formula, derivative, AXIS_REDUCE,
                  attrs=(_AXIS, _KEEPDIM))  # fmt: skip


def _unary(name: str, symbol: str, category: str, formula: str, derivative: str) -> OpSpec:
    return OpSpec(name, ("a",), symbol, category, formula, derivative, SAME)


_CATALOGUE: tuple[OpSpec, ...] = (
    _leaf(
        "param", "θ", "a trainable parameter", "gets a gradient and is updated by training", _INIT
    ),
    _leaf("data", "x", "a fixed input", "no gradient, never updated", _INIT + _DATA),
    _leaf("const", "c", "a constant number", "no gradient"),
    _fill("ones", "one"),
    _fill("zeros", "zero"),
    _binary(
        "add",
        "+",
        "+",
        "a + b (+ c + …: add(a, b, c))",
        "∂/∂a = 1, ∂/∂b = 1, and 1 for every other input",
        True,
    ),
    _binary("sub", "−", "-", "a − b", "∂/∂a = 1, ∂/∂b = −1"),
    _binary(
        "mul",
        "×",
        "*",
        "a · b (· c · …: mul(a, b, c))",
        "∂/∂a = b, ∂/∂b = a; with more inputs, the product of the others",
        True,
    ),
    _binary("div", "÷", "/", "a / b", "∂/∂a = 1/b, ∂/∂b = −a/b²"),
    OpSpec(
        POWER,
        ("a",),
        "**",
        "Arithmetic",
        "a ** n (n a number on the node)",
        "∂/∂a = n·a^(n−1)",
        SAME,
        attrs=(_EXPONENT,),
        shows="exponent",
    ),
    _binary("pow", "**", "**", "a ** b (b from a node)", "∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a"),
    OpSpec("neg", ("a",), "−", "Arithmetic", "−a", "∂/∂a = −1", SAME, "-"),
    _unary("square", "²", "Arithmetic", "a²", "∂/∂a = 2a"),
    _binary(
        "maximum",
        "max",
        None,
        "the larger of a and b, elementwise",
        "∂/∂a = 1 where a > b, 0 where a < b; torch splits a tie: ½ to each",
    ),
    _binary(
        "minimum",
        "min",
        None,
        "the smaller of a and b, elementwise",
        "∂/∂a = 1 where a < b, 0 where a > b; torch splits a tie: ½ to each",
    ),
    _unary("exp", "exp", "Functions", "eᵃ", "∂/∂a = eᵃ"),
    _unary("log", "log", "Functions", "ln a", "∂/∂a = 1/a"),
    _unary("sqrt", "√", "Functions", "√a", "∂/∂a = 1/(2√a)"),
    _unary("abs", "|a|", "Functions", "|a|", "∂/∂a = sign(a)"),
    _unary("sin", "sin", "Functions", "sin a", "∂/∂a = cos a"),
    _unary("cos", "cos", "Functions", "cos a", "∂/∂a = −sin a"),
    _unary("tan", "tan", "Functions", "tan a", "∂/∂a = 1 + tan²a"),
    _unary("log1p", "log1p", "Functions", "ln(1 + a), exact for small a", "∂/∂a = 1/(1 + a)"),
    _unary("identity", "id", "Functions", "a, unchanged", "∂/∂a = 1"),
    OpSpec(
        "clamp",
        ("a",),
        "clamp",
        "Functions",
        "a limited to [min, max] (min, max or both set)",
        "∂/∂a = 1 where min ≤ a ≤ max, else 0; torch passes the gradient at a = min or max",
        CLAMP,
        attrs=_CLAMP,
    ),  # fmt: skip
    _unary("tanh", "tanh", "Activations", "tanh a", "∂/∂a = 1 − tanh²a"),
    _unary("sigmoid", "σ", "Activations", "σ(a) = 1/(1+e⁻ᵃ)", "∂/∂a = σ(a)(1 − σ(a))"),
    _unary("relu", "ReLU", "Activations", "max(0, a)", "∂/∂a = 1 if a > 0 else 0"),
    OpSpec(
        "leaky_relu",
        ("a",),
        "leaky ReLU",
        "Activations",
        "a if a > 0 else slope·a",
        "∂/∂a = 1 if a > 0 else slope (torch takes the slope at a = 0)",
        SAME,
        attrs=(AttrSpec("slope", FLOAT, 0.01, "the slope for a < 0 (torch's negative_slope)"),),
    ),  # fmt: skip
    _unary(
        "gelu",
        "GELU",
        "Activations",
        "a·Φ(a), Φ the normal distribution's CDF (exact, erf)",
        "∂/∂a = Φ(a) + a·φ(a)",
    ),
    _unary(
        "softplus",
        "softplus",
        "Activations",
        "ln(1 + eᵃ); torch gives a itself for a > 20",
        "∂/∂a = σ(a) (1 for a > 20)",
    ),
    OpSpec(
        "elu",
        ("a",),
        "ELU",
        "Activations",
        "a if a > 0 else α(eᵃ − 1)",
        "∂/∂a = 1 if a > 0 else α·eᵃ (torch takes α at a = 0)",
        SAME,
        attrs=(AttrSpec("alpha", FLOAT, 1.0, "α: the value ELU tends to for very negative a, −α"),),
    ),  # fmt: skip
    OpSpec(
        "softmax",
        ("a",),
        "softmax",
        "Activations",
        "eᵃⁱ / Σⱼ eᵃʲ along an axis",
        "∂sᵢ/∂aⱼ = sᵢ(δᵢⱼ − sⱼ)",
        SOFTMAX,
        attrs=(_LAST_AXIS,),
    ),
    OpSpec(
        "log_softmax",
        ("a",),
        "log softmax",
        "Activations",
        "aᵢ − log Σⱼ eᵃʲ along an axis",
        "∂/∂aⱼ = δᵢⱼ − softmax(a)ⱼ",
        SOFTMAX,
        attrs=(_LAST_AXIS,),
    ),
    OpSpec(
        "sum", ("a",), "Σ", "Reductions", "Σᵢ aᵢ", "∂/∂aᵢ = 1", AXIS_REDUCE, attrs=(_AXIS, _KEEPDIM)
    ),
    OpSpec(
        "mean",
        ("a",),
        "mean",
        "Reductions",
        "(1/n) Σᵢ aᵢ",
        "∂/∂aᵢ = 1/n",
        AXIS_REDUCE,
        attrs=(_AXIS, _KEEPDIM),
    ),
    _reduce(
        "max",
        "the largest aᵢ (over an axis, or all)",
        "∂/∂aᵢ = 1 at the maximum, else 0; over all axes torch shares a tie evenly, over an "
        "axis it gives all to the index torch.max returns",
    ),
    _reduce(
        "min",
        "the smallest aᵢ (over an axis, or all)",
        "∂/∂aᵢ = 1 at the minimum, else 0; over all axes torch shares a tie evenly, over an "
        "axis it gives all to the index torch.min returns",
    ),
    OpSpec(
        "mse",
        ("pred", "target"),
        "MSE",
        "Losses",
        "mean((pred − target)²)",
        "∂/∂pred = 2(pred − target)/n",
        "mse",
    ),
    OpSpec(
        "bce_logits",
        ("logits", "target"),
        "BCE",
        "Losses",
        "mean(−t·log σ(z) − (1−t)·log(1−σ(z))), z = logits",
        "∂/∂z = (σ(z) − t)/n",
        SAME_SHAPE_LOSS,
    ),
    OpSpec(
        "bce",
        ("pred", "target"),
        "BCE",
        "Losses",
        "mean(−t·ln p − (1−t)·ln(1−p)), p = pred, probabilities in [0, 1]",
        "∂/∂p = (p − t)/(p(1 − p))/n; torch clamps each ln at −100, so p = 0 or 1 stays finite",
        SAME_SHAPE_LOSS,
    ),
    OpSpec(
        "cross_entropy",
        ("logits", "target"),
        "CE",
        "Losses",
        "mean over rows of −log softmax(logits)[class]; target: class indices or probabilities",
        "∂/∂logits = (softmax(logits) − onehot(target))/n",
        CLASS_LOSS,
    ),
    OpSpec(
        "matmul",
        ("a", "b"),
        "@",
        "Linear algebra",
        "a @ b",
        "∂/∂a = G·bᵀ, ∂/∂b = aᵀ·G",
        MATMUL,
        "@",
    ),
    OpSpec(
        "transpose", ("a",), "ᵀ", "Linear algebra", "aᵀ (last two axes)", "∂/∂a = Gᵀ", TRANSPOSE
    ),
    OpSpec(
        "reshape",
        ("a",),
        "reshape",
        "Shape",
        "the same elements, row by row, in a new shape",
        "∂/∂a = G reshaped back",
        RESHAPE,
        attrs=(_NEW_SHAPE,),
    ),
    OpSpec(
        "unsqueeze",
        ("a",),
        "unsqueeze",
        "Shape",
        "a new axis of size 1 at dim",
        "∂/∂a = G with that axis removed",
        UNSQUEEZE,
        attrs=(AttrSpec("dim", INT, 0, "where the new axis goes (0 first, -1 last)"),),
    ),
    OpSpec(
        "squeeze",
        ("a",),
        "squeeze",
        "Shape",
        "the axis dim, of size 1, removed",
        "∂/∂a = G with the axis put back",
        SQUEEZE,
        attrs=(AttrSpec("dim", INT, 0, "the axis of size 1 to remove"),),
    ),
)

OPS: dict[str, OpSpec] = {spec.name: spec for spec in _CATALOGUE}

LEAF_OPS = frozenset(name for name, spec in OPS.items() if spec.is_leaf)
INFIX_OPS: dict[str, str] = {
    spec.infix: spec.name for spec in _CATALOGUE if spec.infix and spec.inputs != ("a",)
}
CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(spec.category for spec in _CATALOGUE))


def op_spec(name: str) -> OpSpec:
    """The catalogue entry for ``name``; KeyError names the unknown op."""
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f"unknown op '{name}'") from None


def ops_in(category: str) -> list[OpSpec]:
    return [spec for spec in _CATALOGUE if spec.category == category]
