"""Growth with size: document load, program parse and evaluation on chains, random DAGs and lists.

    python benchmarks/scaling.py [--quick] [--budget SECONDS] [--repeat N]

Prints, per case and size, the seconds each stage took and, per case, the growth exponent: the
slope of log time against log size (1 is linear, 2 quadratic). A case stops growing once one size
takes longer than ``--budget`` seconds, so a quadratic regression shows as a high exponent and a
short list instead of a run that never ends. ``--quick`` runs the smaller sizes only;
``--repeat N`` keeps the best of N runs per size, for steadier exponents on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Callable

from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.document_io import DocumentError, loads
from backprop_studio.model.program import ProgramError, parse_program

NODES = (1_000, 2_000, 5_000, 10_000)
NUMBERS = (10_000, 100_000, 1_000_000)
STATEMENTS = (1_000, 2_000, 5_000, 10_000)


# ---- inputs --------------------------------------------------------------------------------
def chain_document(n: int, order: str) -> str:
    """``s0`` data, ``w`` param, then ``s_i = s_(i-1) + w``: n nodes, edges in ``order``."""
    nodes = [
        {"name": "w", "op": "param", "position": [0, 0], "value": 1.0},
        {"name": "s0", "op": "data", "position": [0, 0], "value": 0.0},
    ]
    edges = []
    for i in range(1, n - 1):
        nodes.append({"name": f"s{i}", "op": "add", "position": [i, 0]})
        edges.append({"from": f"s{i - 1}", "to": f"s{i}", "port": "a"})
        edges.append({"from": "w", "to": f"s{i}", "port": "b"})
    return _document(nodes, edges, order)


def dag_document(n: int, order: str, seed: int = 0) -> str:
    """Ten leaves, then n - 10 add/sub/mul/tanh nodes each fed by random earlier nodes."""
    rng = random.Random(seed)
    nodes = [
        {"name": f"v{i}", "op": "param", "position": [0, i], "value": rng.uniform(-1, 1)}
        for i in range(10)
    ]
    edges = []
    for i in range(10, n):
        op = rng.choice(("add", "sub", "mul", "tanh"))
        nodes.append({"name": f"v{i}", "op": op, "position": [i, 0]})
        ports = ("a",) if op == "tanh" else ("a", "b")
        for port in ports:
            edges.append({"from": f"v{rng.randrange(i)}", "to": f"v{i}", "port": port})
    return _document(nodes, edges, order, rng)


def _document(nodes: list, edges: list, order: str, rng: random.Random | None = None) -> str:
    if order == "reversed":
        edges.reverse()
    elif order == "shuffled":
        (rng or random.Random(0)).shuffle(edges)
    return json.dumps({"format": "backprop-studio", "version": 1, "nodes": nodes, "edges": edges})


def data_program(n: int) -> str:
    numbers = ", ".join(f"{(i % 97) / 8:g}" for i in range(n))
    return f"x = data([{numbers}])\ny = sum(x * x)\n"


def chain_program(n: int, style: str) -> str:
    """n statements: ``s_i = s_(i-1) + w`` (named) or ``c = c + 1`` reassigned (as in README)."""
    if style == "named":
        lines = ["w = 1.0", "s0 = data(0.0)"]
        lines += [f"s{i} = s{i - 1} + w" for i in range(1, n - 1)]
    else:
        lines = ["c = 0.0"] + ["c = c + 1"] * (n - 1)
    return "\n".join(lines) + "\n"


# ---- measuring -----------------------------------------------------------------------------
REPEAT = 1


def timed(fn: Callable[..., object], *args: object) -> tuple[float, object]:
    """The best of REPEAT runs, and the last result."""
    best = math.inf
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def exponent(points: list[tuple[int, float]]) -> str:
    """Least-squares slope of log(time) on log(size)."""
    if len(points) < 2:
        return "–"
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return f"{slope:.2f}"


def run_case(
    title: str, sizes: tuple[int, ...], make: Callable[[int], str], build, budget: float
) -> None:
    """``build(text)`` → graph; times building and evaluating for each size."""
    print(f"{title}")
    builds, totals = [], []
    for n in sizes:
        text = make(n)
        try:
            t_build, graph = timed(build, text)
        except (DocumentError, ProgramError) as exc:
            print(f"  {n:>9,}  refused: {exc}")
            break
        t_eval, trace = timed(evaluate, graph)
        status = "ok" if trace.error is None and not trace.problems else "PROBLEM"
        print(
            f"  {n:>9,}  build {t_build:7.3f} s   evaluate {t_eval:7.3f} s   "
            f"total {t_build + t_eval:7.3f} s   {len(graph):,} nodes {status}"
        )
        sys.stdout.flush()
        builds.append((n, t_build))
        totals.append((n, t_build + t_eval))
        if t_build + t_eval > budget:
            print(f"  (stopped: over the {budget:g} s budget)")
            break
    print(f"  growth exponent: build {exponent(builds)}, build+evaluate {exponent(totals)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="the smaller sizes only")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per size")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per size")
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    nodes = NODES[:3] if args.quick else NODES
    numbers = NUMBERS[:2] if args.quick else NUMBERS
    statements = STATEMENTS[:3] if args.quick else STATEMENTS

    def document(text: str):
        return loads(text).graph

    evaluate(parse_program("w = 1.0\ny = w * w"))  # torch's first backward imports more of torch
    print("seconds per stage; build = load_document's parse and checks, or parse_program")
    documents = [
        ("chain", chain_document, order) for order in ("file order", "reversed", "shuffled")
    ]
    documents += [("random DAG", dag_document, order) for order in ("file order", "reversed")]
    for kind, make, order in documents:
        key = order.split()[0]
        run_case(
            f"{kind} document, edges in {order}",
            nodes,
            lambda n, make=make, key=key: make(n, key),
            document,
            args.budget,
        )
    run_case(
        "program: x = data([... n numbers])", numbers, data_program, parse_program, args.budget
    )
    for style, title in (("named", "s_i = s_(i-1) + w"), ("reassigned", "c = c + 1")):
        run_case(
            f"program: n statements {title}",
            statements,
            lambda n, style=style: chain_program(n, style),
            parse_program,
            args.budget,
        )


if __name__ == "__main__":
    main()
