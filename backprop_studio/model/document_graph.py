"""The graph part of a document read entry by entry, each problem with its JSON path.

The graph's own checks (names, ports, cycles) are asked before or while building it through its
public methods, and turned into path-first messages; the primitive checks are in
``document_schema.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits, recipes
from .attrs import AttrError, normalise_attrs
from .document_schema import (
    MAX_EDGES,
    MAX_NODES,
    DocumentError,
    brief,
    check_point,
    check_value,
    join,
    kind,
    require_key,
    require_object,
    require_string,
)
from .graph import Edge, Graph, GraphError, Node, check_name
from .ops import LEAF_OPS, OPS, op_spec


# ---- the graph ---------------------------------------------------------------------------------
def read_graph(data: Mapping[str, Any]) -> Graph:
    """Build a Graph from a checked header, through its public methods, one entry at a time."""
    nodes = require_key(data, "nodes", "")
    if not isinstance(nodes, list):
        raise DocumentError(f"must be a list, not {kind(nodes)}", "nodes")
    if len(nodes) > MAX_NODES:
        raise DocumentError(f"at most {MAX_NODES:,} nodes, this file has {len(nodes):,}", "nodes")
    _check_recipe_total(nodes)
    graph = Graph()
    for i, entry in enumerate(nodes):
        path = f"nodes[{i}]"
        node = _read_node(entry, path, graph)
        try:
            graph.add_node(node)
        except GraphError as exc:
            raise DocumentError(str(exc), path) from None
    # the nodes first: an unknown op says more about a file than its missing edges
    edges = require_key(data, "edges", "")
    if not isinstance(edges, list):
        raise DocumentError(f"must be a list, not {kind(edges)}", "edges")
    if len(edges) > MAX_EDGES:
        raise DocumentError(f"at most {MAX_EDGES:,} edges, this file has {len(edges):,}", "edges")
    _read_edges(edges, graph)
    output = data.get("output")
    if output is not None:
        require_string(output, "output")
        if output not in graph:
            raise DocumentError(f"there is no node named '{output:.80}'", "output")
        graph.set_output(output)
    return graph


def _check_recipe_total(nodes: list[Any]) -> None:
    """Refuse a file whose recipe leaves would make more numbers than a graph may hold, before
    any is made: a few short recipes would otherwise fill the memory while loading. Entries with
    other faults are skipped here; reading them reports those faults in file order."""
    total = 0
    for i, entry in enumerate(nodes):
        op = entry.get("op") if isinstance(entry, Mapping) else None
        if not isinstance(op, str) or op not in LEAF_OPS:
            continue
        try:
            _, shape = _read_attrs(entry, op, f"nodes[{i}].attrs")
        except DocumentError:
            continue
        if shape is not None:
            total += limits.elements(shape)
            reason = limits.recipe_problem(shape, total)
            if reason:
                raise DocumentError(f"'{entry.get('name')!s:.64}': {reason}", f"nodes[{i}]")


def _read_node(entry: object, path: str, graph: Graph) -> Node:
    obj = require_object(entry, path)
    name = require_string(require_key(obj, "name", path), f"{path}.name")
    try:
        check_name(name)
    except GraphError as exc:
        raise DocumentError(str(exc), f"{path}.name") from None
    if name in graph:
        raise DocumentError(f"a node named '{name}' already exists", f"{path}.name")
    op = require_string(require_key(obj, "op", path), f"{path}.op")
    if op not in OPS:
        raise DocumentError(f"unknown op '{op:.40}'", f"{path}.op")
    label = require_string(obj.get("label", ""), f"{path}.label")
    position = check_point(require_key(obj, "position", path), f"{path}.position")
    attrs, recipe_shape = _read_attrs(obj, op, f"{path}.attrs")
    trained = obj.get("trained", False)
    if not isinstance(trained, bool):
        raise DocumentError(f"must be true or false, not {kind(trained)}", f"{path}.trained")
    if op not in LEAF_OPS:
        for key in ("value", "shape", "trained"):
            if key in obj:
                raise DocumentError(
                    f"only leaves ({', '.join(sorted(LEAF_OPS))}) have a {key}; "
                    f"'{name}' is computed by {op}",
                    f"{path}.{key}",
                )
        return Node(name, op, label, position, attrs=attrs)
    made = recipes.recipe_kind(attrs)
    if trained and made != "init":
        raise DocumentError(
            f"only a leaf made by an init recipe (attrs with init=…) can be trained; '{name}' "
            + ("is bound to a dataset" if made else "has no recipe"),
            f"{path}.trained",
        )
    if recipe_shape is not None and not trained:
        if "value" in obj:
            raise DocumentError(
                f"'{name}' is made by its {made} recipe (attrs), so it stores no value unless "
                'it is marked "trained": true; remove one of the two',
                f"{path}.value",
            )
        if "shape" in obj:
            _check_shape(obj["shape"], recipe_shape, f"{path}.shape", "the recipe (attrs)")
        return Node(name, op, label, position, attrs=attrs)
    value = require_key(obj, "value", path)
    if recipe_shape is not None:  # trained: the value it learned, in the recipe's shape
        shape = check_value(value, f"{path}.value")
        if shape != recipe_shape:
            raise DocumentError(
                f"a trained value of shape {list(shape)} does not match the recipe (attrs), "
                f"whose shape is {list(recipe_shape)}",
                f"{path}.value",
            )
        if "shape" in obj:
            _check_shape(obj["shape"], recipe_shape, f"{path}.shape", "the recipe (attrs)")
        return Node(name, op, label, position, value, attrs, trained=True)
    shape = check_value(value, f"{path}.value")
    if "shape" in obj:
        _check_shape(obj["shape"], shape, f"{path}.shape")
    return Node(name, op, label, position, value, attrs)


def _read_attrs(obj: Mapping[str, Any], op: str, path: str) -> tuple[dict[str, Any], Any]:
    """A node's checked attributes and, for a recipe leaf, the recipe's shape."""
    if "attrs" not in obj:
        return {}, None
    raw = require_object(obj["attrs"], path)
    for key in raw:
        if not isinstance(key, str):
            raise DocumentError(f"keys must be strings, not {kind(key)}", path)
    try:
        attrs = normalise_attrs(op_spec(op), raw)
        shape = recipes.check_leaf_attrs(op, attrs) if op in LEAF_OPS else None
    except AttrError as exc:
        raise DocumentError(str(exc), join(path, exc.key) if exc.key else path) from None
    return attrs, shape


def _check_shape(
    declared: object, shape: tuple[int, ...], path: str, source: str = "the value"
) -> None:
    if not isinstance(declared, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in declared
    ):
        raise DocumentError(f"must be a list of whole numbers, not {brief(declared)}", path)
    if tuple(declared) != shape:
        raise DocumentError(
            f"{brief(declared)} does not match {source}, whose shape is {list(shape)}", path
        )


def _read_edges(entries: list[Any], graph: Graph) -> None:
    """Check every edge as ``connect`` would one by one, but the cycles of all at once (a
    topological sort, not a path search per edge), and report the first edge at fault."""
    edges: list[Edge] = []
    fed: dict[tuple[str, str], int] = {}  # (node, port) → index of the edge feeding it
    refused: DocumentError | None = None
    for i, entry in enumerate(entries):
        try:
            edges.append(_read_edge(entry, f"edges[{i}]", graph, fed))
        except DocumentError as exc:
            refused = exc  # unless an edge before it closes a cycle
            break
        fed[edges[-1].dst, edges[-1].port] = i
    problem = graph.first_edge_problem(edges)
    if problem is not None:
        raise DocumentError(problem[1], f"edges[{problem[0]}]")
    if refused is not None:
        raise refused
    try:
        graph.add_edges(edges)
    except GraphError as exc:
        raise DocumentError(str(exc), "edges") from None


def _read_edge(entry: object, path: str, graph: Graph, fed: dict[tuple[str, str], int]) -> Edge:
    """One edge, checked in all but its cycles against the graph and the edges before it."""
    obj = require_object(entry, path)
    src = require_string(require_key(obj, "from", path), f"{path}.from")
    dst = require_string(require_key(obj, "to", path), f"{path}.to")
    port = require_string(require_key(obj, "port", path), f"{path}.port")
    for key, name in (("from", src), ("to", dst)):
        if name not in graph:
            raise DocumentError(f"there is no node named '{name:.80}'", f"{path}.{key}")
    if (dst, port) in fed:
        raise DocumentError(
            f"input '{port}' of '{dst}' is already fed by edges[{fed[dst, port]}]; "
            "an input takes one edge",
            path,
        )
    reason = graph.port_problem(src, dst, port)
    if reason:
        inputs = graph.node(dst).inputs
        where = path if port in inputs else f"{path}.port" if inputs else f"{path}.to"
        raise DocumentError(reason, where)
    return Edge(src, dst, port)
