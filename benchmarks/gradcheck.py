"""What a gradient check costs, relative to one evaluation, on every gallery example.

    python benchmarks/gradcheck.py [--repeat N]

One evaluation is ``engine.autograd.evaluate`` (compile, forward, backward, the Trace the
editor shows after each edit); the check is ``engine.gradcheck.check_graph`` (compile, one
forward and backward, then two forward passes per checked entry). Prints the median time of
each, their ratio, and the number of entries checked.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

import torch

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.gradcheck import check_graph
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import EXAMPLES, example_path


def median_seconds(fn, repeat: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'example':<22}{'entries':>8}{'evaluate':>12}{'check':>12}{'ratio':>9}")
    for example in EXAMPLES:
        data = load_document(example_path(example.name))
        graph, dtype = data.graph, data.settings.get("dtype", "float64")
        entries = sum(p.checked for p in check_graph(graph).params.values())
        one = median_seconds(partial(evaluate, graph, dtype), args.repeat)
        check = median_seconds(partial(check_graph, graph), args.repeat)
        print(
            f"{example.name:<22}{entries:>8}{one * 1e3:>10.2f}ms{check * 1e3:>10.2f}ms"
            f"{check / one:>8.1f}×"
        )


if __name__ == "__main__":
    main()
