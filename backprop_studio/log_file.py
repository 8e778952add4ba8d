"""Where unexpected errors go: a bounded, rotating log file in the user's log folder.

Expected problems (a bad file, a diverging run) are told to the user in one sentence and need no
log. An unexpected error is a bug, and a bug report needs its traceback, which a dialog or a
one-line CLI message cannot carry: it goes to the log (and, for the editor, to stderr too), and
the user is told where the file is. The file rotates at ``MAX_LOG_BYTES`` with ``BACKUP_COUNT``
old files, so it never grows without bound. ``BACKPROP_STUDIO_LOG_DIR`` moves it (tests do).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Backprop Studio"
LOG_DIR_ENV = "BACKPROP_STUDIO_LOG_DIR"
LOG_NAME = "backprop-studio.log"
MAX_LOG_BYTES = 1_000_000
BACKUP_COUNT = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s, pid %(process)d] %(message)s"

_logger = logging.getLogger("backprop_studio")
_file_handler: logging.handlers.RotatingFileHandler | None = None
_stderr_handler: logging.Handler | None = None


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (it may be replaced after start-up)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.__init__ assigns it; ignore that
        pass


def log_dir() -> Path:
    """The folder for the log: the override, else the platform's user log folder."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def configure_logging(*, stderr: bool) -> Path | None:
    """Send the project's log records to the log file (INFO and up) and, with ``stderr``, warnings
    and errors to stderr too; returns the log file's path, or None if it cannot be opened (then
    records still reach stderr when asked for). Calling again re-targets, never duplicates."""
    global _file_handler, _stderr_handler
    path = log_dir() / LOG_NAME
    if _file_handler is None or Path(_file_handler.baseFilename) != path.absolute():
        _remove_file_handler()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_LOG_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
        except OSError as exc:
            print(f"backprop-studio: cannot write the log file {path}: {exc}", file=sys.stderr)
        else:
            handler.setFormatter(logging.Formatter(FORMAT))
            handler.setLevel(logging.INFO)
            _logger.addHandler(handler)
            _file_handler = handler
    if stderr and _stderr_handler is None:
        _stderr_handler = _CurrentStderr()
        _stderr_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        _stderr_handler.setLevel(logging.WARNING)
        _logger.addHandler(_stderr_handler)
    elif not stderr and _stderr_handler is not None:
        _logger.removeHandler(_stderr_handler)
        _stderr_handler = None
    if _logger.level == logging.NOTSET or _logger.level > logging.INFO:
        _logger.setLevel(logging.INFO)
    return current_log_path()


def current_log_path() -> Path | None:
    """The log file records go to now, or None before ``configure_logging`` (or if it failed)."""
    return Path(_file_handler.baseFilename) if _file_handler is not None else None


def where_details_are() -> str:
    """The sentence that tells the user where an error's details were written."""
    path = current_log_path()
    if path is None:
        return "The details were printed on the console."
    return f"The details are in the log file:\n{path}"


def reset_logging() -> None:
    """Detach and close the handlers (tests, so no file of one test stays open in the next)."""
    global _stderr_handler
    _remove_file_handler()
    if _stderr_handler is not None:
        _logger.removeHandler(_stderr_handler)
        _stderr_handler = None


def _remove_file_handler() -> None:
    global _file_handler
    if _file_handler is not None:
        _logger.removeHandler(_file_handler)
        _file_handler.close()
        _file_handler = None
