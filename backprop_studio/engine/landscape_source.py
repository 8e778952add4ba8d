"""Where the Landscape view's pictures come from: a training session (with the path of its kept
iterations), or the editor's graph at its own values (a Trainer compiled once per revision).

Both run on the training thread and return the planes the graph offers with the picture, so
the view can fill its choice of axes without knowing the parameters itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.graph import Graph
from .landscape import RESOLUTION, Axes, Landscape, axes_choices, landscape, session_landscape
from .revision_trainer import RevisionTrainer
from .training import Trainer


@dataclass
class LandscapeAnswer:
    """The planes on offer, the one drawn, and its picture."""

    choices: list[Axes]
    axes: Axes | None
    picture: Landscape


def _chosen(choices: list[Axes], wanted: Axes | None) -> Axes | None:
    if wanted is not None and wanted in choices:
        return wanted
    return choices[0] if choices else None


def _answer(trainer: Trainer, wanted: Axes | None, draw) -> LandscapeAnswer:
    choices = axes_choices(trainer.param_names, trainer.param_shapes)
    axes = _chosen(choices, wanted)
    if axes is None:
        return LandscapeAnswer(choices, None, Landscape("nothing to draw: no parameter"))
    return LandscapeAnswer(choices, axes, draw(axes))


def of_session(session, wanted: Axes | None, resolution: int = RESOLUTION) -> LandscapeAnswer:
    """The landscape at a session's newest iteration, with its path so far."""
    return _answer(
        session.trainer, wanted, lambda axes: session_landscape(session, axes, resolution)
    )


class EditorLandscape:
    """The landscape of the editor's graph at its values: no run, so no path."""

    def __init__(self) -> None:
        self._trainers = RevisionTrainer()

    def answer(
        self,
        graph: Graph,
        dtype: str,
        key: tuple,
        wanted: Axes | None,
        resolution: int = RESOLUTION,
    ) -> LandscapeAnswer:
        """``graph`` is a snapshot; ``key`` names its revision (same key: same trainer)."""
        trainer = self._trainers.get(graph, dtype, key)
        if trainer is None:
            problem = self._trainers.problem or "nothing to train"
            return LandscapeAnswer([], None, Landscape(problem))
        return _answer(
            trainer, wanted, lambda axes: landscape(trainer, axes, None, None, resolution)
        )
