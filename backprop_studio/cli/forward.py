"""``eval --forward NAME``: forward mode beside the backward pass, every node's tangent.

The tangents come from ``engine.forward_mode`` (torch's forward-mode AD); this module parses
the target, adds ``"tangent"`` to every node of the JSON, and prints them under the table.
"""

from __future__ import annotations

import argparse

from ..model.graph import Graph
from ..model.tangents import Tangents, TargetError, parse_target
from .main import CliError
from .output import NumberFormat, json_number, table


def add_forward_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--forward",
        metavar="NAME",
        help="also run forward mode from the leaf NAME, or from one entry of it (NAME[i,j]): "
        "every node gets its tangent ∂node/∂NAME (all entries of NAME moved together when it "
        'is a tensor given without an entry); --json adds "tangent" to every node',
    )


def forward_tangents_of(ns: argparse.Namespace, graph: Graph, dtype: str) -> Tangents | None:
    """The tangents asked for with --forward (None without it); CliError for a bad target."""
    if ns.forward is None:
        return None
    try:
        name, index = parse_target(ns.forward)
    except TargetError as exc:
        raise CliError(f"--forward: {exc}") from None
    from ..engine.forward_mode import forward_tangents

    tangents = forward_tangents(graph, name, index, dtype)
    if tangents.error:
        raise CliError(f"--forward: {tangents.error}")
    return tangents


def add_tangents(data: dict, tangents: Tangents) -> dict:
    """``data["nodes"][name]["tangent"]`` for every node, and ``data["forward"]``: the target."""
    data["forward"] = tangents.label
    for name, entry in data["nodes"].items():
        entry["tangent"], kinds = json_number(tangents.values.get(name))
        if kinds:
            entry.setdefault("non_finite", {})["tangent"] = kinds
    return data


def tangent_table(tangents: Tangents, numbers: NumberFormat) -> str:
    """Every node's tangent, under a line that says what forward mode computed."""
    rows = [[["node"], [f"∂node/∂{tangents.label}"]]]
    for name, value in tangents.values.items():
        rows.append([[name], numbers.lines(value)])
    head = (
        f"forward mode from {tangents.label}: one pass carries ∂node/∂{tangents.label} along "
        "with every value"
    )
    return "\n".join(["", head, *table(rows)])
