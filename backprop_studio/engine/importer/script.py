"""The studio's own exported script (File ▸ Export ▸ PyTorch code), read back as a graph.

That script is not a module to trace: its leaves are ``torch.tensor(...)`` lines at the top level
and its forward pass the lines after them, one node a line — in a ``def forward(...)`` that the
evaluation and the training loop both call, or (older scripts) at the top level — then
``backward()`` and the report. So
the leaves and the forward lines are taken from the syntax tree (never the rest of the file),
the forward lines become the body of a function of the leaves, and that function is traced like
any other. Lines the writer spells as several torch calls (``mse``, cross-entropy on class
indices, the transpose of a vector) are rewritten to one wrapped call each, so that each line
comes back as the one node it was written from, under its name and label.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import torch
import torch.nn.functional as F

from .builder import ImportRefused, Input
from .results import Op
from .results import op as op_of


def _mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return torch.mean((pred - target) ** 2)


def _cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    from ..compile import _cross_entropy as studio

    return studio(logits, target)


def _transpose(a: torch.Tensor) -> torch.Tensor:
    return a.transpose(-2, -1) if a.dim() >= 2 else a.view_as(a)


WRAPPED: dict[str, tuple[Callable, str]] = {
    "studio_mse": (_mse, "mse"),
    "studio_cross_entropy": (_cross_entropy, "cross_entropy"),
    "studio_transpose": (_transpose, "transpose"),
}


def rules() -> dict[Callable, Callable]:
    """Each wrapped call is the one op it was written for."""
    return {fn: partial(_one_op, op) for fn, op in WRAPPED.values()}


def _one_op(op: str, *args: object) -> Op:
    return op_of(op, list(args))


@dataclass
class Script:
    """The traceable form of an exported script: a function, its inputs, names and labels."""

    function: Callable
    inputs: list[Input]
    names: dict[str, str]  # variable → node name (the writer suffixes names Python reserves)
    labels: dict[str, str]  # variable → the label written as the line's comment
    output: str


class _Rewrite(ast.NodeTransformer):
    """The writer's multi-call spellings → one wrapped call."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        name = ast.unparse(node.func)
        if name == "torch.mean" and len(node.args) == 1 and not node.keywords:
            inner = node.args[0]
            if (
                isinstance(inner, ast.BinOp)
                and isinstance(inner.op, ast.Pow)
                and isinstance(inner.left, ast.BinOp)
                and isinstance(inner.left.op, ast.Sub)
                and ast.unparse(inner.right) == "2"
            ):
                return _call("studio_mse", [inner.left.left, inner.left.right])
        if name == "F.cross_entropy" and len(node.args) == 2:
            target = node.args[1]
            for method in ("long", "squeeze"):
                if (
                    isinstance(target, ast.Call)
                    and isinstance(target.func, ast.Attribute)
                    and target.func.attr == method
                ):
                    target = target.func.value
            return _call("studio_cross_entropy", [node.args[0], target])
        if (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "view_as"
            and len(node.args) == 1
            and ast.unparse(node.args[0]) == ast.unparse(node.func.value)
        ):
            return _call("studio_transpose", [node.func.value])
        return node


def _call(name: str, args: list[ast.expr]) -> ast.Call:
    return ast.Call(ast.Name(name, ast.Load()), args, [])


def _is_forward_function(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.FunctionDef) and stmt.name == "forward"


def _calls_forward(stmt: ast.Assign) -> bool:
    """``loss = forward()``: the evaluation of a forward function read already."""
    value = stmt.value
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "forward"
    )


def read_script(source: str, path: Path) -> Script:
    """The leaves and forward lines of an exported script; ImportRefused if it is not one."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ImportRefused(f"line {exc.lineno}: syntax error: {exc.msg}") from None
    lines = source.splitlines()
    dtype = torch.float64
    leaves: list[tuple[str, torch.Tensor, bool, str]] = []
    forward: list[ast.stmt] = []
    labels: dict[str, str] = {}
    output = None
    names: dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and _target(stmt) == "dtype":
            dtype = torch.float32 if "float32" in ast.unparse(stmt.value) else torch.float64
        elif isinstance(stmt, ast.Assign) and _is_leaf(stmt) and not forward:
            var = _target(stmt)
            tensor, trainable = _leaf_tensor(stmt, dtype, path)
            leaves.append((var, tensor, trainable, _comment(lines, stmt)))
        elif _is_forward_function(stmt) and leaves and output is None and not forward:
            assert isinstance(stmt, ast.FunctionDef)
            for inner in stmt.body:  # the forward pass written once, as a function
                if isinstance(inner, ast.Assign) and _target(inner):
                    forward.append(_Rewrite().visit(inner))
                    labels[_target(inner)] = _comment(lines, inner)
        elif isinstance(stmt, ast.Assign) and _target(stmt) and leaves:
            if output is not None or _calls_forward(stmt):
                continue
            forward.append(_Rewrite().visit(stmt))
            labels[_target(stmt)] = _comment(lines, stmt)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            if isinstance(call.func, ast.Attribute) and call.func.attr == "backward":
                output = ast.unparse(call.func.value)
            if isinstance(call.func, ast.Name) and call.func.id == "show" and len(call.args) == 2:
                shown, var = call.args
                if isinstance(shown, ast.Constant) and isinstance(var, ast.Name):
                    names[var.id] = str(shown.value)
    if not leaves:
        raise ImportRefused(f"{path.name} has no leaves written as torch.tensor(...)")
    output = output or (_target(forward[-1]) if forward else leaves[-1][0])
    body = [*forward, ast.Return(ast.Name(output, ast.Load()))]
    args = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(var) for var, *_ in leaves],
        kwonlyargs=[],
        kw_defaults=[],
        defaults=[],
    )
    function = ast.FunctionDef(name="forward", args=args, body=body, decorator_list=[])
    module = ast.fix_missing_locations(ast.Module([function], []))
    namespace = {"torch": torch, "F": F, "math": math, "dtype": dtype}
    namespace.update({key: fn for key, (fn, _) in WRAPPED.items()})
    exec(compile(module, str(path), "exec"), namespace)  # the lines of the user's own file
    inputs = [Input(var, tensor, trainable) for var, tensor, trainable, _ in leaves]
    labels.update({var: note for var, _, _, note in leaves})
    return Script(namespace["forward"], inputs, names, labels, output)


def _target(stmt: ast.Assign) -> str:
    if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return ""


def _is_leaf(stmt: ast.Assign) -> bool:
    value = stmt.value
    return isinstance(value, ast.Call) and ast.unparse(value.func) == "torch.tensor"


def _leaf_tensor(stmt: ast.Assign, dtype: torch.dtype, path: Path) -> tuple[torch.Tensor, bool]:
    call = stmt.value
    assert isinstance(call, ast.Call)
    trainable = any(
        k.arg == "requires_grad" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )
    try:
        number = ast.unparse(call.args[0])
        value = eval(number, {"__builtins__": {}, "math": math})  # literals and math.inf only
        return torch.tensor(value, dtype=dtype, requires_grad=trainable), trainable
    except Exception as exc:
        raise ImportRefused(f"line {stmt.lineno}: not a tensor of numbers ({exc})") from None


def _comment(lines: list[str], stmt: ast.stmt) -> str:
    """The text after ``#`` on the statement's last line: the label the writer put there."""
    end = getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno
    text = lines[end - 1]
    return text.split("  # ", 1)[1].strip() if "  # " in text else ""
