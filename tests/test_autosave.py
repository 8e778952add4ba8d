"""Autosave never falls far behind: whatever the editing rhythm, the recovery copy holds every
change older than ``MAX_WAIT_S``. A fake clock drives the document's timer, so nothing sleeps."""

from __future__ import annotations

import json
import os

import pytest

from backprop_studio import autosave
from backprop_studio.autosave import RecoverySchedule
from backprop_studio.commands import AddNode, SetValue
from backprop_studio.document import (
    Document,
    orphaned_recoveries,
    recovery_dir,
    remove_stale_recovery_temps,
)
from backprop_studio.model.graph import Node
from backprop_studio.model.signal import Signal


class FakeClock:
    """Seconds that pass only when a test says so; fires the fake timers that fall due."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[FakeTimer] = []

    def __call__(self) -> float:
        return self.now

    def timer(self) -> FakeTimer:
        timer = FakeTimer(self)
        self.timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        end = self.now + seconds
        while True:
            due = [t for t in self.timers if t.due is not None and t.due <= end]
            if not due:
                break
            first = min(due, key=lambda t: t.due)
            self.now = max(self.now, first.due)
            first.due = None
            first.timeout.emit()
        self.now = end


class FakeTimer:
    """A single-shot timer on a FakeClock, shaped like QTimer where the document uses it."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.due: float | None = None
        self.timeout = Signal()

    def start(self, msec: int) -> None:
        self.due = self.clock.now + msec / 1000

    def stop(self) -> None:
        self.due = None


@pytest.fixture
def clocked(qapp):
    clock = FakeClock()
    doc = Document(clock=clock, timer=clock.timer())
    yield clock, doc
    doc.discard_recovery()


def recovered_value(doc: Document) -> float:
    data = json.loads(doc.recovery_path.read_text(encoding="utf-8"))
    (node,) = data["nodes"]
    return node["value"]


@pytest.mark.parametrize("every", [0.5, 1.0, 2.5, 2.9])
def test_steady_editing_keeps_the_recovery_copy_at_most_five_seconds_behind(clocked, every):
    clock, doc = clocked
    doc.push(AddNode(doc.graph, Node("w", "param", "", (0, 0), 0.0)))
    edits: list[tuple[float, float]] = []  # (time, value), typing into one field: merged steps
    written = []
    doc.recovery_written.connect(lambda path: written.append(clock.now))
    while clock.now < 15.0:
        value = float(len(edits) + 1)
        doc.push(SetValue(doc.graph, "w", value, session=1))
        edits.append((clock.now, value))
        clock.advance(every)
        # Every change older than the deadline is in the copy, at every moment.
        assert doc.recovery_lag() <= autosave.MAX_WAIT_S
        old_enough = [v for t, v in edits if clock.now - t > autosave.MAX_WAIT_S]
        if old_enough:
            assert recovered_value(doc) >= old_enough[-1]
    assert doc.recovery_path.exists()
    assert doc.recovery_written_at is not None
    assert clock.now - doc.recovery_written_at <= autosave.MAX_WAIT_S
    assert len(written) >= 2  # written again and again while the editing went on


def test_a_quiet_document_is_written_after_the_quiet_spell_and_only_once(clocked):
    clock, doc = clocked
    doc.push(AddNode(doc.graph, Node("w", "param", "", (0, 0), 1.0)))
    clock.advance(autosave.QUIET_S - 0.1)
    assert not doc.recovery_path.exists()
    clock.advance(0.2)
    assert recovered_value(doc) == 1.0
    assert doc.recovery_lag() == 0
    first = doc.recovery_path.stat().st_mtime_ns
    clock.advance(60)
    assert doc.recovery_path.stat().st_mtime_ns == first


def test_undo_back_to_clean_removes_the_copy_and_the_deadline(clocked):
    clock, doc = clocked
    doc.push(AddNode(doc.graph, Node("w", "param", "", (0, 0), 1.0)))
    clock.advance(10)
    assert doc.recovery_path.exists()
    doc.undo_stack.undo()
    assert not doc.recovery_path.exists()
    assert doc.recovery_lag() == 0
    clock.advance(10)
    assert not doc.recovery_path.exists()


def test_a_failing_autosave_is_logged_and_editing_goes_on(clocked, monkeypatch, caplog):
    clock, doc = clocked
    blocker = recovery_dir()
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the folder should be")
    failures = []
    doc.recovery_failed.connect(failures.append)
    doc.push(AddNode(doc.graph, Node("w", "param", "", (0, 0), 1.0)))
    with caplog.at_level("WARNING", logger="backprop_studio"):
        clock.advance(10)
    assert failures and failures[0].startswith("Autosave failed")
    assert "could not write the recovery copy" in caplog.text
    doc.push(SetValue(doc.graph, "w", 2.0))
    assert doc.graph.node("w").value == 2.0
    blocker.unlink()
    clock.advance(10)
    assert recovered_value(doc) == 2.0


def test_the_copy_is_written_atomically_with_fsync(clocked, monkeypatch):
    clock, doc = clocked
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    doc.push(AddNode(doc.graph, Node("w", "param", "", (0, 0), 1.0)))
    clock.advance(10)
    assert synced  # the file (and the folder, where the platform allows)
    assert sorted(p.name for p in recovery_dir().iterdir()) == [doc.recovery_path.name]


def test_stale_recovery_temp_files_of_dead_apps_go_at_start(qapp):
    folder = recovery_dir()
    folder.mkdir(parents=True)
    dead_new = folder / f".recovery-999999999-7f00.json.999999999.{'a' * 12}.tmp"
    dead_old = folder / "recovery-999999999-7f00.tmp"
    live = folder / f".recovery-{os.getpid()}-7f01.json.{os.getpid()}.{'b' * 12}.tmp"
    orphan = folder / "recovery-999999999-7f02.json"  # a real copy: offered, not deleted
    for path in (dead_new, dead_old, live, orphan):
        path.write_text("{}")
    assert sorted(remove_stale_recovery_temps()) == sorted([dead_new, dead_old])
    assert sorted(p.name for p in folder.iterdir()) == sorted([live.name, orphan.name])
    assert orphaned_recoveries() == [orphan]


def test_the_schedule_itself():
    s = RecoverySchedule(quiet_s=3, max_wait_s=5)
    assert s.edited(0.0) == 3
    assert s.edited(2.0) == 3  # still quiet-driven
    assert s.edited(4.0) == 1  # the deadline (0 + 5) comes first
    assert s.edited(6.0) == 0  # overdue: write now
    assert s.lag(6.0) == 6
    s.written()
    assert s.lag(7.0) == 0 and s.edited(7.0) == 3
    with pytest.raises(ValueError):
        RecoverySchedule(quiet_s=6, max_wait_s=5)
