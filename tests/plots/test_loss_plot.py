"""The loss plot reads off iterations, marks the current one, fades earlier runs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from backprop_studio.plots.loss_plot import MAX_FADED, LossPlot
from backprop_studio.plots.param_plot import ParamPlot


def test_readout_marker_log_scale_and_faded_runs(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    x = np.arange(11, dtype=float)
    y = 0.5**x
    plot.set_losses(x, y, "SGD lr 0.01")
    assert plot.readout(3.2) == (3, 0.125)
    assert plot.readout_text(3.6) == "iteration 4\nloss 0.0625"
    assert plot.readout(99) == (10, 0.5**10)
    plot.set_current(3)
    assert plot.marker.getData()[0][0] == 3 and plot.current_line.value() == 3
    plot.set_log(True)
    assert plot.log and plot.getPlotItem().getAxis("left").logMode
    for _ in range(MAX_FADED + 2):
        plot.set_losses(x, y, "run")
        plot.archive()
    assert plot.faded_count == MAX_FADED
    assert plot.readout(3) is None  # the new run has no points yet
    plot.clear_runs()
    assert plot.faded_count == 0


def test_param_plot_draws_one_curve_per_series(qtbot):
    plot = ParamPlot()
    qtbot.addWidget(plot)
    plot.set_series(["w", "‖W1‖"])
    plot.set_data(np.arange(3.0), np.array([[1.0, 2.0], [1.5, 2.5], [2.0, 3.0]]))
    assert list(plot.curves[0].getData()[1]) == [1.0, 1.5, 2.0]
    plot.set_current(2)
    assert plot.current_line.isVisible()


def test_plots_import_no_project_module_and_the_app_no_torch():
    code = (
        "import sys, backprop_studio.plots.loss_plot, backprop_studio.plots.param_plot;"
        "print(sorted(m for m in sys.modules if m.startswith('backprop_studio')));"
        "import backprop_studio.app.training.controller;"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, second = out.stdout.splitlines()
    assert first == str(
        [
            "backprop_studio",
            "backprop_studio.plots",
            "backprop_studio.plots.axes",
            "backprop_studio.plots.loss_plot",
            "backprop_studio.plots.param_plot",
            "backprop_studio.version",  # the root package's __init__: the version alone
        ]
    )
    assert second == "False"
