"""Node names a newer catalogue took: a file saved when ``square`` or ``max`` was not yet an op
may have a node of that name, which is now reserved (a program could not tell the node from the
function). Such a node is renamed on reading (``square`` → ``square_2``) and keeps the old
name as its label, so the canvas shows what it showed and nothing in the file is lost."""

from __future__ import annotations

import copy
import keyword
from collections.abc import Mapping
from typing import Any

from .elements import MAX_NAME_LENGTH, RESERVED_NAMES
from .names import free_name

_KEEP = {"True", "False", "None"}  # never names in any version: the checks report these


def free_reserved_names(doc: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` with every node named after an op renamed, in its edges, output and blocks too."""
    nodes = doc.get("nodes")
    if not isinstance(nodes, list):
        return dict(doc)
    names = [e.get("name") for e in nodes if isinstance(e, Mapping)]
    taken = {n for n in names if isinstance(n, str)}
    renames: dict[str, str] = {}
    for name in names:
        if _taken_by_an_op(name) and name not in renames:
            new = free_name(name, "", taken | RESERVED_NAMES, MAX_NAME_LENGTH)
            taken.add(new)
            renames[name] = new
    if not renames:
        return dict(doc)
    out = copy.deepcopy(dict(doc))
    for entry in out["nodes"]:
        if isinstance(entry, dict) and entry.get("name") in renames:
            old = entry["name"]
            entry["name"] = renames[old]
            if not entry.get("label"):
                entry["label"] = old
    for entry in out.get("edges") if isinstance(out.get("edges"), list) else ():
        if isinstance(entry, dict):
            for key in ("from", "to"):
                if isinstance(entry.get(key), str) and entry[key] in renames:
                    entry[key] = renames[entry[key]]
    if isinstance(out.get("output"), str) and out["output"] in renames:
        out["output"] = renames[out["output"]]
    for block in out.get("blocks") if isinstance(out.get("blocks"), list) else ():
        members = block.get("nodes") if isinstance(block, dict) else None
        if isinstance(members, list):
            block["nodes"] = [renames.get(m, m) if isinstance(m, str) else m for m in members]
    return out


def _taken_by_an_op(name: object) -> bool:
    return (
        isinstance(name, str)
        and name in RESERVED_NAMES
        and name not in _KEEP
        and not keyword.iskeyword(name)
    )
