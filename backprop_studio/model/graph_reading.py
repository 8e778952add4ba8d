"""The reading half of Graph: lookups, order, the output, and the questions an editor asks
before it edits (can this edge be made, this node renamed, this recipe added), plus its repr.

Graph (``model/graph.py``) holds the state and every change; this base class only reads it.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Iterator

import networkx as nx

from . import display, limits, recipes, shapes
from .cycles import ALREADY, CYCLE, first_edge_problem
from .elements import RESERVED_NAMES, Edge, Node, check_name, suffixed_name
from .errors import GraphError
from .leaf_values import recipe_size
from .shapes import ShapeError, Value

_REPR_NODES = 12  # nodes a repr lists before it says how many more


class GraphReading:
    """What a Graph answers without changing: see :class:`backprop_studio.model.graph.Graph`."""

    _nx: nx.MultiDiGraph
    _nodes: dict[str, Node]
    _edges: list[Edge]
    _in: dict[str, dict[str, Edge]]
    _out: dict[str, list[Edge]]
    _output: str | None
    _sink_output: tuple[int, str | None] | None  # (revision, the output without an explicit one)
    revision: int
    _recipe_elements: int
    _free_from: dict[str, int]

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
        known = self._sink_output  # once per revision: every new trace asks (5,000 nodes: 1 ms)
        if known is not None and known[0] == self.revision:
            return known[1]
        out = self._out  # kept with the edges: a dict read, not a networkx view per node
        sinks = [n for n in self._nodes.values() if not out[n.name]]
        ops = [n for n in sinks if not n.is_leaf]
        pick = ops or sinks
        name = pick[-1].name if pick else None
        self._sink_output = (self.revision, name)
        return name

    @property
    def explicit_output(self) -> str | None:
        return self._output

    def unique_name(self, base: str) -> str:
        """``base`` if free, else ``base_2``, ``base_3``…"""
        base = base if base.isidentifier() else "node"
        if base not in self._nodes and base not in RESERVED_NAMES and not keyword.iskeyword(base):
            return base
        i = self._free_from.get(base, 2)  # a program reassigning `c` a thousand times stays linear
        while suffixed_name(base, i) in self._nodes:
            i += 1
        self._free_from[base] = i
        return suffixed_name(base, i)

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

    def recipe_problem(self, nodes: Iterable[Node]) -> str | None:
        """Why adding ``nodes`` would pass the limit on numbers made by recipes, or None: an
        edit is checked before it is pushed, as a refusal inside an undo step corrupts it."""
        total = self._recipe_elements
        for node in nodes:
            size = recipe_size(node)
            total += size
            if size and total > limits.MAX_GRAPH_ELEMENTS:
                return f"'{node.name}' ({node.op}): " + str(
                    limits.recipe_problem(
                        recipes.check_leaf_attrs(node.op, node.attrs) or (), total
                    )
                )
        return None

    # ---- text ----------------------------------------------------------------------------
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


def _short_value(value: Value | None) -> str:
    """A leaf's value in a repr: the number, or the shape of a tensor."""
    if value is None or isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, (int, float)) else "None"
    try:
        return "tensor " + "×".join(str(n) for n in shapes.shape_of(value))
    except ShapeError:
        return "?"
