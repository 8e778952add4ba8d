"""The Load CSV dialog: a preview of the file's first rows and the choices that make it data.

What was detected (header, delimiter, decimal mark, encoding) is shown and can be changed; the
preview follows at once. The target's class names, one-hot labels, the missing-value policy and
standardisation are the choices of ``model.csv_prepare``. The whole file is read on a worker
thread with a progress bar and a Cancel button; any problem is one line under the preview (the
dialog stays open to fix the choice), never a traceback.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...model import csv_data, csv_prepare
from ...model.csv_data import CsvError

PREVIEW_ROWS = 12
DELIMITERS = {",": "comma ,", ";": "semicolon ;", "\t": "tab", "|": "bar |"}
MISSING = {
    "refuse": "refuse the file (show where)",
    "drop": "drop those rows",
    "mean": "fill with the column's mean",
}
LABELS = {"index": "class index (one column)", "onehot": "one-hot (a column per class)"}


class CsvLoader(QThread):
    """Reads and prepares the whole file off the UI thread; ``cancel()`` stops it soon."""

    progressed = Signal(float)
    loaded = Signal(object)  # csv_prepare.CsvData
    failed = Signal(str)

    def __init__(self, path: Path, choice: csv_prepare.CsvChoice, read: dict, parent=None):
        super().__init__(parent)
        self.path, self.choice, self.read = path, choice, read
        self.stop = threading.Event()

    def cancel(self) -> None:
        self.stop.set()

    def run(self) -> None:
        def progress(fraction: float) -> bool:
            self.progressed.emit(0.9 * fraction)
            return not self.stop.is_set()

        try:
            if self.stop.is_set():
                raise csv_data.CsvCancelled("the loading was cancelled")
            data = csv_prepare.load(
                self.path, self.choice, self.path.name, progress=progress, **self.read
            )
        except (CsvError, ValueError) as exc:  # ValueError: what the model refuses
            self.failed.emit(str(exc))
            return
        except MemoryError:
            self.failed.emit("the file does not fit in memory")
            return
        self.progressed.emit(1.0)
        self.loaded.emit(data)


class CsvDialog(QDialog):
    """Choose how ``path`` becomes data; after ``exec()`` accepted, ``data`` holds the leaves.

    Raises CsvError when even the first lines cannot be read (too large, not text, empty), so
    the caller shows that one line instead of a dialog.
    """

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.data: csv_prepare.CsvData | None = None
        self.loader: CsvLoader | None = None
        self.head, self.encoding, self.size = csv_data.read_head(path)
        self.table = csv_data.parse_csv(self.head, encoding=self.encoding, limit_rows=PREVIEW_ROWS)
        self.setWindowTitle(f"Load CSV — {path.name}")
        self._build()
        self._fill_detected()
        self._reparse()

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.setMinimumHeight(180)
        self.preview.verticalHeader().setDefaultSectionSize(22)
        self.header = QCheckBox("First row is a header")
        self.delimiter = QComboBox()
        for key, text in DELIMITERS.items():
            self.delimiter.addItem(text, key)
        self.decimal = QComboBox()
        self.decimal.addItem("point  5.1", ".")
        self.decimal.addItem("comma  5,1", ",")
        self.target = QComboBox()
        self.labels = QComboBox()
        for key, text in LABELS.items():
            self.labels.addItem(text, key)
        self.missing = QComboBox()
        for key, text in MISSING.items():
            self.missing.addItem(text, key)
        self.standardize = QCheckBox("Standardise features (z-score: mean 0, deviation 1)")
        self.features = QListWidget()
        self.features.setMinimumWidth(220)
        self.features.setMaximumHeight(170)
        self.classes = QLabel("Text labels become classes 0, 1, … in sorted order of their names.")
        self.classes.setWordWrap(True)
        self.classes.setStyleSheet("color: palette(placeholder-text)")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #b00020")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.load_button = QPushButton("Load")
        self.load_button.setDefault(True)
        self.buttons.addButton(self.load_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.load_button.clicked.connect(self.start_loading)
        self.buttons.rejected.connect(self.reject)
        # Return loads, wherever the focus is; Cancel takes a click or Escape
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)

        reading = QFormLayout()
        reading.addRow(self.header)
        reading.addRow("Delimiter", self.delimiter)
        reading.addRow("Decimal mark", self.decimal)
        making = QFormLayout()
        making.addRow("Target (y)", self.target)
        making.addRow("Labels", self.labels)
        making.addRow("Missing values", self.missing)
        making.addRow(self.standardize)
        making.addRow(self.classes)
        choices = QGridLayout()
        choices.addLayout(reading, 0, 0)
        choices.addLayout(making, 1, 0)
        choices.addWidget(QLabel("Features (x)"), 0, 1, Qt.AlignmentFlag.AlignBottom)
        choices.addWidget(self.features, 1, 1)
        choices.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.preview, 1)
        layout.addLayout(choices, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.resize(860, 620)

        self.header.toggled.connect(self._reparse)
        self.delimiter.currentIndexChanged.connect(self._reparse)
        self.decimal.currentIndexChanged.connect(self._reparse)
        self.target.currentIndexChanged.connect(self._target_changed)

    def _fill_detected(self) -> None:
        t = self.table
        for widget, value in ((self.delimiter, t.delimiter), (self.decimal, t.decimal)):
            widget.blockSignals(True)
            widget.setCurrentIndex(max(widget.findData(value), 0))
            widget.blockSignals(False)
        self.header.blockSignals(True)
        self.header.setChecked(t.has_header)
        self.header.blockSignals(False)

    # ---- the preview follows the reading choices --------------------------------------------
    def _reparse(self) -> None:
        try:
            self.table = csv_data.parse_csv(
                self.head,
                self.delimiter.currentData(),
                header=self.header.isChecked(),
                decimal=self.decimal.currentData(),
                encoding=self.encoding,
                limit_rows=PREVIEW_ROWS,
            )
        except CsvError as exc:
            self.say(str(exc))
            self.preview.clear()
            self.load_button.setEnabled(False)
            return
        self.say("")
        self.load_button.setEnabled(True)
        self._show_preview()
        self._fill_columns()

    def _show_preview(self) -> None:
        t = self.table
        self.preview.clear()
        self.preview.setColumnCount(len(t.columns))
        self.preview.setRowCount(len(t.cells))
        self.preview.setHorizontalHeaderLabels(list(t.columns))
        self.preview.setVerticalHeaderLabels([str(line) for line in t.lines])
        for r, row in enumerate(t.cells):
            for c, cell in enumerate(row):
                item = QTableWidgetItem(cell.strip())
                if t.is_numeric(c):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.preview.setItem(r, c, item)
        self.preview.resizeColumnsToContents()
        few = len(t.columns) <= 8  # a narrow file fills the width; a wide one scrolls
        self.preview.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch if few else QHeaderView.ResizeMode.Interactive
        )
        kinds = sum(not t.is_numeric(c) for c in range(len(t.columns)))
        size = f"{self.size / 1024:.1f} KB" if self.size < 2**20 else f"{self.size / 2**20:.1f} MB"
        self.info.setText(
            f"<b>{self.path.name}</b> — {size}, {len(t.columns)} columns "
            f"({kinds} of text); {self.encoding.upper()} text. The first {len(t.cells)} rows:"
        )

    def _fill_columns(self) -> None:
        t = self.table
        previous = self.target.currentText()
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("(none)", None)
        for index, name in enumerate(t.columns):
            self.target.addItem(name, index)
        found = self.target.findText(previous) if previous else -1
        self.target.setCurrentIndex(found if found > 0 else len(t.columns) * (len(t.columns) > 1))
        self.target.blockSignals(False)
        self._target_changed()

    def _target_changed(self) -> None:
        t, target = self.table, self.target.currentData()
        self.features.clear()
        for index, name in enumerate(t.columns):
            if index == target:
                continue
            item = QListWidgetItem(name if t.is_numeric(index) else f"{name}  (text)")
            item.setData(Qt.ItemDataRole.UserRole, index)
            numeric = t.is_numeric(index)
            item.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable
                | (Qt.ItemFlag.ItemIsEnabled if numeric else Qt.ItemFlag.NoItemFlags)
            )
            item.setCheckState(Qt.CheckState.Checked if numeric else Qt.CheckState.Unchecked)
            self.features.addItem(item)

    # ---- loading ------------------------------------------------------------------------------
    def choice(self) -> csv_prepare.CsvChoice:
        features = tuple(
            self.features.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.features.count())
            if self.features.item(i).checkState() == Qt.CheckState.Checked
        )
        return csv_prepare.CsvChoice(
            target=self.target.currentData(),
            features=features,
            labels=self.labels.currentData(),
            missing=self.missing.currentData(),
            standardize=self.standardize.isChecked(),
        )

    def reading(self) -> dict:
        return {
            "delimiter": self.delimiter.currentData(),
            "header": self.header.isChecked(),
            "decimal": self.decimal.currentData(),
            "encoding": self.encoding,
        }

    def start_loading(self) -> CsvLoader | None:
        """Read the whole file on a worker; the dialog accepts when the leaves are ready."""
        choice = self.choice()
        if not choice.features:
            self.say("choose at least one feature column")
            return None
        self.loader = CsvLoader(self.path, choice, self.reading(), self)
        self.loader.progressed.connect(lambda f: self.progress.setValue(round(100 * f)))
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(self._failed)
        self._busy(True)
        self.loader.start()
        return self.loader

    def _loaded(self, data: csv_prepare.CsvData) -> None:
        self._busy(False)
        self.data = data
        self.accept()

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.say(message)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setValue(0)
        self.load_button.setEnabled(not busy)
        for widget in (self.header, self.delimiter, self.decimal, self.target, self.features):
            widget.setEnabled(not busy)
        for widget in (self.labels, self.missing, self.standardize):
            widget.setEnabled(not busy)

    def reject(self) -> None:
        """Cancel: stop a running load (the dialog stays, saying so), else close."""
        if self.loader is not None and self.loader.isRunning():
            self.loader.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.loader is not None:
            self.loader.cancel()
            self.loader.wait()
        super().done(result)

    def say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))


__all__ = ["CsvDialog", "CsvLoader"]
