"""A classifier's confusion matrix and per-class accuracy, counted from torch's predictions.

``matrix[t][p]`` counts the rows of true class ``t`` predicted as ``p``: the prediction is the
arg-max of the logits (one column per class), or logit > 0 for a single column (binary
cross-entropy); targets are class indices, one-hot rows or class probabilities (arg-max).
"""

from __future__ import annotations

import torch

from .predict import evaluate_on
from .training import Trainer


def predicted_classes(logits: torch.Tensor) -> torch.Tensor:
    """Class indices (n,) from logits (n, C), or (n, 1) / (n,) for one binary logit."""
    if logits.dim() == 2 and logits.shape[1] > 1:
        return logits.argmax(dim=1)
    return (logits.reshape(-1) > 0).long()


def true_classes(targets: torch.Tensor) -> torch.Tensor:
    """Class indices (n,) from indices (n, 1) / (n,), or one-hot / probability rows (n, C)."""
    if targets.dim() == 2 and targets.shape[1] > 1:
        return targets.argmax(dim=1)
    return targets.reshape(-1).round().long()


def confusion_matrix(logits: torch.Tensor, targets: torch.Tensor, classes: int) -> list[list[int]]:
    """``classes`` × ``classes`` counts: row = true class, column = predicted class."""
    predicted, true = predicted_classes(logits), true_classes(targets)
    if len(predicted) != len(true):
        raise ValueError(f"{len(predicted)} predictions for {len(true)} targets")
    if len(true) and (int(true.min()) < 0 or int(true.max()) >= classes):
        raise ValueError(f"the targets are not class indices from 0 to {classes - 1}")
    index = true * classes + predicted.clamp(0, classes - 1)
    counts = torch.bincount(index, minlength=classes * classes).reshape(classes, classes)
    return counts.tolist()


def per_class_accuracy(matrix: list[list[int]]) -> list[float | None]:
    """For each true class, the share of its rows predicted right (None: no row of it)."""
    return [row[k] / sum(row) if sum(row) else None for k, row in enumerate(matrix)]


def accuracy(matrix: list[list[int]]) -> float | None:
    """The share of all rows predicted right (None without rows)."""
    total = sum(map(sum, matrix))
    return sum(matrix[k][k] for k in range(len(matrix))) / total if total else None


def trainer_confusion(
    trainer: Trainer, prediction: str, targets: str, classes: int
) -> list[list[int]]:
    """The confusion matrix of ``prediction`` (the logits node) against the ``targets`` leaf,
    on every row, at the trainer's current parameters (no gradients)."""
    plan = trainer.plan
    logits = evaluate_on(trainer, {}, prediction)
    target = trainer.slots[plan.slot_of[targets]]
    assert target is not None
    return confusion_matrix(logits, target.detach().to("cpu"), classes)
