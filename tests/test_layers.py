"""The import map from DESIGN.md, as import-linter contracts in pyproject.toml; and the GUI
starts without waiting for torch (a property of import time, checked in a fresh process)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_the_import_map_holds_for_every_module():
    """pyproject.toml's import-linter contracts: every module, function-level imports too."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports; "
            "raise SystemExit(lint_imports(config_filename='pyproject.toml', no_cache=True))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_contract_fails_when_the_model_imports_torch(tmp_path):
    """The contracts can fail: a copy of the package whose model imports torch breaks one."""
    shutil.copytree(ROOT / "backprop_studio", tmp_path / "backprop_studio")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    ops = tmp_path / "backprop_studio" / "model" / "ops.py"
    ops.write_text(ops.read_text() + "\n\ndef _late():\n    import torch  # noqa\n")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, '.'); "
            "from importlinter.cli import lint_imports; "
            "raise SystemExit(lint_imports(config_filename='pyproject.toml', no_cache=True))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "backprop_studio.model.ops -> torch" in result.stdout


def test_gui_modules_do_not_import_torch_at_load_time():
    # torch takes ~1 s to import; the window must not wait for it
    loaded = _loaded_after(
        "import backprop_studio.app.main_window, backprop_studio.canvas.scene, backprop_studio.cli.main"
    )
    assert "PySide6" in loaded
    assert "torch" not in loaded
