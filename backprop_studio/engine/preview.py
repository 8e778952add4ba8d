"""What the next Step will do, before it is taken: each scalar parameter's next value and the
loss after it, from one step run on a copy of the trainer (its optimizer state, momentum or
Adam's averages, and its next mini-batch included), so the preview is that Step exactly."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from ..model.graph import Graph
from .training import Trainer, TrainSettings

MAX_SHOWN = 8  # scalar parameters listed, at most


@dataclass(frozen=True)
class Preview:
    """``before``/``after`` hold the scalar parameters (a tensor is left out: too many numbers);
    ``loss`` is the loss the step reports (before its update, of its mini-batch), ``loss_after``
    the loss over all rows after it."""

    before: dict[str, float]
    after: dict[str, float]
    loss: float
    loss_after: float
    tensors: int  # tensor parameters the step changes too

    def text(self) -> str:
        lines = [f"{n}: {self.before[n]:.6g} → {self.after[n]:.6g}" for n in self.after]
        if self.tensors:
            lines.append(f"and {self.tensors} tensor parameter{'s' * (self.tensors != 1)}")
        lines.append(f"loss: {self.loss:.6g} → {self.loss_after:.6g}")
        return "\n".join(lines)


def _scalars(trainer: Trainer) -> dict[str, float]:
    names = [n for n, p in zip(trainer.param_names, trainer.params) if p.dim() == 0]
    values = trainer.param_values()
    return {n: float(values[n]) for n in names[:MAX_SHOWN]}  # type: ignore[arg-type]


def preview(trainer: Trainer) -> Preview:
    """The next step of ``trainer``, taken on a deep copy (``trainer`` is left as it is);
    TrainingError as the step itself would raise it."""
    twin = copy.deepcopy(trainer)
    before = _scalars(twin)
    loss = twin.step()
    tensors = sum(p.dim() > 0 for p in twin.params)
    return Preview(before, _scalars(twin), loss, twin.loss(), tensors)


def preview_graph(graph: Graph, settings: dict) -> Preview:
    """The first step of a new run on ``graph`` (a snapshot) under a document's ``settings``."""
    return preview(Trainer(graph, TrainSettings.from_dict(settings)))
