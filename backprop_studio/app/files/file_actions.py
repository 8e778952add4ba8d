"""File menu work: new, open, recent, examples, save, revert, recovery after a crash.

Opening validates the whole file before anything changes, so a bad file leaves the current
document exactly as it was; every failure is a dialog with one clear sentence.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ...document import (
    Document,
    orphaned_recoveries,
    remove_stale_recovery_temps,
    restore_recovery,
)
from ...model import document_io, embedded
from ...model.gallery import examples_dir as gallery_examples_dir

if TYPE_CHECKING:
    from ..main_window import MainWindow

FILE_FILTER = "Backprop Studio graphs (*.json);;All files (*)"
OPEN_FILTER = "Graphs, exported images and programs (*.json *.png *.svg *.bps);;All files (*)"
MAX_RECENT = 8


def examples_dir() -> Path:
    return gallery_examples_dir()


def example_files() -> list[Path]:
    return sorted(examples_dir().glob("*.json"))


def settings() -> QSettings:
    return QSettings("Backprop Studio", "Backprop Studio")


def _is_image(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            return embedded.image_kind(file.read(65536)) is not None
    except OSError:
        return False


class FileActions:
    """The File menu's behaviour, kept apart from the window's wiring. It alone replaces the
    window's document (after asking to save the one open), so it holds the window itself."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    # ---- opening -------------------------------------------------------------------------
    def new(self) -> None:
        if self.maybe_save():
            self.window.set_document(Document())

    def open_dialog(self) -> None:
        """Choose a file first; only then ask about unsaved changes (a cancelled dialog asks
        nothing)."""
        start = str(self.window.document.path.parent) if self.window.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open graph", start, OPEN_FILTER)
        if path:
            self.open_path(Path(path), ask=True)

    def open_path(self, path: Path, ask: bool = True) -> bool:
        """Open ``path``; on any problem show why and keep the current document untouched."""
        if ask and not self.maybe_save():
            return False
        try:
            document = Document.open(path)
        except document_io.DocumentError as exc:
            QMessageBox.warning(self.window, "Cannot open file", f"{path.name}: {exc}")
            self.forget_recent(path)
            return False
        picture = _is_image(path)
        if picture:
            document.path = None  # the graph of an exported picture: Save must not overwrite it
            document.untitled_name = f"graph from {path.name}"
        elif _is_shipped_example(path):  # named on the command line: still an untitled copy
            document.path = None
            document.untitled_name = f"{example_title(path)} (example)"
        self.window.set_document(document)
        if picture:
            self.window.say(f"Opened the graph inside {path.name}", 6000)
        self.add_recent(path)
        return True

    def open_example(self, path: Path) -> bool:
        """An example opens as an untitled copy, so the shipped file is never overwritten."""
        if not self.maybe_save():
            return False
        try:
            data = document_io.load_document(path)
        except document_io.DocumentError as exc:
            QMessageBox.warning(self.window, "Cannot open example", f"{path.name}: {exc}")
            return False
        document = Document(data.graph, None, data.settings, data.view)
        document.untitled_name = f"{example_title(path)} (example)"
        self.window.set_document(document)
        return True

    def open_untitled(self, document: Document) -> bool:
        """Show a document made elsewhere (an import) in place of the open one, once that one is
        saved or given up; False when the user keeps it."""
        if not self.maybe_save():
            return False
        self.replace_document(document)
        return True

    def replace_document(self, document: Document) -> None:
        """Show ``document`` without asking: for a caller that asked already (a lesson asks once,
        then opens each of its steps)."""
        self.window.set_document(document)

    def revert(self) -> None:
        doc = self.window.document
        if doc.path is None or not doc.dirty:
            return
        answer = QMessageBox.question(
            self.window, "Revert", f"Throw away all changes since {doc.path.name} was last saved?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.open_path(doc.path, ask=False)

    # ---- saving --------------------------------------------------------------------------
    def save(self) -> bool:
        doc = self.window.document
        if doc.path is None:
            return self.save_as()
        return self._save_to(doc.path)

    def save_as(self) -> bool:
        doc = self.window.document
        start = str(doc.path) if doc.path else "untitled.json"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save graph", start, FILE_FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".json"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.window.document.save(path)
        except (OSError, document_io.DocumentError) as exc:
            QMessageBox.critical(
                self.window, "Cannot save", f"{path}: {exc}\nYour work is still open."
            )
            return False
        self.add_recent(path)
        self.window.say(f"Saved {path}", 4000)
        return True

    def maybe_save(self) -> bool:
        """True when it is fine to replace or close the document (saved, discarded, or clean)."""
        doc = self.window.document
        if not doc.dirty:
            return True
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save changes to {doc.title} before closing it?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # ---- recent files and window state -----------------------------------------------------
    def recent(self) -> list[Path]:
        value = settings().value("recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [Path(p) for p in items if p]

    def add_recent(self, path: Path) -> None:
        items = [str(path.resolve())] + [str(p) for p in self.recent() if p != path.resolve()]
        settings().setValue("recent", items[:MAX_RECENT])

    def forget_recent(self, path: Path) -> None:
        settings().setValue("recent", [str(p) for p in self.recent() if p != path.resolve()])

    def remember_window(self) -> None:
        s = settings()
        s.setValue("geometry", self.window.saveGeometry())
        s.setValue("windowState", self.window.saveState())

    def restore_window(self) -> bool:
        """The window's size and docks as they were when it last closed; False: none saved."""
        s = settings()
        geometry, state = s.value("geometry"), s.value("windowState")
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        if state is not None:
            self.window.restoreState(state)
        return state is not None

    # ---- recovery ------------------------------------------------------------------------
    def offer_recovery(self) -> bool:
        """After a crash: offer the newest orphaned recovery copy; True when one was restored.

        Called once at start, so it also removes temporary files that a dead app left half-written.
        """
        remove_stale_recovery_temps()
        found = orphaned_recoveries()
        if not found:
            return False
        newest = found[0]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(newest.stat().st_mtime))
        answer = QMessageBox.question(
            self.window,
            "Restore unsaved work?",
            f"Backprop Studio did not close normally. Restore the unsaved work from {when}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        restored = False
        if answer == QMessageBox.StandardButton.Yes:
            try:
                self.window.set_document(restore_recovery(newest))
                restored = True
            except document_io.DocumentError as exc:
                QMessageBox.warning(self.window, "Cannot restore", str(exc))
        if restored:
            self.window.document.write_recovery()  # the restored work is protected again at once
        for path in found:
            path.unlink(missing_ok=True)
        return restored


def _is_shipped_example(path: Path) -> bool:
    """A file of the gallery that ships with the studio, which Save must never overwrite."""
    try:
        return Path(path).resolve().parent == examples_dir().resolve()
    except OSError:
        return False


def example_title(path: Path) -> str:
    """The gallery's title of a shipped example, else its file name in words."""
    from ...model.gallery import EXAMPLES

    for example in EXAMPLES:
        if example.name == path.stem:
            return example.title
    return path.stem.replace("_", " ")
