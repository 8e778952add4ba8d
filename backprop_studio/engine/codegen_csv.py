"""The origin of CSV leaves in a generated script: the class names and the standardisation.

The leaves' rows are in the script as the studio holds them (standardised, classes as indices),
so the script reproduces the studio's numbers without the file. What a reader needs to use the
trained graph on new rows is written beside them: ``y_classes[k]`` names class k, and
``standardise_x(raw)`` applies the studio's z = (raw − mean) / std to raw feature rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..model.csv_prepare import class_names
from ..model.graph import Graph


def csv_origin_lines(graph: Graph, var: Mapping[str, str]) -> list[str]:
    """Lines after the leaves: per CSV leaf, its class names or its transform (or nothing)."""
    taken = set(var.values()) | set(graph.names)
    lines: list[str] = []
    for node in graph:
        if node.op != "data" or "csv" not in node.attrs or node.name not in var:
            continue
        v, attrs = var[node.name], node.attrs
        source = _plain(attrs["csv"])
        columns = ", ".join(_plain(c) for c in attrs.get("columns", ()))
        names = class_names(attrs)
        if names:
            classes = _free(f"{v}_classes", taken)
            coded = "one-hot rows" if attrs.get("labels") == "onehot" else "class indices"
            lines += [
                "",
                f"# {v}: {source}'s {columns} as {coded}; {classes}[k] is the name of class k.",
                f"{classes} = {json.dumps(list(names), ensure_ascii=False)}",
            ]
        if "mean" in attrs:
            mean, std = _free(f"{v}_mean", taken), _free(f"{v}_std", taken)
            fn = _free(f"standardise_{v}", taken)
            lines += [
                "",
                f"# {v}: {source}'s columns {columns}, standardised by the studio: "
                f"z = (raw - {mean}) / {std}.",
                f"{mean} = torch.tensor({list(attrs['mean'])!r}, dtype=dtype)",
                f"{std} = torch.tensor({list(attrs['std'])!r}, dtype=dtype)",
                "",
                "",
                f"def {fn}(raw):",
                f'    """Raw rows of {source} (these columns, in this order) as the graph takes them."""',
                f"    return (torch.as_tensor(raw, dtype=dtype) - {mean}) / {std}",
            ]
    return lines


def _free(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _plain(text: object) -> str:
    """One line of printable text, safe in a comment or a docstring."""
    shown = "".join(c if c.isprintable() else " " for c in str(text))
    return " ".join(shown.replace("\\", "/").replace('"', "'").split())
