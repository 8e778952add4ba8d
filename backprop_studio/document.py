"""The open document: one Graph, its undo stack, where it lives on disk, and its recovery copy.

A recovery copy is written a few seconds after a change (never on every keystroke), and at most
``autosave.MAX_WAIT_S`` after the oldest change it lacks however steadily the user keeps editing;
it is written atomically and removed on a clean save or close, so a crash loses at most those
few seconds. Each running app writes its own file (the pid is in the name) so that a second
instance never offers to restore a live one.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QUndoStack

from .autosave import RecoverySchedule, SingleShotTimer
from .commands import Command
from .model import document_io
from .model.atomic_file import pid_alive, write_atomically
from .model.graph import Graph
from .model.program_file import is_program_file, read_program_file

log = logging.getLogger(__name__)


def recovery_dir() -> Path:
    override = os.environ.get("BACKPROP_STUDIO_RECOVERY_DIR")
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".backprop-studio") / "recovery"


class Document(QObject):
    """Owns the graph; every edit goes through ``push`` so that it can be undone."""

    dirty_changed = Signal(bool)
    path_changed = Signal(object)  # Path | None
    recovery_written = Signal(str)
    recovery_failed = Signal(str)  # the reason, for the status bar

    def __init__(
        self,
        graph: Graph | None = None,
        path: Path | None = None,
        settings: dict | None = None,
        view: dict | None = None,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        timer: SingleShotTimer | None = None,
    ) -> None:
        """``clock`` and ``timer`` drive autosave; tests pass fakes so that they never sleep."""
        super().__init__(parent)
        self.untitled_name: str | None = None  # shown instead of "Untitled" until saved
        self.graph = graph if graph is not None else Graph()
        self.path = Path(path) if path else None
        self.settings = (
            settings if settings is not None else copy.deepcopy(document_io.DEFAULT_SETTINGS)
        )
        self.view = view or {}
        self.undo_stack = QUndoStack(self)
        # A bound slot, not a lambda: Qt drops it before the stack (a child) is destroyed, so a
        # dirty document can be deleted without the stack's last cleanChanged reaching a dead signal.
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._clock = clock
        self.autosave = RecoverySchedule()
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
        self._autosave = timer
        self._autosave.timeout.connect(self._autosave_due)
        self.recovery_written_at: float | None = None  # by ``clock``
        self.undo_stack.indexChanged.connect(self._schedule_recovery)
        self.recovery_path = recovery_dir() / f"recovery-{os.getpid()}-{id(self):x}.json"

    def _clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(not clean)

    # ---- editing -------------------------------------------------------------------------
    def push(self, command: Command) -> None:
        """Apply ``command`` and record it as one undo step. A command that raises has left the
        graph as it was (commands are atomic) and is not recorded; the error goes to the caller.
        Applying it here rather than in ``QUndoStack.push`` matters: an exception raised inside
        the stack's own call still records the step, half done. The stack takes ownership of the
        command's Python wrapper, so it lives as long as the stack may call it (tested)."""
        command.apply()
        command.applied_by_push = True
        self.undo_stack.push(command)

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def dtype(self) -> str:
        """The dtype the document computes in (its settings', float64 unless it says)."""
        return str(self.settings.get("dtype", "float64"))

    @property
    def title(self) -> str:
        """The file's name; an unsaved copy (an example, a picture's graph) says what it is."""
        return self.path.name if self.path else (self.untitled_name or "Untitled")

    # ---- files ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, parent: QObject | None = None) -> Document:
        """Load ``path``; DocumentError (with a clear message) leaves nothing half-open."""
        path = Path(path)
        if is_program_file(path):  # program text: an untitled document, so Save writes JSON
            data = read_program_file(path)
            document = cls(data.graph, None, data.settings, data.view, parent)
            document.untitled_name = f"graph from {path.name}"
            return document
        data = document_io.load_document(path)
        return cls(data.graph, path, data.settings, data.view, parent)

    def save(self, path: Path | None = None) -> None:
        """Atomic save; on success the document is clean and its recovery copy is gone."""
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("no file name: use Save As")
        document_io.save_document(target, self.graph, self.settings, self.view)
        if target != self.path:
            self.path = target
            self.path_changed.emit(target)
        self.undo_stack.setClean()
        self.discard_recovery()

    # ---- recovery ------------------------------------------------------------------------
    def _schedule_recovery(self) -> None:
        if self.dirty:
            delay = self.autosave.edited(self._clock())
            self._autosave.start(round(delay * 1000))
        else:
            self.discard_recovery()

    def recovery_lag(self) -> float:
        """Seconds since the oldest change that the recovery copy does not hold yet."""
        return self.autosave.lag(self._clock())

    def _autosave_due(self) -> None:
        try:
            self.write_recovery()
        except (OSError, ValueError, document_io.DocumentError) as exc:
            # Keep editing possible; the next change tries again after its own wait.
            self.autosave.written()
            log.warning("could not write the recovery copy %s: %s", self.recovery_path, exc)
            self.recovery_failed.emit(f"Autosave failed: {exc}")

    def write_recovery(self) -> None:
        """Write the recovery copy now, atomically (also called by the timer).

        OSError or DocumentError on failure, with the previous copy intact.
        """
        payload = document_io.document_to_dict(self.graph, self.settings, self.view)
        payload["recovery"] = {
            "original": str(self.path) if self.path else None,
            "pid": os.getpid(),
            "time": time.time(),
        }
        data = json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
        self.recovery_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.recovery_path, data)
        self._autosave.stop()
        self.autosave.written()
        self.recovery_written_at = self._clock()
        self.recovery_written.emit(str(self.recovery_path))

    def discard_recovery(self) -> None:
        self._autosave.stop()
        self.autosave.written()
        try:
            self.recovery_path.unlink()
        except FileNotFoundError:
            pass


