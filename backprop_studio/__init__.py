"""Backprop Studio: make backpropagation visible.

Scripting API (torch is imported at the first :func:`evaluate` or training name, Qt at the first
picture)::

    from backprop_studio import parse_program, evaluate
    graph = parse_program("x = data(1.0)\\nw = 1.0\\nloss = (w * x - 2) ** 2")
    trace = evaluate(graph)
    trace.value("loss"), trace.grad("w")      # 1.0, -2.0
    trace.tensor("loss"), trace.grad_tensor("w")  # the same numbers as torch tensors

Build a graph in code with ``Graph``, ``Node`` and ``Graph.connect``; ``ops["mul"].inputs``
names the ports. Read a file with ``load_graph(path)`` (a Graph) or ``load_document(path)`` (a
DocumentData: ``.graph``, ``.settings``, ``.view``); ``evaluate`` takes either. In a notebook a
Graph or a Trace shows itself drawn, as File ▸ Export draws it. ``Trainer(graph,
TrainSettings(...))`` trains with torch.optim and ``evaluate_on`` applies the trained graph to
new inputs. See the README's "Python API".
"""

from __future__ import annotations

from typing import Any

from .version import __version__

__all__ = [
    "DocumentData",
    "DocumentError",
    "Edge",
    "Graph",
    "GraphError",
    "Node",
    "ProgramError",
    "Trace",
    "TrainSettings",
    "Trainer",
    "TrainingError",
    "__version__",
    "available_devices",
    "evaluate",
    "evaluate_on",
    "graph_svg",
    "load_document",
    "load_graph",
    "ops",
    "parse_program",
    "save_document",
    "to_program",
    "train",
]

# Where each name lives; imported on first use so that importing the package stays light.
_HOMES = {
    "Graph": "model.graph",
    "Node": "model.graph",
    "Edge": "model.graph",
    "GraphError": "model.graph",
    "parse_program": "model.program",
    "to_program": "model.program",
    "ProgramError": "model.program",
    "load_document": "model.document_io",
    "save_document": "model.document_io",
    "DocumentData": "model.document_io",
    "DocumentError": "model.document_io",
    "evaluate": "api",
    "load_graph": "api",
    "Trace": "api",
    "ops": "api",
    "graph_svg": "api",
    "Trainer": "engine.training",  # these three and evaluate_on import torch when first used
    "TrainSettings": "engine.training",
    "TrainingError": "engine.training",
    "train": "engine.training",
    "evaluate_on": "engine.predict",
    "available_devices": "engine.devices",
}


def __getattr__(name: str) -> Any:
    # Lazy so that importing the package never drags in torch, Qt or even networkx.
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'backprop_studio' has no attribute '{name}'")
    from importlib import import_module

    import_module(".api", __name__)  # first, so that graphs draw themselves in a notebook
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
