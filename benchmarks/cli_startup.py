"""Start-up of the command line: ``backprop-studio eval`` of the seed story against a bare
``python -c "import torch"``, five runs each, interleaved, median wall-clock and CPU seconds.

    python benchmarks/cli_startup.py

Runs from a neutral folder so that the package imported is the one on PYTHONPATH or installed.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "resources" / "examples" / "seed.json"
COMMANDS = {
    "eval": [sys.executable, "-m", "backprop_studio", "eval", str(SEED)],
    "import torch": [sys.executable, "-c", "import torch"],
}


def timed(argv: list[str], cwd: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(runs: int = 5) -> None:
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    with tempfile.TemporaryDirectory() as cwd:
        for _ in range(runs):
            for name, argv in COMMANDS.items():
                results[name].append(timed(argv, cwd))
    for name, rows in results.items():
        wall = statistics.median(w for w, _ in rows)
        cpu = statistics.median(c for _, c in rows)
        print(f"{name:>13}: median of {runs}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
