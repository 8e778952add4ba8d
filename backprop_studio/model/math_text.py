"""Inline math in a lesson's Markdown, ``$∂L/∂w = x$`` or ``$\\frac{\\partial L}{\\partial w}$``,
rewritten as Unicode text, which every Qt text widget renders legibly without a math engine.

Only a small TeX vocabulary is known (Greek letters, ∂, ·, ×, ≈, arrows, \\frac, \\hat, sub- and
superscripts of digits, letters and signs); anything else is kept as written. ``\\$`` is a dollar.
"""

from __future__ import annotations

import re

SYMBOLS = {
    "partial": "∂", "cdot": "·", "times": "×", "approx": "≈", "le": "≤", "ge": "≥", "ne": "≠",
    "leftarrow": "←", "rightarrow": "→", "to": "→", "sum": "Σ", "prod": "Π", "sqrt": "√",
    "infty": "∞", "pm": "±", "nabla": "∇", "in": "∈",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "sigma": "σ", "tau": "τ", "phi": "φ", "Delta": "Δ",
    "tanh": "tanh", "log": "log", "exp": "exp", "max": "max", "min": "min",
}  # fmt: skip
HATS = {"y": "ŷ", "x": "x̂", "p": "p̂", "w": "ŵ", "z": "ẑ"}
SUPER = str.maketrans("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ")
SUB = str.maketrans("0123456789+-=()ijknt", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ᵢⱼₖₙₜ")
_SCRIPT_CHARS = {"^": "0123456789+-=()niT", "_": "0123456789+-=()ijknt"}

_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")
_FRAC = re.compile(r"\\frac\{((?:[^{}]|\{[^{}]*\})*)\}\{((?:[^{}]|\{[^{}]*\})*)\}")
_HAT = re.compile(r"\\hat\{?([a-z])\}?")
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_SCRIPT = re.compile(r"([\^_])(\{[^{}]*\}|.)")


def _script(match: re.Match[str]) -> str:
    mark, body = match.group(1), match.group(2).strip("{}")
    if all(c in _SCRIPT_CHARS[mark] for c in body):
        return body.translate(SUPER if mark == "^" else SUB)
    return match.group(0)


def _frac(match: re.Match[str]) -> str:
    top, bottom = match.group(1).strip(), match.group(2).strip()
    wrap = lambda s: s if len(s) <= 2 or " " not in s else f"({s})"  # noqa: E731
    return f"{wrap(top)}/{wrap(bottom)}"


def math_to_unicode(tex: str) -> str:
    """One formula as Unicode text."""
    text = _HAT.sub(lambda m: HATS.get(m.group(1), m.group(1) + "\u0302"), tex)
    text = _COMMAND.sub(
        lambda m: SYMBOLS.get(m.group(1), m.group(0)), text.replace("\\frac", "\x00")
    )
    text = text.replace("∂ ", "∂").replace("\x00", "\\frac")
    text = _SCRIPT.sub(_script, text)
    text = _FRAC.sub(_frac, text)
    return text.replace("-", "−")


def markdown_with_math(markdown: str) -> str:
    """``markdown`` with every ``$…$`` rewritten (and its * and _ kept from Markdown's reach)."""

    def one(match: re.Match[str]) -> str:
        return math_to_unicode(match.group(1)).replace("*", r"\*").replace("_", r"\_")

    return _MATH.sub(one, markdown).replace(r"\$", "$")
