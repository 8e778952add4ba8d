"""The log file: where it lives, that it is bounded, that it carries tracebacks, and that an
unexpected CLI error is one line on stderr with the traceback in the log."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs

from backprop_studio import log_file
from backprop_studio.cli import main as cli
from backprop_studio.log_file import configure_logging, current_log_path, log_dir

log = logging.getLogger("backprop_studio.tests")


def test_the_log_goes_to_the_override_folder_and_carries_tracebacks(tmp_path):
    path = configure_logging(stderr=False)
    assert path == Path(os.environ["BACKPROP_STUDIO_LOG_DIR"]) / "backprop-studio.log"
    try:
        raise ValueError("deep inside")
    except ValueError:
        log.exception("something broke")
    text = path.read_text(encoding="utf-8")
    assert "ERROR backprop_studio.tests" in text and "something broke" in text
    assert "Traceback (most recent call last)" in text
    assert 'raise ValueError("deep inside")' in text


def test_without_the_override_the_platforms_user_log_folder(monkeypatch):
    monkeypatch.delenv("BACKPROP_STUDIO_LOG_DIR")
    assert log_dir() == Path(platformdirs.user_log_dir("Backprop Studio", appauthor=False))


def test_the_log_file_is_bounded(monkeypatch):
    monkeypatch.setattr(log_file, "MAX_LOG_BYTES", 2_000)
    path = configure_logging(stderr=False)
    for k in range(500):
        log.warning("line %d %s", k, "x" * 60)
    files = sorted(path.parent.iterdir())
    assert [p.name for p in files] == [
        "backprop-studio.log",
        "backprop-studio.log.1",
        "backprop-studio.log.2",
        "backprop-studio.log.3",
    ]
    assert all(p.stat().st_size <= 2_000 for p in files)
    assert "line 499" in path.read_text(encoding="utf-8")


def test_configuring_again_never_duplicates_and_follows_the_folder(tmp_path, monkeypatch):
    first = configure_logging(stderr=True)
    configure_logging(stderr=True)
    log.warning("once")
    assert first.read_text(encoding="utf-8").count("once") == 1
    monkeypatch.setenv("BACKPROP_STUDIO_LOG_DIR", str(tmp_path / "elsewhere"))
    second = configure_logging(stderr=False)
    log.warning("twice")
    assert second == tmp_path / "elsewhere" / "backprop-studio.log"
    assert "twice" in second.read_text(encoding="utf-8")
    assert "twice" not in first.read_text(encoding="utf-8")


def test_an_unwritable_log_folder_falls_back_to_stderr(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BACKPROP_STUDIO_LOG_DIR", str(blocker / "log"))
    assert configure_logging(stderr=True) is None
    assert current_log_path() is None
    assert "cannot write the log file" in capsys.readouterr().err
    log.error("still heard")
    assert "still heard" in capsys.readouterr().err
    assert log_file.where_details_are() == "The details were printed on the console."


def test_an_unexpected_cli_error_is_one_line_and_its_traceback_is_in_the_log(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in evaluation")

    monkeypatch.setattr("backprop_studio.engine.autograd.evaluate", broken)
    assert cli.main(["eval", "-e", "w = 1.0; w * 2"]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "unexpected error: a bug in evaluation" in lines[0]
    path = current_log_path()
    assert str(path) in lines[0]
    text = path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "a bug in evaluation" in text


def test_an_expected_cli_error_writes_no_traceback(capsys):
    assert cli.main(["eval", "-e", "w = "]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    path = current_log_path()
    assert "Traceback" not in path.read_text(encoding="utf-8")
