"""``x, y = csv("iris.csv", target="species", standardize=True)``: a CSV file read when the program
is parsed, as Data ▸ Load CSV reads it.

The two leaves hold the file's rows as their values, with their origin (file, columns, class
names, transform) in their attributes; so the program's graph, its document and the text written
back from it (``data([[…]], csv="iris.csv", …)``) no longer need the file. The path is relative
to the working folder. Keywords: ``target`` (required), ``features=(…)`` (all other columns by
default), ``labels="index"|"onehot"``, ``missing="refuse"|"drop"|"mean"``, ``standardize=True``,
and, when detection guesses wrong, ``header=``, ``delimiter=``, ``decimal=``, ``encoding=``.
"""

from __future__ import annotations

from typing import Any

from .csv_prepare import CsvChoice, CsvData, load

CHOICES = {"target", "features", "labels", "missing", "standardize"}
READING = {"header", "delimiter", "decimal", "encoding"}
KINDS: dict[str, tuple[type, ...]] = {
    "target": (str, int),
    "features": (tuple, str, int),
    "labels": (str,),
    "missing": (str,),
    "standardize": (bool,),
    "header": (bool,),
    "delimiter": (str,),
    "decimal": (str,),
    "encoding": (str,),
}


def read(path: str, keywords: dict[str, Any]) -> CsvData:
    """The leaves of ``csv(path, **keywords)``; ValueError (one line) for a bad keyword or file."""
    for key, value in keywords.items():
        if key not in KINDS:
            raise ValueError(f"unknown keyword '{key}' (it takes: {', '.join(KINDS)})")
        wrong_bool = isinstance(value, bool) and bool not in KINDS[key]  # True is an int too
        if not isinstance(value, KINDS[key]) or wrong_bool:
            raise ValueError(
                f"{key}={value!r:.40} is not a {' or '.join(t.__name__ for t in KINDS[key])}"
            )
    if "target" not in keywords:
        raise ValueError('name the column to predict: target="species" (or its index)')
    if keywords.get("delimiter") is not None and len(keywords["delimiter"]) != 1:
        raise ValueError("delimiter= is one character, like ';'")
    if keywords.get("decimal", ".") not in (".", ","):
        raise ValueError("decimal= is '.' or ','")
    features = keywords.get("features")
    choice = CsvChoice(
        target=keywords["target"],
        features=None if features is None else tuple(_as_tuple(features)),
        labels=keywords.get("labels", "index"),
        missing=keywords.get("missing", "refuse"),
        standardize=keywords.get("standardize", False),
    )
    return load(path, choice, **{k: v for k, v in keywords.items() if k in READING})


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)
