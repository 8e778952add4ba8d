"""Iterations per second of training: torch by hand, Trainer.step headless, and Run in the editor.

    python benchmarks/training.py [--rounds R] [--seconds S] [--threads T]

For the seed story and a 2→16→1 MLP on a batch of 64 (SGD, lr 0.01, float64) it prints the time
per step of the same loop written directly in torch, of ``Trainer.step`` (the headless path the
CLI uses), and of Run in an offscreen main window with the live plots, timeline and canvas
attached; then the ratios against the goals (headless ≤ 0.95× torch, GUI ≥ 85% of headless) and
the longest gap between two ticks of the UI thread's event loop during the run (goal ≤ 50 ms).
Each configuration runs in several interleaved rounds (torch, headless, GUI, torch, …); a figure
is the median over the rounds, a ratio the median of each round's ratio, so a busy spell of a
shared machine slows the runs it falls on alike.
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


def per_step(step, steps: int) -> float:
    """Seconds per call of ``steps`` calls in a row."""
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


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


class GuiRun:
    """An offscreen main window with the graph open, the live plots on (log scale) and a timer
    on the UI thread that records every tick of its event loop."""

    def __init__(self, graph) -> None:
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication

        from backprop_studio.app.main_window import MainWindow
        from backprop_studio.document import Document

        self.app = QApplication.instance() or QApplication([])
        self.window = MainWindow()
        self.window.resize(1400, 900)
        self.window.show()
        self.window.set_document(Document(graph))
        self.training = self.window.training
        self.training.view.log_scale.setChecked(True)
        self.ticks: list[tuple[float, bool]] = []  # (time, training still running)
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(
            lambda: self.ticks.append((time.perf_counter(), self.training.busy))
        )
        self.loop = QEventLoop()
        self.training.stopped.connect(lambda _b: QTimer.singleShot(0, self.loop.quit))
        for _ in range(50):
            self.app.processEvents()
            time.sleep(0.01)
        self.training.step()  # builds the trainer and warms torch up
        self.loop.exec()

    def run(self, steps: int) -> tuple[float, float, float, float]:
        """Press Run for ``steps``: seconds per step, the longest gap between two ticks of the
        UI thread's event loop while training runs, the gap around its end (the final frame,
        the trained values written into the graph), and the UI thread's share of the CPU."""
        self.window.document.settings["training"]["steps"] = steps
        self.ticks.clear()
        self.timer.start()
        first = self.training.history.iteration
        start, cpu = time.perf_counter(), time.thread_time()
        self.training.run()
        self.loop.exec()
        seconds = time.perf_counter() - start
        share = (time.thread_time() - cpu) / seconds
        for _ in range(50):  # the editor evaluates the trained graph after a debounce
            self.app.processEvents()
            time.sleep(0.005)
        self.timer.stop()
        done = self.training.history.iteration - first
        pairs = list(zip(self.ticks, self.ticks[1:]))
        running = [b - a for (a, busy_a), (b, busy_b) in pairs if busy_a and busy_b]
        ending = [b - a for (a, _), (b, busy_b) in pairs if not busy_b]
        return seconds / done, max(running, default=0.0), max(ending, default=0.0), share

    def close(self) -> None:
        self.window.document.undo_stack.setClean()
        self.window.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds per graph")
    parser.add_argument("--seconds", type=float, default=0.5, help="length of one timed run")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {args.threads} thread(s), float64, SGD lr {LR}; "
        f"median of {args.rounds} interleaved rounds of ~{args.seconds:g} s "
        f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)"
    )
    print(
        f"{'graph':<22}{'torch':>9}{'headless':>10}{'ratio':>7}{'GUI':>9}{'GUI rate':>10}"
        f"{'UI gap':>9}{'median':>8}{'end':>8}{'UI CPU':>8}"
    )
    for label, graph in (("seed story", seed()), ("MLP 2-16-1, batch 64", mlp())):
        direct, trainer = torch_loop(graph), headless(graph)
        rough = per_step(trainer, 200)
        steps = max(200, int(args.seconds / rough))
        gui = GuiRun(graph)
        t_torch, t_head, t_gui, gaps, ends, shares = [], [], [], [], [], []
        for _ in range(args.rounds):
            t_torch.append(per_step(direct, steps))
            t_head.append(per_step(trainer, steps))
            t, gap, end, share = gui.run(steps)
            t_gui.append(t)
            gaps.append(gap)
            ends.append(end)
            shares.append(share)
        gui.close()
        median = statistics.median
        torch_s, head_s, gui_s = median(t_torch), median(t_head), median(t_gui)
        ratio = median(h / t for h, t in zip(t_head, t_torch))
        rate = median(h / g for h, g in zip(t_head, t_gui))
        print(
            f"{label:<22}{torch_s * 1e6:>7.1f}µs{head_s * 1e6:>8.1f}µs{ratio:>6.2f}×"
            f"{gui_s * 1e6:>7.1f}µs{rate:>9.0%}{max(gaps) * 1e3:>7.1f}ms"
            f"{statistics.median(gaps) * 1e3:>6.1f}ms{max(ends) * 1e3:>6.1f}ms"
            f"{statistics.median(shares):>7.0%}"
        )
    print("goals: headless ≤ 0.95× torch · GUI rate ≥ 85% of headless · UI gap ≤ 50 ms")
    print(
        "UI gap: the longest the UI thread's event loop went without a tick while training ran "
        "(worst round, median round); end: around the end of a run (last frame, trained "
        "values written, the editor's own evaluation)"
    )


if __name__ == "__main__":
    main()
