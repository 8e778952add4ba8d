"""The main window: canvas in the middle, palette, inspector, program and history around it.

Every edit follows one path: a gesture on the canvas or a dock becomes a command on the open
document's undo stack, the command changes the graph, the graph emits, and the canvas, the
program text and the inspector follow. Evaluation runs on the engine thread after each edit.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEasingCurve,
    QEvent,
    QObject,
    QPointF,
    QSize,
    Qt,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QCursor, QGuiApplication, QKeyEvent, QUndoGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow, QUndoView, QWidget

from .. import commands
from ..canvas import style
from ..canvas.items.node import new_card_rect
from ..canvas.scene import GraphScene
from ..canvas.view import CanvasView
from ..document import Document
from ..model.graph import Edge, GraphError, Node
from ..model.layout import layered_layout
from ..model.program import auto_name
from ..model.trace import Trace
from . import clipboard
from .backward_panel import BackwardPanel
from .block_actions import BlockActions
from .docks import ElidedLabel, scrolling
from .files import FileActions
from .fit_panel import FitPanel
from .getting_started import EmptyCanvasHint
from .inspector import Inspector
from .lessons import install_lessons
from .menus import build_menus
from .palette import Palette
from .program_view import ProgramView
from .quick_add import QuickAdd, connections_for
from .runner import EvalRunner
from .status_line import StatusLine
from .training_controller import TrainingController

LAYOUT_GLIDE_MS = 300
# a new leaf takes the first free name a learner expects (the second data leaf is y, not x_2)
LEAF_NAMES = {"param": ("w", "b"), "data": ("x", "y"), "const": ("c", "k")}


def first_size() -> QSize:
    """A laptop screen (up to 1440×900) is filled; a larger one gets a generous window."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1280, 800)
    area = screen.availableGeometry().size()
    if area.width() <= 1440 or area.height() <= 900:
        return area
    return QSize(int(area.width() * 0.9), int(area.height() * 0.9))


