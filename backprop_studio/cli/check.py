"""``backprop-studio check``: autograd's gradient of every parameter against finite differences.

The numbers come from ``engine.gradcheck`` (float64, whatever the document's dtype); this module
only parses the arguments and prints the result, as a table or as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math

from ..model.check_result import TOLERANCE, GradCheck
from .main import CliError, add_source_arguments, load_source

CHECK_STATUS = (
    "exit status: 0 every checked entry agrees; 1 an entry disagrees (a kink, say), or bad "
    "input, named in one line on stderr; 2 bad usage."
)


def add_check(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="check autograd's gradients against finite differences",
        description="For every parameter, compare autograd's gradient of the output with a "
        "central finite difference computed from torch forward passes in float64: every entry "
        "of a small parameter, a seeded sample of 64 of a large one. A tensor output is summed, "
        f"as backward seeds it with ones. Entries agree within a relative error of {TOLERANCE:g}.",
        epilog=CHECK_STATUS,
    )
    add_source_arguments(p)
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"ok": …, "params": {NAME: {"ok", "max_rel_error", "checked"}}}',
    )
    p.set_defaults(handler=run_check)


def run_check(ns: argparse.Namespace) -> int:
    graph, _settings = load_source(ns)
    from ..engine.gradcheck import check_graph

    check = check_graph(graph)
    if check.error:
        raise CliError(check.error)
    if ns.json:
        print(json.dumps(_finite_json(check.to_json()), allow_nan=False))
    else:
        print(format_check(check))
    return 0 if check.ok else 1


def _finite_json(data: dict) -> dict:
    """An error that is not a number (a step that made the output infinite) becomes null."""
    for entry in data["params"].values():
        if not math.isfinite(entry["max_rel_error"]):
            entry["max_rel_error"] = None
    return data


def format_check(check: GradCheck) -> str:
    """A line per parameter, and for one that disagrees its worst entry and the reason."""
    lines = [f"∂{check.output}/∂parameter: autograd against central differences (float64)", ""]
    width = max(len(name) for name in check.params)
    for name, param in check.params.items():
        mark = "✓" if param.ok else "✗"
        if param.numel == 1:
            of = "1 entry"
        elif param.checked < param.numel:
            of = f"{param.checked} of {param.numel} entries"
        else:
            of = f"all {param.numel} entries"
        lines.append(
            f"{mark} {name:<{width}}  max relative error {param.max_rel_error:.2e}  ({of})"
        )
        worst = param.worst
        if not param.ok and worst is not None:
            at = f"[{', '.join(map(str, worst.index))}]" if worst.index else ""
            lines.append(
                f"    {name}{at}: finite difference {worst.numeric:.6g}, autograd "
                f"{worst.autograd:.6g} (h = {worst.step:.2g})"
            )
            if param.explanation:
                lines.append(f"    {param.explanation}")
    verdict = "all agree" if check.ok else "some disagree"
    lines += ["", f"{verdict} (tolerance {TOLERANCE:g})"]
    return "\n".join(lines)
