"""Files that are either the old version or the new one, never half of each (stdlib only).

A write goes to a temporary file in the same folder (a rename is atomic only within one file
system), is flushed and fsynced, then ``os.replace``-d over the target, and the folder is fsynced
so the rename itself survives a power cut where the platform allows it. A process killed between
creating the temporary file and the rename leaves it behind; its name carries the writer's pid,
so the next write of the same file can tell a dead writer's leftovers from a live one's and
remove them.
"""

from __future__ import annotations

import os
import re
import secrets
import stat

__all__ = ["pid_alive", "remove_stale_temps", "temp_pattern", "write_atomically"]


def temp_pattern(base: str) -> re.Pattern[str]:
    """Temporary files of ``base``: ``.base.<pid>.<hex>.tmp``, and older ``.base.<hex>.tmp``."""
    return re.compile(rf"\.{re.escape(base)}\.(?:(\d+)\.)?[0-9a-f]{{12}}\.tmp")


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; OSError on failure, with the old file intact.

    A symlink is written through, an existing file keeps its permissions, and the temporary
    file is removed on any failure this process lives through. Stale temporary files of the same
    target left by killed writers are removed first.
    """
    target = os.path.realpath(os.fspath(path))
    directory, base = os.path.split(target)
    remove_stale_temps(directory, base)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    temp = os.path.join(directory, f".{base}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    fsync_directory(directory)


def remove_stale_temps(directory: str | os.PathLike[str], base: str) -> list[str]:
    """Remove temporary files of ``base`` whose writer is gone; returns the names removed.

    A name without a pid comes from an older version of this code and is always stale; one with
    this process's pid is stale too, since this process writes one file at a time per target.
    Anything that cannot be listed or removed is left alone: cleaning up never fails a save.
    """
    pattern = temp_pattern(base)
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        pid = match.group(1)
        if pid is not None and int(pid) != os.getpid() and pid_alive(int(pid)):
            continue  # another running process is writing this file right now
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            continue
        removed.append(name)
    return removed


def fsync_directory(directory: str | os.PathLike[str]) -> None:
    """Make a rename in ``directory`` durable where the platform allows it (not on Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (True when unsure, so nothing live is touched)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
