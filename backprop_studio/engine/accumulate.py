"""Backward passes that keep the gradients: the lesson of a training loop without zero_grad().

torch adds each backward pass's gradient into a leaf's ``.grad``; a loop must zero it between
steps, or the gradients of earlier passes pile up. :class:`GradientPile` keeps the same
parameter tensors from one pass to the next and never zeroes them, so torch itself does the
adding: after two passes over the same graph, every ``.grad`` is twice one pass's gradient.
It starts again (fresh tensors, ``.grad`` empty) when the graph's numbers or structure change.
"""

from __future__ import annotations

import torch

from ..model.accumulation import Accumulated
from ..model.graph import Graph
from .compile import compile_graph
from .values import to_plain


class GradientPile:
    """Parameter tensors kept between backward passes, their ``.grad`` never zeroed."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._slots: list[torch.Tensor | None] = []
        self.passes = 0

    def reset(self) -> None:
        self._key, self._slots, self.passes = None, [], 0

    def backward(self, graph: Graph, dtype: str = "float64") -> Accumulated:
        """One more forward and backward pass, adding into the kept ``.grad``."""
        analysis = graph.analyse()
        if analysis.problems:
            return Accumulated(error=analysis.problems[0].message)
        try:
            plan = compile_graph(graph, dtype, analysis)
            key = (tuple(plan.names), tuple(map(repr, plan.leaf_values)), tuple(plan.edges), dtype)
            if key != self._key:
                self.reset()
                self._key, self._slots = key, plan.leaf_tensors()
            slots = list(self._slots)
            before = {
                plan.names[s]: slots[s].grad.clone()  # type: ignore[union-attr]
                for s in plan.leaf_slots
                if slots[s].grad is not None  # type: ignore[union-attr]
            }
            with torch.enable_grad():
                out = plan.forward(slots)
            if out is None or not out.requires_grad:
                return Accumulated(error="no parameter reaches the output: nothing to accumulate")
            out.backward(None if out.numel() == 1 else torch.ones_like(out))
        except (RuntimeError, MemoryError) as exc:
            self.reset()
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return Accumulated(error=f"torch could not run the graph: {message}")
        self.passes += 1
        grads, last = {}, {}
        for slot in plan.leaf_slots:
            tensor = slots[slot]
            if tensor is None or tensor.grad is None:
                continue
            name = plan.names[slot]
            grads[name] = to_plain(tensor.grad)
            previous = before.get(name)
            last[name] = to_plain(tensor.grad if previous is None else tensor.grad - previous)
        return Accumulated(self.passes, grads, last, plan.output)
