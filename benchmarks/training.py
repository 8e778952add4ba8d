"""Iterations per second of training: torch by hand, Trainer.step headless, and Run in the editor.

    python benchmarks/training.py [--steps N] [--repeat R] [--threads T]

For the seed story and a 2→16→1 MLP on a batch of 64 (SGD, lr 0.01, float64) it prints the time
per step of the same loop written directly in torch, of ``Trainer.step`` (the headless path the
CLI uses), and of Run in an offscreen main window with the live plots, timeline and canvas
attached; then the ratios against the goals (headless ≤ 1.3× torch, GUI ≥ 70% of headless) and
the longest gap between two ticks of the UI thread's event loop during the run (goal ≤ 50 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from graphs import mlp, seed  # noqa: E402

from backprop_studio.engine.training import Trainer, TrainSettings  # noqa: E402

LR = 0.01
TICK_MS = 5


def per_step(step, steps: int, repeat: int) -> float:
    """Median seconds per call over ``repeat`` batches of ``steps`` calls (after a warm-up)."""
    for _ in range(min(steps, 200)):
        step()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        samples.append((time.perf_counter() - start) / steps)
    return statistics.median(samples)


def torch_loop(graph):
    """The same training loop written directly in torch."""
    t = {n.name: torch.tensor(n.value, dtype=torch.float64) for n in graph if n.is_leaf}
    if "W1" in t:
        params = [t[n].requires_grad_() for n in ("W1", "b1", "W2", "b2")]
        W1, b1, W2, b2 = params
        x, y = t["x"], t["y"]

        def loss_fn():
            return torch.mean((torch.tanh(x @ W1 + b1) @ W2 + b2 - y) ** 2)
    else:
        w, x, y, two = t["w"].requires_grad_(), t["x"], t["y"], t["two"]
        params = [w]

        def loss_fn():
            return (w * x - y) ** two

    opt = torch.optim.SGD(params, lr=LR)

    def step():
        loss = loss_fn()
        loss.item()  # the Trainer reads every loss, for the plot and divergence
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    return step


def headless(graph):
    return Trainer(graph, TrainSettings(lr=LR)).step


def gui_run(graph, steps: int) -> tuple[float, float, int]:
    """Run ``steps`` in an offscreen window; seconds per step, longest event-loop gap, steps."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from backprop_studio.app.main_window import MainWindow
    from backprop_studio.document import Document

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.set_document(Document(graph))
    training = window.training
    training.view.log_scale.setChecked(True)
    window.document.settings["training"]["steps"] = steps
    for _ in range(50):
        app.processEvents()
        time.sleep(0.01)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    training.runner.stopped.connect(lambda _batch: QTimer.singleShot(0, loop.quit))
    training.step()  # a first step builds the trainer and warms torch up
    loop.exec()
    timer.start()
    first = training.history.iteration
    start = time.perf_counter()
    training.run()
    loop.exec()
    seconds = time.perf_counter() - start
    timer.stop()
    done = training.history.iteration - first
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    window.document.undo_stack.setClean()
    window.close()
    return seconds / done, max(gaps) if gaps else 0.0, done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20_000, help="steps of the GUI run")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), float64, SGD lr {LR}")
    header = f"{'graph':<22}{'torch':>9}{'headless':>10}{'ratio':>7}{'GUI':>9}{'GUI rate':>10}"
    print(header + f"{'max UI gap':>12}")
    for label, graph, inner in (
        ("seed story", seed(), 5000),
        ("MLP 2-16-1, batch 64", mlp(), 1000),
    ):
        t_torch = per_step(torch_loop(graph), inner, args.repeat)
        t_head = per_step(headless(graph), inner, args.repeat)
        gui_steps = args.steps if "seed" in label else max(args.steps // 4, 1000)
        t_gui, gap, _ = gui_run(graph, gui_steps)
        print(
            f"{label:<22}{t_torch * 1e6:>7.1f}µs{t_head * 1e6:>8.1f}µs{t_head / t_torch:>6.2f}×"
            f"{t_gui * 1e6:>7.1f}µs{t_head / t_gui:>9.0%}{gap * 1e3:>10.1f}ms"
        )
    print("goals: headless ≤ 1.30× torch · GUI rate ≥ 70% of headless · UI gap ≤ 50 ms")


if __name__ == "__main__":
    main()
