"""The import map from DESIGN.md: model/ is pure, engine/ has no Qt. Checked in a fresh process."""

import subprocess
import sys

import pytest


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


@pytest.mark.parametrize(
    "statement",
    [
        "import backprop_studio.model.graph, backprop_studio.model.program",
        "import backprop_studio.model.document_io, backprop_studio.model.layout",
        "import backprop_studio.model.trace, backprop_studio.model.ops",
    ],
)
def test_model_loads_neither_torch_nor_qt(statement):
    loaded = _loaded_after(statement)
    assert "torch" not in loaded
    assert "PySide6" not in loaded


def test_engine_loads_no_qt():
    loaded = _loaded_after("import backprop_studio.engine.autograd, backprop_studio.engine.compile")
    assert "torch" in loaded
    assert "PySide6" not in loaded


def test_gui_modules_do_not_import_torch_at_load_time():
    # torch takes ~1 s to import; the window must not wait for it
    loaded = _loaded_after(
        "import backprop_studio.app.main_window, backprop_studio.canvas.scene, backprop_studio.cli"
    )
    assert "PySide6" in loaded
    assert "torch" not in loaded
