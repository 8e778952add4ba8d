"""The cost of the Landscape view's grid on the moons MLP (2→16→16→2, 200 rows), one torch
thread as on the training thread: a 60×60 grid batched with torch.func.vmap against one
forward per point, and how much a run slows while the live landscape (40×40) is in view."""

from __future__ import annotations

import time

import torch

from backprop_studio.engine import landscape as ls
from backprop_studio.engine.landscape_source import of_session
from backprop_studio.engine.session import TrainingSession
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import example_path

REPEATS = 5


def best(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    torch.set_num_threads(1)
    doc = load_document(example_path("moons_mlp"))
    session = TrainingSession(doc.graph, doc.settings)
    session.run(100)
    trainer = session.trainer
    plane = ls.make_plane(trainer, ls.Axes(ls.RANDOM))
    a = torch.rand(3600, 2, dtype=torch.float64) * 2 - 1
    flats = plane.centre + a @ plane.directions
    f = ls.flat_loss(trainer)

    def loop() -> None:
        with torch.no_grad():
            torch.stack([f(row) for row in flats])

    vmapped = best(lambda: ls.losses_at(trainer, flats))
    looped = best(loop)
    whole = best(lambda: ls.session_landscape(session, ls.Axes(ls.RANDOM)))
    print(f"60×60 grid, vmap:            {vmapped * 1000:7.1f} ms")
    print(f"60×60 grid, loop:            {looped * 1000:7.1f} ms  ({looped / vmapped:.2f}× vmap)")
    print(f"whole picture (grid, path, gradient): {whole * 1000:.1f} ms")
    steps = 300
    plain = best(lambda: TrainingSession(doc.graph, doc.settings).run(steps))
    live = best(lambda: _live_run(doc, steps))
    print(f"{steps} steps: {plain * 1000:.0f} ms alone, {live * 1000:.0f} ms with the live "
          f"landscape ({live / plain:.2f}×)")  # fmt: skip


def _live_run(doc, steps: int) -> None:
    """A run interrupted as the Landscape view interrupts it: a 40×40 picture, then a pause of
    three times its cost (LIVE_SHARE 0.25) before the next."""
    session = TrainingSession(doc.graph, doc.settings)
    due = [0.0]

    def proceed() -> bool:
        now = time.perf_counter()
        if now >= due[0]:
            took = of_session(session, None, 40).picture.seconds
            due[0] = time.perf_counter() + 3 * took
        return True

    session.run(steps, proceed)


if __name__ == "__main__":
    main()
