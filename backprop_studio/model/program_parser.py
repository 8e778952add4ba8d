"""Program text → Graph: the safe parser (``ast`` and a strict whitelist; nothing is evaluated).

See ``model/program.py`` for the language; this module is its reading half.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from . import program_blocks, program_csv, recipes
from .attrs import AttrError, normalise_attrs
from .graph import Graph, GraphError, Node, check_name
from .layout import complete_layout
from .layout_blocks import card_heights
from .op_spec import FILL, MAX_INPUTS
from .ops import INFIX_OPS, LEAF_OPS, OPS, POWER
from .program_lists import Position, lift_long_lists
from .program_literals import LiteralReading, is_number
from .shapes import Value

CSV_USAGE = 'csv("iris.csv", target="species")' + " on its own line"
TRAINED_MARK = "# trained"
"""Ends the line of an initialised leaf whose numbers training moved: the recipe says where they
came from, the document holds them (the text would be pages of digits), and an editor that
applies the text gives the leaf the numbers it had (``program_writer.keep_exact_values``)."""
TRAINED = re.compile(r"trained\b")  # the comment's text after '#', e.g. 'trained' or 'trained …'


class ProgramError(ValueError):
    """A program that cannot become a graph; ``str()`` reads ``line 3: unknown function 'relu2'``.

    ``line`` and ``column`` are 1-based (None when the problem has no place, e.g. an empty text),
    so an editor can put the cursor on it; ``message`` is the text without the place.
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.message = message
        self.line = line
        self.column = column


def auto_name(graph: Graph, op: str) -> str:
    """The first free ``{op}_1``, ``{op}_2``…: the name of an unnamed node (parser and canvas)."""
    k = 1
    while f"{op}_{k}" in graph:
        k += 1
    return f"{op}_{k}"


def parse_program(text: str, positions: Mapping[str, tuple[float, float]] | None = None) -> Graph:
    """Build a graph from program text; ProgramError (with the line) for anything not allowed.

    Nodes named in ``positions`` keep those positions (an editor rebuilding the graph from edited
    text); the others are placed next to their neighbours or by the automatic layout. Shapes are
    not checked here: a shape mismatch is a problem of the graph (``Graph.analyse``), not a syntax
    error, so it can be shown on the node like any other.
    """
    lifted, lists = lift_long_lists(text)
    try:
        tree = ast.parse(lifted, mode="exec")
    except SyntaxError as exc:
        raise ProgramError(exc.msg, exc.lineno, exc.offset) from None
    except (RecursionError, MemoryError):
        raise ProgramError(
            "the program is nested too deeply; split it over several lines"
        ) from None
    except ValueError as exc:  # e.g. a NUL character
        raise ProgramError(str(exc)) from None
    graph = _Parser(text, lists).run(tree)
    placed = complete_layout(graph, positions or {}, heights=card_heights(graph))
    for name, pos in placed.items():
        graph.set_position(name, pos)
    return graph


# ---- parsing ----------------------------------------------------------------------------------

_SYMBOLS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@",
    ast.FloorDiv: "//", ast.Mod: "%", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
    ast.BitXor: "^", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~",
}  # fmt: skip
_NEG = next(s.name for s in OPS.values() if s.infix == "-" and len(s.inputs) == 1)
_UNSUPPORTED: dict[type, str] = {
    ast.Attribute: "attribute access (a.b) is", ast.Subscript: "indexing (a[i]) is",
    ast.Lambda: "lambda is", ast.ListComp: "comprehensions are", ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are", ast.GeneratorExp: "comprehensions are",
    ast.Compare: "comparisons are", ast.BoolOp: "'and'/'or' are", ast.IfExp: "'if ... else' is",
    ast.Dict: "dictionaries are", ast.Set: "sets are", ast.Tuple: "tuples are",
    ast.JoinedStr: "strings are", ast.Starred: "'*' arguments are", ast.NamedExpr: "':=' is",
    ast.AnnAssign: "type annotations are", ast.FunctionDef: "function definitions are",
    ast.ClassDef: "classes are", ast.Import: "imports are", ast.ImportFrom: "imports are",
    ast.For: "loops are", ast.While: "loops are", ast.If: "'if' statements are",
}  # fmt: skip


