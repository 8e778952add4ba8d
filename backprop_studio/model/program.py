"""Program text ⇄ Graph: a few lines of Python-like arithmetic that build the expression graph.

The text is read with :mod:`ast` and a strict whitelist — nothing is ever evaluated, compiled or
imported — so a program from a file, the clipboard or the command line is as safe as a document.

    x = data(1.0)          # a fixed input
    w = 1.0                # a trainable parameter (also: w = param([[1.0, 2.0]]))
    loss = (w * x - 2)**2  # every op of the catalogue by its operator or name; the last line is the output

Attributes are keyword arguments: ``s = sum(h, axis=1)``. A leaf may be made by a recipe instead of
a value (``model/recipes.py``): ``W = param(shape=(2, 16), init="xavier", seed=0)``, or bound to a
built-in dataset, ``x = data(dataset="moons", part="x", n=200, noise=0.1, seed=0)``; the pair of a
dataset's features and targets may be written in one line, ``x, y = dataset("moons", n=200)``.
Rows read from a CSV file keep their origin: ``x = data([[1.0], [2.0]], csv="a.csv", columns=["a"])``.

Names: a node assigned to a name takes it (``c_2``, ``c_3``… when a name is reassigned); unnamed
intermediates take the first free ``{op}_k`` (see :func:`auto_name`), numbers become ``const``
nodes labelled with their text. :func:`to_program` writes a graph back so that parsing the text
rebuilds the same nodes, names, labels, values, edges, node order and output.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from . import recipes
from .attrs import AttrError, normalise_attrs
from .graph import Graph, GraphError, Node, check_name
from .layout import complete_layout
from .ops import INFIX_OPS, LEAF_OPS, OPS
from .shapes import ShapeError, Value, shape_of

MAX_INLINE = 10  # nodes folded into one expression before to_program names an intermediate


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
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as exc:
        raise ProgramError(exc.msg, exc.lineno, exc.offset) from None
    except (RecursionError, MemoryError):
        raise ProgramError(
            "the program is nested too deeply; split it over several lines"
        ) from None
    except ValueError as exc:  # e.g. a NUL character
        raise ProgramError(str(exc)) from None
    graph = _Parser(text).run(tree)
    for name, pos in complete_layout(graph, positions or {}).items():
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


def _is_number(node: ast.AST) -> bool:
    """A literal number, signed or not (``-4.0`` is a number, ``-x`` is neg)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    )


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = re.split(r"\r\n|\r|\n", text)  # the line breaks ast counts
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
        try:
            for i, stmt in enumerate(tree.body):
                self.line = stmt.lineno
                result = self.statement(stmt, last=i == len(tree.body) - 1)
        except RecursionError:
            raise ProgramError(
                "the expression is nested too deeply; split it over several lines", self.line
            ) from None
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

    def leaf(self, node: ast.expr) -> tuple[str, Value | None, str, dict[str, Any]] | None:
        """``(op, value, label, attrs)`` when ``node`` declares a leaf: a number, or
        param/data/const(value, key=…), or param/data(key=…) made by a recipe."""
        if _is_number(node):
            return ("param", *self.number(node)[:1], "", {})
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            return None
        op = node.func.id
        if op not in LEAF_OPS:
            return None
        attrs = self.keywords(node)
        made = recipes.recipe_kind(attrs)
        if made is not None and node.args:
            raise self.error(
                node.args[0], f"{op}({made}=…) makes its own value; remove the value {op}(…) got"
            )
        if made is None and not node.args and attrs:
            try:
                recipes.check_leaf_attrs(op, normalise_attrs(OPS[op], attrs))
            except AttrError as exc:
                raise self.error(node, f"{op}: {exc}") from None
        if len(node.args) > 1 or (made is None and not node.args):
            raise self.error(
                node,
                f"{op} takes one value, like {op}(1.0) or {op}([[1.0, 2.0]])"
                + ("" if op == "const" else f', or a recipe: {op}(shape=(2, 3), init="normal")'),
            )
        if made is not None:
            return op, None, "", attrs
        value = self.literal(node.args[0], op)
        try:
            shape_of(value)
        except ShapeError as exc:
            raise self.error(node.args[0], str(exc)) from None
        label = self.number(node.args[0])[1] if op == "const" and _is_number(node.args[0]) else ""
        return op, value, label, attrs

    def keywords(self, node: ast.Call) -> dict[str, Any]:
        """Keyword arguments as attributes: numbers, texts, and tuples or lists of those."""
        attrs: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise self.error(kw, "'**' arguments are not supported; write key=value")
            attrs[kw.arg] = self.attr_literal(kw.value, kw.arg)
        return attrs

    def attr_literal(self, node: ast.expr, key: str) -> Any:
        if isinstance(node, (ast.Tuple, ast.List)):
            items = []
            for item in node.elts:
                if isinstance(item, (ast.Tuple, ast.List)):
                    raise self.error(item, f"{key}= takes a flat list, like (2, 16)")
                items.append(self.attr_literal(item, key))
            return tuple(items)
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
            return node.value
        if _is_number(node):
            sign = -1 if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) else 1
            number = node.operand if isinstance(node, ast.UnaryOp) else node
            assert isinstance(number, ast.Constant)
            if isinstance(number.value, int):
                return sign * number.value
            return self.number(node)[0]
        raise self.error(
            node, f'{key}= takes a number, a text in quotes or a list, like axis=1 or init="normal"'
        )

    def dataset_pair(self, stmt: ast.Assign, target: ast.Tuple, value: ast.expr) -> str:
        """``x, y = dataset("moons", n=200)``: two data leaves, the features and the targets."""
        usage = 'write the features and targets of a dataset as `x, y = dataset("moons", n=200)`'
        call = value if isinstance(value, ast.Call) else None
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
        names = []
        for part, elt in zip(recipes.PARTS, target.elts):
            assert isinstance(elt, ast.Name)
            try:
                check_name(elt.id)
            except GraphError as exc:
                raise self.error(elt, str(exc)) from None
            name = self.graph.unique_name(elt.id)
            self.add(stmt, Node(name, "data", attrs={**attrs, "part": part}))
            self.env[elt.id] = name
            names.append(name)
        return names[-1]

    def literal(self, node: ast.expr, op: str) -> Value:
        if _is_number(node):
            return self.number(node)[0]
        if isinstance(node, ast.List):
            return [self.literal(item, op) for item in node.elts]
        raise self.error(
            node, f"{op}(...) takes a number or a nested list of numbers, like {op}([[1.0, 2.0]])"
        )

    def number(self, node: ast.expr) -> tuple[float, str]:
        """The value and text (the label of a constant) of a literal number."""
        sign = ""
        if isinstance(node, ast.UnaryOp):
            sign = "-" if isinstance(node.op, ast.USub) else ""
            node = node.operand
        assert isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
        text = sign + (self.segment(node) or repr(node.value))
        try:
            value = float(node.value)
        except OverflowError:
            raise self.error(node, "this number is too large") from None
        if not math.isfinite(value):
            raise self.error(node, f"{text} is not a finite number")
        return (-value if sign else value), text

    def segment(self, node: ast.expr) -> str | None:
        """The source text of a one-line node (ast.get_source_segment re-splits the whole text)."""
        if node.end_lineno != node.lineno or node.end_col_offset is None:
            return None
        line = self.lines[node.lineno - 1].encode()  # offsets count UTF-8 bytes
        return line[node.col_offset : node.end_col_offset].decode(errors="replace")

    def expr(self, node: ast.expr, name: str | None = None) -> str:
        """Add the nodes of ``node`` (the top one called ``name``) and return the top node's name."""
        if isinstance(node, ast.Name):
            if node.id in self.env:
                return self.env[node.id]
            if node.id in OPS:
                raise self.error(node, f"'{node.id}' is a function; call it, like {node.id}(x)")
            raise self.error(node, f"'{node.id}' is not defined")
        if _is_number(node):
            value, text = self.number(node)
            return self.add(node, Node(name or self.auto("const"), "const", text, value=value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            return self.expr(node.operand, name)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return self.op(node, _NEG, [node.operand], name)
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

    def call(self, node: ast.Call, name: str | None) -> str:
        if not isinstance(node.func, ast.Name):
            raise self.error(node.func, "only catalogue functions can be called, like relu(x)")
        fn = node.func.id
        if fn in LEAF_OPS:
            raise self.error(
                node, f"{fn}(...) declares a leaf: give it its own line, `name = {fn}(...)`"
            )
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
        inputs = OPS[fn].inputs
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
        for port, src in zip(OPS[op].inputs, sources):
            try:
                self.graph.connect(src, new, port)
            except GraphError as exc:
                raise self.error(node, str(exc)) from None
        return new

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


# ---- writing ----------------------------------------------------------------------------------

_ATOM, _POW, _UNARY, _MUL, _ADD = 5, 4, 3, 2, 1  # Python's precedence, loosest last
_INFIX = {op: symbol for symbol, op in INFIX_OPS.items()}
_PRECEDENCE = {"+": _ADD, "-": _ADD, "*": _MUL, "/": _MUL, "@": _MUL, "**": _POW}


def incomplete_nodes(graph: Graph) -> list[str]:
    """Nodes with an unconnected input, or fed by one: to_program can only write them as comments."""
    order = graph.topological_order()
    feeds = _inputs(graph)
    broken: set[str] = set()
    for name in order:
        spec = graph.node(name).spec
        if any(p not in feeds[name] or feeds[name][p] in broken for p in spec.inputs):
            broken.add(name)
    return [n for n in order if n in broken]


def to_program(graph: Graph) -> str:
    """Program text that :func:`parse_program` turns back into ``graph`` (positions aside).

    One statement per node in topological order, the output last (a final bare name selects it if
    other nodes must follow it). An auto-named node (``mul_1``, ``const_3``) with one consumer that
    is not the output is folded into its consumer's expression when the parser would give it the
    same name and node order again; constants print as their label when it is their literal text.

    A graph still being built cannot be written in full: a node with an unconnected input, and
    everything it feeds, become comment lines (``?`` marks the missing input) after a line that
    says what is missing, e.g. ``# 'mul_1' has an unconnected input 'b'``. The text stays useful
    to read, but parsing it drops those nodes, so an editor should not rebuild a graph from it
    while :func:`incomplete_nodes` is non-empty. An empty graph gives an empty text.
    """
    return _Writer(graph).text()


def _inputs(graph: Graph) -> dict[str, dict[str, str]]:
    feeds: dict[str, dict[str, str]] = {name: {} for name in graph.names}
    for edge in graph.edges:
        feeds[edge.dst][edge.port] = edge.src
    return feeds


def _value(value: Value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return repr(float(value))


def _literal(node: Node) -> str:
    """A constant's text: its label when that is a literal of its value, else its value."""
    value = node.value if node.value is not None else 0.0
    try:
        tree = ast.parse(node.label, mode="eval").body
        if _is_number(tree) and not isinstance(value, list):
            number, text = _Parser(node.label).number(tree)
            if text == node.label and repr(number) == repr(float(value)):
                return text
    except (SyntaxError, ValueError, RecursionError):
        pass
    return _value(value)


def _attr(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        items = [_attr(v) for v in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    return repr(value)


def _keywords(attrs: Mapping[str, object], skip: tuple[str, ...] = ()) -> list[str]:
    return [f"{key}={_attr(value)}" for key, value in attrs.items() if key not in skip]


def _pair(first: Node, second: Node) -> bool:
    """Two leaves the parser would make from one ``x, y = dataset(...)`` line."""
    a, b = first.attrs, second.attrs
    return (
        first.op == second.op == "data"
        and recipes.recipe_kind(a) == "dataset"
        and a.get("part") == "x"
        and b.get("part") == "y"
        and not first.label
        and not second.label
        and list(a) == list(b)
        and {k: v for k, v in a.items() if k != "part"}
        == {k: v for k, v in b.items() if k != "part"}
    )


def _auto_named(node: Node) -> bool:
    return re.fullmatch(rf"{re.escape(node.op)}_[1-9][0-9]*", node.name) is not None


class _Writer:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.order = graph.topological_order()
        self.feeds = _inputs(graph)
        self.output = graph.output
        self.broken = set(incomplete_nodes(graph))
        uses = Counter(edge.src for edge in graph.edges)
        foldable = OPS.keys() - {"param", "data"}
        self.inline = {  # candidates; text() drops those the parser would not name the same
            name
            for name in self.order
            if name != self.output
            and uses[name] == 1
            and _auto_named(graph.node(name))
            and graph.node(name).op in foldable
            and not isinstance(graph.node(name).value, list)
        }
        out = graph.node(self.output) if self.output is not None else None
        self.bare = bool(  # e.g. a last line `w * x`
            out and out.op in foldable and _auto_named(out) and not isinstance(out.value, list)
        )
        self.created: list[str] = []
        self.taken: set[str] = set()
        self.next_k: Counter[str] = Counter()
        self.misfits: set[str] = set()
        self.reasons: list[str] = []
        self._limit_size()

    def _limit_size(self) -> None:
        size: dict[str, int] = {}
        for name in self.order:
            if name in self.inline:
                size[name] = 1 + sum(size.get(src, 0) for src in self.feeds[name].values())
                if size[name] > MAX_INLINE:
                    self.inline.discard(name)
                    size[name] = 0

    def text(self) -> str:
        while True:  # fold less until the parser would rebuild exactly these names and order
            lines, misfits = self._write()
            if not misfits:
                return "".join(line + "\n" for line in lines)
            self.inline -= misfits
            if self.output in misfits:
                self.bare = False

    def _write(self) -> tuple[list[str], set[str]]:
        self.created, self.taken, self.next_k, self.misfits = [], set(), Counter(), set()
        roots = [n for n in self.order if n not in self.inline]
        lines = []
        paired = None
        for i, name in enumerate(roots):
            if name == paired:
                continue
            after = roots[i + 1] if i + 1 < len(roots) else None
            if after is not None and _pair(self.graph.node(name), self.graph.node(after)):
                lines.append(self._dataset_pair(name, after))
                paired = after
            else:
                lines.append(self._statement(name))
        written = [n for n in roots if n not in self.broken]
        output_written = self.output is not None and self.output not in self.broken
        if output_written and written and written[-1] != self.output:
            lines.append(str(self.output))  # a bare name on the last line selects the output
        created = set(self.created)
        expected = {name: i for i, name in enumerate(n for n in self.order if n in created)}
        for i, name in enumerate(self.created):
            if expected[name] < i and name in self.inline:  # folded into a later line
                self.misfits.add(name)
        return lines, self.misfits

    def _statement(self, name: str) -> str:
        node = self.graph.node(name)
        if name in self.broken:
            self.reasons = []
            text = self._expr(name, top=True, live=False)[0]
            return "".join(f"# {reason}\n" for reason in self.reasons) + f"# {name} = {text}"
        if name == self.output and self.bare and self.order[-1] == name:
            return self._expr(name, top=True, live=True, bare=True)[0]
        if node.is_leaf:
            self._create(name)
            if node.recipe:
                return f"{name} = {node.op}({', '.join(_keywords(node.attrs))})"
            if node.attrs:
                kws = ", ".join(_keywords(node.attrs))
                return f"{name} = {node.op}({_value(node.value or 0.0)}, {kws})"
            if node.op == "param" and not isinstance(node.value, list):
                return f"{name} = {_value(node.value or 0.0)}"
            text = _literal(node) if node.op == "const" else _value(node.value or 0.0)
            return f"{name} = {node.op}({text})"
        self.taken.add(name)
        return f"{name} = {self._expr(name, top=True, live=True)[0]}"

    def _dataset_pair(self, x: str, y: str) -> str:
        self._create(x)
        self._create(y)
        attrs = self.graph.node(x).attrs
        args = [_attr(attrs["dataset"]), *_keywords(attrs, ("dataset", "part"))]
        return f"{x}, {y} = dataset({', '.join(args)})"

    def _create(self, name: str, auto: bool = False) -> None:
        """Follow the parser: it would create ``name`` now; would it give it the same name?"""
        if auto:
            op = self.graph.node(name).op
            k = self.next_k[op] or 1
            while f"{op}_{k}" in self.taken:
                k += 1
            self.next_k[op] = k + 1
            if f"{op}_{k}" != name:
                self.misfits.add(name)
        self.taken.add(name)
        self.created.append(name)

    def _expr(self, name: str, top: bool, live: bool, bare: bool = False) -> tuple[str, int]:
        """Text and precedence of ``name`` as an operand (its expression when folded or ``top``)."""
        if not top and name not in self.inline:
            return name, _ATOM
        node = self.graph.node(name)
        if node.op == "const":
            if live:
                self._create(name, auto=True)
            text = _literal(node)
            return text, _UNARY if text.startswith("-") else _ATOM
        missing = [f"'{p}'" for p in node.spec.inputs if p not in self.feeds[name]]
        if missing:
            noun = "an unconnected input" if len(missing) == 1 else "unconnected inputs"
            self.reasons.append(f"'{name}' has {noun} {', '.join(missing)}")
        args = []
        for port in node.spec.inputs:
            src = self.feeds[name].get(port)
            args.append(("?", _ATOM) if src is None else self._expr(src, False, live))
        if live:
            self._create(name, auto=not top or bare)
        symbol = _INFIX.get(node.op)
        if symbol is not None:
            return self._infix(symbol, *args)
        if node.op == _NEG:
            (text, prec), folded = args[0], self.feeds[name].get("a") in self.inline
            if folded and self.graph.node(self.feeds[name]["a"]).op == "const":
                return f"{_NEG}({text})", _ATOM  # `-2` would read back as the constant -2
            return "-" + (text if prec == _ATOM else f"({text})"), _UNARY
        texts = [text for text, _ in args] + _keywords(node.attrs)
        return f"{node.op}({', '.join(texts)})", _ATOM

    @staticmethod
    def _infix(symbol: str, left: tuple[str, int], right: tuple[str, int]) -> tuple[str, int]:
        prec = _PRECEDENCE[symbol]
        if symbol == "**":  # right-associative; a unary operand binds looser on the left
            need_left, need_right = _ATOM, _UNARY
        else:
            need_left, need_right = prec, prec + 1
        a = left[0] if left[1] >= need_left else f"({left[0]})"
        b = right[0] if right[1] >= need_right else f"({right[0]})"
        return (f"{a}**{b}" if symbol == "**" else f"{a} {symbol} {b}"), prec
