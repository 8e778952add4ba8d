"""A traced ``torch.fx`` graph → a studio Graph, every node mapped or the whole import refused.

The example inputs are run through the traced graph first (``fx.Interpreter``), so each rule
knows the shapes torch saw. Every call is then mapped by ``mapping``; calls that have no
counterpart are collected, all of them, with their source lines, and the import is refused in
one message. A Graph is only returned complete: nothing is ever half-imported.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn as nn
from torch import fx

from ...model.blocks import Block
from ...model.document_schema import MAX_NODES
from ...model.graph import Graph, GraphError, Node, check_name
from ...model.limits import MAX_NODE_ELEMENTS
from ...model.op_spec import MAX_INPUTS
from ...model.program_parser import auto_name
from ...model.templates import build_template
from . import mapping
from .modules import module_rule
from .results import Leaf, Op, Pass, Rule, Unsupported


class ImportRefused(ValueError):
    """The code cannot become a graph; ``problems`` are ``(line, what)`` pairs, line 0 unknown."""

    def __init__(self, head: str, problems: list[tuple[int, str]] | None = None) -> None:
        self.head = head
        self.problems = problems or []
        parts = [f"line {line}: {what}" if line else what for line, what in self.problems]
        if len(parts) > MAX_LISTED:
            parts[MAX_LISTED:] = [f"and {len(parts) - MAX_LISTED} more"]
        super().__init__(head + (": " + "; ".join(parts) if parts else ""))


@dataclass(frozen=True)
class Input:
    """One traced input: its name, its example tensor, and whether it becomes a parameter."""

    name: str
    tensor: torch.Tensor
    trainable: bool


MAX_LISTED = 20  # calls a refusal lists before it says how many more


def plain(tensor: torch.Tensor, name: str = "a tensor") -> Any:
    """A tensor as the document keeps it: a float, or nested lists of floats; a tensor over the
    studio's size limit is refused before it is copied."""
    if tensor.numel() > MAX_NODE_ELEMENTS:
        size = "×".join(str(n) for n in tensor.shape)
        raise ImportRefused(
            f"'{name}' ({size}) has more than {MAX_NODE_ELEMENTS:,} numbers, the most a node holds"
        )
    return tensor.detach().to(torch.float64).cpu().tolist()