class MainWindow(QMainWindow):
    trace_shown = Signal(object)  # the Trace now on the canvas (tests wait for it)

    def __init__(self, runner: EvalRunner | None = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.resize(first_size())
        self.document = Document(parent=self)
        self.undo_group = QUndoGroup(self)
        self.runner = runner or EvalRunner(self)
        self.trace: Trace | None = None
        self._recipes_checked = None
        self.scene = GraphScene(self)
        self.view = CanvasView(self.scene, self)
        self.setCentralWidget(self.view)
        self.hint = EmptyCanvasHint(self.view.viewport(), self._open_seed)
        self.palette = Palette()
        self.inspector = Inspector()
        self.program = ProgramView()
        self.history = QUndoView(self.undo_group)
        self.history.setEmptyLabel("<opened>")
        self.palette_dock = self._dock(
            "Palette", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.inspector_dock = self._dock(
            "Inspector", scrolling(self.inspector), Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.program_dock = self._dock(
            "Program", self.program, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.history_dock = self._dock(
            "History", self.history, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.history_dock.hide()
        self.resizeDocks(
            [self.palette_dock, self.inspector_dock], [190, 300], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.inspector_dock, self.program_dock], [330, 300], Qt.Orientation.Vertical
        )
        self.status_value = ElidedLabel(width=320)  # a long message never widens the window
        self.statusBar().addPermanentWidget(self.status_value)
        self.status_line = StatusLine(self.statusBar())
        self.say = self.status_line.say
        self.files = FileActions(self)
        self.blocks = BlockActions(self.scene, lambda: self.graph, self.push, self.say, self)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(0)
        self._refresh.timeout.connect(self._after_graph_change)
        self._wire()
        self.training = TrainingController(self)
        self.backward = BackwardPanel(self)
        self.fit = FitPanel(self)
        self.actions_by_name = build_menus(self)
        self.lessons = install_lessons(self)
        self.set_document(self.document)

    def fit_to_screen(self) -> None:
        """Never larger than the screen's free area (a size saved on a bigger screen, say)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(self.size().boundedTo(area.size()))

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title}Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _wire(self) -> None:
        s = self.scene
        s.connect_requested.connect(self.connect_ports)
        s.nodes_moved.connect(lambda moves: self.push(commands.MoveNodes(self.graph, moves)))
        s.node_drop_requested.connect(lambda op, pos: self.add_node(op, pos))
        s.edge_drop_on_empty.connect(lambda src, pos: self.quick_add(pos, src))
        s.input_drop_on_empty.connect(lambda dst, port, pos: self.quick_add(pos, None, (dst, port)))
        s.delete_requested.connect(self.delete_items)
        s.rename_requested.connect(self.rename)
        s.status_message.connect(self.say)
        s.hover_status.connect(self.status_line.hover)
        s.selectionChanged.connect(self._update_inspector)
        self.palette.op_activated.connect(lambda op: self.add_node(op, self.view_center()))
        self.palette.template_activated.connect(
            lambda key: self.blocks.add_template(key, self.view_center())
        )
        self.inspector.rename_requested.connect(self.rename)
        self.inspector.label_edited.connect(self._set_label)
        self.inspector.kind_changed.connect(self._set_kind)
        self.inspector.value_edited.connect(self._set_value)
        self.inspector.attrs_edited.connect(self._set_attrs)
        self.program.apply_requested.connect(
            lambda graph: self.push(commands.ReplaceGraph(self.graph, graph))
        )
        self.runner.trace_ready.connect(self.show_trace)
        self.view.installEventFilter(self)

    # ---- the document --------------------------------------------------------------------
    @property
    def graph(self):
        return self.document.graph

    def set_document(self, document: Document) -> None:
        old = self.document
        if old is not document:
            old.graph.changed.disconnect(self._refresh.start)
            for signal in _block_signals(old.graph):
                signal.disconnect(self._after_blocks_change)
            old.discard_recovery()
            self.undo_group.removeStack(old.undo_stack)
            old.deleteLater()
        self.document = document
        document.setParent(self)
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        document.graph.changed.connect(self._refresh.start)
        for signal in _block_signals(document.graph):
            signal.connect(self._after_blocks_change)
        document.dirty_changed.connect(self._update_title)
        document.path_changed.connect(self._update_title)
        document.recovery_failed.connect(self.say)
        self.trace = None
        self.hint.set_empty(len(document.graph) == 0)
        self.scene.set_graph(document.graph)
        self.program.set_graph(document.graph)
        self._update_inspector()
        self._update_title()
        self.runner.evaluate_now(document.graph, self.dtype)
        QTimer.singleShot(0, self.view.fit_to_graph)

    @property
    def dtype(self) -> str:
        return self.document.settings.get("dtype", "float64")

    def push(self, command: commands.Command) -> bool:
        """Push an edit; a refused one (the graph says why) is not recorded, changes nothing,
        and its reason goes to the status bar. True when the edit was made."""
        try:
            self.document.push(command)
        except GraphError as exc:
            self.say(str(exc), 8000)
            self._update_inspector()  # a control that asked for the refused edit shows the truth
            return False
        return True

    def _open_seed(self) -> None:
        from ..model.gallery import example_path

        self.files.open_example(example_path("seed"))

    def _after_graph_change(self) -> None:
        self.hint.set_empty(len(self.graph) == 0)
        self.runner.schedule(self.graph, self.dtype)
        self.program.refresh()
        self._update_inspector()

    def _after_blocks_change(self, *_args) -> None:
        self.program.refresh()  # blocks are in the text; they change no number to re-evaluate

    def _update_title(self, *_args) -> None:
        marker = "*" if self.document.dirty else ""
        self.setWindowTitle(f"{self.document.title}{marker} — Backprop Studio")
        self.setWindowModified(self.document.dirty)

    def _refresh_recipes(self) -> None:
        """Recipe leaves opened before torch loaded hold zeros of the right shape; once the engine
        is there (it is, when a trace arrives) they get their real, seeded values."""
        if self._recipes_checked is self.graph:
            return
        self._recipes_checked = self.graph
        from ..engine.leaves import refresh_recipe_values

        refresh_recipe_values(self.graph)

    def show_trace(self, trace: Trace) -> None:
        self._refresh_recipes()
        shown = self.scene.trace
        # the same numbers again (e.g. the evaluation after training wrote its values) would only
        # cost a recolour and interrupt a playing animation: keep the picture as it is
        if shown is None or not _same_numbers(shown, trace):
            self.scene.show_trace(trace)
        self.trace = trace
        self._update_inspector()
        if trace.error:
            self.status_value.setText(f"⚠ {trace.error}")
        elif trace.problems:
            self.status_value.setText(f"⚠ {trace.problems[0].message}")
        elif trace.output is not None and trace.output in trace.values:
            from ..canvas.value_text import full_text

            self.status_value.setText(f"{trace.output} = {full_text(trace.values[trace.output])}")
        else:
            self.status_value.setText("")
        self.trace_shown.emit(trace)

    def _update_inspector(self) -> None:
        names = self.scene.selected_names()
        self.inspector.show_node(self.graph, names[0] if len(names) == 1 else None, self.trace)

    # ---- edits ---------------------------------------------------------------------------
    def new_node(self, op: str, pos: QPointF, in_sight: bool = False) -> Node:
        """A node for ``op`` centred under ``pos`` (scene); ``in_sight``: moved, if need be, so
        that its whole card is on the visible canvas (a drop beside the palette's edge)."""
        if op in LEAF_NAMES:
            names = LEAF_NAMES[op]
            free = [n for n in names if n not in self.graph]
            name = free[0] if free else self.graph.unique_name(names[0])
            node_value = 1.0
        else:
            name, node_value = auto_name(self.graph, op), None
        x = pos.x() - style.NODE_WIDTH / 2
        y = pos.y() - style.HEADER_HEIGHT / 2
        if in_sight:
            shift = self.view.keep_in_sight(new_card_rect(op).translated(x, y))
            x, y = x + shift.x(), y + shift.y()
        return Node(name, op, position=(x, y), value=node_value)

    def add_node(self, op: str, pos: QPointF) -> str | None:
        node = self.new_node(op, pos, in_sight=True)
        if self.push(commands.AddNode(self.graph, node)):
            self.scene.select_names([node.name])
            return node.name
        return None

    def connect_ports(self, src: str, dst: str, port: str) -> None:
        reason = self.graph.can_connect(src, dst, port)
        if reason:
            self.say(reason)
            return
        self.push(commands.AddEdge(self.graph, Edge(src, dst, port)))

    def delete_items(self, names: list, edges: list) -> None:
        if names or edges:
            self.push(commands.delete_items(self.graph, list(names), list(edges)))

    def delete_selection(self) -> None:
        self.delete_items(self.scene.selected_members(), self.scene.selected_edges())

    def rename(self, old: str, new: str) -> None:
        if old != new:
            self.push(commands.Rename(self.graph, old, new))

    def _set_label(self, name: str, label: str) -> None:
        if name in self.graph and self.graph.node(name).label != label:
            self.push(commands.SetLabel(self.graph, name, label))

    def _set_kind(self, name: str, op: str) -> None:
        if name in self.graph and self.graph.node(name).op != op:
            self.push(commands.SetLeafKind(self.graph, name, op))

    def _set_value(self, name: str, value, session: int) -> None:
        if name in self.graph:
            self.push(commands.SetValue(self.graph, name, value, session))

    def _set_attrs(self, name: str, attrs: dict, session: int) -> None:
        if name in self.graph and self.graph.node(name).attrs != attrs:
            self.push(commands.SetAttrs(self.graph, name, attrs, session))

    def auto_layout(self) -> None:
        viewport = self.view.viewport().size()
        positions = layered_layout(
            self.graph,
            layer_gap=style.LAYOUT_LAYER_GAP,
            row_gap=style.LAYOUT_ROW_GAP,
            aspect=viewport.width() / max(viewport.height(), 1),
            heights={n.name: self.scene.node_item(n.name).card_height for n in self.graph},
        )
        moves = {
            n.name: (n.position, positions[n.name])
            for n in self.graph
            if n.name in positions and positions[n.name] != n.position
        }
        if not moves:
            return
        # glide the cards to their places, then record the move as one undoable step
        animation = QVariantAnimation(self)
        animation.setDuration(LAYOUT_GLIDE_MS)
        animation.setStartValue(0.0)
        animation.setEndValue(1.0)
        animation.setEasingCurve(QEasingCurve.Type.InOutCubic)

        def glide(t: float) -> None:
            for name, ((x0, y0), (x1, y1)) in moves.items():
                if name in self.graph:
                    self.scene.node_item(name).setPos(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)

        def land() -> None:
            if all(name in self.graph for name in moves):
                self.push(commands.MoveNodes(self.graph, moves, "Auto-layout"))
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
            clipboard.to_mime(clipboard.fragment(self.graph, names))
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
            self.say("nothing to paste: copy some nodes first", 4000)
            return
        nodes, edges = clipboard.placed_copies(self.graph, part, offset)
        self._add_copies(nodes, edges, "Paste")

    def duplicate(self) -> None:
        names = self.scene.selected_members()
        if not names:
            return
        part = clipboard.fragment(self.graph, names)
        nodes, edges = clipboard.placed_copies(self.graph, part, (clipboard.PASTE_OFFSET,) * 2)
        self._add_copies(nodes, edges, "Duplicate")

    def _add_copies(self, nodes: list, edges: list, text: str) -> None:
        reason = self.graph.recipe_problem(nodes)  # the one refusal adding copies can meet
        if reason:
            self.statusBar().showMessage(f"cannot {text.lower()}: {reason}", 8000)
            return
        if self.push(commands.add_items(self.graph, nodes, edges, text)):
            self.scene.select_names([n.name for n in nodes])

    def set_output_to_selection(self) -> None:
        names = self.scene.selected_names()
        if len(names) == 1:
            self.push(commands.SetOutput(self.graph, names[0]))

    # ---- quick add -----------------------------------------------------------------------
    def quick_add(
        self, scene_pos: QPointF, source: str | None = None, target: tuple[str, str] | None = None
    ) -> QuickAdd:
        """Choose an op at ``scene_pos``; it takes ``source`` as its first input, or feeds
        ``target`` (node, port), in the same undo step."""
        popup = QuickAdd(self)
        popup.chosen.connect(lambda op: self._quick_add_chosen(op, scene_pos, source, target))
        popup.popup_at(self.view.viewport().mapToGlobal(self.view.mapFromScene(scene_pos)))
        self._quick = popup
        return popup

    def _quick_add_chosen(
        self, op: str, pos: QPointF, source: str | None, target: tuple[str, str] | None
    ) -> None:
        node = self.new_node(op, pos, in_sight=True)
        edges = connections_for(node, source, target)
        if self.push(commands.add_items(self.graph, [node], edges, f"Add {node.name}")):
            self.scene.select_names([node.name])

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.view and event.type() == QEvent.Type.KeyPress:
            key = QKeyEvent(event).key() if not isinstance(event, QKeyEvent) else event.key()
            if key == Qt.Key.Key_Tab:
                cursor = self.view.mapFromGlobal(QCursor.pos())
                inside = self.view.viewport().rect().contains(cursor)
                pos = self.view.mapToScene(cursor) if inside else self.view_center()
                self.quick_add(pos)
                return True
        return super().eventFilter(obj, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        # follow the system when it switches between light and dark
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.scene.set_theme(style.current_theme())
        super().changeEvent(event)

    # ---- closing -------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.files.maybe_save():
            event.ignore()
            return
        self.files.remember_window()
        self.document.discard_recovery()
        self.runner.shutdown()
        self.training.shutdown()
        event.accept()


def _block_signals(graph) -> list:
    return [graph.blocks.added, graph.blocks.removed, graph.blocks.changed]


def _same_numbers(a: Trace, b: Trace) -> bool:
    return (
        a.edges == b.edges
        and a.values == b.values
        and a.grads == b.grads
        and a.edge_grads == b.edge_grads
        and a.backward_order == b.backward_order
        and a.problems == b.problems
        and a.error == b.error
        and a.output == b.output
    )
