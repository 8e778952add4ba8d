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


def _colours(items) -> list[str]:
    return [item.opts["pen"].color().name() for item in items]


def test_each_optimizer_keeps_its_own_colour_and_the_legend_squeezes_no_plot(qtbot, window):
    """SGD's path was the blue of the one-parameter landscape's curve, an optimizer's colour
    was its place in the list (momentum took SGD's when SGD was left out), and a legend
    beside the loss curves took a third of their width."""
    assert window.files.open_path(files_module.examples_dir() / "seed.json", ask=False)
    settle(qtbot, window)
    menu_action(window, "Run", "Compare Optimizers…").trigger()
    dialog = window.compare.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    dialog.steps.setValue(20)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    every = _colours(dialog.curves.curves)
    assert len(set(every)) == 3
    assert _colours(dialog.landscape.runs) == every  # a run's curve and path: one colour
    curve = dialog.landscape.curve.opts["pen"].color().name()
    assert curve not in every  # the landscape's own curve is not taken for a run
    for key, colour in zip(("sgd", "momentum", "adam"), every):  # its colour in the legend
        assert colour in dialog.status.text().split(NAMES_IN_STATUS[key])[0]
    dialog.chosen["sgd"][0].setChecked(False)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert _colours(dialog.curves.curves) == every[1:]
    assert _colours(dialog.landscape.runs) == every[1:]
    plot = dialog.curves.getPlotItem()
    assert not dialog.curves.legend.items  # the side panel's lines name the colours
    assert plot.getViewBox().width() > 0.8 * dialog.curves.width()
    dialog.close()


NAMES_IN_STATUS = {"sgd": "SGD lr", "momentum": "momentum 0.9 lr", "adam": "Adam lr"}
