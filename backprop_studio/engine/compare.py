"""Optimizers compared fairly: SGD, momentum and Adam (or chosen settings) from the same start
for the same number of steps, with their loss curves and their paths on one landscape.

Each run is its own Trainer on the same graph snapshot, so every one starts from identical
parameter values (recipes draw them from their seeds) and sees the same mini-batches (the same
shuffling seed). The landscape is drawn around the common start: over the scalar parameters
when all are scalars, else over the plane of the runs' two principal directions (the PCA of
every run's parameters minus the start, as Li et al. 2018 draw trajectories), which holds as
much of the paths as any plane can.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from ..model.document_schema import OPTIMIZERS
from ..model.graph import Graph
from .landscape import (
    MAX_PATH,
    PCA,
    RESOLUTION,
    SCALARS,
    Axes,
    Landscape,
    Plane,
    axes_choices,
    landscape,
)
from .training import Trainer, TrainingError, TrainSettings

MAX_RUNS = 3


@dataclass(frozen=True)
class Contender:
    """One optimizer to run: its name in the legend and its settings' changes."""

    optimizer: str
    lr: float
    momentum: float = 0.9

    @property
    def name(self) -> str:
        word = {"sgd": "SGD", "momentum": f"momentum {self.momentum:g}", "adam": "Adam"}
        return f"{word.get(self.optimizer, self.optimizer)} lr {self.lr:g}"


@dataclass
class RunResult:
    """``losses[i]`` before step i; ``rows[i]`` the flat parameters at iteration i (steps + 1
    of them, fewer when the run stopped: ``error`` says why); ``final`` the full-data loss after
    the last step (None when the run stopped), as the training panel reports a run's loss."""

    name: str
    losses: np.ndarray
    rows: np.ndarray
    error: str = ""
    final: float | None = None
    optimizer: str = ""  # the contender's ("sgd", "momentum", "adam"): its colour in a picture


@dataclass
class Comparison:
    runs: list[RunResult]
    picture: Landscape  # the common landscape; its ``path`` holds every run's points in order
    paths: list[np.ndarray]  # each run's points on it (and ``path_losses`` per run on a line)
    path_losses: list[np.ndarray]
    batched: bool = False  # the runs took mini-batches: their losses are the batches'


def default_contenders(lr: float) -> list[Contender]:
    return [Contender(name, lr) for name in OPTIMIZERS]


def run_one(graph: Graph, base: TrainSettings, who: Contender, steps: int) -> RunResult:
    trainer = Trainer(
        graph, replace(base, optimizer=who.optimizer, lr=who.lr, momentum=who.momentum)
    )
    losses, rows, error = [], [trainer.flat_params().numpy()], ""
    for _ in range(steps):
        try:
            losses.append(trainer.step())
        except TrainingError as exc:
            error = str(exc)
            break
        flat = trainer.flat_params().numpy()
        if not np.isfinite(flat).all():
            error = "the parameters are no longer finite (try a smaller learning rate)"
            break
        rows.append(flat)
    final = None
    if not error and losses:
        try:
            final = trainer.loss()
        except TrainingError as exc:
            error = str(exc)
    kept = np.array(rows[: len(losses) + 1])
    return RunResult(who.name, np.array(losses), kept, error, final, who.optimizer)


def principal_plane(start: np.ndarray, rows: list[np.ndarray]) -> Plane:
    """The two directions along which the runs moved most from ``start`` (unit vectors)."""
    moved = np.concatenate([r - start for r in rows]) if rows else np.zeros((0, len(start)))
    if len(moved) < 2 or not np.abs(moved).max() > 0:
        d = np.eye(2, len(start))
    else:
        _, _, vt = np.linalg.svd(moved, full_matrices=False)
        d = vt[:2] if len(vt) >= 2 else np.vstack([vt[0], np.roll(vt[0], 1)])
    labels = ("principal direction 1", "principal direction 2")
    centre = torch.as_tensor(start, dtype=torch.float64)
    return Plane(centre, torch.as_tensor(d, dtype=torch.float64), np.zeros(2), labels)


def compare(
    graph: Graph,
    settings: dict,
    contenders: list[Contender],
    steps: int,
    resolution: int = RESOLUTION,
) -> Comparison:
    """Run each contender ``steps`` steps from the same start; TrainingError when the graph
    cannot be trained at all."""
    base = TrainSettings.from_dict(settings)
    runs = [run_one(graph, base, who, steps) for who in contenders[:MAX_RUNS]]
    trainer = Trainer(graph, base)  # at the start: the grid's loss needs no optimizer
    start = trainer.flat_params().numpy()
    share = max(2, MAX_PATH // max(len(runs), 1))
    thinned = [_thin(r.rows, share) for r in runs]
    choices = axes_choices(trainer.param_names, trainer.param_shapes)
    every = np.concatenate(thinned)
    if choices and choices[0].kind == SCALARS:
        shown = landscape(trainer, choices[0], every, None, resolution, start=start, centre=start)
    else:
        plane = principal_plane(start, thinned)
        axes = Axes(PCA)
        shown = landscape(trainer, axes, every, None, resolution, start, start, plane)
    cuts = np.cumsum([len(t) for t in thinned])[:-1]
    paths = np.split(shown.path, cuts) if len(shown.path) else [np.zeros((0, 2))] * len(runs)
    losses = np.split(shown.path_losses, cuts) if len(shown.path_losses) else []
    return Comparison(runs, shown, list(paths), list(losses), trainer.batcher.active)


def _thin(rows: np.ndarray, most: int) -> np.ndarray:
    if len(rows) <= most:
        return rows
    keep = np.unique(np.linspace(0, len(rows) - 1, most).round().astype(int))
    return rows[keep]