def _unsupported(node: ast.AST) -> str:
    what = _UNSUPPORTED.get(type(node), f"'{type(node).__name__}' is")
    return f"{what} not supported; write one `name = expression` per line"


class _Parser(LiteralReading, program_blocks.BlockStatements):
    def __init__(self, text: str, lists: Mapping[Position, Value] | None = None) -> None:
        self.lists = lists or {}  # long number lists read before ast, by position
        self.lines = re.split(r"\r\n|\r|\n", text)  # the line breaks ast counts
        self.encoded: dict[int, bytes] = {}  # line number → its UTF-8 bytes, encoded once
        self.graph = Graph()
        self.env: dict[str, str] = {}  # program name → newest node name
        self.next_k: Counter[str] = Counter()  # names below it are taken: auto names stay O(1)
        self.target: str | None = None  # reserved for the statement being read
        self.line: int | None = None

    def error(self, node: ast.AST, message: str) -> ProgramError:
        line = getattr(node, "lineno", self.line)
        col = getattr(node, "col_offset", None)
        return ProgramError(message, line, None if col is None else col + 1)

    def run(self, tree: ast.Module) -> Graph:
        if not tree.body:
            raise ProgramError("the program is empty: write a line such as `x = data(1.0)`")
        result = ""
        last = max(
            (i for i, s in enumerate(tree.body) if program_blocks.declaration(s) is None),
            default=-1,
        )
        try:
            for i, stmt in enumerate(tree.body):
                self.line = stmt.lineno
                call = program_blocks.declaration(stmt)
                if call is not None:
                    self.declared_block(call)
                elif isinstance(stmt, ast.With):
                    result = self.with_block(stmt, last=i == last)
                else:
                    result = self.statement(stmt, last=i == last)
        except RecursionError:
            raise ProgramError(
                "the expression is nested too deeply; split it over several lines", self.line
            ) from None
        if not result:
            raise ProgramError("the program builds no node: write a line such as `x = data(1.0)`")
        self.graph.set_output(result)
        return self.graph

    def statement(self, stmt: ast.stmt, last: bool) -> str:
        if isinstance(stmt, ast.Expr):
            if not last:
                raise self.error(
                    stmt, "only the last line may be a bare expression; name it: `y = ...`"
                )
            return self.expr(stmt.value)
        target: ast.expr
        if isinstance(stmt, ast.AugAssign):  # `c += 1` is `c = c + 1`
            target, value = stmt.target, stmt.value
            if isinstance(target, ast.Name):
                current = ast.copy_location(ast.Name(target.id, ast.Load()), target)
                value = ast.copy_location(ast.BinOp(current, stmt.op, stmt.value), stmt)
        elif isinstance(stmt, ast.Assign):
            if len(stmt.targets) != 1:
                raise self.error(stmt, "assign one name per line: `a = ...`, then `b = ...`")
            target, value = stmt.targets[0], stmt.value
        else:
            raise self.error(stmt, _unsupported(stmt))
        if isinstance(stmt, ast.Assign) and isinstance(target, ast.Tuple):
            return self.dataset_pair(stmt, target, value)
        if not isinstance(target, ast.Name):
            raise self.error(target, "assign to a plain name, like `y = w * x`")
        try:
            check_name(target.id)
        except GraphError as exc:
            raise self.error(target, str(exc)) from None
        name = self.target = self.graph.unique_name(target.id)
        leaf = self.leaf(value)
        if leaf is not None:
            self.add(stmt, Node(name, leaf[0], leaf[2], value=leaf[1], attrs=leaf[3]))
            if self.graph.node(name).recipe == "init" and TRAINED.match(self.comment_after(stmt)):
                self.graph.set_trained_value(name, self.graph.node(name).value)
        else:
            size = len(self.graph)
            result = self.expr(value, name)
            if len(self.graph) == size:
                raise self.error(
                    stmt,
                    f"`{target.id} = {self.segment(value) or result}` only "
                    f"gives '{result}' another name; use '{result}' itself or write an expression",
                )
        self.env[target.id] = name
        self.target = None
        return name

    def dataset_pair(self, stmt: ast.Assign, target: ast.Tuple, value: ast.expr) -> str:
        """``x, y = dataset("moons", n=200)``: two data leaves, the features and the targets."""
        usage = 'write the features and targets of a dataset as `x, y = dataset("moons", n=200)`'
        call = value if isinstance(value, ast.Call) else None
        if call is not None and isinstance(call.func, ast.Name) and call.func.id == "csv":
            return self.csv_pair(stmt, target, call)
        if call is None or not (isinstance(call.func, ast.Name) and call.func.id == "dataset"):
            raise self.error(
                target, f"assign to a plain name, like `y = w * x`; a pair is only to {usage}"
            )
        if len(target.elts) != 2 or not all(isinstance(t, ast.Name) for t in target.elts):
            raise self.error(target, usage)
        if len(call.args) != 1 or not (
            isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
        ):
            known = ", ".join(f'"{d}"' for d in recipes.DATASETS)
            raise self.error(call, f"dataset(...) takes the dataset's name first: one of {known}")
        attrs = {"dataset": call.args[0].value, **self.keywords(call)}
        if "part" in attrs:
            raise self.error(call, "dataset(...) gives both parts; leave out part=")
        leaves = [(None, {**attrs, "part": part}) for part in recipes.PARTS]
        return self.pair(stmt, target, leaves)

    def csv_pair(self, stmt: ast.Assign, target: ast.Tuple, call: ast.Call) -> str:
        """``x, y = csv("iris.csv", target="species")``: the file is read now, and its rows
        become the values of two data leaves (the program and its document hold them)."""
        if len(target.elts) != 2 or not all(isinstance(t, ast.Name) for t in target.elts):
            raise self.error(target, f"write the features and targets as `x, y = {CSV_USAGE}`")
        if len(call.args) != 1 or not (
            isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
        ):
            raise self.error(call, f"csv(...) takes the file's name first: {CSV_USAGE}")
        try:
            data = program_csv.read(call.args[0].value, self.keywords(call))
        except ValueError as exc:
            raise self.error(call, f"csv: {exc}") from None
        return self.pair(stmt, target, [(data.x, data.x_attrs), (data.y, data.y_attrs)])

    def pair(
        self, stmt: ast.Assign, target: ast.Tuple, leaves: list[tuple[Value | None, dict[str, Any]]]
    ) -> str:
        names = []
        for (value, attrs), elt in zip(leaves, target.elts):
            assert isinstance(elt, ast.Name)
            try:
                check_name(elt.id)
            except GraphError as exc:
                raise self.error(elt, str(exc)) from None
            name = self.graph.unique_name(elt.id)
            self.add(stmt, Node(name, "data", value=value, attrs=attrs))
            self.env[elt.id] = name
            names.append(name)
        return names[-1]

    def expr(self, node: ast.expr, name: str | None = None) -> str:
        """Add the nodes of ``node`` (the top one called ``name``) and return the top node's name."""
        if isinstance(node, ast.Name):
            if node.id in self.env:
                return self.env[node.id]
            if node.id in OPS:
                raise self.error(node, f"'{node.id}' is a function; call it, like {node.id}(x)")
            raise self.error(node, f"'{node.id}' is not defined")
        if is_number(node):
            value, text = self.number(node)
            return self.add(node, Node(name or self.auto("const"), "const", text, value=value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            return self.expr(node.operand, name)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return self.op(node, _NEG, [node.operand], name)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and is_number(node.right):
            return self.power(node, name)
        if isinstance(node, (ast.UnaryOp, ast.BinOp)) and type(node.op) in _SYMBOLS:
            symbol = _SYMBOLS[type(node.op)]
            if not isinstance(node, ast.BinOp) or symbol not in INFIX_OPS:
                ops = " ".join([*INFIX_OPS, "and unary -"])
                raise self.error(node, f"the operator '{symbol}' is not supported (use {ops})")
            return self.op(node, INFIX_OPS[symbol], [node.left, node.right], name)
        if isinstance(node, ast.Call):
            return self.call(node, name)
        if isinstance(node, ast.Constant):
            kind = "True/False" if isinstance(node.value, bool) else type(node.value).__name__
            raise self.error(node, f"{kind} values are not supported; use numbers")
        if isinstance(node, ast.List):
            raise self.error(
                node, "write a list as its own line: `x = data([...])` or `w = param([...])`"
            )
        raise self.error(node, _unsupported(node))

    def power(self, node: ast.BinOp, name: str | None) -> str:
        """``a ** 2``, ``a ** -1``, ``a ** 0.5``: a number exponent is the power's attribute,
        as micrograd's ``**`` takes a number; ``a ** b`` with a node ``b`` stays ``pow``."""
        try:
            attrs = normalise_attrs(OPS[POWER], {"exponent": self.number_value(node.right)})
        except AttrError as exc:
            raise self.error(node.right, str(exc)) from None
        return self.op(node, POWER, [node.left], name, attrs)

    def call(self, node: ast.Call, name: str | None) -> str:
        if not isinstance(node.func, ast.Name):
            raise self.error(node.func, "only catalogue functions can be called, like relu(x)")
        fn = node.func.id
        if fn in LEAF_OPS:
            raise self.error(
                node, f"{fn}(...) declares a leaf: give it its own line, `name = {fn}(...)`"
            )
        if fn == program_blocks.BLOCK:
            raise self.error(
                node, f"block(...) groups nodes on its own line: {program_blocks.USAGE}"
            )
        if fn == "csv":
            raise self.error(node, f"csv(...) gives two leaves: write `x, y = {CSV_USAGE}`")
        if fn == "dataset":
            raise self.error(
                node,
                'dataset(...) gives two leaves: write `x, y = dataset("moons")` on its own line',
            )
        if fn not in OPS:
            known = fn in self.env
            raise self.error(
                node.func, f"'{fn}' is not a function" if known else f"unknown function '{fn}'"
            )
        for kw in node.keywords:
            if kw.arg in OPS[fn].inputs:
                raise self.error(
                    kw,
                    f"inputs are passed in order, not by name, like {fn}(x); "
                    "keywords are for attributes, like sum(x, axis=1)",
                )
        attrs = self.keywords(node)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error(arg, _unsupported(arg))
        if OPS[fn].shape_rule == FILL:
            return self.op(node, fn, [], name, self.fill_shape(node, fn, attrs))
        inputs = OPS[fn].inputs
        if OPS[fn].variadic:
            if "n" in attrs:
                raise self.error(node, f"{fn} counts its inputs itself: write {fn}(a, b, c)")
            if 2 <= len(node.args) <= MAX_INPUTS:
                attrs["n"] = len(node.args)
                return self.op(node, fn, node.args, name, attrs)
            raise self.error(
                node,
                f"{fn} takes 2 to {MAX_INPUTS} inputs, like {fn}(a, b, c), got {len(node.args)}",
            )
        if len(node.args) != len(inputs):
            noun = "input" if len(inputs) == 1 else "inputs"
            raise self.error(
                node, f"{fn} takes {len(inputs)} {noun} ({', '.join(inputs)}), got {len(node.args)}"
            )
        return self.op(node, fn, node.args, name, attrs)

    def op(
        self,
        node: ast.AST,
        op: str,
        args: list[ast.expr],
        name: str | None,
        attrs: dict[str, Any] | None = None,
    ) -> str:
        sources = [self.expr(arg) for arg in args]
        new = self.add(node, Node(name or self.auto(op), op, attrs=attrs or {}))
        for port, src in zip(self.graph.node(new).inputs, sources):
            try:
                self.graph.connect(src, new, port)
            except GraphError as exc:
                raise self.error(node, str(exc)) from None
        return new

    def fill_shape(self, node: ast.Call, fn: str, attrs: dict[str, Any]) -> dict[str, Any]:
        """``ones(3, 2)`` as torch writes it, or ``ones(shape=(3, 2))``; ``ones()`` is a scalar."""
        usage = f"{fn} takes the sizes of its shape, like {fn}(3, 2), or shape=(3, 2)"
        sizes = []
        for arg in node.args:
            if not (isinstance(arg, ast.Constant) and type(arg.value) is int):
                raise self.error(arg, usage)
            sizes.append(arg.value)
        if sizes and "shape" in attrs:
            raise self.error(node, f"{usage}, not both")
        return {**attrs, "shape": tuple(sizes)} if sizes else attrs

    def add(self, node: ast.AST, new: Node) -> str:
        try:
            return self.graph.add_node(new).name
        except GraphError as exc:
            raise self.error(node, str(exc)) from None

    def auto(self, op: str) -> str:
        k = self.next_k[op] or 1
        while f"{op}_{k}" in self.graph or f"{op}_{k}" == self.target:
            k += 1
        self.next_k[op] = k + 1
        return f"{op}_{k}"
