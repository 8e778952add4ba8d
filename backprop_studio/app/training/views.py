"""The views that follow a training run, added to the window in one call: the Fit and Landscape
docks (tabbed behind the loss view), Run ▸ Compare Optimizers…, Run ▸ Re-initialise Parameters
and the Step button's preview. Each is given what it reads, not the window."""

from __future__ import annotations

from dataclasses import dataclass

from ..editor.parts import EditorParts
from ..worker_thread import WorkerThread
from .compare_dialog import CompareOptimizers
from .docks import TrainingDocks
from .fit_view import FitDocks
from .landscape import LandscapeDock
from .reinitialise import reinitialise_action
from .step_preview import StepPreview


@dataclass(frozen=True)
class TrainingViews:
    fit: FitDocks
    landscape: LandscapeDock
    compare: CompareOptimizers
    step_preview: StepPreview


def add_training_views(
    docks: TrainingDocks,
    parts: EditorParts,
    worker: WorkerThread,
) -> TrainingViews:
    window, training, document = parts.window, docks.training, parts.document
    fit = docks.add_fit(window, worker, parts.graph, parts.dtype)
    parts.canvas.shown.connect(fit.on_trace)
    landscape = docks.add_landscape(window, worker, parts.graph, parts.dtype, parts.say)
    parts.canvas.shown.connect(landscape.on_trace)
    compare = CompareOptimizers(document, worker, window)
    training.actions["compare_optimizers"] = compare.action  # in the Run menu
    training.actions["reinitialise"] = reinitialise_action(
        parts.graph, lambda: training.busy, parts.push, parts.say, window
    )
    preview = StepPreview(training.panel.step_button, training, document, window)
    return TrainingViews(fit, landscape, compare, preview)