def orphaned_recoveries(directory: Path | None = None) -> list[Path]:
    """Recovery copies left by apps that are no longer running (crashed), newest first."""
    directory = directory or recovery_dir()
    found = []
    for path in directory.glob("recovery-*.json"):
        try:
            pid = int(path.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if not pid_alive(pid):
            found.append(path)
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


# The temporary files of a recovery copy: ``.recovery-<pid>-<id>.json.<pid>.<hex>.tmp``, and
# ``recovery-<pid>-<id>.tmp`` from before recovery copies were written by ``write_atomically``.
_RECOVERY_TEMP = re.compile(
    r"\.recovery-\d+-[0-9a-f]+\.json\.(\d+)\.[0-9a-f]{12}\.tmp|recovery-(\d+)-[0-9a-f]+\.tmp"
)


def remove_stale_recovery_temps(directory: Path | None = None) -> list[Path]:
    """At start: remove the recovery folder's temporary files whose writer died mid-write."""
    directory = directory or recovery_dir()
    removed = []
    try:
        paths = list(directory.iterdir())
    except OSError:
        return removed
    for path in paths:
        match = _RECOVERY_TEMP.fullmatch(path.name)
        if match is None or pid_alive(int(match.group(1) or match.group(2))):
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    if removed:
        log.info("removed %d stale temporary recovery file(s) in %s", len(removed), directory)
    return removed


def restore_recovery(path: Path, parent: QObject | None = None) -> Document:
    """A dirty document from a recovery copy, pointing at the original file if there was one."""
    data = document_io.load_document(path)
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("recovery", {})
    except (OSError, ValueError):
        meta = {}
    original = meta.get("original") if isinstance(meta, dict) else None
    doc = Document(
        data.graph, Path(original) if original else None, data.settings, data.view, parent
    )
    doc.undo_stack.resetClean()  # restored work is unsaved until the user saves it
    return doc
