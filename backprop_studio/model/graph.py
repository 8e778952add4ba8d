"""The graph as data: named nodes, edges into named input ports, validation with human messages.

Every mutation validates first, then changes state, then emits, so an observer (the canvas, the
runner) always sees a consistent graph. Node names are the ids: they are what the program text,
the CLI and the document use, and a rename is an explicit, undoable operation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import networkx as nx

from . import limits, recipes, shapes
from .analysis import Analysis as Analysis  # re-exported: the engine imports them from here
from .analysis import Problem as Problem
from .analysis import analyse
from .blocks import Blocks
from .elements import MAX_NAME_LENGTH as MAX_NAME_LENGTH  # re-exported with the parts below
from .elements import RESERVED_NAMES as RESERVED_NAMES
from .elements import Edge as Edge
from .elements import Node as Node
from .elements import check_name as check_name
from .errors import GraphError as GraphError  # re-exported: raised by every model part
from .graph_reading import GraphReading
from .leaf_values import checked_attrs, checked_value, recipe_size, recipe_value
from .ops import LEAF_OPS, OPS
from .shapes import Shape, Value
from .signal import Signal


class Graph(GraphReading):
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
        self._sink_output: tuple[int, str | None] | None = None  # (see GraphReading.output)
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
        node.attrs, recipe_shape = checked_attrs(node.name, node.op, node.attrs)
        if recipe_shape is not None:
            self._check_recipe_budget(node.name, node.op, recipe_shape, 0)
            node.value, node.trained = recipe_value(node, recipe_shape)
            self._recipe_elements += limits.elements(recipe_shape)
        elif node.is_leaf:
            value = 0.0 if node.value is None else node.value
            node.value = checked_value(node.spoken, node.name, value)
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
        self._recipe_elements -= recipe_size(node)
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
        node.value = checked_value(node.spoken, name, value)
        self._recipe_elements -= recipe_size(node)
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
            checked = checked_value(node.spoken, name, value)
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
        checked, recipe_shape = checked_attrs(name, node.op, attrs)
        if node.spec.ports(checked) != node.inputs:  # the card's port dots and its edges
            raise GraphError(
                f"'{name}' ({node.op}) keeps its {len(node.inputs)} inputs; "
                "make a new node for another number",
                name,
            )
        old_size = recipe_size(node)
        if recipe_shape is not None:
            self._check_recipe_budget(name, node.op, recipe_shape, old_size)
            node.value = recipes.materialise(node.op, checked, recipe_shape)
        node.attrs = checked
        node.trained = False  # a recipe set anew makes its own numbers
        self._recipe_elements += recipe_size(node) - old_size
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
        checked_attrs(name, op, node.attrs)
        node.op = op
        self._changed_attr(node, "op")

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
