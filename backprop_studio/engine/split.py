"""A train/test split of the rows of the data leaves bound to a dataset.

The rows of one dataset (its features and targets alike) are split by one seeded permutation:
a ``fraction`` of them, taken from its start, are held out for testing and the rest train, each
part kept in the dataset's own order. The same seed gives the same split on every machine
(torch's CPU generator), so a held-out loss means the same rows in the editor and the command
line. Plain data leaves (no dataset) and parameters are left as they are.
"""

from __future__ import annotations

import torch

from ..model.document_schema import MAX_TEST_FRACTION
from ..model.recipes import dataset_key
from .compile import Plan


class SplitError(ValueError):
    def __init__(self, message: str, node: str | None = None) -> None:
        super().__init__(message)
        self.node = node


Slots = list[torch.Tensor | None]


def held_out_rows(rows: int, fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(train rows, test rows) of ``rows``: ``round(fraction × rows)`` held out, at least one
    row on each side; SplitError when that cannot be."""
    if not 0 < fraction <= MAX_TEST_FRACTION:
        raise SplitError(f"the test fraction must be above 0 and at most {MAX_TEST_FRACTION:g}")
    held = round(fraction * rows)
    if held < 1 or held > rows - 1:
        raise SplitError(
            f"a test fraction of {fraction:g} of {rows} rows leaves no rows to "
            f"{'test' if held < 1 else 'train'} on"
        )
    order = torch.randperm(rows, generator=torch.Generator().manual_seed(seed))
    return order[held:].sort().values, order[:held].sort().values


def split_slots(plan: Plan, slots: Slots, fraction: float, seed: int) -> tuple[Slots, Slots]:
    """``(train, test)``: copies of ``slots`` whose dataset-bound leaves hold the training rows
    and the held-out rows; every other slot is the same tensor in both (parameters included,
    so a step on the training slots moves the test slots' parameters too)."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for slot, train in zip(plan.leaf_slots, plan.trainable):
        key = dataset_key(plan.attrs[slot]) if plan.attrs and not train else None
        tensor = slots[slot]
        if key is not None and tensor is not None and tensor.dim() >= 1:
            groups.setdefault(key, []).append(slot)
    if not groups:
        raise SplitError(
            "a test split needs data bound to a dataset (Data ▸ Load CSV, or a dataset(...) "
            "leaf): set the test fraction to 0"
        )
    train, test = list(slots), list(slots)
    for members in groups.values():
        counts = {int(slots[s].shape[0]) for s in members}  # type: ignore[union-attr]
        if len(counts) != 1:
            raise SplitError(
                "the leaves of one dataset must have as many rows to be split",
                plan.names[members[0]],
            )
        kept, held = held_out_rows(counts.pop(), fraction, seed)
        for s in members:
            tensor = slots[s]
            assert tensor is not None
            train[s] = tensor.index_select(0, kept.to(tensor.device))
            test[s] = tensor.index_select(0, held.to(tensor.device))
    return train, test
