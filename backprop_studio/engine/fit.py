"""What the Fit view draws of a dataset-bound graph: its data and its predictions over them.

A plain ``FitPicture`` made here, on the training thread, from a Trainer at the parameters to
show (a running session's own, or a trainer built once per graph revision for the editor's
values); the view only draws it. Predictions are forward passes without gradients
(``engine.predict``): a 1-D regression's curve, a 2-D classifier's probability surface.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..model import recipes
from ..model.graph import Graph
from .predict import decision_surface, evaluate_on
from .training import Trainer, TrainingError, TrainSettings

RESOLUTION = 60
MARGIN = 0.15  # of the data's range, around it
NO_DATASET = "Open a graph whose data is bound to a dataset (Help ▸ Examples) to see its fit."


@dataclass(frozen=True)
class FitTarget:
    """The leaves a dataset feeds, how many classes it has, and the node that predicts."""

    features: str
    targets: str
    classes: int
    prediction: str
    loss_op: str


@dataclass
class FitPicture:
    """Nothing to draw (``points`` None: the view clears, then says ``message`` unless None),
    or the data's points with a surface or a curve, and a word when neither fits."""

    message: str | None = None
    points: tuple[np.ndarray, np.ndarray, int] | None = None
    surface: tuple[np.ndarray, tuple[float, float, float, float]] | None = None
    curve: tuple[np.ndarray, np.ndarray] | None = None


def fit_target(graph: Graph) -> FitTarget | FitPicture:
    """What to fit in ``graph``, or the picture saying why there is nothing."""
    binding = next((b for b in recipes.bindings(graph.nodes) if b.features and b.targets), None)
    output = graph.output
    if binding is None or output is None or output not in graph:
        return FitPicture(NO_DATASET)
    inputs = graph.inputs_of(output)
    spec = graph.node(output).spec
    if not spec.inputs or spec.inputs[0] not in inputs:
        return FitPicture()
    prediction = inputs[spec.inputs[0]].src
    return FitTarget(binding.features, binding.targets, binding.classes, prediction, spec.name)


class FitPredictor:
    """The Fit view's pictures of the editor's graph: a Trainer compiled once per revision."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._trainer: Trainer | None = None
        self._problem = ""

    def picture(self, graph: Graph, dtype: str, key: tuple) -> FitPicture:
        """``graph`` is a snapshot; ``key`` names its revision (same key: same trainer)."""
        target = fit_target(graph)
        if isinstance(target, FitPicture):
            return target
        if key != self._key:
            self._key = key
            try:
                self._trainer, self._problem = Trainer(graph, TrainSettings(dtype=dtype)), ""
            except (TrainingError, ValueError) as exc:
                self._trainer, self._problem = None, str(exc)
        if self._trainer is None:
            return FitPicture(self._problem)
        return picture(self._trainer, target)


def picture(trainer: Trainer, target: FitTarget) -> FitPicture:
    """The data and the predictions at ``trainer``'s current parameters."""
    try:
        return _picture(trainer, target)
    except (KeyError, RuntimeError, ValueError) as exc:
        return FitPicture(f"cannot draw the fit: {exc}")


def _picture(trainer: Trainer, t: FitTarget) -> FitPicture:
    plan = trainer.plan
    x = trainer.slots[plan.slot_of[t.features]].detach().cpu().double().numpy()
    y = trainer.slots[plan.slot_of[t.targets]].detach().cpu().double().numpy()
    points = (x, y, t.classes)
    if t.classes >= 2 and x.shape[1] == 2:
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = (hi - lo) * MARGIN
        bounds = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
        logits = decision_surface(trainer, t.features, t.prediction, bounds, RESOLUTION)
        if t.loss_op == "cross_entropy" and logits.shape[-1] >= 2:
            prob = torch.softmax(logits, dim=-1)[..., 1]
        else:
            prob = torch.sigmoid(logits[..., 0])
        return FitPicture("", points, surface=(prob.numpy(), bounds))
    if x.shape[1] == 1:
        xs = np.linspace(x.min() - 0.1 * np.ptp(x), x.max() + 0.1 * np.ptp(x), 200)
        ys = evaluate_on(trainer, {t.features: xs.reshape(-1, 1)}, t.prediction)
        return FitPicture("", points, curve=(xs, ys.numpy().reshape(-1)))
    return FitPicture("the fit view draws 1-D regressions and 2-D classifiers", points)
