"""The canvas imports PySide6 and the model only: never torch, the engine, commands or the app."""

from __future__ import annotations

import subprocess
import sys


def test_canvas_loads_no_torch_engine_or_app():
    code = (
        "import sys, backprop_studio.canvas, backprop_studio.canvas.items;"
        "print(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "torch" not in loaded
    assert "PySide6.QtWidgets" in loaded
    forbidden = ("backprop_studio.engine", "backprop_studio.app", "backprop_studio.commands")
    assert not [m for m in loaded if m.startswith(forbidden)]
