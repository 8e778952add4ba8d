"""Graph → a flat plan of torch calls, built once per graph revision.

DESIGN.md measured it: a flat list of ``(slot, fn, argument slots)`` run by one loop costs about
the same as the computation written directly in torch, while walking networkx per step costs
1.4–1.8×. So the graph is analysed once, and every run afterwards only indexes lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import torch
import torch.nn.functional as F

from ..model.graph import Analysis, Edge, Graph, Node, Problem
from ..model.op_spec import FILL
from ..model.shapes import Shape, Value
from .leaves import recipe_tensor
from .values import to_plain

DTYPES: dict[str, torch.dtype] = {"float64": torch.float64, "float32": torch.float32}


def _transpose(a: torch.Tensor) -> torch.Tensor:
    return a.transpose(-2, -1) if a.dim() >= 2 else a


def _mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return torch.mean((pred - target) ** 2)


def _sum(a: torch.Tensor, axis: int | None = None, keepdim: bool = False) -> torch.Tensor:
    if axis is None and not keepdim:
        return torch.sum(a)
    return torch.sum(a, dim=axis, keepdim=keepdim)


def _mean(a: torch.Tensor, axis: int | None = None, keepdim: bool = False) -> torch.Tensor:
    if axis is None and not keepdim:
        return torch.mean(a)
    return torch.mean(a, dim=axis, keepdim=keepdim)


def _reshape(a: torch.Tensor, shape: tuple[int, ...] = (-1,)) -> torch.Tensor:
    return torch.reshape(a, shape)


def _unsqueeze(a: torch.Tensor, dim: int = 0) -> torch.Tensor:
    return torch.unsqueeze(a, dim)


def _squeeze(a: torch.Tensor, dim: int = 0) -> torch.Tensor:
    return torch.squeeze(a, dim)


def _add(a: torch.Tensor, b: torch.Tensor, *rest: torch.Tensor) -> torch.Tensor:
    """a + b + c + …, left to right as Python adds (the script writes ``a + b + c``)."""
    out = torch.add(a, b)
    for more in rest:
        out = torch.add(out, more)
    return out


def _mul(a: torch.Tensor, b: torch.Tensor, *rest: torch.Tensor) -> torch.Tensor:
    out = torch.mul(a, b)
    for more in rest:
        out = torch.mul(out, more)
    return out


def _extreme(fn: Callable[..., Any]) -> Callable[..., torch.Tensor]:
    """torch.max / torch.min: over every axis (a tie shares the gradient evenly), or the values
    over one axis (the gradient goes to the index torch returns)."""

    def reduce(a: torch.Tensor, axis: int | None = None, keepdim: bool = False) -> torch.Tensor:
        if axis is None:
            out = fn(a)
            return out.reshape((1,) * a.dim()) if keepdim else out
        return fn(a, dim=axis, keepdim=keepdim).values

    return reduce


def _clamp(a: torch.Tensor, min: float | None = None, max: float | None = None) -> torch.Tensor:
    return torch.clamp(a, min=min, max=max)


def _leaky_relu(a: torch.Tensor, slope: float = 0.01) -> torch.Tensor:
    return F.leaky_relu(a, negative_slope=slope)


def _elu(a: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    return F.elu(a, alpha=alpha)


def _fills(node: Node) -> bool:
    return node.spec.shape_rule == FILL


def fill_tensor(node: Node) -> torch.Tensor:
    """A ones or zeros node's float64 values: a leaf of the plan that never needs a gradient."""
    shape = tuple(node.attrs.get("shape", ()))
    fill = torch.ones if node.op == "ones" else torch.zeros
    return fill(shape, dtype=torch.float64)


def _softmax(a: torch.Tensor, axis: int = -1) -> torch.Tensor:
    return torch.softmax(a, dim=axis)


def _log_softmax(a: torch.Tensor, axis: int = -1) -> torch.Tensor:
    return torch.log_softmax(a, dim=axis)


