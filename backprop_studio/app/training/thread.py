"""The training thread's side of the TrainingController: the jobs it runs there and the gates
the UI thread holds over them (pause, a frame being drawn, which run is current).

Jobs carry their run's number; whatever an older run still posts is dropped on arrival, so an
edit or another document never sees the numbers of the graph as it was. A "wish" is work for
the running session asked from the UI thread (a timeline iteration's Trace, the Fit view's
predictions): served between two steps while a run goes on, else as soon as the thread is free.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ...model.graph import Graph
from ..worker_thread import WorkerThread

HOLD_LIMIT_S = 0.25  # the longest a frame may hold training back, should the UI forget it


class TrainingThread(QObject):
    _posted = Signal(int, str, object)  # run, what, payload: from the training thread

    def __init__(self, worker: WorkerThread, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.session = None  # the TrainingSession of the run on show (engine.session)
        self.run_id = 0
        self.busy = False
        # shared with the training thread
        self._latest = 0  # the run it should serve
        self._stop = threading.Event()
        self._go = threading.Event()  # cleared while the UI draws a frame
        self._go.set()
        self._live_wanted = True  # the UI is ready for a Trace at the newest parameters
        self._wishes: dict[str, tuple[int, Callable, Callable]] = {}
        self._wish_lock = threading.Lock()
        self._worker_session = None  # the session the training thread holds

    # ---- from the UI thread ----------------------------------------------------------------
    def pause(self) -> None:
        self._stop.set()

    def _start(self, graph: Graph, settings: dict) -> None:
        """A new run on a snapshot of ``graph``."""
        self.run_id += 1
        self._latest = self.run_id
        self.worker.submit(self._begin_job, self.run_id, graph.copy(), settings)

    def _steps(self, steps: int) -> None:
        self._stop.clear()
        self._set_busy(True)
        self.worker.submit(self._run_job, self.run_id, steps)

    def _forget(self) -> None:
        """Ignore whatever the current run still posts (another document, an edit)."""
        self._stop.set()
        self.run_id += 1
        self._latest = self.run_id
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.worker.fast_switching(busy)

    def _hold_for_frame(self) -> None:
        """Training waits at the next step boundary while this frame is built and painted
        (the zero timer fires once the paint events the frame posts have been handled)."""
        if self.busy:
            self._go.clear()
            QTimer.singleShot(0, self._go.set)

    def ask(self, key: str, job: Callable, done: Callable) -> bool:
        """Run ``job(session)`` on the training thread and hand its result to ``done`` here;
        only the newest wish per ``key`` is served. False when there is no session."""
        if self.session is None:
            return False
        with self._wish_lock:
            self._wishes[key] = (self.run_id, job, done)
        self.worker.submit(self._serve, self.session)
        return True

    def shutdown(self) -> None:
        self._stop.set()
        self._go.set()
        self._set_busy(False)

    # ---- on the training thread ------------------------------------------------------------
    def _post(self, run: int, what: str, payload: object) -> None:
        if not self.worker.closed:  # the window is going: nothing may reach it
            self._posted.emit(run, what, payload)

    def _begin_job(self, run: int, graph: Graph, settings: dict) -> None:
        from ...engine.session import TrainingSession
        from ...engine.training import TrainingError

        self._worker_session = None
        if run != self._latest:
            return
        try:
            session = TrainingSession(graph, settings)
        except TrainingError as exc:
            self._post(run, "failed", str(exc))
            return
        except Exception as exc:  # logged by the worker, with its traceback
            self._post(run, "failed", f"training could not start: {exc} (see the log)")
            raise
        self._worker_session = session
        self._post(run, "started", session)

    def _run_job(self, run: int, steps: int) -> None:
        session = self._worker_session
        if session is None or run != self._latest:
            return

        def proceed() -> bool:
            if not self._go.is_set() and not self._go.wait(HOLD_LIMIT_S):
                self._go.set()  # the UI is drawing a frame; never wait for one that was lost
            self._serve(session)
            return not self._stop.is_set() and run == self._latest

        def live() -> bool:
            wanted, self._live_wanted = self._live_wanted, False
            return wanted

        def post(progress) -> None:
            self._post(run, "progress", progress)

        self._post(run, "stopped", session.run(steps, proceed, post, live))
        self._serve(session)

    def _serve(self, session) -> None:
        if not self._wishes:
            return
        with self._wish_lock:
            wishes, self._wishes = self._wishes, {}
        for run, job, done in wishes.values():
            if session is self._worker_session and run == self._latest:
                self._post(run, "wish", (done, job(session)))
