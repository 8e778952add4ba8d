"""File ▸ Export, Edit ▸ Copy Image and opening exported pictures, in the real window."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from backprop_studio.app.export import dialog as export_dialog
from backprop_studio.app.export.actions import KINDS, ExportOptions
from backprop_studio.canvas.export import ExportError
from backprop_studio.model.document_io import loads
from backprop_studio.model.embedded import unwrap
from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle
from tests.app.test_training import SEED_FILE, open_seed, run_to_end


def test_the_menus_have_every_export_and_copy_image(qtbot, window):
    names = set(window.actions_by_name)
    assert {f"export_{kind}" for kind in KINDS} <= names
    assert window.actions_by_name["copy_image"].shortcut().toString() == "Ctrl+Shift+C"


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_an_exported_picture_opens_as_an_untitled_graph(qtbot, window, tmp_path, kind):
    open_seed(qtbot, window)
    before = window.graph.structure()
    path = tmp_path / f"slide.{kind}"
    assert window.exports.write(kind, path)
    assert window.files.open_path(path, ask=False)
    assert window.graph.structure() == before
    assert window.document.path is None  # Save asks for a name instead of writing over the image
    assert path.read_bytes()[:4] in (b"\x89PNG", b"<?xm")


def test_selection_exports_only_the_selection(qtbot, window, tmp_path):
    open_seed(qtbot, window)
    window.scene.select_names(["w", "x", "y_hat"])
    path = tmp_path / "part.png"
    window.exports.write("png", path, ExportOptions(selection=True, scale=1.0))
    assert sorted(loads(unwrap(path.read_bytes())).graph.names) == ["w", "x", "y_hat"]
    assert sorted(window.scene.selected_names()) == ["w", "x", "y_hat"]  # still selected


def test_pdf_gif_and_code(qtbot, window, tmp_path):
    open_seed(qtbot, window)
    window.exports.write("pdf", tmp_path / "g.pdf", ExportOptions(theme="dark"))
    assert (tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
    options = ExportOptions(width=320, frames_per_step=1, forward=False)
    window.exports.write("gif", tmp_path / "g.gif", options)
    assert Image.open(tmp_path / "g.gif").n_frames == 5  # start, seed, three edges
    window.exports.write("py", tmp_path / "g.py", ExportOptions(train=True))
    assert "torch.optim.SGD" in (tmp_path / "g.py").read_text(encoding="utf-8")


def test_gif_needs_a_current_run(qtbot, window, tmp_path):
    open_seed(qtbot, window)
    window.graph.set_value("w", 3.0)  # edited: the shown run is older than the graph
    with pytest.raises(ExportError, match="evaluate the graph first"):
        window.exports.write("gif", tmp_path / "stale.gif")


def test_copy_image_puts_a_picture_with_the_graph_on_the_clipboard(qtbot, window):
    open_seed(qtbot, window)
    assert window.exports.copy_image()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasImage()
    png = bytes(mime.data("image/png").data())
    assert loads(unwrap(png)).graph.structure() == window.graph.structure()
    assert "image/svg+xml" in mime.formats()
    svg = bytes(mime.data("image/svg+xml").data()).decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<text" in svg
    assert loads(unwrap(svg.encode("utf-8"))).graph.structure() == window.graph.structure()
    QGuiApplication.clipboard().clear()


def test_loss_history_and_plot_after_training(qtbot, window, tmp_path):
    training = open_seed(qtbot, window)
    with pytest.raises(ExportError, match="train the graph first"):
        window.exports.write("loss_csv", tmp_path / "none.csv")
    run_to_end(qtbot, training, 20)
    window.exports.write("loss_csv", tmp_path / "loss.csv")
    rows = list(csv.reader((tmp_path / "loss.csv").open(encoding="utf-8")))
    assert rows[0] == ["iteration", "loss"]
    assert rows[1] == ["0", "1.0"] and len(rows) >= 21
    window.exports.write("loss_plot", tmp_path / "loss.png")
    assert Image.open(tmp_path / "loss.png").width == 1200
    window.exports.write("loss_plot", tmp_path / "loss.svg")
    assert "<text" in (tmp_path / "loss.svg").read_text(encoding="utf-8")


def test_the_menu_path_asks_options_then_a_file(qtbot, window, tmp_path, monkeypatch):
    open_seed(qtbot, window)
    target = tmp_path / "asked"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(target), "PNG image (*.png)"))
    )
    monkeypatch.setattr(export_dialog, "ask_options", lambda parent, kind, last, sel: last)
    window.actions_by_name["export_png"].trigger()
    assert Image.open(target.with_suffix(".png")).format == "PNG"
    monkeypatch.setattr(export_dialog, "ask_options", lambda *a: None)  # cancelled
    assert window.exports.ask("svg") is None


def test_the_options_dialog_reads_back_what_it_shows(qtbot, window):
    dialog = export_dialog.ExportDialog("gif", ExportOptions(speed=2.0), has_selection=False)
    qtbot.addWidget(dialog)
    dialog.width.setValue(480)
    dialog.forward.setChecked(False)
    options = dialog.options()
    assert (options.width, options.speed, options.forward) == (480, 2.0, False)
    assert not dialog.selection.isEnabled() and not options.selection


def test_a_failed_export_is_a_dialog_not_a_crash(qtbot, window, tmp_path, dialogs):
    settle(qtbot, window)  # an empty document: nothing to draw
    assert not window.exports.write("png", tmp_path / "empty.png", report=True)
    assert dialogs.shown and dialogs.shown[-1][1] == "Cannot export"
    assert not Path(tmp_path / "empty.png").exists()
    assert SEED_FILE.exists()


def test_an_untitled_example_exports_to_home_under_its_name_then_where_the_last_went(
    qtbot, window, monkeypatch, tmp_path
):
    monkeypatch.setattr(Path, "home", staticmethod(lambda: tmp_path / "home"))
    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window)
    starts = []

    def save_name(_parent, _title, start, _filters):
        starts.append(start)
        return str(tmp_path / "out" / "story.svg"), "SVG image (*.svg)"

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    monkeypatch.setattr(export_dialog, "ask_options", lambda parent, kind, last, sel: last)
    assert window.exports.ask("svg") == tmp_path / "out" / "story.svg"
    assert window.exports.ask("png") is not None
    assert starts == [
        str(tmp_path / "home" / "the-seed-story.svg"),  # not the process's working folder
        str(tmp_path / "out" / "the-seed-story.png"),  # where the last export went
    ]
