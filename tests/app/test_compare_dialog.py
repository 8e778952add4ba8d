"""Run ▸ Compare Optimizers… on the seed story: three curves and three paths, nothing written."""

from __future__ import annotations

from backprop_studio.app.files import file_actions as files_module
from tests.app.conftest import menu_action, settle


def test_compare_draws_three_runs_and_leaves_the_graph_alone(qtbot, window):
    assert window.files.open_path(files_module.examples_dir() / "seed.json", ask=False)
    settle(qtbot, window)
    menu_action(window, "Run", "Compare Optimizers…").trigger()
    dialog = window.compare.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    dialog.steps.setValue(30)
    dialog.chosen["momentum"][0].setChecked(False)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert [r.name for r in dialog.result.runs] == ["SGD lr 0.01", "Adam lr 0.01"]
    assert len(dialog.curves.curves) == 2 and len(dialog.landscape.runs) == 2
    x, y = dialog.landscape.runs[0].getData()
    assert x[0] == 1.0 and y[0] == 1.0 and len(x) == 31
    assert "SGD lr 0.01: loss" in dialog.status.text()
    assert window.graph.node("w").value == 1.0
    for box, _lr in dialog.chosen.values():
        box.setChecked(False)
    dialog.run_button.click()
    assert dialog.status.text() == "Choose at least one optimizer."
    dialog.close()
