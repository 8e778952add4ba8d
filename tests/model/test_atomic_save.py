"""Atomic saves: a save killed half-way leaves the old file, and its temporary file goes at the
next save of the same document; temporary files of live writers and of other files stay."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_studio.model import atomic_file, document_io
from backprop_studio.model.document_io import DocumentError, load_document, save_document
from backprop_studio.model.graph import Graph, Node

ROOT = Path(__file__).resolve().parents[2]


def graph(value: float) -> Graph:
    g = Graph()
    g.extend([Node("w", "param", "", (0, 0), value)], [])
    return g


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class _HalfWriter:
    """A file whose write puts half the bytes on disk and then fails, as a killed process would."""

    def __init__(self, file) -> None:
        self.file = file

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    def write(self, data: bytes) -> int:
        self.file.write(data[: len(data) // 2])
        self.file.flush()
        raise OSError(5, "Input/output error")


def test_a_write_that_fails_half_way_keeps_the_old_file_and_the_next_save_cleans_up(
    tmp_path, monkeypatch
):
    path = tmp_path / "doc.json"
    save_document(path, graph(1.0))
    before = path.read_bytes()
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, mode: _HalfWriter(real_fdopen(fd, mode)))
    monkeypatch.setattr(os, "unlink", lambda *a, **k: None)  # killed: nothing gets to clean up
    with pytest.raises(DocumentError, match="Input/output error"):
        save_document(path, graph(2.0))
    monkeypatch.undo()
    assert path.read_bytes() == before
    left = [n for n in names(tmp_path) if n != "doc.json"]
    assert len(left) == 1 and atomic_file.temp_pattern("doc.json").fullmatch(left[0])
    assert 0 < (tmp_path / left[0]).stat().st_size < len(before) + 10

    save_document(path, graph(3.0))
    assert names(tmp_path) == ["doc.json"]
    assert load_document(path).graph.node("w").value == 3.0


_KILLED_SAVE = """
import os, sys
from backprop_studio.model import document_io
from backprop_studio.model.graph import Graph, Node
g = Graph()
g.extend([Node("w", "param", "", (0, 0), 2.0)], [])
def die(fd):
    os._exit(9)  # the process dies between writing the temporary file and renaming it
os.fsync = die
document_io.save_document(sys.argv[1], g)
"""


def test_a_save_killed_before_the_rename_leaves_the_old_file_and_is_cleaned_next_time(tmp_path):
    path = tmp_path / "doc.json"
    save_document(path, graph(1.0))
    before = path.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_SAVE, str(path)], env=env, timeout=60, check=False
    )
    assert done.returncode == 9
    assert path.read_bytes() == before
    left = [n for n in names(tmp_path) if n != "doc.json"]
    assert len(left) == 1 and left[0].startswith(".doc.json.") and left[0].endswith(".tmp")

    save_document(path, graph(3.0))
    assert names(tmp_path) == ["doc.json"]


def test_cleanup_spares_live_writers_other_files_and_lookalikes(tmp_path):
    path = tmp_path / "doc.json"
    save_document(path, graph(1.0))
    live = f".doc.json.{os.getppid()}.{'a' * 12}.tmp"  # our parent is alive
    legacy = f".doc.json.{'b' * 12}.tmp"  # written before temp names carried a pid
    other = f".other.json.999999999.{'c' * 12}.tmp"
    lookalike = ".doc.json.backup.tmp"
    for name in (live, legacy, other, lookalike):
        (tmp_path / name).write_text("partial")
    save_document(path, graph(2.0))
    assert names(tmp_path) == sorted(["doc.json", live, other, lookalike])


def test_a_dead_writers_temp_file_goes(tmp_path):
    dead = tmp_path / f".doc.json.999999999.{'d' * 12}.tmp"
    dead.write_text("partial")
    assert atomic_file.remove_stale_temps(tmp_path, "doc.json") == [dead.name]
    assert names(tmp_path) == []


def test_the_save_fsyncs_the_file_and_its_folder(tmp_path, monkeypatch):
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("dir" if os.path.isdir(f"/proc/self/fd/{fd}") else "file")
        real_fsync(fd)

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to tell a folder's descriptor from a file's")
    monkeypatch.setattr(document_io.os, "fsync", fsync)
    save_document(tmp_path / "doc.json", graph(1.0))
    assert synced == ["file", "dir"]


def test_a_symlink_is_written_through_and_permissions_are_kept(tmp_path):
    real = tmp_path / "real.json"
    save_document(real, graph(1.0))
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    save_document(link, graph(2.0))
    assert link.is_symlink()
    assert load_document(real).graph.node("w").value == 2.0
    assert real.stat().st_mode & 0o777 == 0o640
