"""File ▸ Import PyTorch…: a function or nn.Module in a .py file, opened as a new graph.

Importing runs the user's code, so it happens only here, after a confirmation that names the
file and what in it will run, and in a child process (``backprop-studio import``): the code
cannot change the editor's own state, a file that loops forever is stopped after
:data:`TIMEOUT_MS`, and what comes back is a document, numbers and ops with no code in it.
A refusal is one dialog listing every call that does not map, with its line.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from ...document import Document
from ...model import document_io
from ...model.python_source import importable_names, is_exported_script
from .file_actions import FileActions

PYTHON_FILTER = "Python files (*.py);;All files (*)"
TIMEOUT_MS = 120_000
MAX_SOURCE_BYTES = 2_000_000
_PREFIX = "backprop-studio import: "


class PyTorchImport(QObject):
    """One import at a time: choose, confirm, run in a child process, open the result."""

    finished = Signal(bool)  # True when a document was opened

    def __init__(self, files: FileActions, say: Callable[..., None], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("pytorch_import")
        self.window = parent  # of the dialogs
        self._files, self._say = files, say
        self.process: QProcess | None = None
        self._folder: str | None = None
        self._what = ""
        self._timer = QTimer(self, singleShot=True, interval=TIMEOUT_MS)
        self._timer.timeout.connect(self._too_long)

    @property
    def running(self) -> bool:
        return self.process is not None

    def choose(self) -> None:
        """The menu entry: a file dialog, then :meth:`start`."""
        if self.running:
            self._say("An import is already running")
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Import PyTorch", "", PYTHON_FILTER)
        if path:
            self.start(Path(path))

    def start(self, path: Path) -> bool:
        """Ask what to import and for confirmation, then run it; False when nothing runs."""
        try:
            with open(path, "rb") as file:
                source = file.read(MAX_SOURCE_BYTES + 1).decode("utf-8", errors="replace")
        except OSError as exc:
            return self._refused(f"cannot open '{path.name}': {exc.strerror or exc}")
        name = None if is_exported_script(source) else self._pick(path, source)
        if name == "":
            return False
        what = f"{name} in {path.name}" if name else f"the exported script {path.name}"
        answer = QMessageBox.question(
            self.window,
            "Import PyTorch",
            f"Importing runs the Python code in {path} ({what}"
            f"{' and its example_inputs()' if name else ''}).\n\n"
            "Only import code you trust. Run it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self._run(path, name)
        return True

    def _pick(self, path: Path, source: str) -> str:
        names = importable_names(source)
        if not names:
            self._refused(f"{path.name} has no function or class to import")
            return ""
        if len(names) == 1:
            return names[0]
        name, ok = QInputDialog.getItem(
            self.window, "Import PyTorch", f"What in {path.name} to import:", names, 0, False
        )
        return name if ok else ""

    def _run(self, path: Path, name: str | None) -> None:
        self._folder = tempfile.mkdtemp(prefix="backprop-studio-import-")
        self._what = f"{name} from {path.name}" if name else path.name
        target = f"{path}:{name}" if name else str(path)
        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments(["-m", "backprop_studio", "import", target, "-o", self._out()])
        process.finished.connect(self._done)
        self.process = process
        process.start()
        self._timer.start()
        self._say(f"Importing {self._what}…", TIMEOUT_MS)

    def _out(self) -> str:
        assert self._folder is not None
        return str(Path(self._folder) / "imported.json")

    def _done(self, code: int, status: QProcess.ExitStatus) -> None:
        process, self.process = self.process, None
        self._timer.stop()
        assert process is not None
        error = bytes(process.readAllStandardError().data()).decode("utf-8", "replace").strip()
        process.deleteLater()
        opened = False
        try:
            if status == QProcess.ExitStatus.NormalExit and code == 0:
                opened = self._open(Path(self._out()))
            elif error:
                self._refused(error.splitlines()[-1].removeprefix(_PREFIX))
            else:
                self._refused(f"importing {self._what} stopped before it finished")
        finally:
            shutil.rmtree(self._folder or "", ignore_errors=True)
            self._folder = None
        self.finished.emit(opened)

    def _open(self, out: Path) -> bool:
        try:
            data = document_io.load_document(out)
        except document_io.DocumentError as exc:
            return self._refused(str(exc))
        document = Document(data.graph, None, data.settings)
        document.untitled_name = f"{self._what} (imported)"
        if not self._files.open_untitled(document):
            return False
        self._say(f"Imported {self._what}: {len(data.graph)} nodes", 6000)
        return True

    def _too_long(self) -> None:
        if self.process is not None:
            self.process.kill()  # _done follows, with a crash exit and nothing written
            self._what += f" (stopped after {TIMEOUT_MS // 1000} s)"

    def _refused(self, message: str) -> bool:
        """The refusal as a dialog: the summary, then each call on its own line."""
        head, _, rest = message.partition(": line ")
        text = message
        if rest:
            text = head + ":\n\n" + "\n".join("line " + p for p in rest.split("; line "))
        self._say(f"Not imported: {head}", 8000)  # in place of "Importing …", which is over
        QMessageBox.warning(self.window, "Cannot import", text)
        return False
