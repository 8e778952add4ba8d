"""A run's parameters written into the graph: one undoable command, values the graph refuses
(another shape since) left out, so Undo returns to the values before training."""

from __future__ import annotations

from ... import commands
from ...model.graph import Graph
from ...model.shapes import Value, shape_of


def write_values(
    graph: Graph, values: dict[str, Value], text: str, trained: dict[str, bool] | None = None
) -> commands.Command | None:
    """The command that writes ``values``, or None when nothing would change. Recipe leaves
    keep their recipe, marked trained (``trained`` None) or as ``trained`` says (a Reset)."""
    children = []
    for name, value in values.items():
        if name not in graph or not graph.node(name).is_leaf:
            continue
        node = graph.node(name)
        mark = True if trained is None else trained.get(name, False)
        moved = node.value != value or (node.recipe == "init" and node.trained != mark)
        if moved and shape_of(node.value) == shape_of(value):
            children.append(commands.SetTrainedValue(graph, name, value, mark))
    return commands.Macro(text, children) if children else None
