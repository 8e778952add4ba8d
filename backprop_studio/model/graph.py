"""The graph as data: named nodes, edges into named input ports, validation with human messages.

Every mutation validates first, then changes state, then emits, so an observer (the canvas, the
runner) always sees a consistent graph. Node names are the ids: they are what the program text,
the CLI and the document use, and a rename is an explicit, undoable operation.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from . import display, limits, recipes, shapes
from .analysis import Analysis as Analysis  # re-exported: the engine imports them from here
from .analysis import Problem as Problem
from .analysis import analyse
from .attrs import AttrError, Attrs, normalise_attrs
from .blocks import Blocks
from .cycles import ALREADY, CYCLE, first_edge_problem
from .errors import GraphError as GraphError  # re-exported: raised by every model part
from .numbers import first_non_finite, special_name
from .ops import LEAF_OPS, OPS, OpSpec, op_spec
from .shapes import Shape, ShapeError, Value
from .signal import Signal

MAX_NAME_LENGTH = 64
_REPR_NODES = 12  # nodes a repr lists before it says how many more
_AUTO_CONST = re.compile(r"const_[1-9][0-9]*")  # the parser's name for a number in an expression


@dataclass
class Node:
    """A node; leaves (``param``, ``data``, ``const``) carry a value, ops compute one.

    ``attrs`` are the op's settings (``{"axis": 1}`` for a sum) or a leaf's recipe
    (``{"init": "xavier", "shape": (2, 16), "seed": 0}``, see ``model/recipes.py``).
    ``trained`` marks an initialised leaf whose numbers training moved away from its recipe:
    the recipe still describes where they came from, but the value is the truth.
    """

    name: str
    op: str
    label: str = ""
    position: tuple[float, float] = (0.0, 0.0)
    value: Value | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    trained: bool = False

    @property
    def spec(self) -> OpSpec:
        return op_spec(self.op)

    @property
    def is_leaf(self) -> bool:
        return self.op in LEAF_OPS

    @property
    def inputs(self) -> tuple[str, ...]:
        """Its input ports, in call order: the op's, or ``n`` of them for an n-ary add or mul."""
        return self.spec.ports(self.attrs)

    @property
    def trainable(self) -> bool:
        return self.op == "param"

    @property
    def title(self) -> str:
        return self.label or self.name

    @property
    def called(self) -> str:
        """What a message calls the node, as its card shows it: its name, except a constant that
        a number in a program made (auto-named ``const_1``, its card titled with the number),
        which is ``the constant 2``; the auto-name is nowhere on the screen."""
        if self.op == "const" and self.label and _AUTO_CONST.fullmatch(self.name):
            return f"the constant {self.label}"
        return self.name

    @property
    def spoken(self) -> str:
        """:attr:`called` inside a sentence: ``'w'`` quoted, ``the constant 2`` as it is."""
        return self.called if self.called != self.name else f"'{self.name}'"

    @property
    def recipe(self) -> str | None:
        """ "init" or "dataset" when the leaf's value is derived from its attributes."""
        return recipes.recipe_kind(self.attrs) if self.is_leaf else None


@dataclass(frozen=True)
class Edge:
    """The output of ``src`` feeds input port ``port`` of ``dst``."""

    src: str
    dst: str
    port: str

    def renamed(self, old: str, new: str) -> Edge:
        """This edge after node ``old`` became ``new`` (itself when it touches neither)."""
        if old not in (self.src, self.dst):
            return self
        return Edge(
            new if self.src == old else self.src, new if self.dst == old else self.dst, self.port
        )


RESERVED_NAMES = frozenset(OPS) | {"param", "data", "dataset", "True", "False", "None"}


def check_name(name: str) -> None:
    """Raise GraphError unless ``name`` can be a node name (a program identifier)."""
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise GraphError(
            f"'{name}' is not a valid name: use letters, digits and _, not starting with a digit"
        )
    if keyword.iskeyword(name) or name in RESERVED_NAMES:
        raise GraphError(f"'{name}' is reserved; choose another name")
    if len(name) > MAX_NAME_LENGTH:
        raise GraphError(f"a name may have at most {MAX_NAME_LENGTH} characters")


