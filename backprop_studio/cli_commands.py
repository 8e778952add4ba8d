"""The headless commands: each one parses its options, runs the engine, prints a result."""

from __future__ import annotations

import argparse
import json
import math

from .cli import CliError, add_source_arguments, load_source
from .model.shapes import Value
from .model.trace import Trace


def add_eval(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="evaluate a graph: values, gradients, chain rule",
        description="Run forward and backward once and print every node's value and gradient.",
    )
    add_source_arguments(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument(
        "--dtype",
        choices=("float64", "float32"),
        default=None,
        help="default: the file's, else float64",
    )
    p.set_defaults(handler=run_eval)


def run_eval(ns: argparse.Namespace) -> int:
    from .engine.autograd import evaluate

    graph, settings = load_source(ns)
    trace = evaluate(graph, ns.dtype or settings.get("dtype", "float64"))
    if trace.problems:
        raise CliError(trace.problems[0].message)
    if trace.error:
        raise CliError(trace.error)
    if ns.json:
        print(json.dumps(trace_to_json(trace, {n.name: n.op for n in graph})))
    else:
        print(format_table(trace, {n.name: n.op for n in graph}))
    return 0


def trace_to_json(trace: Trace, ops: dict[str, str]) -> dict:
    """The documented ``eval --json`` shape."""
    return {
        "output": trace.output_value,
        "nodes": {
            name: {"op": ops[name], "value": value, "grad": trace.grads.get(name)}
            for name, value in trace.values.items()
        },
        "edges": [
            {"from": e.src, "to": e.dst, "port": e.port, "grad": g}
            for e, g in zip(trace.edges, trace.edge_grads)
        ],
        "backward_order": list(trace.backward_order),
    }


def fmt(value: Value | None, digits: int = 4) -> str:
    """A number as a learner reads it: 4 decimals, scientific when tiny or huge."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return "[" + ", ".join(fmt(v, digits) for v in value) + "]"
    if math.isfinite(value) and value != 0 and not 1e-3 <= abs(value) < 1e6:
        return f"{value:.{digits}e}"
    return f"{value:.{digits}f}"


def _short(value: Value | None) -> str:
    text = fmt(value)
    return text if len(text) <= 40 else text[:37] + "…"


def format_table(trace: Trace, ops: dict[str, str]) -> str:
    """Every node's value and gradient, then the chain rule along each edge in backward order."""
    out = trace.output
    rows = [("node", "op", "value", f"∂{out}/∂node")]
    for name, value in trace.values.items():
        rows.append((name, ops[name], _short(value), _short(trace.grads.get(name))))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += ["", f"output: {out} = {_short(trace.output_value)}"]
    if trace.backward_order:
        lines += ["", "backward pass, in the order autograd computed it:"]
        for step, k in enumerate(trace.backward_order, 1):
            lines.append(f"{step:3}. {chain_rule_text(trace, k)}")
    return "\n".join(lines)


def chain_rule_text(trace: Trace, k: int) -> str:
    """``∂L/∂u (via v) = ∂L/∂v · ∂v/∂u = (−2) · (1) = −2`` with the trace's own numbers."""
    e = trace.edges[k]
    out = trace.output
    head = f"∂{out}/∂{e.src} (via {e.dst})"
    local = trace.local_grads[k] if k < len(trace.local_grads) else None
    if local is None:
        return f"{head} = ∂{out}/∂{e.dst} · ∂{e.dst}/∂{e.src} = {_short(trace.edge_grads[k])}"
    upstream = trace.grads.get(e.dst)
    return (
        f"{head} = ∂{out}/∂{e.dst} · ∂{e.dst}/∂{e.src} = ({fmt(upstream)}) · ({fmt(local)})"
        f" = {fmt(trace.edge_grads[k])}"
    )
