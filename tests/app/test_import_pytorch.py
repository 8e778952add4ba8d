"""File ▸ Import PyTorch…: confirm, run the import in a child process, open a new graph."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from backprop_studio.app.files.import_pytorch import PyTorchImport
from tests.app.conftest import settle
from tests.engine.test_import import FUNCTIONS, write


def importer_of(window) -> PyTorchImport:
    return window.findChild(PyTorchImport, "pytorch_import")


def run_import(qtbot, window, path) -> bool:
    importer = importer_of(window)
    with qtbot.waitSignal(importer.finished, timeout=120_000) as finished:
        assert importer.start(path)
    return finished.args[0]


def test_importing_a_function_opens_it_as_a_new_untitled_graph(
    qtbot, window, dialogs, tmp_path, monkeypatch
):
    assert window.actions_by_name["import_pytorch"].text() == "&Import PyTorch…"
    path = write(tmp_path, FUNCTIONS)
    asked = []

    def pick(parent, title, label, items, *args):
        asked.append(list(items))
        return "seed", True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    dialogs.answer = QMessageBox.StandardButton.Yes
    assert run_import(qtbot, window, path)
    assert asked == [["seed", "fan_out"]]
    kind, title, text = dialogs.shown[0]
    assert kind == "question" and str(path) in text and "seed" in text
    assert window.graph.names == ["x", "y", "w", "y_hat", "sub_1", "loss"]
    assert window.document.path is None
    assert window.document.title == "seed from model.py (imported)"
    trace = settle(qtbot, window)
    assert trace.value("loss") == 1.0 and trace.grad("w") == -2.0


def test_a_declined_confirmation_runs_nothing(qtbot, window, dialogs, tmp_path):
    path = write(tmp_path, "import torch\ndef f(x):\n    return x\n")
    dialogs.answer = QMessageBox.StandardButton.Cancel
    before = window.graph.structure()
    assert not importer_of(window).start(path)
    assert not importer_of(window).running
    assert window.graph.structure() == before


def test_a_refusal_is_one_dialog_listing_each_call_and_line(qtbot, window, dialogs, tmp_path):
    source = "import torch\n\ndef f(x):\n    y = torch.erf(x)\n    return y.cumsum(0).sum()\n"
    source += "\ndef example_inputs():\n    return (torch.ones(2, requires_grad=True),)\n"
    path = write(tmp_path, source)
    dialogs.answer = QMessageBox.StandardButton.Yes
    before = window.graph.structure()
    assert not run_import(qtbot, window, path)
    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("warning", "Cannot import")
    assert text.splitlines()[-2:] == [
        "line 4: torch.erf: not in the studio's catalogue",
        "line 5: Tensor.cumsum: not in the studio's catalogue",
    ]
    assert window.graph.structure() == before
    status = window.statusBar().currentMessage()  # no longer "Importing …" for two minutes
    assert status.startswith("Not imported: ") and "Importing" not in status, status
