"""Undoable edits of the document as a whole: the graph's whole contents swapped (Program ▸
Apply) and the training settings saved with the file. The edits of single nodes and edges are in
``commands``; these share its ``Command`` base, so they sit on the same undo stack.
"""

from __future__ import annotations

import copy

from PySide6.QtGui import QUndoCommand

from .commands import Command
from .model.graph import Graph


class ReplaceGraph(Command):
    """Swap the whole contents (applying program text); undo swaps the old contents back."""

    def __init__(self, graph: Graph, new: Graph, text: str = "Apply program"):
        super().__init__(text)
        self.graph = graph
        self.old = graph.copy()
        self.new = new.copy()

    def apply(self) -> None:
        _swap_contents(self.graph, self.new, self.old)

    def revert(self) -> None:
        _swap_contents(self.graph, self.old, self.new)


def _swap_contents(graph: Graph, source: Graph, current: Graph) -> None:
    """``graph`` (holding ``current``'s contents) takes ``source``'s, or gets ``current``'s
    back if that fails part-way."""
    try:
        _load_contents(graph, source)
    except BaseException:
        _load_contents(graph, current)
        raise


def _load_contents(graph: Graph, source: Graph) -> None:
    for edge in reversed(graph.edges):
        graph.remove_edge(edge)
    for name in reversed(graph.names):
        graph.remove_node(name)
    for node in source.nodes:
        graph.add_node(copy.deepcopy(node))
    for edge in source.edges:
        graph.insert_edge(len(graph.edges), edge)
    graph.set_output(source.explicit_output)
    graph.blocks.load(source.blocks.snapshot())


MERGE_TRAINING_OPTION = 2


class SetTrainingOption(Command):
    """One of the document's ``settings["training"]`` entries (learning rate, optimizer, …), so
    that it is saved with the file and changing it marks the document modified. Consecutive
    changes of the same entry merge, so stepping the learning rate up five times is one step."""

    def __init__(self, settings: dict, key: str, value: object) -> None:
        super().__init__(f"Set {TRAINING_OPTION_NAMES.get(key, key)}")
        self.training = settings.setdefault("training", {})
        self.key = key
        self.had = key in self.training
        self.old = copy.deepcopy(self.training.get(key))
        self.new = copy.deepcopy(value)

    def id(self) -> int:
        return MERGE_TRAINING_OPTION

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetTrainingOption) or other.key != self.key:
            return False
        if other.training is not self.training:
            return False
        self.new = other.new
        return True

    def apply(self) -> None:
        self.training[self.key] = copy.deepcopy(self.new)

    def revert(self) -> None:
        if self.had:
            self.training[self.key] = copy.deepcopy(self.old)
        else:
            self.training.pop(self.key, None)


TRAINING_OPTION_NAMES = {
    "lr": "learning rate",
    "optimizer": "optimizer",
    "steps": "training steps",
    "clip": "gradient clipping",
    "momentum": "momentum",
}
