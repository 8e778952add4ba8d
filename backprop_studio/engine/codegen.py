"""Graph → a standalone PyTorch script that builds the same computation and prints its numbers.

The script is for reading as much as for running: leaves become tensors (``requires_grad=True``
on parameters), each op one line in topological order, the node's label as a comment. It makes
the same torch calls as ``compile.TORCH_OPS``, in the same dtype, on the same values, so the
values and gradients it prints are the studio's to the last digit (a test runs it and compares).
With ``train=True`` it also runs the studio's training loop (``training.Trainer``) with torch.optim.
"""

from __future__ import annotations

import builtins
import keyword
from typing import Any

import torch

from ..model.graph import Graph, Node
from ..model.shapes import Value
from ..version import __version__
from .codegen_csv import csv_origin_lines
from .codegen_inline import ATOM, BINDING, inlined, inlined_constants, needs
from .codegen_ops import FUNCTIONAL, OP_CODE, literal
from .compile import Plan, compile_graph

# Names the script itself uses; a node with one of these names gets a suffix in the code.
SCRIPT_NAMES = frozenset(
    {"torch", "F", "json", "math", "dtype", "show", "forward", "optimizer", "params", "losses"}
    | {"sys", "exact", "cell", "results", "name", "tensor", "width", "every"}
    | {"iteration", "value", "batches", "order", "start", "rows", "size", "generator", "index"}
    | {"out", "final", "steps", "mini_batches", "index0", "index1", "index2", "index3"}
)
LINE = 96


class CodegenError(ValueError):
    """The graph cannot be written as a script (it has a problem, or cannot be trained)."""


def to_script(
    graph: Graph,
    settings: dict[str, Any] | None = None,
    *,
    train: bool = False,
    title: str = "graph",
) -> str:
    """The script for ``graph``; ``settings`` as in a document (``dtype``, ``training``)."""
    settings = settings or {}
    dtype = settings.get("dtype", "float64")
    plan = compile_graph(graph, dtype)
    if plan.problems:
        raise CodegenError(plan.problems[0].message)
    if plan.output is None:
        raise CodegenError("the graph has no output to compute")
    needs_grad = _requires_grad(plan)
    writer = _Writer(graph, plan)
    lines = writer.leaves()
    lines += csv_origin_lines(graph, writer.var)
    trainer = None
    if train:
        from .codegen_train import batched_leaves, trainer_for

        trainer = trainer_for(graph, settings)
        writer.inputs = batched_leaves(trainer, writer.var)
    lines += writer.forward_function()
    lines += writer.backward(needs_grad)
    lines += writer.report()
    if trainer is not None:
        from .codegen_train import training_lines

        lines += training_lines(writer, trainer, settings)
        writer.uses_math = True
    return "\n".join(writer.header(title, dtype) + lines).rstrip() + "\n"


def _requires_grad(plan: Plan) -> list[bool]:
    """Which slots torch will track, found by running the plan once (exact, never guessed)."""
    slots = plan.leaf_tensors()
    try:
        with torch.enable_grad():
            plan.forward(slots)
    except RuntimeError as exc:
        raise CodegenError(f"torch could not run the graph: {str(exc).splitlines()[0]}") from None
    return [bool(t is not None and t.requires_grad) for t in slots]


