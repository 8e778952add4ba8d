"""The main window: canvas in the middle, palette, inspector, program and history around it.

Every edit follows one path: a gesture on the canvas or a dock becomes a command on the open
document's undo stack (``GraphEdits``), the command changes the graph, the graph emits, and the
canvas, the program text and the inspector follow. Evaluation runs on the engine thread after
each edit; training and the Fit view's predictions run on the training thread. The window only
builds these parts and hands each the others it needs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent, QUndoGroup
from PySide6.QtWidgets import QMainWindow, QUndoView

from .. import commands
from ..canvas import style
from ..canvas.scene import GraphScene
from ..canvas.view import CanvasView
from ..document import Document
from ..model.graph import Graph, GraphError
from ..model.trace import Trace
from . import window_layout
from .diagnose.accumulation import GradientAccumulation
from .diagnose.backward import BackwardPlayer
from .diagnose.forward import ForwardMode
from .diagnose.gradient_check import GradientChecker
from .editor.block_actions import BlockActions
from .editor.canvas_trace import CanvasTrace
from .editor.eval_runner import EvalRunner
from .editor.graph_edits import GraphEdits
from .editor.parts import EditorParts
from .export.actions import ExportActions
from .files.file_actions import FileActions
from .getting_started import EmptyCanvasHint
from .gui_garbage import collect_garbage_on_the_gui_thread
from .lessons import install_lessons
from .menus import build_menus
from .panels.inspector import Inspector
from .panels.palette import Palette
from .panels.program_view import ProgramView
from .status_line import StatusLine
from .training.docks import add_training_docks
from .training.views import add_training_views
from .widgets import ElidedLabel, scrolling
from .window_layout import LEFT, RIGHT, add_dock
from .worker_thread import WorkerThread


class MainWindow(QMainWindow):
    trace_shown = Signal(object)  # the Trace now on the canvas (tests wait for it)

    def __init__(self, runner: EvalRunner | None = None) -> None:
        super().__init__()
        collect_garbage_on_the_gui_thread()  # before any worker thread starts
        self.setObjectName("MainWindow")
        self.resize(window_layout.first_size())
        self.document = Document(parent=self)
        self.undo_group = QUndoGroup(self)
        self.runner = runner or EvalRunner(self)
        self.worker = WorkerThread()
        self._recipes_checked = None
        self.scene = GraphScene(self)
        self.view = CanvasView(self.scene, self)
        self.setCentralWidget(self.view)
        self.hint = EmptyCanvasHint(self.view.viewport(), self._open_seed)
        self.palette, self.inspector, self.program = Palette(), Inspector(), ProgramView()
        self.history = QUndoView(self.undo_group)
        self.history.setEmptyLabel("<opened>")
        self.palette_dock = add_dock(self, "Palette", self.palette, LEFT)
        self.inspector_dock = add_dock(self, "Inspector", scrolling(self.inspector), RIGHT)
        self.program_dock = add_dock(self, "Program", self.program, RIGHT)
        self.history_dock = add_dock(self, "History", self.history, LEFT)
        self.history_dock.hide()
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        self.resizeDocks([self.palette_dock, self.inspector_dock], [190, 300], horizontal)
        self.resizeDocks([self.inspector_dock, self.program_dock], [330, 300], vertical)
        self.status_value = ElidedLabel(width=320)  # a long message never widens the window
        self.statusBar().addPermanentWidget(self.status_value)
        self.status_line = StatusLine(self.statusBar())
        self.say = self.status_line.say
        self.canvas = CanvasTrace(self.scene, self.status_value, self)
        self.files = FileActions(self)
        graph = lambda: self.graph  # noqa: E731 - the open document's, whichever it is
        self.blocks = BlockActions(self.scene, graph, self.push, self.say, self)
        self.edits = GraphEdits(self.scene, self.view, graph, self.push, self.say, self)
        self.edits.follow(self.palette, self.inspector, self.program)
        self.palette.template_activated.connect(
            lambda key: self.blocks.add_template(key, self.edits.view_center())
        )
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(0)
        self._refresh.timeout.connect(self._after_graph_change)
        self.scene.status_message.connect(self.say)
        self.scene.hover_status.connect(self.status_line.hover)
        self.scene.selectionChanged.connect(self._update_inspector)
        self.runner.trace_ready.connect(self._evaluated)
        self.canvas.shown.connect(self._on_shown)
        docks = add_training_docks(self, self.canvas, self.worker, self.push, self.say)
        self.training, self.training_docks = docks.training, docks.docks
        self.gradients = docks.add_gradients(self, self.scene, self.say)
        self.parts = parts = EditorParts(
            self, self.scene, self.canvas, lambda: self.document, self.push, self.say,
            self.undo_group, self.inspector,
        )  # fmt: skip
        self.backward = BackwardPlayer(parts)  # its dock goes beside the loss plot, then the fit's
        self.checks = GradientChecker(parts)
        self.forward = ForwardMode(parts, self.backward)
        self.accumulation = GradientAccumulation(parts)
        views = add_training_views(docks, parts, self.worker)
        self.fit, self.landscape = views.fit, views.landscape
        self.compare, self.step_preview = views.compare, views.step_preview
        self.exports = ExportActions(
            self, lambda: self.document, self.scene, self.canvas, self.training, self.say,
            self.fit.plot,
        )  # fmt: skip
        self.actions_by_name = build_menus(self)
        self.lessons = install_lessons(self)
        self._laid_out = False  # the docks' sizes: a saved state's, or set on the first show
        self.set_document(self.document)

    def start(self, path: Path | None) -> None:
        """Show the window on the screen and warm torch up; then a recovery, or ``path``."""
        self._laid_out = self.files.restore_window()
        window_layout.fit_to_screen(self)
        self.show()
        self.runner.warm_up()
        if not self.files.offer_recovery() and path is not None:
            self.files.open_path(path, ask=False)

    # ---- the document --------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        return self.document.graph

    @property
    def trace(self) -> Trace | None:
        """What the canvas stands for now (``CanvasTrace`` decides)."""
        return self.canvas.trace

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
        self.canvas.forget()
        self.training.attach(document)
        self.hint.set_empty(len(document.graph) == 0)
        self.scene.set_graph(document.graph)
        self.program.set_graph(document.graph)
        self._update_inspector()
        self._update_title()
        self.runner.evaluate_now(document.graph, self.dtype)
        QTimer.singleShot(0, self.view.fit_to_graph)

    @property
    def dtype(self) -> str:
        return self.document.dtype

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

    def _refresh_recipes(self) -> None:
        """Recipe leaves opened before torch loaded hold zeros of the right shape; once the engine
        is there (it is, when a trace arrives) they get their real, seeded values."""
        if self._recipes_checked is self.graph:
            return
        self._recipes_checked = self.graph
        from ..engine.leaves import refresh_recipe_values

        refresh_recipe_values(self.graph)

    def _evaluated(self, trace: Trace) -> None:
        self._refresh_recipes()
        self.canvas.evaluated(trace)

    def _on_shown(self, trace: Trace) -> None:
        self._update_inspector()
        self.trace_shown.emit(trace)

    def _update_inspector(self) -> None:
        names = self.scene.selected_names()
        self.inspector.show_node(self.graph, names[0] if len(names) == 1 else None, self.trace)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if not self._laid_out:
            self._laid_out = True
            window_layout.share_height(self, self.training_docks[1])
        super().showEvent(event)

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
        self.checks.shutdown()
        self.forward.shutdown()
        self.accumulation.shutdown()
        self.worker.shutdown()
        event.accept()


def _block_signals(graph) -> list:
    return [graph.blocks.added, graph.blocks.removed, graph.blocks.changed]
