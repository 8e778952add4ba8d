"""``backprop-studio eval``: one forward and backward pass, printed as a table or as JSON.

The options shared with ``train`` (--dtype, --precision, --full) are defined here; ``train``
itself is in ``cli_train``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from ..model.shapes import Value
from ..model.trace import Trace
from .forward import add_forward_argument, add_tangents, forward_tangents_of, tangent_table
from .main import (
    EXIT_STATUS,
    CliError,
    add_source_arguments,
    load_source,
    refuse_problems,
    whole_number,
)
from .output import NumberFormat, is_whole, shape_text, table, trace_to_json


def add_eval(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="evaluate a graph: values, gradients, chain rule",
        description="Run forward and backward once and print every node's shape, value and "
        "gradient, then the chain rule along each edge in the order autograd computed it.",
        epilog=EXIT_STATUS,
    )
    add_source_arguments(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    add_dtype_argument(p)
    p.add_argument(
        "--seed-grad",
        choices=("ones",),
        help="backward from a non-scalar output, seeded with ones (output.backward("
        "torch.ones_like(output))); without it such an output is refused, as train refuses it",
    )
    add_number_arguments(p)
    add_forward_argument(p)
    p.set_defaults(handler=run_eval)


def add_dtype_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--dtype",
        choices=("float64", "float32"),
        default=None,
        help="default: the file's, else float64",
    )


def add_number_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--precision",
        type=whole_number(0, 17),
        default=4,
        metavar="DIGITS",
        help="decimals of each number (default 4)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help=f"print every element of large tensors (default: more than "
        f"{NumberFormat.threshold} are summarised)",
    )


def number_format(ns: argparse.Namespace) -> NumberFormat:
    return NumberFormat(precision=ns.precision, full=ns.full)


def run_eval(ns: argparse.Namespace) -> int:
    graph, settings = load_source(ns)
    analysis = graph.analyse()
    shape = analysis.shapes.get(analysis.output) if analysis.output else None
    if not analysis.problems and shape and ns.seed_grad is None:
        raise CliError(
            f"the output '{analysis.output}' must be a single number for backward, not a tensor "
            f"of shape {shape_text(shape)} (add sum or mean, or pass --seed-grad ones)"
        )
    from ..engine.autograd import evaluate

    dtype = ns.dtype or settings.get("dtype", "float64")
    trace = evaluate(graph, dtype)
    if trace.problems or not trace.values:
        refuse_problems(trace)
    tangents = forward_tangents_of(ns, graph, dtype)
    ops = {n.name: n.op for n in graph}
    if ns.json:
        data = trace_to_json(trace, ops, dtype)
        if tangents is not None:
            add_tangents(data, tangents)
        print(json.dumps(data, allow_nan=False))
    else:
        print(format_table(trace, ops, number_format(ns)))
        if tangents is not None:
            print(tangent_table(tangents, number_format(ns)))
    refuse_problems(trace)  # a NaN or an infinity: printed as torch gave it, then status 1
    return 0


def fmt(value: Value | None, digits: int = 4) -> str:
    """A number as a learner reads it: 4 decimals, scientific when tiny or huge."""
    return NumberFormat(precision=digits).inline(value)


def format_table(trace: Trace, ops: dict[str, str], numbers: NumberFormat | None = None) -> str:
    """Every node's shape, value and gradient, then the chain rule along each edge in backward
    order. Tensors print in full up to a size (see ``cli_format``)."""
    numbers = numbers or NumberFormat()
    out = trace.output
    rows = [[["node"], ["op"], ["shape"], ["value"], [f"∂{out}/∂node"]]]
    for name, value in trace.values.items():
        whole = ops[name] == "data" and is_whole(value)
        rows.append(
            [
                [name],
                [ops[name]],
                [shape_text(trace.shapes.get(name, ()))],
                numbers.lines(value, whole),
                numbers.lines(trace.grads.get(name)),
            ]
        )
    lines = table(rows)
    shown = numbers.lines(trace.output_value)
    lines += [
        "",
        f"output: {out} = {shown[0]}",
        *(" " * len(f"output: {out} = ") + s for s in shown[1:]),
    ]
    if trace.backward_order:
        lines += ["", "backward pass, in the order autograd computed it:"]
        for step, k in enumerate(trace.backward_order, 1):
            lines.append(f"{step:3}. {chain_rule_text(trace, k, numbers.compact().inline)}")
    sums = fan_out_sums(trace, numbers.compact().inline)
    if sums:
        lines += ["", "a node used more than once adds up its edges' gradients:"]
        lines += [f"     {text}" for text in sums]
    return "\n".join(lines)


def chain_rule_text(trace: Trace, k: int, fmt: Callable[[Value | None], str] = fmt) -> str:
    """``∂L/∂u (via v.a) = ∂L/∂v · ∂v/∂u = (−2) · (1) = −2`` with the trace's own numbers; the
    port tells two edges into one node apart (``x * x``: ``via y.a`` and ``via y.b``)."""
    e = trace.edges[k]
    out = trace.output
    head = f"∂{out}/∂{e.src} (via {e.dst}.{e.port})"
    local = trace.local_grads[k] if k < len(trace.local_grads) else None
    if local is None:
        return f"{head} = ∂{out}/∂{e.dst} · ∂{e.dst}/∂{e.src} = {fmt(trace.edge_grads[k])}"
    upstream = trace.grads.get(e.dst)
    return (
        f"{head} = ∂{out}/∂{e.dst} · ∂{e.dst}/∂{e.src} = ({fmt(upstream)}) · ({fmt(local)})"
        f" = {fmt(trace.edge_grads[k])}"
    )


def fan_out_sums(trace: Trace, fmt: Callable[[Value | None], str] = fmt) -> list[str]:
    """``∂L/∂x = 3.0000 (y.a) + 3.0000 (y.b) + 2.0000 (z.b) = 8.0000`` for each scalar node
    whose output feeds more than one input port, in the order of the node table."""
    uses: dict[str, list[int]] = {}
    for k, e in enumerate(trace.edges):  # scalars: a sum of tensors would not fit a line
        if k < len(trace.edge_grads) and isinstance(trace.edge_grads[k], (int, float)):
            uses.setdefault(e.src, []).append(k)
    texts = []
    for name in trace.values:
        ks = uses.get(name, [])
        if len(ks) < 2:
            continue
        terms = " + ".join(
            f"{fmt(trace.edge_grads[k])} ({trace.edges[k].dst}.{trace.edges[k].port})" for k in ks
        )
        texts.append(f"∂{trace.output}/∂{name} = {terms} = {fmt(trace.grads.get(name))}")
    return texts
