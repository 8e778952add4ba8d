"""Guided lessons: Help ▸ Lessons, the Lessons dock, and File ▸ Save as Lesson Step….

``install_lessons(window)`` is the one call the main window makes; everything else (the dock, the
player, the menus, the remembered progress) hangs off the object it returns.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu, QMessageBox

from ...model.lesson import LessonError
from ...model.lesson_io import load_lesson, shipped_lessons
from .panel import LessonPanel
from .player import LessonPlayer
from .progress import Progress

if TYPE_CHECKING:
    from ..main_window import MainWindow

__all__ = ["LessonActions", "install_lessons"]

LESSON_FILTER = "Lessons (*.json);;All files (*)"
LESSON_WIDTH = 360  # pixels: a sentence of a step per line or two


class LessonActions(QObject):
    """The Lessons dock and menus of one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel = LessonPanel()
        self.dock = QDockWidget("Lessons", window)
        self.dock.setObjectName("LessonsDock")
        self.dock.setWidget(self.panel)  # its text and results scroll inside it
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        program = window.findChild(QDockWidget, "ProgramDock")
        if program is not None:
            window.tabifyDockWidget(program, self.dock)
        self.dock.hide()
        self.progress = Progress()
        self.player = LessonPlayer(
            window.parts, window.files, window.backward, window.actions_by_name, self.panel,
            self.progress,
        )  # fmt: skip
        self.player.step_changed.connect(lambda _i: self._refresh_menu())
        # closing the dock leaves the lesson: nothing stays hidden or locked out of sight
        self.dock.toggleViewAction().toggled.connect(self._dock_toggled)
        self.menu = QMenu("&Lessons", window)
        self.menu.aboutToShow.connect(self._refresh_menu)
        self._refresh_menu()
        self._add_to_menus()

    def _add_to_menus(self) -> None:
        menus = {a.text(): a.menu() for a in self.window.menuBar().actions() if a.menu()}
        help_menu = menus.get("&Help")
        if help_menu is not None:
            first = help_menu.actions()[0] if help_menu.actions() else None
            help_menu.insertMenu(first, self.menu)
        file_menu = menus.get("&File")
        if file_menu is not None:
            from .authoring import save_as_lesson_step

            act = QAction("Save as &Lesson Step…", self.window)
            act.setObjectName("save_lesson_step")
            act.setStatusTip("turn this graph into a lesson step with a prediction to make")
            act.triggered.connect(lambda _c=False: save_as_lesson_step(self.window))
            before = next((a for a in file_menu.actions() if a.text().startswith("E&xport")), None)
            file_menu.insertAction(before, act)
            self.window.actions_by_name["save_lesson_step"] = act
        self.window.actions_by_name["lessons_dock"] = self.dock.toggleViewAction()

    def _refresh_menu(self) -> None:
        self.menu.clear()
        for i, path in enumerate(shipped_lessons()):
            key = path.stem
            try:
                title = load_lesson(path).title
            except LessonError as exc:
                title = f"{path.name}: {exc}"
            mark = "✓ " if self.progress.done(key) else ""
            act = self.menu.addAction(f"{mark}&{i + 1}. {title}")
            act.setObjectName(f"lesson_{key}")
            act.triggered.connect(partial(self.open_path, path))
        self.menu.addSeparator()
        self.menu.addAction("&Open Lesson File…", self.open_dialog)

    def open_path(self, path: Path, _checked: bool = False) -> bool:
        """Open a lesson file at the step after the furthest one reached (a finished lesson
        starts again)."""
        try:
            lesson = load_lesson(path)
        except LessonError as exc:
            QMessageBox.warning(self.window, "Cannot open lesson", f"{Path(path).name}: {exc}")
            return False
        key = Path(path).stem
        start = 0 if self.progress.done(key) else self.progress.furthest(key)
        self._make_room()
        return self.player.open(lesson, key, max(0, start))

    def _make_room(self) -> None:
        """The dock in front, with most of the right column: a step's text and its task fit
        on a laptop screen without scrolling."""
        self.dock.show()
        self.dock.raise_()
        window = self.window
        inspector = window.findChild(QDockWidget, "InspectorDock")
        vertical, horizontal = Qt.Orientation.Vertical, Qt.Orientation.Horizontal
        if inspector is not None and inspector.isVisible() and not inspector.isFloating():
            window.resizeDocks([inspector, self.dock], [1, 3], vertical)
        window.resizeDocks([self.dock], [max(self.dock.width(), LESSON_WIDTH)], horizontal)

    def _dock_toggled(self, shown: bool) -> None:
        if not shown and self.player.lesson is not None:
            self.player.close()

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open Lesson", "", LESSON_FILTER)
        if path:
            self.open_path(Path(path))


def install_lessons(window: MainWindow) -> LessonActions:
    """Add the Lessons dock and menus to ``window`` (after its menus are built)."""
    return LessonActions(window)
