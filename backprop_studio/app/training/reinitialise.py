"""Run ▸ Re-initialise Parameters: every initialised parameter (a recipe such as kaiming or
xavier) draws new values from a new seed, as one undoable step. Reset still returns to the
values a run started from; this gives the next run another start."""

from __future__ import annotations

import random
from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from ... import commands
from ...model.graph import Graph
from ...model.recipes import INITS

SEED_RANGE = 2**31  # new seeds are drawn below this
FIXED = ("zeros", "ones")  # initialisers that draw nothing


def reinitialise_command(graph: Graph, rng: random.Random) -> commands.Command | None:
    """SetAttrs with a new seed for each trainable leaf whose initialiser draws numbers (its
    trained mark goes: the recipe makes its values again); None when there is none."""
    children: list[commands.Command] = []
    for node in graph:
        init = node.attrs.get("init")
        if node.trainable and node.recipe == "init" and init in INITS and init not in FIXED:
            attrs = {**node.attrs, "seed": rng.randrange(SEED_RANGE)}
            children.append(commands.SetAttrs(graph, node.name, attrs))
    return commands.Macro("Re-initialise parameters", children) if children else None


def reinitialise_action(
    graph: Callable[[], Graph],
    busy: Callable[[], bool],
    push: Callable[[commands.Command], bool],
    say: Callable[[str, int], None],
    parent: QWidget,
) -> QAction:
    rng = random.Random()

    def run() -> None:
        if busy():
            say("Pause training first: re-initialising starts the parameters afresh", 5000)
            return
        command = reinitialise_command(graph(), rng)
        if command is None:
            say('No parameter has an initialiser to draw from (e.g. init="kaiming")', 5000)
            return
        push(command)
        say("New initial values: Undo brings the old ones back", 4000)

    action = QAction("Re-&initialise Parameters", parent)
    action.setStatusTip("new random initial values for kaiming, xavier, … parameters (undoable)")
    action.triggered.connect(lambda _checked=False: run())
    return action