class _Writer:
    """The pieces of the script; ``var`` maps node names to Python names that clash with none."""

    def __init__(self, graph: Graph, plan: Plan) -> None:
        self.graph = graph
        self.plan = plan
        taken = set(plan.names)
        self.var: dict[str, str] = {}
        for name in plan.names:
            var = name
            while var in SCRIPT_NAMES or hasattr(builtins, var) or keyword.iskeyword(var):
                var += "_"
                while var in taken:
                    var += "_"
            taken.add(var)
            self.var[name] = var
        self.output = self.var[plan.output] if plan.output else ""
        self.inputs: list[str] = []  # the leaves forward() takes (a mini-batch's rows)
        self.constants = inlined_constants(graph, plan)
        self.inlined = inlined(graph, plan) | frozenset(self.constants)
        self.results = [
            self.var[plan.names[step.slot]]
            for step in plan.steps
            if plan.names[step.slot] not in self.inlined
        ]
        self.uses_math = False  # set when training or a literal needs math.inf / math.nan
        self.uses_functional = any(op in FUNCTIONAL for op in plan.ops)

    def header(self, title: str, dtype: str) -> list[str]:
        return [
            f'"""{_comment(title).replace(chr(34), chr(39))}: the Backprop Studio graph as '
            "plain PyTorch, forward and backward.",
            "",
            f"Written by Backprop Studio {__version__}. Running it prints a table of every node's",
            "value and gradient; `python this.py --json` prints one line per node instead,",
            "`name value=<JSON> grad=<JSON>`, with the numbers the studio shows, to the last digit.",
            '"""',
            "",
            "import json",
            *(["import math"] if self.uses_math else []),
            "import sys",
            "",
            "import torch",
            *(["import torch.nn.functional as F"] if self.uses_functional else []),
            "",
            'exact = "--json" in sys.argv[1:]  # every digit, one JSON line a node',
            f"dtype = torch.{dtype}  # the studio's dtype for this graph",
            "",
        ]

    def leaves(self) -> list[str]:
        lines = ["# Leaves: parameters are trained and get gradients; data and constants do not."]
        plan = self.plan
        for slot, value, train in zip(plan.leaf_slots, plan.leaf_values, plan.trainable):
            node = self.graph.node(plan.names[slot])
            var = self.var[node.name]
            if node.name in self.constants:
                continue  # written as its number where it is used
            if node.op in ("ones", "zeros"):  # made of its shape, as torch.ones makes it
                shape = tuple(node.attrs.get("shape", ()))
                lines.append(f"{var} = torch.{node.op}({shape!r}, dtype=dtype)")
                continue
            grad = ", requires_grad=True" if train else ""
            note = _leaf_note(node)
            head = f"{var} = torch.tensor("
            tail = f", dtype=dtype{grad})" + (f"  # {note}" if note else "")
            written = _literal_lines(head, value, tail)
            self.uses_math = self.uses_math or any("math." in line for line in written)
            lines.extend(written)
        return lines

    def forward_lines(self, indent: str) -> list[str]:
        lines = []
        plan = self.plan
        # an inlined node: (expression, its binding); a negative number binds as a minus sign
        written: dict[str, tuple[str, int]] = {
            name: (text, BINDING["neg"] if text.startswith("-") else ATOM)
            for name, text in self.constants.items()
        }
        for step in plan.steps:
            name = plan.names[step.slot]
            node = self.graph.node(name)
            args = []
            for i, slot in enumerate(step.args):
                code, binding = written.get(plan.names[slot], (self.var[plan.names[slot]], ATOM))
                args.append(f"({code})" if binding < needs(node.op, i) else code)
            shapes = [plan.shapes[plan.names[a]] for a in step.args]
            code = OP_CODE[node.op](args, node, shapes)
            if name in self.inlined:
                written[name] = (code, BINDING.get(node.op, ATOM))
                continue
            text = _comment(node.label)
            label = f"  # {text}" if text and node.label != name else ""
            if label and "  # " in code:
                code, label = code.replace("  # ", f"  # {text}: "), ""
            lines.append(f"{indent}{self.var[name]} = {code}{label}")
        return lines

    def call(self, args: str | None = None) -> str:
        """``forward(x, y)`` with ``args`` (default: the leaves themselves), and ``[-1]`` when
        it returns more than the output."""
        call = f"forward({', '.join(self.inputs) if args is None else args})"
        return f"{call}[-1]" if len(self.results) > 1 else call

    def forward_function(self) -> list[str]:
        """The forward pass written once, as the function the evaluation below and the
        training loop both call; it returns every result, the output last."""
        lines = [
            "",
            "",
            f"def forward({', '.join(self.inputs)}):",
            '    """The forward pass, in topological order: every input is computed before it is',
            '    used. Returns each named result (the report below shows them), the output last."""',
            *self.forward_lines(indent="    "),
        ]
        results = self.results or [self.output]
        lines += _wrapped("    return ", results, "")
        lines += ["", ""]
        if self.results:
            lines += _wrapped("", self.results, f" = forward({', '.join(self.inputs)})")
        return lines

    def backward(self, needs_grad: list[bool]) -> list[str]:
        plan = self.plan
        kept = [
            self.var[plan.names[step.slot]]
            for step in plan.steps
            if needs_grad[step.slot] and plan.names[step.slot] not in self.inlined
        ]
        lines = []
        if kept:
            lines += ["", "# Keep the gradients of intermediate results too (PyTorch frees them)."]
            lines += [f"{var}.retain_grad()" for var in kept]
        if plan.output_slot is None or not needs_grad[plan.output_slot]:
            return [*lines, "", "# No parameter reaches the output: nothing to differentiate."]
        lines += ["", "# Backward pass: autograd fills .grad of every tensor on the way."]
        if plan.shapes[plan.names[plan.output_slot]]:
            lines.append(f"{self.output}.backward(torch.ones_like({self.output}))  # d(sum)/d·")
        else:
            lines.append(f"{self.output}.backward()")
        return lines

    def report(self) -> list[str]:
        lines = [
            "",
            "",
            "def show(name, tensor):",
            '    """One node: its value and gradient as JSON, exact (floats print in full)."""',
            "    grad = None if tensor.grad is None else tensor.grad.tolist()",
            '    print(f"{name} value={json.dumps(tensor.detach().tolist())} grad={json.dumps(grad)}")',
            "",
            "",
            "def cell(tensor):",
            '    """A number as a table shows it: six digits, a tensor by its shape and mean."""',
            "    if tensor is None:",
            '        return "-"',
            "    if tensor.dim() == 0:",
            '        return f"{tensor.item():.6g}"',
            '    shape = "x".join(str(n) for n in tensor.shape)',
            '    return f"[{shape}] mean {tensor.mean().item():.4g}"',
            "",
            "",
        ]
        shown = [name for name in self.plan.names if name not in self.inlined]
        pairs = [f'("{name}", {self.var[name]})' for name in shown]
        one = f"results = [{', '.join(pairs)}]"
        lines += [one] if len(one) <= LINE else ["results = [", *[f"    {p}," for p in pairs], "]"]
        lines += [
            "if exact:",
            "    for name, tensor in results:",
            "        show(name, tensor)",
            "else:",
            "    width = max(len(name) for name, _ in results)",
            "    print(f\"{'node':<{width}}  {'value':>22}  {'grad':>22}\")",
            "    for name, tensor in results:",
            '        print(f"{name:<{width}}  {cell(tensor):>22}  {cell(tensor.grad):>22}")',
        ]
        return lines


