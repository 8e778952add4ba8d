"""Playing a lesson in the window: each step's graph, highlights, hidden numbers and locked
controls, and the predict → check → hint → reveal cycle of its task.

Every number the learner is told comes from torch through ``engine.lesson_check`` for the graph on
the canvas (an edit during a task changes the answer, honestly). While a task is open its numbers
are taken out of the Trace the canvas and the inspector are given, and the controls that would show
them anyway (the Backward player, training, the Explain dock) are disabled or hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QWidget

from ...document import Document
from ...model.document_io import document_from_dict, document_to_dict
from ...model.lesson import Lesson, LessonStep, Task
from ...model.lesson_answer import AnswerError
from .panel import LessonPanel
from .progress import Progress

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from ..diagnose.backward import BackwardPlayer
    from ..editor.parts import EditorParts
    from ..files.file_actions import FileActions

# what shows the hidden numbers anyway, so it is locked while a task is open
TASK_LOCKS = (
    "backward_play",
    "backward_pause",
    "backward_step_back",
    "backward_step",
    "backward_rewind",
    "backward_end",
    "train_step",
    "train_run",
    "iteration_back",
    "iteration_forward",
    "TrainingDock",  # its Step and Run buttons: the whole dock's contents
    "LossDock",  # the timeline can show another iteration's numbers
)
TASK_HIDDEN_DOCKS = ("ExplainDock",)
HIGHLIGHT_STYLE = "border: 2px solid #e6a100; border-radius: 3px;"


class LessonPlayer(QObject):
    """One lesson at a time in ``window``; the panel is its face."""

    step_changed = Signal(int)
    task_closed = Signal(bool)  # True: answered right; False: revealed

    def __init__(
        self,
        parts: EditorParts,
        files: FileActions,
        backward: BackwardPlayer,
        actions: dict[str, QAction],
        panel: LessonPanel,
        progress: Progress,
    ) -> None:
        super().__init__(parts.window)
        self.window = parts.window  # where the docks and widgets a step points at are
        self._parts, self._files, self._backward, self._actions = parts, files, backward, actions
        self.panel = panel
        self.progress = progress
        self.lesson: Lesson | None = None
        self.key = ""
        self.index = -1
        self._loaded = -1  # the step whose graph is on the canvas
        self.task_open = False
        self.hints: list[str] = []
        self.hints_shown = 0
        self._locked: dict[str, bool] = {}  # action name → its enabled state before the lock
        self._hidden_docks: list[QDockWidget] = []
        self._marked: list[QWidget] = []
        panel.check_requested.connect(self.check)
        panel.hint_requested.connect(self.next_hint)
        panel.reveal_requested.connect(self.reveal)
        panel.back_requested.connect(lambda: self.go(self.index - 1))
        panel.next_requested.connect(self._next)

    # ---- the lesson ----------------------------------------------------------------------
    def open(self, lesson: Lesson, key: str, start: int = 0) -> bool:
        """Start ``lesson`` (its progress remembered under ``key``); False when the learner
        keeps unsaved work instead."""
        if not self._files.maybe_save():
            return False
        self.lesson, self.key = lesson, key
        self.index = self._loaded = -1
        self.go(max(0, min(start, len(lesson.steps) - 1)))
        return True

    @property
    def step(self) -> LessonStep | None:
        if self.lesson is None or not 0 <= self.index < len(self.lesson.steps):
            return None
        return self.lesson.steps[self.index]

    @property
    def task(self) -> Task | None:
        step = self.step
        return step.task if step is not None else None

    def go(self, index: int) -> None:
        lesson = self.lesson
        if lesson is None or not 0 <= index < len(lesson.steps):
            return
        self._undo_step()
        self.index = index
        step = lesson.steps[index]
        shown = self._graph_index(index)
        if shown != self._loaded:
            self._load(lesson.steps[shown])
            self._loaded = shown
        self.panel.show_step(lesson.title, index, len(lesson.steps), step.text, step.task)
        self._highlight(step)
        self._lock(step.locked, step.hidden_docks)
        self.hints, self.hints_shown = [], 0
        if step.task is not None:
            self._open_task(step.task)
        self.progress.reached(self.key, index)
        self.step_changed.emit(index)

    def _next(self) -> None:
        if self.lesson is not None and self.index + 1 >= len(self.lesson.steps):
            self.progress.finished(self.key)
            self.close()
        else:
            self.go(self.index + 1)

    def close(self) -> None:
        """Leave the lesson: everything hidden or locked comes back."""
        self._undo_step()
        self.lesson, self.index = None, -1
        self.panel.show_welcome()

    def _graph_index(self, index: int) -> int:
        """The step whose graph step ``index`` shows: itself, or the last before it with one."""
        assert self.lesson is not None
        for i in range(index, -1, -1):
            if self.lesson.steps[i].document is not None:
                return i
        return index

    def _load(self, step: LessonStep) -> None:
        data = step.document
        if data is None:
            return
        # a fresh copy each time: going back to a step starts it again, and edits stay local
        copy = document_from_dict(document_to_dict(data.graph, data.settings, data.view))
        document = Document(copy.graph, None, copy.settings, copy.view)
        document.untitled_name = f"{self.lesson.title if self.lesson else 'Lesson'} (lesson)"
        self._files.replace_document(document)

    # ---- the task ------------------------------------------------------------------------
    def _open_task(self, task: Task) -> None:
        self.task_open = True
        self._set_hidden(task.hidden)
        self._lock(TASK_LOCKS, TASK_HIDDEN_DOCKS)

    def _close_task(self, correct: bool) -> None:
        self.task_open = False
        self._set_hidden(frozenset())
        self._undo_locks()
        step = self.step
        if step is not None:
            self._lock(step.locked, step.hidden_docks)
        self.panel.set_open(False)
        self.task_closed.emit(correct)
        self._backward.start()  # the gradients flow back, torch's own order

    def _set_hidden(self, hidden: frozenset[tuple[str, str]]) -> None:
        self._parts.scene.set_hidden(hidden)
        self._parts.inspector.set_hidden(hidden)
        self._parts.inspector.show_node(
            self._parts.graph(), self._parts.inspector.node_name, self._parts.trace
        )

    def check(self, answer: str) -> None:
        task = self.task
        if task is None or not self.task_open:
            return
        from ...engine.lesson_check import TaskError, check

        try:
            verdict = check(task, self._parts.graph(), answer, self._parts.dtype())
        except AnswerError as exc:
            self.panel.show_feedback(str(exc), None)
            return
        except TaskError as exc:
            self.panel.show_feedback(f"This graph cannot answer the task: {exc}", None)
            return
        self.panel.show_feedback(verdict.message, verdict.correct)
        if verdict.correct:
            self._show_answer(task)
            self._close_task(True)
        else:
            self.panel.hint.setEnabled(self.hints_shown < len(self._hints(task)))

    def _hints(self, task: Task) -> list[str]:
        if not self.hints:
            from ...engine.lesson_check import TaskError, hints

            try:
                self.hints = hints(task, self._parts.graph(), self._parts.dtype())
            except TaskError as exc:
                self.hints = [f"This graph cannot answer the task: {exc}"]
        return self.hints

    def next_hint(self) -> None:
        task = self.task
        if task is None or not self.task_open:
            return
        hints = self._hints(task)
        self.hints_shown = min(self.hints_shown + 1, len(hints))
        self.panel.show_hints(hints[: self.hints_shown], self.hints_shown < len(hints))

    def reveal(self) -> None:
        task = self.task
        if task is None or not self.task_open:
            return
        self._show_answer(task)
        self.panel.show_feedback("Revealed: here is what torch computes.", None)
        self._close_task(False)

    def _show_answer(self, task: Task) -> None:
        from ...engine.lesson_check import TaskError, reveal_text

        try:
            text = reveal_text(task, self._parts.graph(), self._parts.dtype())
        except TaskError as exc:
            text = f"This graph cannot answer the task: {exc}"
        self.panel.show_answer(text, task.explanation)

    # ---- highlights and locks ------------------------------------------------------------
    def _highlight(self, step: LessonStep) -> None:
        scene = self._parts.scene
        nodes = [
            h.target
            for h in step.highlights
            if h.kind == "node" and h.target in self._parts.graph()
        ]
        scene.select_names(nodes)
        for h in step.highlights:
            if h.edge is not None and h.edge in scene.edge_items():
                scene.edge_items()[h.edge].setSelected(True)
            elif h.kind == "dock":
                dock = self.window.findChild(QDockWidget, h.target)
                if dock is not None:
                    dock.show()
                    dock.raise_()
            elif h.kind == "button":
                for widget in self._widgets_of(h.target):
                    widget.setStyleSheet(HIGHLIGHT_STYLE)
                    self._marked.append(widget)

    def _widgets_of(self, name: str) -> list[QWidget]:
        action = self._actions.get(name)
        if action is not None:
            return [w for w in action.associatedObjects() if isinstance(w, QWidget)
                    and w.metaObject().className() == "QToolButton"]  # fmt: skip
        widget = self.window.findChild(QWidget, name)
        return [widget] if widget is not None else []

    def _lockable(self, name: str) -> QAction | QWidget | None:
        """An action by name, else a dock's contents, else a widget by object name."""
        action = self._actions.get(name)
        if action is not None:
            return action
        dock = self.window.findChild(QDockWidget, name)
        if dock is not None:
            return dock.widget()
        return self.window.findChild(QWidget, name)

    def _lock(self, names: tuple[str, ...], docks: tuple[str, ...]) -> None:
        for name in names:
            target = self._lockable(name)
            if target is not None and name not in self._locked:
                self._locked[name] = target.isEnabled()
                target.setEnabled(False)
        for name in docks:
            dock = self.window.findChild(QDockWidget, name)
            if dock is not None and dock.isVisible():
                dock.hide()
                self._hidden_docks.append(dock)

    def _undo_locks(self) -> None:
        for name, enabled in self._locked.items():
            target = self._lockable(name)
            if target is not None:
                target.setEnabled(enabled)
        self._locked.clear()
        for dock in self._hidden_docks:
            dock.show()
        self._hidden_docks.clear()

    def _undo_step(self) -> None:
        if self.task_open:
            self.task_open = False
            self._set_hidden(frozenset())
        self._undo_locks()
        for widget in self._marked:
            widget.setStyleSheet("")
        self._marked.clear()
