"""A Trainer of the editor's graph made once per revision, for the views that read the graph at
its values with no run going (the Fit view's pictures, the landscape): compiling a plan costs
more than one of their pictures, and the graph changes far less often than they are drawn."""

from __future__ import annotations

from ..model.graph import Graph
from .training import Trainer, TrainingError, TrainSettings


class RevisionTrainer:
    """``get(graph, dtype, key)``: the Trainer of ``graph`` (a snapshot), the same one while
    ``key`` (its revision) stays; None when the graph cannot be trained, and ``problem`` why."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._trainer: Trainer | None = None
        self.problem = ""

    def get(self, graph: Graph, dtype: str, key: tuple) -> Trainer | None:
        if key != self._key:
            self._key = key
            try:
                self._trainer, self.problem = Trainer(graph, TrainSettings(dtype=dtype)), ""
            except (TrainingError, ValueError) as exc:
                self._trainer, self.problem = None, str(exc)
        return self._trainer
