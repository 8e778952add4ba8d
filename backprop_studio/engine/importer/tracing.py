"""Run the user's file, find NAME and its example inputs, and trace it with ``torch.fx``.

This is the one place where the user's code runs, and only when asked: the file is executed
as a fresh module (never kept in ``sys.modules``), NAME is looked up in it, its
``example_inputs()`` called, and the function or module traced symbolically. Each traced call
remembers the line of the user's file it came from, so a refusal can point at it.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
import types
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

import torch
import torch.nn as nn
from torch import fx

from .builder import ImportRefused, Input, line_of

_MODULES = count(1)


class LineTracer(fx.Tracer):
    """``fx.Tracer`` that notes, on every node, the innermost line of ``path`` that made it."""

    def __init__(self, path: Path, autowrap: tuple[Callable, ...] = ()) -> None:
        super().__init__(autowrap_functions=autowrap)
        self.path = str(path)
        self.lines: list[str] = []

    def create_node(self, *args: Any, **kwargs: Any) -> fx.Node:  # type: ignore[override]
        node = super().create_node(*args, **kwargs)
        for frame in reversed(traceback.extract_stack()):
            if frame.filename == self.path:
                node.meta["line"] = (frame.lineno, (frame.line or "").strip())
                break
        return node


def user_line(exc: BaseException, path: Path) -> int:
    """The innermost line of ``path`` in the traceback of ``exc`` (0: none)."""
    line = 0
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == str(path):
            line = frame.lineno or 0
    return line


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def load_module(path: Path) -> types.ModuleType:
    """Execute ``path`` as a new module; its folder is on ``sys.path`` while it runs."""
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"cannot open '{path}': {exc.strerror or exc}") from None
    try:
        compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise ImportRefused(f"line {exc.lineno}: syntax error: {exc.msg}") from None
    name = f"_backprop_studio_import_{next(_MODULES)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    folder = str(path.parent)
    sys.path.insert(0, folder)
    sys.modules[name] = module  # dataclasses and pickling look the module up while it runs
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:
        raise _ran_into(exc, path, f"running {path.name} failed") from None
    finally:
        sys.modules.pop(name, None)
        if folder in sys.path:
            sys.path.remove(folder)
    return module


def _ran_into(exc: BaseException, path: Path, what: str) -> ImportRefused:
    line = user_line(exc, path)
    return ImportRefused(what, [(line, first_line(exc))])


def candidates(module: types.ModuleType) -> list[str]:
    """The names an import can take: functions, nn.Module classes and instances of the file."""
    found = []
    for key, value in vars(module).items():
        if key.startswith("_") or key == "example_inputs":
            continue
        here = getattr(value, "__module__", None) == module.__name__
        if inspect.isfunction(value) and here:
            found.append(key)
        elif inspect.isclass(value) and issubclass(value, nn.Module) and here:
            found.append(key)
        elif isinstance(value, nn.Module):
            found.append(key)
    return found


def example_inputs(module: types.ModuleType, path: Path) -> list[torch.Tensor]:
    make = getattr(module, "example_inputs", None)
    if not callable(make):
        raise ImportRefused(
            f"{path.name} has no example_inputs(): define one that returns a tuple of tensors"
        )
    try:
        given = make()
    except (Exception, SystemExit) as exc:
        raise _ran_into(exc, path, "example_inputs() failed") from None
    if isinstance(given, torch.Tensor):
        given = (given,)
    if not isinstance(given, (tuple, list)) or not all(isinstance(t, torch.Tensor) for t in given):
        raise ImportRefused("example_inputs() must return a tuple of tensors")
    return list(given)


def root_of(module: types.ModuleType, name: str, path: Path) -> nn.Module | Callable:
    """NAME as something to trace: a function, a module instance, or a class made with no
    arguments."""
    if not name.isidentifier() or not hasattr(module, name):
        found = ", ".join(candidates(module)) or "none"
        raise ImportRefused(f"{path.name} has no '{name}' (functions and modules there: {found})")
    value = getattr(module, name)
    if inspect.isclass(value) and issubclass(value, nn.Module):
        try:
            value = value()
        except (Exception, SystemExit) as exc:
            raise _ran_into(exc, path, f"{name}() could not be made without arguments") from None
    if isinstance(value, nn.Module) or inspect.isfunction(value):
        return value
    raise ImportRefused(f"'{name}' is neither a function nor an nn.Module")


def trace(
    root: nn.Module | Callable, path: Path, autowrap: tuple[Callable, ...] = ()
) -> fx.GraphModule:
    """The fx graph of ``root``; data-dependent control flow or any other failure refused."""
    tracer = LineTracer(path, autowrap)
    try:
        graph = tracer.trace(root)
    except fx.proxy.TraceError as exc:
        line = user_line(exc, path)
        why = "branches or loops on a tensor's value (data-dependent control flow cannot be traced)"
        raise ImportRefused("the code cannot be traced", [(line, why)]) from None
    except (Exception, SystemExit) as exc:
        raise _ran_into(exc, path, "the code cannot be traced") from None
    return fx.GraphModule(tracer.root, graph)


def record_values(gm: fx.GraphModule, tensors: list[torch.Tensor], path: Path) -> None:
    """Run the traced graph on the example inputs, keeping each node's value in its meta."""

    class Recorder(fx.Interpreter):
        def run_node(self, n: fx.Node) -> Any:
            try:
                result = super().run_node(n)
            except (Exception, SystemExit) as exc:
                raise ImportRefused(
                    "the code failed on example_inputs()", [(line_of(n), first_line(exc))]
                ) from None
            n.meta["value"] = _detached(result)
            return result

    with torch.no_grad():
        Recorder(gm).run(*tensors)


def _detached(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, tuple):
        return tuple(_detached(v) for v in value)
    return value


def inputs_for(root: nn.Module | Callable, gm: fx.GraphModule, tensors: list) -> list[Input]:
    """Forward arguments are data; a function's inputs that require grad are parameters."""
    names = [n.name for n in gm.graph.nodes if n.op == "placeholder"]
    if len(names) != len(tensors):
        raise ImportRefused(
            f"example_inputs() gives {len(tensors)} tensors, but the code takes {len(names)} inputs"
        )
    function = not isinstance(root, nn.Module)
    return [
        Input(name, tensor, function and tensor.requires_grad)
        for name, tensor in zip(names, tensors)
    ]
