"""The training thread: one thread beside the UI that runs torch work in order (training runs,
the timeline's Traces, the Fit view's predictions), so the UI thread never waits for torch.

Results come back as Qt signals emitted on this thread, which Qt queues to the receiver's
(UI) thread. torch is imported here, on the thread itself, with its intra-op threads set there.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)
# torch's intra-op threads for training, set on the training thread itself (OpenMP settings are
# per thread): one core stays free for the UI. Left at torch's default on 2 cores, the extra
# OpenMP thread competed with training and made steps 2-50× slower at random.
TRAIN_THREADS = max(1, (os.cpu_count() or 2) - 1)
# While training runs, the UI thread waits for the GIL at each call from Qt into Python (each
# paint, each slot) until the training thread is made to let go: after 5 ms by default, which
# adds up to frames of 50-100 ms. 1 ms keeps frames short at no measurable cost to training.
RUN_SWITCH_INTERVAL_S = 0.001


class WorkerThread:
    """Runs functions one after another on the training thread; an exception is logged,
    never fatal to the thread. The thread is a daemon: a run still going never holds up exit."""

    def __init__(self, name: str = "training") -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()
        self._switch_interval: float | None = None
        self.closed = False  # the window is going: jobs not started are dropped

    def submit(self, job: Callable[..., object], *args: object) -> None:
        self._jobs.put((job, args))

    def _loop(self) -> None:
        ready = False
        while True:
            job, args = self._jobs.get()
            if job is None or self.closed:
                return
            try:
                if not ready:  # torch is imported here, on the thread whose threads it sets
                    import torch

                    torch.set_num_threads(TRAIN_THREADS)
                    ready = True
                job(*args)
            except Exception:
                log.exception("work on the training thread failed")

    def fast_switching(self, on: bool) -> None:
        """While a run goes on, the GIL changes hands every ``RUN_SWITCH_INTERVAL_S``."""
        if on and self._switch_interval is None:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(RUN_SWITCH_INTERVAL_S)
        elif not on and self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None

    def shutdown(self, timeout_s: float = 60.0) -> None:
        """End the thread after the job in hand (a run stops within a step once told), so that
        nothing it posts reaches a window that is gone."""
        self.fast_switching(False)
        self.closed = True
        self._jobs.put((None, ()))
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout_s)
