"""The op catalogue: one table row per op, shared by the palette, the parser, the engine and tooltips.

Each row says what the op is called, which named inputs it has, how it is drawn and written, and
how its output shape follows from its input shapes. The numerics live in the engine, never here.
"""

from __future__ import annotations

from dataclasses import dataclass

LEAF = "leaf"

# shape rules
SAME = "same"  # unary elementwise: output shape = input shape
BROADCAST = "broadcast"  # binary elementwise with numpy broadcasting
REDUCE = "reduce"  # reduces everything to a scalar
MATMUL = "matmul"
TRANSPOSE = "transpose"


@dataclass(frozen=True)
class OpSpec:
    """A catalogue entry. ``inputs`` are the port names, in call order."""

    name: str
    inputs: tuple[str, ...]
    symbol: str
    category: str
    formula: str
    derivative: str
    shape_rule: str = SAME
    infix: str | None = None  # program operator, e.g. "*"; None means a function call

    @property
    def is_leaf(self) -> bool:
        return self.shape_rule == LEAF

    @property
    def tooltip(self) -> str:
        return f"{self.name}: {self.formula}, {self.derivative}"


def _leaf(name: str, symbol: str, formula: str, derivative: str) -> OpSpec:
    return OpSpec(name, (), symbol, "Leaves", formula, derivative, LEAF)


def _binary(name: str, symbol: str, infix: str, formula: str, derivative: str) -> OpSpec:
    return OpSpec(name, ("a", "b"), symbol, "Arithmetic", formula, derivative, BROADCAST, infix)


def _unary(name: str, symbol: str, category: str, formula: str, derivative: str) -> OpSpec:
    return OpSpec(name, ("a",), symbol, category, formula, derivative, SAME)


_CATALOGUE: tuple[OpSpec, ...] = (
    _leaf("param", "θ", "a trainable parameter", "gets a gradient and is updated by training"),
    _leaf("data", "x", "a fixed input", "no gradient, never updated"),
    _leaf("const", "c", "a constant number", "no gradient"),
    _binary("add", "+", "+", "a + b", "∂/∂a = 1, ∂/∂b = 1"),
    _binary("sub", "−", "-", "a − b", "∂/∂a = 1, ∂/∂b = −1"),
    _binary("mul", "×", "*", "a · b", "∂/∂a = b, ∂/∂b = a"),
    _binary("div", "÷", "/", "a / b", "∂/∂a = 1/b, ∂/∂b = −a/b²"),
    _binary("pow", "**", "**", "a ** b", "∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a"),
    OpSpec("neg", ("a",), "−", "Arithmetic", "−a", "∂/∂a = −1", SAME, "-"),
    _unary("exp", "exp", "Functions", "eᵃ", "∂/∂a = eᵃ"),
    _unary("log", "log", "Functions", "ln a", "∂/∂a = 1/a"),
    _unary("sqrt", "√", "Functions", "√a", "∂/∂a = 1/(2√a)"),
    _unary("abs", "|a|", "Functions", "|a|", "∂/∂a = sign(a)"),
    _unary("sin", "sin", "Functions", "sin a", "∂/∂a = cos a"),
    _unary("cos", "cos", "Functions", "cos a", "∂/∂a = −sin a"),
    _unary("tanh", "tanh", "Activations", "tanh a", "∂/∂a = 1 − tanh²a"),
    _unary("sigmoid", "σ", "Activations", "σ(a) = 1/(1+e⁻ᵃ)", "∂/∂a = σ(a)(1 − σ(a))"),
    _unary("relu", "ReLU", "Activations", "max(0, a)", "∂/∂a = 1 if a > 0 else 0"),
    OpSpec("sum", ("a",), "Σ", "Reductions", "Σᵢ aᵢ", "∂/∂aᵢ = 1", REDUCE),
    OpSpec("mean", ("a",), "mean", "Reductions", "(1/n) Σᵢ aᵢ", "∂/∂aᵢ = 1/n", REDUCE),
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