def _class_targets(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    if target.dim() == logits.dim():
        target = target.squeeze(-1)
    return target.detach().long()


def _cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Targets shaped like the logits are class probabilities (e.g. one-hot); otherwise they
    are class indices, one per row, stored as whole numbers in a float tensor ((N,) or (N, 1))."""
    if target.shape == logits.shape:
        return F.cross_entropy(logits, target)
    index = _class_targets(logits, target)
    classes = logits.shape[-1]
    if index.numel() and (
        not torch.equal(index.to(target.dtype), target.detach().reshape(index.shape))
        or bool((index < 0).any() | (index >= classes).any())
    ):
        raise RuntimeError(
            f"cross-entropy class targets must be whole numbers from 0 to {classes - 1}"
        )
    return F.cross_entropy(logits, index)


def _cross_entropy_unchecked(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The training fast path, once the targets were checked (data never changes): no check
    that would cost a few small ops and, on a GPU, a synchronisation every step."""
    if target.shape == logits.shape:
        return F.cross_entropy(logits, target)
    return F.cross_entropy(logits, _class_targets(logits, target))


# One entry per non-leaf op of the catalogue; a test checks that none is missing.
TORCH_OPS: dict[str, Callable[..., torch.Tensor]] = {
    "add": torch.add,
    "sub": torch.sub,
    "mul": torch.mul,
    "div": torch.div,
    "power": torch.pow,  # torch.pow(a, exponent=n): a number, bound from the node
    "pow": torch.pow,
    "neg": torch.neg,
    "square": torch.square,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "tan": torch.tan,
    "log1p": torch.log1p,
    "identity": torch.clone,
    "clamp": _clamp,
    "leaky_relu": _leaky_relu,
    "gelu": F.gelu,
    "softplus": F.softplus,
    "elu": _elu,
    "max": _extreme(torch.max),
    "min": _extreme(torch.min),
    "bce": F.binary_cross_entropy,
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "sin": torch.sin,
    "cos": torch.cos,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "softmax": _softmax,
    "log_softmax": _log_softmax,
    "sum": _sum,
    "mean": _mean,
    "mse": _mse,
    "bce_logits": F.binary_cross_entropy_with_logits,
    "cross_entropy": _cross_entropy,
    "matmul": torch.matmul,
    "transpose": _transpose,
    "reshape": _reshape,
    "unsqueeze": _unsqueeze,
    "squeeze": _squeeze,
}
# An add or mul of more than two inputs (its attribute n), folded left to right.
NARY_OPS: dict[str, Callable[..., torch.Tensor]] = {"add": _add, "mul": _mul}
# Variants without value checks, for steps after one checked pass over the same data.
UNCHECKED_OPS: dict[str, Callable[..., torch.Tensor]] = {"cross_entropy": _cross_entropy_unchecked}


@dataclass(frozen=True)
class Step:
    slot: int
    fn: Callable[..., torch.Tensor]
    args: tuple[int, ...]  # argument slots, in port order
    arg_edges: tuple[int, ...]  # the plan edge that carries each argument


def op_function(node: Node, checked: bool = True) -> Callable[..., torch.Tensor]:
    """The torch function of an op node with its attributes bound (``sum`` over ``axis``),
    an unset attribute by its catalogue default (a power's ``exponent`` 2)."""
    fn = TORCH_OPS[node.op] if checked else UNCHECKED_OPS.get(node.op, TORCH_OPS[node.op])
    defaults = {a.name: a.default for a in node.spec.attrs if a.default is not None}
    attrs = {**defaults, **node.attrs}
    if node.spec.variadic and attrs.pop("n", 2) > 2:  # the number of arguments says it
        fn = NARY_OPS[node.op]
    return partial(fn, **attrs) if attrs else fn


def leaf_tensor(node: Node) -> torch.Tensor:
    """A leaf's float64 CPU values: its recipe's when it has one (and training has not moved
    them), else its stored value."""
    if _fills(node):
        return fill_tensor(node)
    if node.recipe and not node.trained:
        return recipe_tensor(node.attrs)
    return torch.tensor(node.value, dtype=torch.float64)


@dataclass
class Plan:
    """Slots are the evaluable nodes in topological order; leaves first get their tensors.

    ``leaf_values`` are plain numbers (a recipe leaf's real values, even when the graph still held
    a placeholder); ``attrs`` holds every slot's node attributes (a leaf's recipe or CSV origin).
    """

    names: list[str]
    ops: list[str]
    leaf_slots: list[int]
    leaf_values: list[Value]
    trainable: list[bool]
    steps: list[Step]
    output_slot: int | None
    edges: tuple[Edge, ...]
    shapes: dict[str, Shape]
    problems: tuple[Problem, ...]
    dtype: torch.dtype
    revision: int
    slot_of: dict[str, int] = field(default_factory=dict)
    attrs: list[dict[str, Any]] = field(default_factory=list)
    leaf_data: list[torch.Tensor] = field(default_factory=list)  # float64, CPU, per leaf slot

    @property
    def output(self) -> str | None:
        return None if self.output_slot is None else self.names[self.output_slot]

    def leaf_tensors(
        self, requires_grad: bool = True, device: str | torch.device | None = None
    ) -> list[torch.Tensor | None]:
        """Fresh tensors for the leaves (params require grad) on ``device``, other slots None."""
        slots: list[torch.Tensor | None] = [None] * len(self.names)
        data = self.leaf_data or [torch.tensor(v, dtype=torch.float64) for v in self.leaf_values]
        for slot, base, train in zip(self.leaf_slots, data, self.trainable):
            tensor = base.to(device=device, dtype=self.dtype, copy=True)
            slots[slot] = tensor.requires_grad_(requires_grad and train)
        return slots

    def unchecked_steps(self) -> list[Step]:
        """``steps`` with ops that check their data's values (class targets) replaced by
        variants that trust it: for training, after one checked pass over the same data."""
        return [
            replace(step, fn=partial(UNCHECKED_OPS[op], **self.attrs[step.slot]))
            if (op := self.ops[step.slot]) in UNCHECKED_OPS
            else step
            for step in self.steps
        ]

    def steps_for(self, name: str) -> list[Step]:
        """The steps that ``name`` depends on (and its own), in order: to compute one node."""
        by_slot = {step.slot: step for step in self.steps}
        needed, todo = set(), [self.slot_of[name]]
        while todo:
            slot = todo.pop()
            if slot in by_slot and slot not in needed:
                needed.add(slot)
                todo.extend(by_slot[slot].args)
        return [step for step in self.steps if step.slot in needed]

    def forward(
        self, slots: list[torch.Tensor | None], steps: list[Step] | None = None
    ) -> torch.Tensor | None:
        """The fast path: run every step in place in ``slots``; return the output tensor."""
        for step in self.steps if steps is None else steps:
            slots[step.slot] = step.fn(*[slots[a] for a in step.args])
        return None if self.output_slot is None else slots[self.output_slot]


def compile_graph(graph: Graph, dtype: str = "float64", analysis: Analysis | None = None) -> Plan:
    """Compile the evaluable part of ``graph``; broken nodes stay out and are listed as problems."""
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype '{dtype}' (choose {', '.join(DTYPES)})")
    analysis = analysis or graph.analyse()
    order = [n for n in graph.topological_order() if n in analysis.shapes]
    slot_of = {name: i for i, name in enumerate(order)}
    nodes = [graph.node(n) for n in order]
    # ones and zeros have no inputs: they start the plan as leaves that never take a gradient
    leaf_slots = [i for i, node in enumerate(nodes) if node.is_leaf or _fills(node)]
    edges = tuple(e for e in graph.edges if e.src in slot_of and e.dst in slot_of)
    edge_index = {(e.dst, e.port): k for k, e in enumerate(edges)}
    steps = []
    for i, node in enumerate(nodes):
        if node.is_leaf or _fills(node):
            continue
        ports = node.inputs
        arg_edges = tuple(edge_index[(node.name, port)] for port in ports)
        args = tuple(slot_of[edges[k].src] for k in arg_edges)
        steps.append(Step(i, op_function(node), args, arg_edges))
    output = analysis.output
    leaf_data = [leaf_tensor(nodes[i]) for i in leaf_slots]
    return Plan(
        names=order,
        ops=[node.op for node in nodes],
        leaf_slots=leaf_slots,
        leaf_values=[
            to_plain(t)
            if _fills(nodes[i]) or (nodes[i].recipe and not nodes[i].trained)
            else nodes[i].value or 0.0
            for i, t in zip(leaf_slots, leaf_data)
        ],
        trainable=[nodes[i].trainable for i in leaf_slots],
        steps=steps,
        output_slot=slot_of.get(output) if output else None,
        edges=edges,
        shapes=dict(analysis.shapes),
        problems=tuple(analysis.problems),
        dtype=DTYPES[dtype],
        revision=graph.revision,
        slot_of=slot_of,
        attrs=[dict(node.attrs) for node in nodes],
        leaf_data=leaf_data,
    )