class Builder:
    """Walks one fx graph in order; ``names`` suggests a node name per fx node (or none)."""

    def __init__(
        self,
        gm: fx.GraphModule,
        inputs: list[Input],
        names: dict[fx.Node, str],
        labels: dict[fx.Node, str] | None = None,
        rules: dict[Any, Rule] | None = None,
    ) -> None:
        self.gm = gm
        self.inputs = inputs
        self.names = names
        self.labels = labels or {}
        self.rules = rules or {}  # functions beyond mapping.FUNCTIONS (the script's wrapped calls)
        self.graph = Graph()
        self.made: dict[fx.Node, Any] = {}  # fx node → graph node name (str) or a Python value
        self.params: dict[str, str] = {}  # qualified parameter name → graph node name
        self.problems: list[tuple[int, str]] = []
        self.tuples: set[fx.Node] = set()  # max/min over an axis: (values, indices)

    def build(self) -> Graph:
        if len(self.gm.graph.nodes) > MAX_NODES:
            raise ImportRefused(
                f"the traced code makes {len(self.gm.graph.nodes):,} calls; a graph holds at "
                f"most {MAX_NODES:,} nodes"
            )
        placeholders = [n for n in self.gm.graph.nodes if n.op == "placeholder"]
        if len(placeholders) != len(self.inputs):
            raise ImportRefused(
                f"example_inputs() gives {len(self.inputs)} tensors, but the code takes "
                f"{len(placeholders)} inputs"
            )
        for node, given in zip(placeholders, self.inputs):
            op = "param" if given.trainable else "data"
            self.made[node] = self._leaf(given.name, op, plain(given.tensor, given.name))
        output = None
        for node in self.gm.graph.nodes:
            if node.op == "placeholder":
                continue
            if node.op == "output":
                output = node.args[0]
                continue
            if any(isinstance(a, fx.Node) and a not in self.made for a in _args(node)):
                if not self._known(node):  # fed by a refused call, and refused itself too
                    what = f"{mapping.call_name(node)}: not in the studio's catalogue"
                    self.problems.append((line_of(node), what))
                continue
            try:
                self._map(node)
            except Unsupported as exc:
                self.problems.append((line_of(node), f"{mapping.call_name(node)}: {exc}"))
            except GraphError as exc:
                self.problems.append((line_of(node), str(exc)))
        if self.problems:
            raise ImportRefused("these calls have no counterpart in the studio", self.problems)
        if not isinstance(output, fx.Node) or not isinstance(self.made.get(output), str):
            raise ImportRefused("the code must return one tensor (the output, e.g. the loss)")
        self.graph.set_output(self.made[output])
        return self.graph

    def _known(self, node: fx.Node) -> bool:
        """Whether a rule exists for the call at all (its arguments aside)."""
        if node.op == "call_module":
            module = self.gm.get_submodule(str(node.target))
            return type(module) is nn.Linear or module_rule(module) is not None
        if node.op == "call_method":
            return str(node.target) in mapping.METHODS
        if node.target is getattr:
            return node.args[1] in mapping.ATTRIBUTES or node.args[1] == "values"
        if node.target is operator.getitem:
            return node.args[0] in self.tuples
        return node.op == "get_attr" or mapping.function_rule(node.target) is not None

    # ---- one fx node ---------------------------------------------------------------------
    def _map(self, node: fx.Node) -> None:
        args = [self._arg(a) for a in node.args]
        kwargs = {k: self._arg(v) for k, v in node.kwargs.items()}
        if node.op == "get_attr":
            self.made[node] = self._attribute(str(node.target))
            return
        if node.op == "call_module":
            module = self.gm.get_submodule(str(node.target))
            if type(module) is nn.Linear:
                self.made[node] = self._linear(node, str(node.target), module, args, kwargs)
                return
            rule = module_rule(module)
            if rule is None:
                raise Unsupported(f"the module {type(module).__name__} does not map")
        elif node.op == "call_method":
            rule = mapping.METHODS.get(str(node.target))
        elif node.target is operator.getitem or node.target is getattr:
            self.made[node] = self._item(node)
            return
        else:
            rule = self.rules.get(node.target) or mapping.function_rule(node.target)
        if rule is None:
            raise Unsupported("not in the studio's catalogue")
        try:
            result = rule(*args, **kwargs)
        except TypeError as exc:
            raise Unsupported(f"arguments it cannot take ({exc})") from None
        if isinstance(result, Pass):
            self.made[node] = self.made.get(result.value, result.value)
            return
        if isinstance(result, Leaf):
            name = self._name(node, str(result.attrs.get("init", "leaf")))
            self.made[node] = self._leaf(name, result.op, result.value, result.attrs)
            return
        if isinstance(node.meta.get("value"), tuple):
            self.tuples.add(node)
        self.made[node] = self._op(node, result)

    def _arg(self, value: Any) -> Any:
        """A traced argument as a rule sees it: the fx node for a tensor, else the value."""
        if isinstance(value, (tuple, list)):
            return type(value)(self._arg(v) for v in value)
        return value

    def _op(self, node: fx.Node, made: Op) -> str:
        spec = mapping.OPS[made.op]
        if len(made.inputs) != len(spec.inputs):
            raise Unsupported(f"'{made.op}' takes {len(spec.inputs)} inputs")
        sources = [self._source(value) for value in made.inputs]
        attrs = made.attrs
        inner = self._chained(node, made)
        if inner is not None:  # a + b + c on one line: one add of three, as the studio writes it
            feeds = self.graph.inputs_of(inner)
            sources = [feeds[port].src for port in self.graph.node(inner).inputs] + sources[1:]
            self.graph.remove_node(inner)
            attrs = {**attrs, "n": len(sources)}
        name = self._name(node, made.op)
        self.graph.add_node(Node(name, made.op, self.labels.get(node, ""), attrs=attrs))
        for source, port in zip(sources, self.graph.node(name).inputs):
            self.graph.connect(source, name, port)
        return name

    def _chained(self, node: fx.Node, made: Op) -> str | None:
        """The add (or mul) that ``node`` continues on the same line, used by it alone: it and
        ``node`` become one n-ary node. None when there is no such node."""
        if not mapping.OPS[made.op].variadic or not made.inputs:
            return None
        first = made.inputs[0]
        if not isinstance(first, fx.Node) or len(first.users) != 1 or first in self.labels:
            return None
        inner = self.made.get(first)
        if not isinstance(inner, str) or inner not in self.graph:
            return None
        if self.graph.node(inner).op != made.op or line_of(first) != line_of(node):
            return None
        if self.graph.blocks.owner(inner) is not None:  # a Linear block's own add stays
            return None
        if line_of(node) == 0 or len(self.graph.node(inner).inputs) >= MAX_INPUTS:
            return None
        return inner

    def _source(self, value: Any) -> str:
        """The graph node feeding a port: a mapped fx node, or a new constant for a number."""
        if isinstance(value, fx.Node):
            made = self.made[value]
            if not isinstance(made, str):
                raise Unsupported(f"'{value.name}' is not a tensor")
            return made
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Unsupported(f"an argument {value!r} that is neither a tensor nor a number")
        name = auto_name(self.graph, "const")
        self.graph.add_node(Node(name, "const", str(value), value=float(value)))
        return name

    def _leaf(self, name: str, op: str, value: Any, attrs: dict | None = None) -> str:
        name = self.graph.unique_name(_identifier(name))
        label = str(value) if op == "const" and isinstance(value, float) else ""
        self.graph.add_node(Node(name, op, label, value=value, attrs=attrs or {}))
        return name

    def _name(self, node: fx.Node, op: str) -> str:
        wanted = self.names.get(node)
        if wanted:
            return self.graph.unique_name(_identifier(wanted))
        return auto_name(self.graph, op)

    # ---- modules, parameters, items ------------------------------------------------------
    def _parameter(self, qualified: str, tensor: torch.Tensor) -> str:
        if qualified not in self.params:
            op = "param" if tensor.requires_grad else "data"
            self.params[qualified] = self._leaf(
                qualified.replace(".", "_"), op, plain(tensor, qualified)
            )
        return self.params[qualified]

    def _attribute(self, target: str) -> str:
        value = getattr_path(self.gm, target)
        if not isinstance(value, torch.Tensor):
            raise Unsupported(f"the attribute '{target}' is not a tensor")
        if target.startswith("_tensor_constant") and not value.requires_grad:
            return self._leaf("const", "const", plain(value, target))
        return self._parameter(target, value)

    def _linear(
        self, node: fx.Node, target: str, module: nn.Linear, args: list, kwargs: dict
    ) -> str:
        """``x @ weight.T + bias`` as the module computes it, grouped as a "Linear" block."""
        if len(args) != 1 or kwargs or not isinstance(args[0], fx.Node):
            raise Unsupported("nn.Linear takes one tensor")
        built = build_template(self.graph, "linear", inputs=module.in_features, outputs=1)
        x = self._source(args[0])
        weight = self._parameter(f"{target}.weight", module.weight)
        members = [weight]
        t = auto_name(self.graph, "transpose")
        self.graph.add_node(Node(t, "transpose"))
        self.graph.connect(weight, t, "a")
        mm = self._name(node, "matmul") if module.bias is None else auto_name(self.graph, "matmul")
        self.graph.add_node(Node(mm, "matmul"))
        self.graph.connect(x, mm, "a")
        self.graph.connect(t, mm, "b")
        members += [t, mm]
        out = mm
        if module.bias is not None:
            bias = self._parameter(f"{target}.bias", module.bias)
            out = self._name(node, "add")
            self.graph.add_node(Node(out, "add", self.labels.get(node, "")))
            self.graph.connect(mm, out, "a")
            self.graph.connect(bias, out, "b")
            members += [bias, out]
        self.graph.blocks.add(Block(built.block, tuple(members)))
        return out

    def _item(self, node: fx.Node) -> Any:
        """``.T``, and the values of ``torch.max(x, dim)``; other indexing does not map."""
        source, key = node.args[0], node.args[1]
        if node.target is getattr and key in mapping.ATTRIBUTES:
            made = mapping.ATTRIBUTES[str(key)](source)
            return self._op(node, made)
        if source in self.tuples and key in (0, "values"):
            return self.made[source]
        if source in self.tuples:
            raise Unsupported("the indices of max/min (only their values map)")
        if node.target is getattr and key in ("shape", "ndim") or key == "size":
            raise Unsupported("a shape read in the code (write the numbers)")
        raise Unsupported("indexing or slicing has no counterpart in the studio")


