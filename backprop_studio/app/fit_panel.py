"""The Fit dock: a dataset-bound graph's predictions over its data, following training live.

Predictions are forward passes of the compiled graph (engine.predict, no gradients) at the
parameters the canvas or the running training shows; the GUI computes no derivative. The plan is
compiled once per graph revision; each refresh copies parameters in and evaluates a 60×60 grid.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from ..model import recipes
from ..plots.fit_plot import FitPlot

REFRESH_MS = 250
RESOLUTION = 60
MARGIN = 0.15  # of the data's range, around it


class FitPanel(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.plot = FitPlot()
        self.dock = QDockWidget("Fit", window)
        self.dock.setObjectName("FitDock")
        self.dock.setWidget(self.plot)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        loss = window.training.docks[1]
        window.tabifyDockWidget(loss, self.dock)
        loss.raise_()
        self._trainer = None
        self._key = None
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        window.trace_shown.connect(lambda _trace: self.refresh())

    def _tick(self) -> None:
        if self.window.training.runner.busy and self.dock.isVisible():
            self.refresh()

    def refresh(self) -> bool:
        """Redraw from the newest parameters; False when the graph has nothing to fit."""
        graph = self.window.graph
        binding = next((b for b in recipes.bindings(graph.nodes) if b.features and b.targets), None)
        output = graph.output
        if binding is None or output is None or output not in graph:
            self.plot.clear()
            self.plot.say(
                "Open a graph whose data is bound to a dataset (Help ▸ Examples) to see its fit."
            )
            return False
        inputs = graph.inputs_of(output)
        spec = graph.node(output).spec
        if not spec.inputs or spec.inputs[0] not in inputs:
            self.plot.clear()
            return False
        prediction = inputs[spec.inputs[0]].src
        trainer = self._trainer_for(graph)
        if trainer is None:
            self.plot.clear()
            return False
        self._load_parameters(trainer)
        try:
            return self._draw(trainer, binding, prediction, spec.name)
        except (KeyError, RuntimeError, ValueError) as exc:
            self.plot.clear()
            self.plot.say(f"cannot draw the fit: {exc}")
            return False

    def _trainer_for(self, graph):
        from ..engine.training import Trainer, TrainingError, TrainSettings

        key = (id(graph), graph.revision)
        if key != self._key:
            self._key = key
            try:
                settings = TrainSettings.from_dict(self.window.document.settings)
                self._trainer = Trainer(graph.copy(), TrainSettings(dtype=settings.dtype))
            except (TrainingError, ValueError) as exc:
                self._trainer = None
                self.plot.say(str(exc))
        return self._trainer

    def _load_parameters(self, trainer) -> None:
        import torch

        history = self.window.training.history
        values = history.values_at(history.iteration) if history is not None else None
        if not values:
            return
        with torch.no_grad():
            for name, p in zip(trainer.param_names, trainer.params):
                if name in values:
                    p.copy_(torch.as_tensor(values[name], dtype=p.dtype))

    def _draw(self, trainer, binding, prediction: str, loss_op: str) -> bool:
        import torch

        from ..engine.predict import decision_surface, evaluate_on

        plan = trainer.plan
        x = trainer.slots[plan.slot_of[binding.features]].detach().cpu().double().numpy()
        y = trainer.slots[plan.slot_of[binding.targets]].detach().cpu().double().numpy()
        self.plot.show_points(x, y, binding.classes)
        self.plot.say("")
        if binding.classes >= 2 and x.shape[1] == 2:
            lo, hi = x.min(axis=0), x.max(axis=0)
            pad = (hi - lo) * MARGIN
            bounds = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
            logits = decision_surface(trainer, binding.features, prediction, bounds, RESOLUTION)
            if loss_op == "cross_entropy" and logits.shape[-1] >= 2:
                prob = torch.softmax(logits, dim=-1)[..., 1]
            else:
                prob = torch.sigmoid(logits[..., 0])
            self.plot.show_surface(prob.numpy(), bounds)
            return True
        if x.shape[1] == 1:
            xs = np.linspace(x.min() - 0.1 * np.ptp(x), x.max() + 0.1 * np.ptp(x), 200)
            ys = (
                evaluate_on(trainer, {binding.features: xs.reshape(-1, 1)}, prediction)
                .numpy()
                .reshape(-1)
            )
            self.plot.show_curve(xs, ys)
            return True
        self.plot.say("the fit view draws 1-D regressions and 2-D classifiers")
        return False
