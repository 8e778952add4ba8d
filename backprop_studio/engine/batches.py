"""Mini-batches: each step feeds the same rows of every data leaf bound to one dataset.

Data leaves are grouped by their binding (``model.recipes.dataset_key``: a built-in dataset with
its parameters, or a CSV file), so the features ``x`` and the targets ``y`` of a dataset always
get matching rows. Plain data leaves (``data([[…], …])``, no binding) with at least one dimension
are batched too, as one more group, or together with the one bound dataset of their row count;
plain leaves of different row counts cannot share batches and are refused. Within an epoch every row is used once; with ``shuffle`` each epoch takes a
new permutation from a seeded generator, so a run is reproducible.
"""

from __future__ import annotations

import torch

from ..model.attrs import op_symbol
from ..model.op_spec import FILL
from ..model.ops import OPS, op_spec
from ..model.recipes import dataset_key
from ..model.shapes import Shape, ShapeError, format_shape, infer
from .compile import Plan


class BatchError(ValueError):
    """The bound leaves cannot be batched together (e.g. different numbers of rows)."""

    def __init__(self, message: str, node: str | None = None) -> None:
        super().__init__(message)
        self.node = node


class _Group:
    """Leaves whose rows are batched together (``slots`` into the plan), ``rows`` each."""

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
        self._names = plan.names
        bound: dict[tuple[object, ...], list[int]] = {}
        plain: list[int] = []
        for slot, train in zip(plan.leaf_slots, plan.trainable):
            if train or OPS[plan.ops[slot]].shape_rule == FILL:  # ones(3): its shape, never split
                continue
            key = dataset_key(plan.attrs[slot]) if plan.attrs else None
            if key is not None:
                bound.setdefault(key, []).append(slot)
            elif _rows(slots[slot]) != "a scalar":
                plain.append(slot)
        if plain and batch_size is not None:
            self._add_plain(bound, plain, slots, batch_size)
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
        for group in self.groups:
            self._check_shapes(plan, slots, group)

    def _check_shapes(self, plan: Plan, slots: list[torch.Tensor | None], group: _Group) -> None:
        """Walk the shapes the graph has when ``group``'s leaves hold a batch instead of all
        their rows (a full batch and the last, shorter one), so that a node which only fits
        all rows — a reshape to a fixed row count — is refused by name before the first step
        rather than failing inside torch."""
        assert self.batch_size is not None
        sizes = {self.batch_size, group.rows % self.batch_size} - {0}
        for size in sorted(sizes, reverse=True):
            known: dict[int, Shape] = {}
            for slot in plan.leaf_slots:
                tensor = slots[slot]
                assert tensor is not None
                known[slot] = tuple(tensor.shape)
            for slot in group.slots:
                known[slot] = (size, *known[slot][1:])
            for step in plan.steps:
                spec = op_spec(plan.ops[step.slot])
                attrs = plan.attrs[step.slot] if plan.attrs else {}
                try:
                    known[step.slot] = infer(spec, [known[a] for a in step.args], attrs)
                except ShapeError as exc:
                    raise self._batch_refused(plan, step.slot, group, size, exc) from None

    def _batch_refused(
        self, plan: Plan, slot: int, group: _Group, size: int, exc: ShapeError
    ) -> BatchError:
        name = plan.names[slot]
        spec = op_spec(plan.ops[slot])
        attrs = plan.attrs[slot] if plan.attrs else {}
        leaf = plan.names[group.slots[0]]
        said = f"'{name}' ({op_symbol(spec, attrs)})"
        rows = f"all {group.rows} rows of '{leaf}'"
        if spec.name == "reshape":
            shape = tuple(attrs.get("shape", ()))  # type: ignore[call-overload]
            fix = repr((-1, *shape[1:])) if shape and shape[0] == group.rows else "(-1, …)"
            return BatchError(
                f"{said} to the fixed shape {format_shape(shape)} fits {rows} but not a "
                f"mini-batch of {size} ({exc}): write -1 for the batch dimension, "
                f"shape={fix}, or train on the full batch",
                name,
            )
        return BatchError(
            f"{said} fits {rows} but not a mini-batch of {size}: {exc}; train on the full batch",
            name,
        )

    def _add_plain(
        self,
        bound: dict[tuple[object, ...], list[int]],
        plain: list[int],
        slots: list[torch.Tensor | None],
        batch_size: int,
    ) -> None:
        rows = {slot: _rows(slots[slot]) for slot in plain}
        counts = sorted(set(rows.values()))  # type: ignore[type-var]
        if len(counts) > 1:
            if batch_size >= max(counts):  # type: ignore[type-var]
                return  # every step sees all rows anyway
            listing = ", ".join(f"'{self._names[s]}' {r}" for s, r in rows.items())
            raise BatchError(
                "data leaves must have the same number of rows to be split into mini-batches "
                f"({listing}); make them one dataset, or train on the full batch",
                self._names[plain[0]],
            )
        count = counts[0]
        same = [k for k, members in bound.items() if _rows(slots[members[0]]) == count]
        if len(same) > 1:
            raise BatchError(
                f"plain data leaves of {count} rows cannot be batched: {len(same)} datasets "
                "have that many rows, and it is not clear whose batches they follow",
                self._names[plain[0]],
            )
        key = same[0] if same else ("plain", count)
        bound.setdefault(key, []).extend(plain)

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
