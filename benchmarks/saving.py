"""Saving: what the atomic write (temporary file, fsync, rename, fsync of the folder) costs.

    python benchmarks/saving.py [--runs N] [--nodes N]

Times ``save_document`` for the seed example and for a chain of ``--nodes`` nodes, once as it
is and once with ``os.fsync`` made a no-op, so the price of durability is printed as a ratio.
The files go to a temporary folder beside the current directory (not /tmp, which may be RAM).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from backprop_studio.model.document_io import load_document, save_document
from backprop_studio.model.graph import Graph, Node

SEED = Path(__file__).resolve().parents[1] / "resources" / "examples" / "seed.json"


def chain(n: int) -> Graph:
    g = Graph()
    g.extend([Node("x0", "param", "", (0.0, 0.0), 1.0)], [])
    for k in range(1, n):
        g.extend([Node(f"x{k}", "tanh", "", (k * 10.0, 0.0))], [])
        g.connect(f"x{k - 1}", f"x{k}", "a")
    return g


def median_ms(graph: Graph, path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        save_document(path, graph)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--nodes", type=int, default=1000)
    ns = parser.parse_args()
    graphs = {"seed": load_document(SEED).graph, f"chain of {ns.nodes}": chain(ns.nodes)}
    real_fsync = os.fsync
    with tempfile.TemporaryDirectory(dir=".") as folder:
        path = Path(folder) / "doc.json"
        for name, graph in graphs.items():
            durable = median_ms(graph, path, ns.runs)
            os.fsync = lambda fd: None
            try:
                plain = median_ms(graph, path, ns.runs)
            finally:
                os.fsync = real_fsync
            size = path.stat().st_size / 1024
            print(
                f"{name:>16}: {size:7.1f} KiB  save {durable:6.2f} ms  without fsync "
                f"{plain:6.2f} ms  ratio {durable / plain:5.2f}"
            )


if __name__ == "__main__":
    main()
