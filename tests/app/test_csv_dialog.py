"""The Load CSV dialog: preview, detected choices that can be changed, a worker with progress and
cancel, and messages instead of tracebacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from backprop_studio.app.files.csv_dialog import CsvDialog, CsvLoader
from backprop_studio.model import limits
from backprop_studio.model.csv_data import CsvError
from backprop_studio.model.csv_prepare import CsvChoice

DATA = Path(__file__).parents[1] / "data"


def load(qtbot, dialog: CsvDialog):
    """Press Load and wait for the worker's answer (the progress bar hides again)."""
    loader = dialog.start_loading()
    assert loader is not None and not dialog.progress.isHidden()
    qtbot.waitUntil(dialog.progress.isHidden, timeout=30_000)
    loader.wait()
    return dialog


@pytest.fixture
def iris(qtbot):
    dialog = CsvDialog(DATA / "iris.csv")
    qtbot.addWidget(dialog)
    return dialog


def test_iris_preview_and_defaults(iris):
    assert iris.header.isChecked() and iris.delimiter.currentData() == ","
    assert iris.preview.columnCount() == 5 and iris.preview.rowCount() == 12
    assert iris.preview.horizontalHeaderItem(4).text() == "species"
    assert iris.preview.item(0, 4).text() == "setosa"
    assert iris.target.currentText() == "species"
    assert iris.choice().features == (0, 1, 2, 3)
    assert "iris.csv" in iris.info.text() and "5 columns (1 of text)" in iris.info.text()


def test_iris_loads_standardised_with_its_class_names(qtbot, iris):
    iris.standardize.setChecked(True)
    iris.labels.setCurrentIndex(iris.labels.findData("onehot"))
    load(qtbot, iris)
    assert iris.result() == CsvDialog.DialogCode.Accepted
    data = iris.data
    assert len(data.x) == 150 and data.y[0] == [1.0, 0.0, 0.0]
    assert data.y_attrs["class_names"] == ("setosa", "versicolor", "virginica")
    assert data.x_attrs["csv"] == "iris.csv" and len(data.x_attrs["std"]) == 4


def test_the_header_toggle_renames_the_columns(iris):
    iris.header.setChecked(False)
    assert iris.preview.horizontalHeaderItem(0).text() == "0"
    assert iris.preview.item(0, 0).text() == "sepal_length"
    # every column has text now (its first cell): none can be a feature
    flags = iris.features.item(0).flags()
    assert not flags & Qt.ItemFlag.ItemIsEnabled
    iris.header.setChecked(True)
    assert iris.target.currentText() == "species"


def test_a_european_file_is_detected(qtbot):
    dialog = CsvDialog(DATA / "european.csv")
    qtbot.addWidget(dialog)
    assert dialog.delimiter.currentData() == ";" and dialog.decimal.currentData() == ","
    assert dialog.encoding == "cp1252" and dialog.preview.item(0, 0).text() == "5,1"
    load(qtbot, dialog)
    assert dialog.data.x[0] == [5.1, 3.5, 1.4, 0.2] and len(dialog.data.classes) == 3


def test_missing_values_are_a_message_then_a_choice(qtbot, tmp_path):
    dialog = CsvDialog(DATA / "na_gaps.csv")
    qtbot.addWidget(dialog)
    load(qtbot, dialog)
    assert dialog.data is None and dialog.isEnabled()
    assert "line 5, column 'sepal_width' is missing" in dialog.status.text()
    assert dialog.load_button.isEnabled()  # fix the choice and try again
    dialog.missing.setCurrentIndex(dialog.missing.findData("drop"))
    load(qtbot, dialog)
    assert len(dialog.data.x) == 26 and dialog.data.dropped == 4


def test_a_cancelled_loader_reports_it(qtbot):
    loader = CsvLoader(DATA / "iris.csv", CsvChoice(target="species"), {})
    failed = []
    loader.failed.connect(failed.append)
    loader.cancel()
    with qtbot.waitSignal(loader.finished, timeout=30_000):
        loader.start()
    qtbot.waitUntil(lambda: bool(failed))
    assert failed == ["the loading was cancelled"]


def test_cancel_while_loading_stops_the_worker_not_the_dialog(qtbot, iris, monkeypatch):
    iris.show()
    loader = iris.start_loading()
    iris.reject()  # the Cancel button during a load
    qtbot.waitUntil(lambda: not loader.isRunning(), timeout=30_000)
    assert loader.stop.is_set()


def test_a_huge_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "1,2\n" * 100)
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 100)
    with pytest.raises(CsvError, match="cannot be loaded: it is too large"):
        CsvDialog(path)


def test_a_bad_delimiter_choice_is_a_message(qtbot, tmp_path):
    path = tmp_path / "t.csv"
    shutil.copy(DATA / "bom.csv", path)
    dialog = CsvDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.preview.horizontalHeaderItem(0).text() == "size, in m²"
    dialog.delimiter.setCurrentIndex(dialog.delimiter.findData(";"))
    assert dialog.preview.columnCount() == 1 or dialog.status.text()


def test_a_long_file_reports_its_progress(qtbot, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a,b,k\n" + "".join(f"{i},{i % 7},c{i % 3}\n" for i in range(20_000)))
    dialog = CsvDialog(path)
    qtbot.addWidget(dialog)
    shown = []
    loader = dialog.start_loading()
    loader.progressed.connect(shown.append)
    qtbot.waitUntil(dialog.progress.isHidden, timeout=60_000)
    assert len(dialog.data.x) == 20_000 and dialog.data.classes == ("c0", "c1", "c2")
    assert shown and shown[-1] == 1.0 and all(0 <= f <= 1 for f in shown)


def test_return_loads_even_with_the_focus_on_cancel(qtbot, iris):
    iris.show()
    cancel = iris.buttons.button(iris.buttons.StandardButton.Cancel)
    cancel.setFocus()
    qtbot.waitUntil(cancel.hasFocus, timeout=5_000)
    qtbot.keyClick(cancel, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: iris.result() == CsvDialog.DialogCode.Accepted, timeout=30_000)
    assert iris.data is not None and len(iris.data.x) == 150
