"""How often a running session is drawn: often enough to watch, never so often that drawing
starves training (whenever the UI thread holds the GIL, the training thread waits)."""

from __future__ import annotations

import time

from ...model.trace import Trace

DRAW_INTERVAL_S = 0.05  # plots and canvas follow a run at most 20 times a second,
UI_SHARE = 0.08  # and less often when drawing would take more of the UI thread than this
MAX_INTERVAL_S = 1.0
CANVAS_INTERVAL_S = 0.2  # numbers on the cards change at most 5 times a second: still readable
LIVE_CANVAS_NUMBERS = 1000  # a Trace holding more numbers reaches the canvas when a run stops


def live_canvas(latest: Trace | None) -> bool:
    """The cards summarise tensors in Python, ~10 µs a number: only a small graph's canvas
    follows a run live, so the UI thread never freezes for a frame."""
    from ...engine.train_history import numbers_in  # the engine package loads torch

    return latest is None or numbers_in(latest) <= LIVE_CANVAS_NUMBERS


class FramePacer:
    def __init__(self) -> None:
        self.interval = DRAW_INTERVAL_S
        self.last_draw = self._last_cpu = self._last_canvas = 0.0

    def wait_s(self) -> float:
        """Seconds until the next frame is due (≤ 0: now)."""
        return self.last_draw + self.interval - time.perf_counter()

    def frame(self, busy: bool) -> None:
        """A frame starts. Stretch the interval between frames while the UI thread's share of
        the CPU (plots, canvas, painting) is above ``UI_SHARE``; ``thread_time`` counts exactly
        this thread's work since the last frame."""
        now, cpu = time.perf_counter(), time.thread_time()
        if busy and now - self.last_draw < 2 * MAX_INTERVAL_S:
            share = (cpu - self._last_cpu) / max(now - self.last_draw, 1e-6)
            wanted = self.interval * share / UI_SHARE
            self.interval = min(MAX_INTERVAL_S, max(DRAW_INTERVAL_S, (self.interval + wanted) / 2))
        self.last_draw, self._last_cpu = now, cpu

    def canvas_due(self, busy: bool, latest: Trace | None) -> bool:
        """While a run goes on, the canvas follows at most 5 times a second, and only for a
        small graph (the plots show a large graph's progress meanwhile)."""
        if not busy:
            return True
        return live_canvas(latest) and self.last_draw - self._last_canvas >= CANVAS_INTERVAL_S

    def canvas_drawn(self) -> None:
        self._last_canvas = self.last_draw
