"""Time and peak memory of refusing hostile files: each case in a fresh process.

Run:  python benchmarks/hostile_files.py

Cases: a 500-byte file whose broadcast asks for 400,000,000 numbers (read and evaluated), a 1 KB
file with ten 10,000×1,000 recipe leaves (read), and, for scale, the seed example (read and
evaluated). Each line prints the wall time of the work after imports and the process's peak
resident memory (torch alone is ~250 MB of it). Goal: every hostile case refused in well under a
second and far below 1 GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WORK = textwrap.dedent(
    """
    import resource, sys, time
    from backprop_studio.engine.autograd import evaluate
    from backprop_studio.model.document_io import DocumentError, load_document
    start = time.perf_counter()
    try:
        trace = evaluate(load_document(sys.argv[1]).graph)
        outcome = trace.problems[0].message if trace.problems else "evaluated"
    except DocumentError as exc:
        outcome = str(exc)
    ms = (time.perf_counter() - start) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{ms:8.1f} ms  {peak:6.0f} MB peak  {outcome[:70]}")
    """
)


def _leaf(name: str, shape: list[int]) -> dict:
    return {
        "name": name,
        "op": "param",
        "position": [0, 0],
        "attrs": {"init": "normal", "shape": shape},
    }


def _files(folder: str) -> dict[str, str]:
    doc = {"format": "backprop-studio", "version": 1}
    cases = {
        "broadcast": {
            **doc,
            "nodes": [_leaf("a", [20000, 1]), _leaf("b", [1, 20000]),
                      {"name": "big", "op": "add", "position": [1, 0]}],
            "edges": [{"from": "a", "to": "big", "port": "a"}, {"from": "b", "to": "big", "port": "b"}],
        },
        "ten recipes": {**doc, "nodes": [_leaf(f"w{i}", [10000, 1000]) for i in range(10)], "edges": []},
    }  # fmt: skip
    paths = {}
    for name, content in cases.items():
        paths[name] = os.path.join(folder, name.replace(" ", "_") + ".json")
        with open(paths[name], "w", encoding="utf-8") as file:
            json.dump(content, file)
    paths["seed example"] = os.path.join(ROOT, "resources", "examples", "seed.json")
    return paths


def main() -> None:
    env = {**os.environ, "PYTHONPATH": ROOT}
    with tempfile.TemporaryDirectory() as folder:
        for name, path in _files(folder).items():
            done = subprocess.run(
                [sys.executable, "-c", WORK, path], capture_output=True, text=True, env=env
            )
            size = os.path.getsize(path)
            print(f"{name:>13} ({size:5} bytes): {done.stdout.strip() or done.stderr.strip()}")


if __name__ == "__main__":
    main()
