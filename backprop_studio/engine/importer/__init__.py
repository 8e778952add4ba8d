"""Import PyTorch: a function or an ``nn.Module`` in a ``.py`` file, traced into a graph.

``import_pytorch(path, name)`` runs the file (this is the only thing in the studio that runs
code from a file, and only on this explicit call), takes ``name`` and the file's
``example_inputs()``, traces with ``torch.fx`` and maps every call onto the op catalogue
(``mapping``). Without ``name`` the file must be a script the studio exported (``script``).
Anything that does not map is refused in one :class:`ImportRefused` listing every such call
with its line; on success the graph is complete and laid out, and evaluating it gives what the
code's own forward and backward give.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn as nn

from ...model.document_io import DEFAULT_SETTINGS
from ...model.graph import Graph
from ...model.layout import layered_layout
from ...model.layout_blocks import card_heights
from ...model.python_source import is_exported_script
from . import script as script_form
from .builder import Builder, ImportRefused, Input, assigned_names
from .tracing import example_inputs, inputs_for, load_module, record_values, root_of, trace

__all__ = ["ImportRefused", "Imported", "import_pytorch"]
_AUTO_CONST = re.compile(r"const_[1-9][0-9]*")
_NOTES = (": the studio's values", ": the studio's rows", ": the studio's trained values")
MAX_SOURCE_BYTES = 2_000_000


@dataclass
class Imported:
    """The imported graph (laid out) and the document settings its dtype needs."""

    graph: Graph
    settings: dict[str, Any]


def import_pytorch(path: str | Path, name: str | None = None) -> Imported:
    """Trace ``name`` in the file at ``path`` into a Graph; ImportRefused says why not."""
    path = Path(path).resolve()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRefused(f"cannot open '{path.name}': {exc.strerror or exc}") from None
    if size > MAX_SOURCE_BYTES:
        raise ImportRefused(f"{path.name} is over {MAX_SOURCE_BYTES:,} bytes")
    source = path.read_text(encoding="utf-8", errors="replace")
    if name is None:
        if not is_exported_script(source):
            raise ImportRefused(
                f"name what to import, {path.name}:NAME (a function or an nn.Module); only a "
                "script the studio exported imports without a name"
            )
        graph, dtype = _from_script(source, path)
    else:
        graph, dtype = _from_code(path, name, source)
    for block in list(graph.blocks):  # a layer reads as one card, as in the gallery's networks
        graph.blocks.set_collapsed(block.name, True)
    for node, position in layered_layout(graph, heights=card_heights(graph)).items():
        graph.set_position(node, position)
    settings = copy.deepcopy(DEFAULT_SETTINGS)
    settings["dtype"] = dtype
    return Imported(graph, settings)


def _from_code(path: Path, name: str, source: str) -> tuple[Graph, str]:
    module = load_module(path)
    root = root_of(module, name, path)
    tensors = example_inputs(module, path)
    gm = trace(root, path)
    record_values(gm, tensors, path)
    inputs = inputs_for(root, gm, tensors)
    graph = Builder(gm, inputs, assigned_names(gm.graph, source))
    floats = [t for t in tensors if t.is_floating_point()]
    if isinstance(root, nn.Module):
        floats += list(root.parameters())
    dtype = "float32" if any(t.dtype != torch.float64 for t in floats) else "float64"
    return graph.build(), dtype


def _from_script(source: str, path: Path) -> tuple[Graph, str]:
    read = script_form.read_script(source, path)
    wrapped = tuple(fn for fn, _ in script_form.WRAPPED.values())
    gm = trace(read.function, path, wrapped)
    record_values(gm, [i.tensor for i in read.inputs], path)
    variables = assigned_names(gm.graph, source)
    names = {node: read.names.get(var, var) for node, var in variables.items()}
    labels = {node: _label(read.labels.get(var, "")) for node, var in variables.items()}
    inputs = [Input(read.names.get(i.name, i.name), i.tensor, i.trainable) for i in read.inputs]
    graph = Builder(gm, inputs, names, labels, script_form.rules()).build()
    for given in read.inputs:
        name = read.names.get(given.name, given.name)
        if not given.trainable and _AUTO_CONST.fullmatch(name):
            graph.set_op(name, "const")
        label = _label(read.labels.get(given.name, ""))
        if label and label != name:
            graph.set_label(name, label)
    dtype = "float32" if read.inputs[0].tensor.dtype == torch.float32 else "float64"
    return graph, dtype


def _label(note: str) -> str:
    """A line's comment as a label: the writer's notes on recipes and class indices are not."""
    if note.endswith(_NOTES):
        return ""
    if note.endswith("class indices"):
        return note[: -len("class indices")].rstrip(": ").strip()
    return note
