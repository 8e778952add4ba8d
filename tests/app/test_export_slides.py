"""File ▸ Export as a slide: the dialog's frames, the window's canvas left as it was, the status."""

from __future__ import annotations

from dataclasses import replace

from PIL import Image

from backprop_studio.app.export import dialog as export_dialog
from backprop_studio.app.export.actions import ExportOptions
from backprop_studio.model.document_io import loads
from backprop_studio.model.embedded import unwrap
from tests.app.test_training import open_seed


def test_the_dialog_offers_slide_frames_and_reads_them_back(qtbot, window):
    dialog = export_dialog.ExportDialog("png", ExportOptions(), has_selection=False)
    qtbot.addWidget(dialog)
    assert not dialog.min_points.isEnabled() and dialog.scale.isEnabled()  # as drawn
    dialog.frame.setCurrentIndex(dialog.frame.findData("4:3"))
    assert (dialog.frame_width.value(), dialog.frame_height.value()) == (1440, 1080)
    assert not dialog.frame_width.isEnabled() and not dialog.scale.isEnabled()
    dialog.frame.setCurrentIndex(dialog.frame.findData("custom"))
    assert dialog.frame_width.isEnabled()
    dialog.frame_width.setValue(1280)
    dialog.frame_height.setValue(720)
    dialog.min_points.setValue(6.5)
    dialog.values_only.setChecked(True)
    dialog.background.setCurrentIndex(dialog.background.findData("white"))
    options = dialog.options()
    assert (options.frame, options.frame_size, options.min_points) == ("custom", (1280, 720), 6.5)
    assert options.values_only and options.background == "white"


def test_pdf_asks_for_a_background_too(qtbot, window):
    dialog = export_dialog.ExportDialog("pdf", ExportOptions(), has_selection=False)
    qtbot.addWidget(dialog)
    dialog.background.setCurrentIndex(dialog.background.findData("transparent"))
    assert dialog.options().background == "transparent"


def test_a_16_9_slide_of_the_canvas_leaves_the_canvas_alone(qtbot, window, tmp_path):
    open_seed(qtbot, window)
    before = {node.name: node.position for node in window.graph}
    steps = window.document.undo_stack.count()
    said = []
    window.exports.say = lambda text, *_: said.append(text)
    path = tmp_path / "seed.png"
    assert window.exports.write("png", path, ExportOptions(frame="16:9"), report=True)
    assert Image.open(path).size == (1920, 1080)
    assert Image.open(path).convert("RGB").getpixel((0, 0)) == (255, 255, 255)
    assert {node.name: node.position for node in window.graph} == before
    assert window.document.undo_stack.count() == steps
    assert "1920 × 1080" in said[-1] and "smallest text" in said[-1]
    assert sorted(loads(unwrap(path.read_bytes())).graph.names) == sorted(window.graph.names)


def test_a_slide_too_small_for_its_text_is_a_dialog(qtbot, window, tmp_path, dialogs):
    open_seed(qtbot, window)
    options = ExportOptions(frame="custom", frame_size=(320, 180), min_points=20)
    assert not window.exports.write("svg", tmp_path / "s.svg", options, report=True)
    assert dialogs.shown[-1][1] == "Cannot export" and "pt" in dialogs.shown[-1][2]
    assert not (tmp_path / "s.svg").exists()


def test_the_gif_dialog_asks_how_long_each_step_is_held(qtbot, window, tmp_path):
    dialog = export_dialog.ExportDialog("gif", ExportOptions(), has_selection=False)
    qtbot.addWidget(dialog)
    assert dialog.hold.value() == 2.5
    dialog.hold.setValue(1.0)
    options = dialog.options()
    assert options.hold == 1.0
    open_seed(qtbot, window)
    path = tmp_path / "seed.gif"
    window.exports.write("gif", path, replace(options, width=320, forward=False))
    image = Image.open(path)
    image.seek(image.n_frames - 1)
    assert image.info["duration"] == 2500  # the end: at least the usual hold


def test_a_slide_of_iteration_0_embeds_and_shows_iteration_0(qtbot, window, tmp_path):
    from PySide6.QtGui import QImage

    from backprop_studio.model import document_io
    from tests.app.test_training import _trainer_at, run_to_end

    training = open_seed(qtbot, window)
    run_to_end(qtbot, training, 10)
    start = _trainer_at(0).trace()
    trained_w = window.graph.node("w").value
    assert trained_w != start.value("w")
    training.timeline.slider.setValue(0)
    qtbot.waitUntil(lambda: window.trace is not None and window.trace.value("w") == 1.0)
    path = tmp_path / "before.png"
    assert window.exports.write("png", path, ExportOptions(frame="16:9"))
    reopened = document_io.load_document(path).graph
    assert reopened.node("w").value == start.value("w")
    assert window.graph.node("w").value == trained_w
    assert QImage(str(path)).text("Description") == "iteration 0 of 10"
