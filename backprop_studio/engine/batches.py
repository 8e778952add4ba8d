"""Mini-batches: each step feeds the same rows of every data leaf bound to one dataset.

Data leaves are grouped by their binding (``model.recipes.dataset_key``: a built-in dataset with
its parameters, or a CSV file), so the features ``x`` and the targets ``y`` of a dataset always
get matching rows. Within an epoch every row is used once; with ``shuffle`` each epoch takes a
new permutation from a seeded generator, so a run is reproducible.
"""

from __future__ import annotations

import torch

from ..model.recipes import dataset_key
from .compile import Plan


class BatchError(ValueError):
    """The bound leaves cannot be batched together (e.g. different numbers of rows)."""

    def __init__(self, message: str, node: str | None = None) -> None:
        super().__init__(message)
        self.node = node


class _Group:
    def __init__(self, slots: list[int], rows: int) -> None:
        self.slots = slots
        self.rows = rows
        self.order: torch.Tensor | None = None
        self.pos = rows  # start a fresh epoch on the first step


class Batcher:
    """Replaces the bound data leaves in a step's slots by the next batch of their rows."""

    def __init__(
        self,
        plan: Plan,
        slots: list[torch.Tensor | None],
        batch_size: int | None,
        shuffle: bool = True,
        seed: int = 0,
    ) -> None:
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = torch.Generator().manual_seed(seed)
        self.groups: list[_Group] = []
        bound: dict[tuple[object, ...], list[int]] = {}
        for slot, train in zip(plan.leaf_slots, plan.trainable):
            key = None if train else dataset_key(plan.attrs[slot]) if plan.attrs else None
            if key is not None:
                bound.setdefault(key, []).append(slot)
        for members in bound.values():
            rows = {plan.names[s]: _rows(slots[s]) for s in members}
            if len(set(rows.values())) != 1:
                listing = ", ".join(f"'{n}' {r}" for n, r in rows.items())
                raise BatchError(
                    f"leaves bound to one dataset must have the same number of rows ({listing})",
                    plan.names[members[0]],
                )
            count = next(iter(rows.values()))
            if batch_size is not None and isinstance(count, int) and count > batch_size:
                self.groups.append(_Group(members, count))

    @property
    def active(self) -> bool:
        """False when every step sees the full data (no batch size, or a batch ≥ the rows)."""
        return bool(self.groups)

    def feed(self, slots: list[torch.Tensor | None], full: list[torch.Tensor | None]) -> None:
        """Put the next batch of each group's rows of ``full`` into ``slots``."""
        assert self.batch_size is not None
        for group in self.groups:
            if group.pos >= group.rows:
                group.pos = 0
                if self.shuffle:
                    group.order = torch.randperm(group.rows, generator=self.generator)
            start, stop = group.pos, min(group.pos + self.batch_size, group.rows)
            group.pos = stop
            if group.order is None:
                for s in group.slots:
                    slots[s] = full[s][start:stop]  # type: ignore[index]
            else:
                index = group.order[start:stop]
                for s in group.slots:
                    tensor = full[s]
                    assert tensor is not None
                    slots[s] = tensor.index_select(0, index.to(tensor.device))

    def reset(self) -> None:
        """Back to the first batch of the first epoch, with the same seed."""
        self.generator.manual_seed(self.generator.initial_seed())
        for group in self.groups:
            group.order = None
            group.pos = group.rows


def _rows(tensor: torch.Tensor | None) -> int | str:
    if tensor is None or tensor.dim() == 0:
        return "a scalar"
    return int(tensor.shape[0])
