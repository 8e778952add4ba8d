"""The ``"blocks"`` entry of a document (format version 3): each block's name, members and flag.

    "blocks": [{"name": "Linear 1", "nodes": ["W1", "b1", "matmul_1", "h1"], "collapsed": true}]

A file of version 1 has no blocks and opens as before. Reading checks every entry and turns the
first problem into one DocumentError naming its JSON path (``blocks[1].nodes[2]: ...``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .blocks import Block, check_block_name
from .document_schema import DocumentError, kind, require_key, require_object, require_string
from .errors import GraphError
from .graph import Graph


def blocks_to_list(graph: Graph) -> list[dict[str, Any]]:
    return [
        {"name": b.name, "nodes": list(b.members), "collapsed": b.collapsed} for b in graph.blocks
    ]


def read_blocks(data: Mapping[str, Any], graph: Graph) -> None:
    """Add the document's blocks to ``graph`` (whose nodes are read already)."""
    entries = data.get("blocks", [])
    if not isinstance(entries, list):
        raise DocumentError(f"must be a list, not {kind(entries)}", "blocks")
    blocks: list[Block] = []
    owners: dict[str, str] = {}
    names: set[str] = set()
    for i, entry in enumerate(entries):
        block = _read_block(entry, f"blocks[{i}]", graph, owners)
        if block.name in names:
            raise DocumentError(f"a block named '{block.name}' comes twice", f"blocks[{i}].name")
        names.add(block.name)
        blocks.append(block)
    try:
        graph.blocks.load(blocks)
    except GraphError as exc:  # checked above; kept so that no other error can escape
        raise DocumentError(str(exc), "blocks") from None


def _read_block(entry: object, path: str, graph: Graph, owners: dict[str, str]) -> Block:
    obj = require_object(entry, path)
    name = require_string(require_key(obj, "name", path), f"{path}.name")
    try:
        check_block_name(name)
    except GraphError as exc:
        raise DocumentError(str(exc), f"{path}.name") from None
    members = require_key(obj, "nodes", path)
    if not isinstance(members, list):
        raise DocumentError(f"must be a list of node names, not {kind(members)}", f"{path}.nodes")
    if not members:
        raise DocumentError(f"block '{name}' has no nodes", f"{path}.nodes")
    for j, member in enumerate(members):
        where = f"{path}.nodes[{j}]"
        require_string(member, where)
        if member not in graph:
            raise DocumentError(f"there is no node named '{member:.80}'", where)
        if member in owners:
            other = owners[member]
            again = "twice in this block" if other == name else f"in block '{other}' already"
            raise DocumentError(f"'{member}' is {again}; a node is in one block at most", where)
        owners[member] = name
    collapsed = obj.get("collapsed", False)
    if not isinstance(collapsed, bool):
        raise DocumentError(f"must be true or false, not {kind(collapsed)}", f"{path}.collapsed")
    return Block(name, tuple(members), collapsed)