class Graph:
    """Nodes and edges on a networkx MultiDiGraph (one node may feed two ports of another).

    Built in code with :meth:`add_node` and :meth:`connect`::

        g = Graph()
        g.add_node(Node("w", "param", value=1.0))
        g.add_node(Node("x", "data", value=2.0))
        g.add_node(Node("y", "mul"))
        g.connect("w", "y", "a")  # ports: backprop_studio.ops["mul"].inputs == ("a", "b")
        g.connect("x", "y", "b")

    or from program text with ``parse_program``. Every change is checked first (GraphError
    says why in the canvas's words), so the graph is always well formed; shapes and missing
    inputs are reported by :meth:`analyse`, and by evaluation as problems on a Trace.
    """

    def __init__(self) -> None:
        self._nx = nx.MultiDiGraph()
        self._nodes: dict[str, Node] = {}
        self._edges: list[Edge] = []
        self._in: dict[str, dict[str, Edge]] = {}  # dst → port → edge
        self._out: dict[str, list[Edge]] = {}  # src → edges, in edge order
        self._output: str | None = None
        self._recipe_elements = 0  # numbers made by recipe leaves, bounded by limits
        self._free_from: dict[str, int] = {}  # base → every base_k with 2 <= k < it is taken
        self.revision = 0
        self._analysis: tuple[int, Analysis] | None = None  # (revision, analysis of it)
        self.node_added = Signal()  # (node, index)
        self.node_removed = Signal()  # (node, index)
        self.node_changed = Signal()  # (node, attribute name)
        self.node_renamed = Signal()  # (old name, new name)
        self.edge_added = Signal()  # (edge, index)
        self.edge_removed = Signal()  # (edge, index)
        self.output_changed = Signal()  # (name or None)
        self.changed = Signal()  # () after any change
        # Named groups of nodes for the canvas; they never change evaluation (model/blocks.py).
        # Made last, so that it hears a removal or rename before any other observer does.
        self.blocks = Blocks(self)

    # ---- reading -------------------------------------------------------------------------
    @property
    def nodes(self) -> list[Node]:
        """The nodes in insertion order (a new list; change them through Graph methods)."""
        return list(self._nodes.values())

    @property
    def names(self) -> list[str]:
        """The node names in insertion order."""
        return list(self._nodes)

    @property
    def edges(self) -> list[Edge]:
        """Every edge in the order they were connected (a Trace's ``edge_grads`` follow it)."""
        return list(self._edges)

    def __len__(self) -> int:
        return len(self._nodes)

    def __contains__(self, name: object) -> bool:
        return name in self._nodes

    def __iter__(self) -> Iterator[Node]:
        return iter(list(self._nodes.values()))

    def node(self, name: str) -> Node:
        """The node called ``name``; GraphError when there is none."""
        try:
            return self._nodes[name]
        except KeyError:
            raise GraphError(f"there is no node named '{name}'", name) from None

    def index_of(self, name: str) -> int:
        return list(self._nodes).index(name)

    def inputs_of(self, name: str) -> dict[str, Edge]:
        """The edges into ``name``, keyed by port."""
        return dict(self._in.get(name, {}))

    def edges_from(self, name: str) -> list[Edge]:
        return list(self._out.get(name, ()))

    def edges_of(self, name: str) -> list[Edge]:
        own = set(self._out.get(name, ())) | set(self._in.get(name, {}).values())
        return [e for e in self._edges if e in own] if own else []

    def topological_order(self) -> list[str]:
        """Nodes in an order where inputs come first; ties keep insertion order (stable output)."""
        rank = {name: i for i, name in enumerate(self._nodes)}
        return list(nx.lexicographical_topological_sort(self._nx, key=rank.__getitem__))

    def ancestors(self, name: str) -> set[str]:
        return set(nx.ancestors(self._nx, name))

    @property
    def output(self) -> str | None:
        """The explicit output, else the most recently added sink (preferring non-leaves)."""
        if self._output in self._nodes:
            return self._output
        sinks = [n for n in self._nodes.values() if self._nx.out_degree(n.name) == 0]
        ops = [n for n in sinks if not n.is_leaf]
        pick = ops or sinks
        return pick[-1].name if pick else None

    @property
    def explicit_output(self) -> str | None:
        return self._output

    def unique_name(self, base: str) -> str:
        """``base`` if free, else ``base_2``, ``base_3``…"""
        base = base if base.isidentifier() else "node"
        if base not in self._nodes and base not in RESERVED_NAMES and not keyword.iskeyword(base):
            return base
        i = self._free_from.get(base, 2)  # a program reassigning `c` a thousand times stays linear
        while _suffixed(base, i) in self._nodes:
            i += 1
        self._free_from[base] = i
        return _suffixed(base, i)

    def can_connect(self, src: str, dst: str, port: str) -> str | None:
        """None when ``src → dst.port`` is allowed, else the reason a user should read."""
        reason = self.port_problem(src, dst, port)
        if reason is None and (src == dst or (self._out[dst] and nx.has_path(self._nx, dst, src))):
            return CYCLE.format(src=src, dst=dst)  # a node that feeds nothing closes no cycle
        return reason

    def port_problem(self, src: str, dst: str, port: str) -> str | None:
        """What ``can_connect`` says about ``src → dst.port`` short of cycles, which a batch of
        edges checks once for all (``first_edge_problem``)."""
        if src not in self._nodes:
            return f"there is no node named '{src}'"
        if dst not in self._nodes:
            return f"there is no node named '{dst}'"
        spec = self._nodes[dst].spec
        ports = self._nodes[dst].inputs
        if port not in ports:
            if not ports:
                what = "is a leaf" if spec.is_leaf else f"({spec.name}) is made of its shape"
                return f"{self._nodes[dst].spoken} {what} and takes no inputs"
            return f"'{dst}' ({spec.name}) has no input '{port}' (its inputs: {', '.join(ports)})"
        if port in self._in.get(dst, {}):
            return ALREADY.format(port=port, dst=dst)
        return None

    def first_edge_problem(self, edges: Iterable[Edge]) -> tuple[int, str] | None:
        """The index and reason of the first of ``edges`` that ``connect`` would refuse if they
        were connected in order, or None; near-linear where one by one could be quadratic."""
        return first_edge_problem(self, list(edges))

    # ---- nodes ---------------------------------------------------------------------------
    def add_node(self, node: Node) -> Node:
        """Add ``node`` at the end and return it; GraphError for a taken or invalid name, an
        unknown op or a bad value or attribute.

        A leaf (``param``, ``data``, ``const``) brings its ``value`` (a number or nested lists)
        or a recipe in ``attrs``; any other op computes its value from the edges into its
        input ports, which :meth:`connect` adds (``ops["mul"].inputs`` lists them).
        """
        return self.insert_node(len(self._nodes), node)

    def insert_node(self, index: int, node: Node) -> Node:
        check_name(node.name)
        if node.name in self._nodes:
            raise GraphError(f"a node named '{node.name}' already exists", node.name)
        if node.op not in OPS:
            raise GraphError(f"'{node.name}': unknown op '{node.op}'", node.name)
        node.attrs, recipe_shape = _checked_attrs(node.name, node.op, node.attrs)
        if recipe_shape is not None:
            self._check_recipe_budget(node.name, node.op, recipe_shape, 0)
            node.value, node.trained = _recipe_value(node, recipe_shape)
            self._recipe_elements += limits.elements(recipe_shape)
        elif node.is_leaf:
            value = 0.0 if node.value is None else node.value
            node.value = _checked_value(node.spoken, node.name, value)
        else:
            node.value = None
        if recipe_shape is None:
            node.trained = False  # the mark belongs to a recipe: a plain leaf shows its numbers
        node.position = (float(node.position[0]), float(node.position[1]))
        if index >= len(self._nodes):
            self._nodes[node.name] = node
        else:
            items = list(self._nodes.items())
            items.insert(index, (node.name, node))
            self._nodes = dict(items)
        self._in[node.name] = {}
        self._out[node.name] = []
        self._nx.add_node(node.name)
        self._touch()
        self.node_added.emit(node, index)
        self.changed.emit()
        return node

    def remove_node(self, name: str) -> int:
        """Remove ``name`` and its edges (each edge removal is emitted first); return its index."""
        node = self.node(name)
        for edge in reversed(self.edges_of(name)):
            self.remove_edge(edge)
        index = self.index_of(name)
        self._recipe_elements -= _recipe_size(node)
        del self._nodes[name]
        del self._in[name]
        del self._out[name]
        self._nx.remove_node(name)
        self._free_from.clear()  # a freed name may be below a hint
        if self._output == name:
            self._output = None
        self._touch()
        self.node_removed.emit(node, index)
        self.changed.emit()
        return index

    def set_value(self, name: str, value: Value) -> None:
        """A leaf's new value, typed by its user; a leaf made by a recipe or read from a CSV
        file becomes plain (its attributes, and a trained mark, are dropped).

        Numbers a person typed are neither the recipe's nor training's: keeping the recipe, or
        the mark that says an optimiser moved them, would describe numbers that are not there.
        Plain, the program shows exactly what was typed, and Undo brings the recipe back.
        Training writes with :meth:`set_trained_value`, which keeps the recipe."""
        node = self.node(name)
        if not node.is_leaf:
            raise GraphError(f"'{name}' is computed by {node.op}; only leaves have a value", name)
        node.value = _checked_value(node.spoken, name, value)
        self._recipe_elements -= _recipe_size(node)
        dropped = bool(node.attrs) or node.trained
        node.attrs = {}
        node.trained = False
        self._changed_attr(node, "value")
        if dropped:
            self._changed_attr(node, "attrs")

    def set_trained_value(self, name: str, value: Value, trained: bool = True) -> None:
        """A leaf's value from training (``trained``) or from its Reset or Undo back to where
        training began (``trained`` as it was then). An initialised leaf keeps its recipe: marked
        trained it holds ``value``, which must keep the recipe's shape; unmarked it holds the
        recipe's own numbers again, whatever ``value`` says, so an unmarked recipe never holds
        numbers it does not make (a float32 run's origin, say). A plain leaf takes ``value``; a
        leaf bound to a dataset is never trained."""
        node = self.node(name)
        if not node.is_leaf:
            raise GraphError(f"'{name}' is computed by {node.op}; only leaves have a value", name)
        if node.recipe == "dataset":
            raise GraphError(
                f"'{name}' is bound to a dataset: training never changes its rows", name
            )
        mark = bool(trained) and node.recipe == "init"
        if node.recipe == "init" and not mark:
            shape = recipes.check_leaf_attrs(node.op, node.attrs)
            checked = recipes.materialise(node.op, node.attrs, shape or ())
        else:
            checked = _checked_value(node.spoken, name, value)
            if mark and shapes.shape_of(checked) != shapes.shape_of(node.value):
                raise GraphError(f"'{name}': a trained value must keep the recipe's shape", name)
        marked = mark != node.trained
        node.value, node.trained = checked, mark
        self._changed_attr(node, "value")
        if marked:
            self._changed_attr(node, "attrs")

    def set_attrs(self, name: str, attrs: dict[str, Any]) -> None:
        """Replace a node's attributes; a recipe leaf gets the recipe's new value."""
        node = self.node(name)
        checked, recipe_shape = _checked_attrs(name, node.op, attrs)
        if node.spec.ports(checked) != node.inputs:  # the card's port dots and its edges
            raise GraphError(
                f"'{name}' ({node.op}) keeps its {len(node.inputs)} inputs; "
                "make a new node for another number",
                name,
            )
        old_size = _recipe_size(node)
        if recipe_shape is not None:
            self._check_recipe_budget(name, node.op, recipe_shape, old_size)
            node.value = recipes.materialise(node.op, checked, recipe_shape)
        node.attrs = checked
        node.trained = False  # a recipe set anew makes its own numbers
        self._recipe_elements += _recipe_size(node) - old_size
        self._changed_attr(node, "attrs")
        if recipe_shape is not None:
            self._changed_attr(node, "value")

    def set_position(self, name: str, position: tuple[float, float]) -> None:
        node = self.node(name)
        node.position = (float(position[0]), float(position[1]))
        self._changed_attr(node, "position")

    def set_label(self, name: str, label: str) -> None:
        node = self.node(name)
        label = str(label)
        try:
            label.encode("utf-8")
        except UnicodeEncodeError:
            raise GraphError(f"'{name}': a label must be plain text", name) from None
        node.label = label
        self._changed_attr(node, "label")

    def set_op(self, name: str, op: str) -> None:
        """Switch a leaf between param, data and const (the trainable flag)."""
        node = self.node(name)
        if op not in LEAF_OPS or not node.is_leaf:
            raise GraphError(
                f"'{name}': only a leaf can switch between param, data and const", name
            )
        if node.recipe == "dataset" and op != "data":
            raise GraphError(f"'{name}' is bound to a dataset: only a data leaf can be", name)
        _checked_attrs(name, op, node.attrs)
        node.op = op
        self._changed_attr(node, "op")

    def rename_problem(self, old: str, new: str) -> str | None:
        """Why ``old`` cannot be renamed to ``new`` (None: it can), for an editor to say before
        it asks; ``rename_node`` refuses with the same words."""
        try:
            check_name(new)
        except GraphError as exc:
            return str(exc)
        if new != old and new in self._nodes:
            return f"a node named '{new}' already exists"
        return None

    def rename_node(self, old: str, new: str) -> None:
        node = self.node(old)
        if new == old:
            return
        problem = self.rename_problem(old, new)
        if problem:
            raise GraphError(problem, old)
        self._nodes = {(new if k == old else k): v for k, v in self._nodes.items()}
        node.name = new
        nx.relabel_nodes(self._nx, {old: new}, copy=False)
        self._edges = [e.renamed(old, new) for e in self._edges]
        self._reindex()
        self._free_from.clear()
        if self._output == old:
            self._output = new
        self._touch()
        self.node_renamed.emit(old, new)
        self.changed.emit()

    def set_output(self, name: str | None) -> None:
        """Make ``name`` the node that evaluation differentiates (None: the last sink)."""
        if name is not None:
            self.node(name)
        self._output = name
        self._touch()
        self.output_changed.emit(name)
        self.changed.emit()

    # ---- edges ---------------------------------------------------------------------------
    def connect(self, src: str, dst: str, port: str) -> Edge:
        """Feed ``src``'s output into input ``port`` of ``dst`` and return the new Edge.

        Ports are the names in ``ops[dst's op].inputs`` (``a``, ``b`` for ``mul``; ``pred``,
        ``target`` for ``mse``). GraphError, in the words the canvas shows, for an unknown node
        or port, a port already fed, a leaf as ``dst``, or an edge that would close a cycle.
        """
        return self.insert_edge(len(self._edges), Edge(src, dst, port))

    def insert_edge(self, index: int, edge: Edge) -> Edge:
        reason = self.can_connect(edge.src, edge.dst, edge.port)
        if reason:
            raise GraphError(reason, edge.dst)
        return self._attach(index, edge)

    def add_edges(self, edges: Iterable[Edge]) -> None:
        """Connect ``edges`` at the end, in order, as ``connect`` would one by one, but checked
        as a batch first (so loading or copying a large graph stays near-linear): on a problem,
        GraphError for the first edge at fault and no edge is connected."""
        edges = list(edges)
        problem = self.first_edge_problem(edges)
        if problem is not None:
            raise GraphError(problem[1], edges[problem[0]].dst)
        for edge in edges:
            self._attach(len(self._edges), edge)

    def _attach(self, index: int, edge: Edge) -> Edge:
        """Connect a checked edge and tell the observers."""
        self._edges.insert(index, edge)
        self._in[edge.dst][edge.port] = edge
        out = self._out[edge.src]
        if index >= len(self._edges) - 1:
            out.append(edge)
        else:
            self._out[edge.src] = [e for e in self._edges if e.src == edge.src]
        self._nx.add_edge(edge.src, edge.dst, key=edge.port)
        self._touch()
        self.edge_added.emit(edge, index)
        self.changed.emit()
        return edge

    def remove_edge(self, edge: Edge) -> int:
        """Disconnect ``edge`` and return the index it had; GraphError when it is not there."""
        try:
            index = self._edges.index(edge)
        except ValueError:
            raise GraphError(f"there is no edge {edge.src} → {edge.dst}.{edge.port}") from None
        del self._edges[index]
        del self._in[edge.dst][edge.port]
        self._out[edge.src].remove(edge)
        self._nx.remove_edge(edge.src, edge.dst, key=edge.port)
        self._touch()
        self.edge_removed.emit(edge, index)
        self.changed.emit()
        return index

    def recipe_problem(self, nodes: Iterable[Node]) -> str | None:
        """Why adding ``nodes`` would pass the limit on numbers made by recipes, or None: an
        edit is checked before it is pushed, as a refusal inside an undo step corrupts it."""
        total = self._recipe_elements
        for node in nodes:
            size = _recipe_size(node)
            total += size
            if size and total > limits.MAX_GRAPH_ELEMENTS:
                return f"'{node.name}' ({node.op}): " + str(
                    limits.recipe_problem(
                        recipes.check_leaf_attrs(node.op, node.attrs) or (), total
                    )
                )
        return None

    # ---- analysis ------------------------------------------------------------------------
    def analyse(self) -> Analysis:
        """Shapes of every node that can be evaluated, and a human problem for each that can't.

        Computed once per revision: an edit is read by the canvas, the evaluator and the
        inspector, and a 10,000-node graph takes tens of milliseconds to analyse. The result is
        shared; callers read it and never change it.
        """
        cached = self._analysis
        if cached is None or cached[0] != self.revision:
            cached = self._analysis = (self.revision, analyse(self))
        return cached[1]

    def validate(self) -> None:
        """Raise GraphError with the first problem, if any."""
        analysis = self.analyse()
        if analysis.problems:
            first = analysis.problems[0]
            raise GraphError(first.message, first.node)

    # ---- copies --------------------------------------------------------------------------
    def copy(self) -> Graph:
        """An independent snapshot (no observers), e.g. to evaluate off the UI thread."""
        other = Graph()
        for node in self._nodes.values():
            other.add_node(replace(node, value=node.value, attrs=dict(node.attrs)))
        other.add_edges(self._edges)
        other._output = self._output
        other.blocks.load(self.blocks.snapshot())
        other.revision = self.revision
        other._analysis = self._analysis  # the same contents: an analysis made here holds there
        return other

    def __repr__(self) -> str:
        """One line per node as the program reads it (``y_hat = mul(a=w, b=x)``), up to 12."""
        head = f"Graph({len(self)} nodes, {len(self._edges)} edges, output {self.output!r})"
        lines = [head]
        for node in list(self._nodes.values())[:_REPR_NODES]:
            if node.is_leaf:
                args = _short_value(node.value)
            else:
                feeds = self._in.get(node.name, {})
                args = ", ".join(
                    f"{port}={feeds[port].src if port in feeds else '?'}" for port in node.inputs
                )
            attrs = "".join(f", {k}={v!r}" for k, v in node.attrs.items())
            lines.append(f"  {node.name} = {node.op}({args}{attrs})")
        if len(self) > _REPR_NODES:
            lines.append(f"  … and {len(self) - _REPR_NODES} more")
        return "\n".join(lines)

    def _repr_svg_(self) -> str | None:
        """The drawn graph with its values, for a notebook (see ``model/display.py``)."""
        return display.svg(self)

    def _repr_html_(self) -> str | None:
        return display.html(self)

    def structure(self) -> tuple:
        """A comparable summary (nodes with all attributes, edges, output) for tests and diffs."""
        return (
            tuple(
                (
                    n.name,
                    n.op,
                    n.label,
                    n.position,
                    repr(n.value),
                    tuple(sorted(n.attrs.items())),
                    n.trained,
                )
                for n in self._nodes.values()
            ),
            tuple(self._edges),
            self._output,
        )

    def extend(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> None:
        for node in nodes:
            self.add_node(node)
        self.add_edges(edges)

    # ---- internals -----------------------------------------------------------------------
    def _reindex(self) -> None:
        self._in = {name: {} for name in self._nodes}
        self._out = {name: [] for name in self._nodes}
        for edge in self._edges:
            self._in[edge.dst][edge.port] = edge
            self._out[edge.src].append(edge)

    def _touch(self) -> None:
        self.revision += 1

    def _check_recipe_budget(self, name: str, op: str, shape: Shape, replaced: int) -> None:
        """Refuse, before its numbers are made, a recipe that would pass the graph's limit."""
        total = self._recipe_elements - replaced + limits.elements(shape)
        reason = limits.recipe_problem(shape, total)
        if reason:
            raise GraphError(f"'{name}' ({op}): {reason}", name)

    def _changed_attr(self, node: Node, attr: str) -> None:
        self._touch()
        self.node_changed.emit(node, attr)
        self.changed.emit()


def _checked_attrs(name: str, op: str, attrs: object) -> tuple[Attrs, Shape | None]:
    """Normalised attributes and, for a recipe leaf, the recipe's shape; GraphError naming
    the node otherwise."""
    try:
        checked = normalise_attrs(op_spec(op), attrs)  # type: ignore[arg-type]
        shape = recipes.check_leaf_attrs(op, checked) if op in LEAF_OPS else None
    except AttrError as exc:
        raise GraphError(f"'{name}' ({op}): {exc}", name) from None
    return checked, shape


def _recipe_size(node: Node) -> int:
    """The numbers a recipe leaf's recipe makes (0 for any other node)."""
    if not node.recipe:
        return 0
    shape = recipes.check_leaf_attrs(node.op, node.attrs)
    return 0 if shape is None else limits.elements(shape)


def _recipe_value(node: Node, shape: Shape) -> tuple[Value, bool]:
    """A copy's value is kept when it has the recipe's shape, trained mark and all; otherwise
    the recipe makes it, untrained. A trained value is the truth, so it must be finite."""
    if node.value is not None:
        try:
            if shapes.shape_of(node.value) == shape:
                if node.trained and node.recipe == "init":
                    return _checked_value(node.spoken, node.name, node.value), True
                return shapes.copy_value(node.value), False
        except ShapeError:
            pass
    return recipes.materialise(node.op, node.attrs, shape), False


def _checked_value(spoken: str, name: str, value: Value) -> Value:
    """A leaf's value must have a shape and be finite: NaN or infinity could be neither saved
    nor recovered, so a graph holding one would lose the user's work at the next save.
    ``spoken`` is the node in the message (``Node.spoken``), ``name`` its id."""
    try:
        shape = shapes.shape_of(value)
    except ShapeError as exc:
        raise GraphError(f"{spoken}: {exc}", name) from None
    bad = first_non_finite(value, shape)
    if bad is not None:
        kind = special_name(float(bad[1])) if isinstance(bad[1], float) else "a number too large"
        raise GraphError(f"{spoken}: a value must be finite, not {kind}", name)
    if isinstance(value, int):
        return float(value)
    return shapes.copy_value(value)


def _short_value(value: Value | None) -> str:
    """A leaf's value in a repr: the number, or the shape of a tensor."""
    if value is None or isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, (int, float)) else "None"
    try:
        return "tensor " + "×".join(str(n) for n in shapes.shape_of(value))
    except ShapeError:
        return "?"


def _suffixed(base: str, k: int) -> str:
    """``base_k``, the base shortened so that the name keeps within the length limit."""
    suffix = f"_{k}"
    return base[: MAX_NAME_LENGTH - len(suffix)] + suffix
