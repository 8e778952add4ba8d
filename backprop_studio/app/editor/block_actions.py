"""Group, ungroup, collapse, expand and rename blocks from the menu, the keyboard and the canvas.

Each action reads the canvas selection and pushes one command from ``block_commands``; a refused
one (a node already in a block, say) reports its reason in the status bar and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from ... import block_commands
from ...canvas.scene import GraphScene
from ...commands import Command, Macro
from ...model.graph import Graph
from ...model.templates import build_template
from .template_dialog import TemplateSizes, ask_sizes


def next_block_name(graph: Graph) -> str:
    """The first free ``Block 1``, ``Block 2``…, for a block the user names later."""
    k = 1
    while f"Block {k}" in graph.blocks:
        k += 1
    return f"Block {k}"


class BlockActions:
    """The block actions of one window; ``graph`` gives the open document's graph."""

    def __init__(
        self,
        scene: GraphScene,
        graph: Callable[[], Graph],
        push: Callable[[Command], bool],
        say: Callable[..., None],
        parent: QWidget,
    ) -> None:
        self._scene, self._graph, self._push, self._say, self._parent = (
            scene,
            graph,
            push,
            say,
            parent,
        )
        scene.block_toggle_requested.connect(self.set_collapsed)
        scene.template_drop_requested.connect(self.add_template)

    def fill_menu(self, menu: QMenu) -> dict[str, QAction]:
        acts = {}
        for key, text, slot, shortcut, tip in (
            ("group", "&Group", self.group, "Ctrl+G", "make the selected nodes one block"),
            ("ungroup", "&Ungroup", self.ungroup, "Ctrl+Shift+G", "the selected blocks go"),
            ("toggle_block", "&Collapse / Expand", self.toggle, None, "or double-click a block"),
            ("rename_block", "&Rename Block…", self.rename, None, ""),
        ):
            action = QAction(text, self._parent)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.setStatusTip(tip)
            action.triggered.connect(lambda _checked=False, run=slot: run())
            menu.addAction(action)
            acts[key] = action
        return acts

    # ---- what the selection means ----------------------------------------------------------
    def selected_blocks(self) -> list[str]:
        """Selected collapsed cards and the blocks of the selected nodes, in block order."""
        graph = self._graph()
        chosen = set(self._scene.selected_blocks())
        chosen |= {graph.blocks.owner(n) for n in self._scene.selected_names()} - {None}
        return [name for name in graph.blocks.names if name in chosen]

    # ---- the actions -----------------------------------------------------------------------
    def group(self, name: str | None = None) -> bool:
        graph = self._graph()
        chosen = set(self._scene.selected_names())
        names = [n for n in graph.names if n in chosen]  # in graph order, as a program has them
        if not names:
            self._say("select the nodes to group first", 4000)
            return False
        name = name or next_block_name(graph)
        if self._push(block_commands.Group(graph, name, names)):
            self._say(f"grouped {len(names)} nodes as '{name}': Block ▸ Rename to name it", 6000)
            return True
        return False

    def ungroup(self) -> bool:
        names = self.selected_blocks()
        if not names:
            self._say("select a block, or a node in one, to ungroup", 4000)
            return False
        return self._push(block_commands.ungroup_all(self._graph(), names))

    def set_collapsed(self, name: str, collapsed: bool) -> bool:
        graph = self._graph()
        if name not in graph.blocks or graph.blocks.block(name).collapsed == collapsed:
            return False
        return self._push(block_commands.SetCollapsed(graph, name, collapsed))

    def toggle(self) -> bool:
        """Collapse the selected blocks, or expand them when all are collapsed: one step."""
        graph = self._graph()
        names = self.selected_blocks()
        if not names:
            self._say("select a block, or a node in one, to collapse or expand it", 4000)
            return False
        collapse = not all(graph.blocks.block(n).collapsed for n in names)
        steps: list[Command] = [
            block_commands.SetCollapsed(graph, n, collapse)
            for n in names
            if graph.blocks.block(n).collapsed != collapse
        ]
        text = f"{'Collapse' if collapse else 'Expand'} {names[0] if len(names) == 1 else 'blocks'}"
        return self._push(Macro(text, steps))

    def rename(self, new: str | None = None) -> bool:
        names = self.selected_blocks()
        if len(names) != 1:
            self._say("select one block, or a node in it, to rename it", 4000)
            return False
        old = names[0]
        if new is None:
            new, ok = QInputDialog.getText(self._parent, "Rename Block", "Block name:", text=old)
            if not ok:
                return False
        if new == old:
            return False
        return self._push(block_commands.RenameBlock(self._graph(), old, new))

    def add_template(
        self, key: str, pos: QPointF, sizes: TemplateSizes | None = None
    ) -> str | None:
        """Drop block template ``key`` at scene ``pos`` as one undo step (asking its sizes
        unless given); the new block's name, or None when cancelled or refused."""
        sizes = sizes or ask_sizes(key, self._parent)
        if sizes is None:
            return None
        graph = self._graph()
        try:
            built = build_template(
                graph, key, (pos.x(), pos.y()), sizes.inputs, sizes.outputs, sizes.init
            )
        except ValueError as exc:
            self._say(str(exc), 6000)
            return None
        reason = graph.recipe_problem(built.nodes)
        if reason:
            self._say(f"cannot add {built.block}: {reason}", 8000)
            return None
        if not self._push(block_commands.add_block(graph, built.block, built.nodes, built.edges)):
            return None
        self._scene.select_names([n.name for n in built.nodes])
        return built.block