def _leaf_note(node: Node) -> str:
    if node.recipe == "init":
        init, seed = node.attrs.get("init"), node.attrs.get("seed", 0)
        note = f"{init} init, seed {seed}: the studio's values"
        if node.trained:
            note = f"{init} init, seed {seed}, trained: the studio's trained values"
    elif node.recipe == "dataset":
        source = node.attrs.get("dataset") or node.attrs.get("csv") or "data"
        note = f"{source} ({node.attrs.get('part', '')}): the studio's rows"
    else:
        note = node.label if node.label != node.name else ""
    return _comment(note)


def _comment(text: object) -> str:
    """One line of printable text, safe after a ``#`` or inside the docstring."""
    shown = "".join(c if c.isprintable() else " " for c in str(text or ""))
    return " ".join(shown.replace("\\", "/").split())


def _wrapped(head: str, names: list[str], tail: str) -> list[str]:
    """``head a, b, c tail`` on one line when it fits, else a parenthesised name a line."""
    line = head + ", ".join(names) + tail
    if len(line) <= LINE:
        return [line]
    indent = " " * (len(head) - len(head.lstrip()))
    return [f"{head}(", *[f"{indent}    {name}," for name in names], f"{indent}){tail}"]


def _literal_lines(head: str, value: Value, tail: str) -> list[str]:
    """``head + literal + tail`` on one line when it fits, else one row (or number) a line."""
    text = literal(value)
    if len(head) + len(text) + len(tail) <= LINE or not isinstance(value, list):
        return [head + text + tail]
    rows = [literal(v) for v in value]
    return [head + "[", *[f"    {row}," for row in rows], "]" + tail]
