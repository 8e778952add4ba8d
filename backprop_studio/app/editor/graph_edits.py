"""Edits from gestures, docks and menus, each one command on the open document's undo stack.

Every method here turns what the user asked for (a drop, a rename, a paste) into a command and
pushes it; the graph emits, and the canvas, the program text and the inspector follow. A
refused edit changes nothing and its reason goes to the status bar (``push`` says it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEasingCurve, QEvent, QObject, QPointF, Qt, QVariantAnimation
from PySide6.QtGui import QCursor, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QWidget

from ... import commands, document_commands
from ...canvas import style
from ...canvas.items.node import new_card_rect
from ...canvas.scene import GraphScene
from ...canvas.view import CanvasView
from ...model.graph import Edge, Graph, Node
from ...model.layout import layered_layout
from ...model.program import auto_name
from ..panels.inspector import Inspector
from ..panels.palette import Palette
from ..panels.program_view import ProgramView
from . import clipboard
from .quick_add import QuickAdd, connections_for

LAYOUT_GLIDE_MS = 300
# a new leaf takes the first free name a learner expects (the second data leaf is y, not x_2)
LEAF_NAMES = {"param": ("w", "b"), "data": ("x", "y"), "const": ("c", "k")}


class GraphEdits(QObject):
    """The editor's edits of the graph on show, through ``push``."""

    def __init__(
        self,
        scene: GraphScene,
        view: CanvasView,
        graph: Callable[[], Graph],
        push: Callable[[commands.Command], bool],
        say: Callable[..., None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.scene, self.view = scene, view
        self._graph, self._push, self._say, self._parent = graph, push, say, parent
        self._layout_animation: QVariantAnimation | None = None
        self._quick: QuickAdd | None = None
        scene.connect_requested.connect(self.connect_ports)
        scene.nodes_moved.connect(lambda moves: push(commands.MoveNodes(graph(), moves)))
        scene.node_drop_requested.connect(lambda op, pos: self.add_node(op, pos))
        scene.edge_drop_on_empty.connect(lambda src, pos: self.quick_add(pos, src))
        scene.input_drop_on_empty.connect(
            lambda dst, port, pos: self.quick_add(pos, None, (dst, port))
        )
        scene.delete_requested.connect(self.delete_items)
        scene.rename_requested.connect(self.rename)
        view.installEventFilter(self)  # Tab on the canvas: quick add

    def follow(self, palette: Palette, inspector: Inspector, program: ProgramView) -> None:
        """Turn what these docks ask for into edits."""
        palette.op_activated.connect(lambda op: self.add_node(op, self.view_center()))
        inspector.rename_requested.connect(self.rename)
        inspector.label_edited.connect(self.set_label)
        inspector.kind_changed.connect(self.set_kind)
        inspector.value_edited.connect(self.set_value)
        inspector.attrs_edited.connect(self.set_attrs)
        program.apply_requested.connect(self.replace_graph)

    def replace_graph(self, graph: Graph) -> None:
        """The program's text applied: the graph replaced in one step, and kept in sight (fitted
        when some of it would be off screen)."""
        if self._push(document_commands.ReplaceGraph(self._graph(), graph)):
            self.view.keep_graph_in_view()

    def new_node(self, op: str, pos: QPointF, in_sight: bool = False) -> Node:
        """A node for ``op`` centred under ``pos`` (scene); ``in_sight``: moved, if need be, so
        that its whole card is on the visible canvas (a drop beside the palette's edge)."""
        if op in LEAF_NAMES:
            names = LEAF_NAMES[op]
            free = [n for n in names if n not in self._graph()]
            name = free[0] if free else self._graph().unique_name(names[0])
            node_value = 1.0
        else:
            name, node_value = auto_name(self._graph(), op), None
        x = pos.x() - style.NODE_WIDTH / 2
        y = pos.y() - style.HEADER_HEIGHT / 2
        if in_sight:
            shift = self.view.keep_in_sight(new_card_rect(op).translated(x, y))
            x, y = x + shift.x(), y + shift.y()
        return Node(name, op, position=(x, y), value=node_value)

    def add_node(self, op: str, pos: QPointF) -> str | None:
        node = self.new_node(op, pos, in_sight=True)
        if self._push(commands.AddNode(self._graph(), node)):
            self.scene.select_names([node.name])
            return node.name
        return None

    def connect_ports(self, src: str, dst: str, port: str) -> None:
        reason = self._graph().can_connect(src, dst, port)
        if reason:
            self._say(reason)
            return
        self._push(commands.AddEdge(self._graph(), Edge(src, dst, port)))

    def delete_items(self, names: list, edges: list) -> None:
        if names or edges:
            self._push(commands.delete_items(self._graph(), list(names), list(edges)))

    def delete_selection(self) -> None:
        self.delete_items(self.scene.selected_members(), self.scene.selected_edges())

    def rename(self, old: str, new: str) -> None:
        if old != new:
            self._push(commands.Rename(self._graph(), old, new))

    def set_label(self, name: str, label: str) -> None:
        if name in self._graph() and self._graph().node(name).label != label:
            self._push(commands.SetLabel(self._graph(), name, label))

    def set_kind(self, name: str, op: str) -> None:
        if name in self._graph() and self._graph().node(name).op != op:
            self._push(commands.SetLeafKind(self._graph(), name, op))

    def set_value(self, name: str, value, session: int) -> None:
        if name in self._graph():
            self._push(commands.SetValue(self._graph(), name, value, session))

    def set_attrs(self, name: str, attrs: dict, session: int) -> None:
        if name in self._graph() and self._graph().node(name).attrs != attrs:
            self._push(commands.SetAttrs(self._graph(), name, attrs, session))

    def auto_layout(self) -> None:
        viewport = self.view.viewport().size()
        positions = layered_layout(
            self._graph(),
            layer_gap=style.LAYOUT_LAYER_GAP,
            row_gap=style.LAYOUT_ROW_GAP,
            aspect=viewport.width() / max(viewport.height(), 1),
            heights={n.name: self.scene.node_item(n.name).card_height for n in self._graph()},
        )
        moves = {
            n.name: (n.position, positions[n.name])
            for n in self._graph()
            if n.name in positions and positions[n.name] != n.position
        }
        if not moves:
            self._say("Auto-layout: the graph is already laid out, nothing to change", 4000)
            return
        # glide the cards to their places, then record the move as one undoable step
        animation = QVariantAnimation(self._parent)
        animation.setDuration(LAYOUT_GLIDE_MS)
        animation.setStartValue(0.0)
        animation.setEndValue(1.0)
        animation.setEasingCurve(QEasingCurve.Type.InOutCubic)

        def glide(t: float) -> None:
            for name, ((x0, y0), (x1, y1)) in moves.items():
                if name in self._graph():
                    self.scene.node_item(name).setPos(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)

        def land() -> None:
            if all(name in self._graph() for name in moves):
                self._push(commands.MoveNodes(self._graph(), moves, "Auto-layout"))
            self.view.fit_to_graph()

        animation.valueChanged.connect(glide)
        animation.finished.connect(land)
        animation.start(QVariantAnimation.DeletionPolicy.DeleteWhenStopped)
        self._layout_animation = animation

    def view_center(self) -> QPointF:
        return self.view.mapToScene(self.view.viewport().rect().center())

    # ---- clipboard -----------------------------------------------------------------------
    def copy_selection(self) -> bool:
        names = self.scene.selected_members()
        if not names:
            return False
        QGuiApplication.clipboard().setMimeData(
            clipboard.to_mime(clipboard.fragment(self._graph(), names))
        )
        return True

    def cut_selection(self) -> None:
        if self.copy_selection():
            self.delete_selection()

    def paste(
        self, offset: tuple[float, float] = (clipboard.PASTE_OFFSET, clipboard.PASTE_OFFSET)
    ) -> None:
        part = clipboard.from_mime(QGuiApplication.clipboard().mimeData())
        if part is None or not len(part):
            self._say("nothing to paste: copy some nodes first", 4000)
            return
        nodes, edges = clipboard.placed_copies(self._graph(), part, offset)
        self._add_copies(nodes, edges, "Paste")

    def duplicate(self) -> None:
        names = self.scene.selected_members()
        if not names:
            return
        part = clipboard.fragment(self._graph(), names)
        nodes, edges = clipboard.placed_copies(self._graph(), part, (clipboard.PASTE_OFFSET,) * 2)
        self._add_copies(nodes, edges, "Duplicate")

    def _add_copies(self, nodes: list, edges: list, text: str) -> None:
        reason = self._graph().recipe_problem(nodes)  # the one refusal adding copies can meet
        if reason:
            self._say(f"cannot {text.lower()}: {reason}", 8000)
            return
        if self._push(commands.add_items(self._graph(), nodes, edges, text)):
            self.scene.select_names([n.name for n in nodes])

    def set_output_to_selection(self) -> None:
        names = self.scene.selected_names()
        if len(names) == 1:
            self._push(commands.SetOutput(self._graph(), names[0]))

    # ---- quick add -----------------------------------------------------------------------
    def quick_add(
        self, scene_pos: QPointF, source: str | None = None, target: tuple[str, str] | None = None
    ) -> QuickAdd:
        """Choose an op at ``scene_pos``; it takes ``source`` as its first input, or feeds
        ``target`` (node, port), in the same undo step."""
        popup = QuickAdd(self._parent)
        popup.chosen.connect(lambda op: self._quick_add_chosen(op, scene_pos, source, target))
        popup.popup_at(self.view.viewport().mapToGlobal(self.view.mapFromScene(scene_pos)))
        self._quick = popup
        return popup

    def _quick_add_chosen(
        self, op: str, pos: QPointF, source: str | None, target: tuple[str, str] | None
    ) -> None:
        node = self.new_node(op, pos, in_sight=True)
        edges = connections_for(node, source, target)
        if self._push(commands.add_items(self._graph(), [node], edges, f"Add {node.name}")):
            self.scene.select_names([node.name])

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.view and event.type() == QEvent.Type.KeyPress:
            key = QKeyEvent(event).key() if not isinstance(event, QKeyEvent) else event.key()
            if key == Qt.Key.Key_Tab:
                cursor = self.view.mapFromGlobal(QCursor.pos())
                inside = self.view.viewport().rect().contains(cursor)
                self.quick_add(self.view.mapToScene(cursor) if inside else self.view_center())
                return True
        return super().eventFilter(obj, event)
