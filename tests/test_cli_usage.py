"""The command line's front door, in fresh processes: commands, typos, --version, and which
arguments open the editor; usage errors and unreadable files come back before torch is loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_studio.version import __version__
from tests.test_cli import SEED

ROOT = Path(__file__).resolve().parents[1]
# Reports, at exit, whether torch or Qt was imported: usage errors must need neither.
PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.__stdout__.write("
    "f\"\\nloaded: torch={'torch' in sys.modules} qt={'PySide6' in sys.modules}\\n\"))\n"
    "from backprop_studio.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def cli(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """backprop-studio in a new interpreter with no display: a GUI start would abort (134)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or ROOT,
        timeout=120,
    )


def loaded(done: subprocess.CompletedProcess) -> str:
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["evl", "x.json"], "backprop-studio: unknown command 'evl' (did you mean 'eval'?)"),
        (["tran"], "backprop-studio: unknown command 'tran' (did you mean 'train'?)"),
        (["frobnicate"], "backprop-studio: unknown command 'frobnicate' (commands: eval, train,"),
        (["--frobnicate"], "backprop-studio: unknown option '--frobnicate'"),
        (["--verison"], "backprop-studio: unknown option '--verison' (did you mean '--version'?)"),
        (["help", "evl"], "backprop-studio help: unknown command 'evl' (did you mean 'eval'?)"),
        (
            ["train", "-e", SEED, "--momentun", "0.5"],
            "backprop-studio train: unknown option '--momentun' (did you mean '--momentum'?)",
        ),
        (["eval", "-e", SEED, "--bogus", "0.5"], "backprop-studio eval: unknown option '--bogus'"),
        (["eval"], "backprop-studio eval: give a FILE or -e PROGRAM"),
        (
            ["eval", "a.json", "-e", SEED],
            "backprop-studio eval: give a FILE or -e PROGRAM, not both",
        ),
        (["eval", "a.json", "b.json"], "backprop-studio eval: unexpected argument 'b.json'"),
        (["train", "-e", SEED, "--steps", "0"], "argument --steps: must be from 1 to 1,000,000"),
        (["train", "-e", SEED, "--lr", "fast"], "argument --lr: 'fast' is not a number"),
        (["a.json", "b.json"], "backprop-studio: the editor opens one FILE; unexpected 'b.json'"),
    ],
)
def test_usage_errors_are_one_line_status_2_without_torch_or_qt(argv, line):
    done = cli(*argv)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert line in done.stderr
    assert loaded(done) == "loaded: torch=False qt=False"


@pytest.mark.parametrize(
    "argv",
    [["eval", "missing.json"], ["train", "missing.json"], ["eval", "-e", "x = (1"]],
)
def test_an_unreadable_input_is_status_1_before_torch_is_imported(argv):
    done = cli(*argv)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert loaded(done) == "loaded: torch=False qt=False"


def test_version_and_help_need_neither_torch_nor_qt():
    done = cli("--version")
    assert done.returncode == 0 and done.stdout.startswith(f"backprop-studio {__version__}\n")
    assert loaded(done) == "loaded: torch=False qt=False"
    done = cli("help")
    assert done.returncode == 0 and loaded(done) == "loaded: torch=False qt=False"
    usage = done.stdout.splitlines()[0]
    assert (
        usage == "usage: backprop-studio [-h] [--version] {eval,train,export,import,check,help} ..."
    )
    for command in ("eval", "train", "export", "help"):
        assert f"    {command} " in done.stdout
    done = cli("help", "train")
    assert done.returncode == 0 and "usage: backprop-studio train" in done.stdout
    assert "--momentum" in done.stdout


def test_an_evaluation_imports_torch_but_not_qt_nor_sympy():
    probe = PROBE.replace("qt={'PySide6' in sys.modules}", "sympy={'sympy' in sys.modules}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe, "eval", "-e", SEED],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert loaded(done) == "loaded: torch=True sympy=False"
    assert "PySide6" not in done.stderr


@pytest.mark.parametrize("name", ["graph.json", "slide.png", "picture.svg", "story.bps"])
def test_a_document_argument_opens_the_editor(monkeypatch, name):
    from backprop_studio.cli import main as cli

    opened = []
    monkeypatch.setattr(cli, "_editor", lambda path: opened.append(path) or 0)
    assert cli.main([name]) == 0 and opened == [name]
    assert cli.main([]) == 0 and opened == [name, None]


def test_an_existing_file_of_any_name_opens_the_editor(monkeypatch, tmp_path):
    from backprop_studio.cli import main as cli

    opened = []
    monkeypatch.setattr(cli, "_editor", lambda path: opened.append(path) or 0)
    path = tmp_path / "notes"
    path.write_text("{}")
    assert cli.main([str(path)]) == 0 and opened == [str(path)]
