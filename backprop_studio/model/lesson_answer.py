"""The learner's answer as a number, and whether it is close enough to torch's.

Typed answers are read leniently but never evaluated: a decimal or scientific number, with a
Unicode minus (−2, as the lessons print it), a comma for the decimal point, or a fraction a/b.
A sign is +, −, 0 or the words positive, negative, zero.
"""

from __future__ import annotations

import math
import re

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_FRACTION = re.compile(rf"({_NUMBER})\s*/\s*({_NUMBER})")
SIGNS = {"+": 1, "positive": 1, "-": -1, "negative": -1, "0": 0, "zero": 0}
MAX_ANSWER = 64  # characters


class AnswerError(ValueError):
    """An answer that is not a number (or a sign); ``str()`` says what is expected."""


def _tidy(text: str) -> str:
    text = text.strip().replace("−", "-").replace("–", "-").replace("\u2009", "").replace(" ", "")
    if len(text) > MAX_ANSWER:
        raise AnswerError(f"an answer has at most {MAX_ANSWER} characters")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return text


def parse_number(text: str) -> float:
    """``text`` as a finite float; AnswerError otherwise."""
    tidy = _tidy(text)
    if not tidy:
        raise AnswerError("type your prediction first, a number such as -2, 0.5 or 1/3")
    if re.fullmatch(_NUMBER, tidy):
        value = float(tidy)
    elif (match := _FRACTION.fullmatch(tidy)) is not None:
        denominator = float(match.group(2))
        if denominator == 0:
            raise AnswerError("a fraction cannot divide by zero")
        value = float(match.group(1)) / denominator
    else:
        raise AnswerError(f"type a number such as -2, 0.5 or 1/3, not {text.strip()!r:.30}")
    if not math.isfinite(value):
        raise AnswerError("type a finite number")
    return value


def parse_sign(text: str) -> int:
    """+1, −1 or 0; AnswerError otherwise."""
    tidy = _tidy(text).lower()
    if tidy not in SIGNS:
        raise AnswerError("choose a sign: +, − or 0")
    return SIGNS[tidy]


def sign_of(value: float, zero_band: float) -> int:
    """The sign of torch's number, with values within ``zero_band`` of 0 counted as 0."""
    if abs(value) <= zero_band:
        return 0
    return 1 if value > 0 else -1


def close_enough(given: float, expected: float, abs_tol: float, rel_tol: float) -> bool:
    return abs(given - expected) <= max(abs_tol, rel_tol * abs(expected))