def _args(node: fx.Node) -> list[Any]:
    found: list[Any] = []
    fx.node.map_arg((node.args, node.kwargs), found.append)
    return found


def getattr_path(root: Any, target: str) -> Any:
    value = root
    for part in target.split("."):
        value = getattr(value, part)
    return value


def _identifier(name: str) -> str:
    text = "".join(c if c.isalnum() or c == "_" else "_" for c in name if c.isascii()) or "node"
    text = text if not text[0].isdigit() else f"n_{text}"
    text = text[:48]
    try:
        check_name(text)
    except GraphError:
        text = f"{text}_"
    return text


def line_of(node: fx.Node) -> int:
    where = node.meta.get("line")
    return where[0] if where else 0


def assigned_names(gm: fx.Graph, source: str) -> dict[fx.Node, str]:
    """The variable each line assigns, for the node that line computes last (``y_hat = w * x``
    names the ``mul`` ``y_hat``); nodes used later on their own line keep automatic names."""
    targets: dict[int, str] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    for stmt in ast.walk(tree):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
            if isinstance(target, ast.Name) and stmt.lineno == getattr(stmt, "end_lineno", 0):
                targets[stmt.lineno] = target.id
    names: dict[fx.Node, str] = {}
    for node in gm.nodes:
        line = line_of(node)
        if node.op in ("placeholder", "output") or line not in targets:
            continue
        if any(line_of(user) == line and user.op != "output" for user in node.users):
            continue
        names[node] = targets[line]
    return names
