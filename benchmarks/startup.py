"""Start-up: process launch → a visible, usable window, and → the first values on the canvas.

    python benchmarks/startup.py [--runs N]

Each run is a fresh process (offscreen Qt) that opens the seed example the way the app does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CHILD = r"""
import sys, time
from pathlib import Path
t0 = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from backprop_studio.app.main_window import MainWindow
from backprop_studio.app.files.file_actions import examples_dir
window = MainWindow()
window.show()
window.runner.warm_up()
window.files.open_path(examples_dir() / "seed.json", ask=False)
marks = {}
def usable():
    marks["window"] = time.time() - t0
QTimer.singleShot(0, usable)  # the event loop is running: the window takes input
def traced(trace):
    if "loss" in trace.values and "values" not in marks:
        marks["values"] = time.time() - t0
        print(f"{marks['window']:.3f} {marks['values']:.3f} {'torch' in sys.modules}")
        app.quit()
window.trace_shown.connect(traced)
app.exec()
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    windows, values = [], []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, repr(time.time())],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout.split()
        windows.append(float(out[0]))
        values.append(float(out[1]))
    print(f"runs: {args.runs} (offscreen, fresh process each)")
    print(f"launch → usable window : median {statistics.median(windows) * 1000:.0f} ms")
    print(
        f"launch → first values  : median {statistics.median(values) * 1000:.0f} ms (torch loaded)"
    )


if __name__ == "__main__":
    main()
