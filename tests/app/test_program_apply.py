"""The program view reads well and Apply loses nothing: labels survive, trained numbers show
rounded while the document keeps every digit, and an edited number is taken as typed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from backprop_studio import commands
from backprop_studio.model.gallery import example_path


def _apply(qtbot, window, edit) -> None:
    editor = window.program.editor
    editor.setPlainText(edit(editor.toPlainText()))
    qtbot.mouseClick(window.program.apply_button, Qt.MouseButton.LeftButton)


def test_apply_keeps_labels_and_constants(qtbot, window):
    window.files.open_example(example_path("seed"))
    before = {n.name: (n.op, n.label) for n in window.graph}
    assert before["y_hat"] == ("mul", "ŷ")
    _apply(qtbot, window, lambda text: text.replace("w = 1.0", "w = 1.5"))
    assert window.graph.node("w").value == 1.5
    assert {n.name: (n.op, n.label) for n in window.graph} == before


def test_trained_numbers_read_rounded_and_stay_exact(qtbot, window):
    window.files.open_example(example_path("seed"))
    exact = 1.8700328352231417
    window.push(commands.SetValue(window.graph, "w", exact))
    qtbot.waitUntil(lambda: "w = 1.0\n" not in window.program.editor.toPlainText())
    text = window.program.editor.toPlainText()
    assert "w = 1.87003\n" in text and "1.8700328" not in text

    # applying an unrelated edit keeps w's every digit
    _apply(qtbot, window, lambda t: t.replace("y = data(2.0)", "y = data(3.0)"))
    assert window.graph.node("y").value == 3.0
    assert window.graph.node("w").value == exact

    # an edited number is taken as typed
    _apply(qtbot, window, lambda t: t.replace("w = 1.87003", "w = 1.87004"))
    assert window.graph.node("w").value == 1.87004


def _open_seed_fitted(window) -> None:
    """The seed story open, and the fit that opening schedules done (so it cannot come later)."""
    from PySide6.QtWidgets import QApplication

    window.files.open_example(example_path("seed"))
    QApplication.processEvents()


def _shown_and_visible(window):
    from backprop_studio.canvas.view import _shown_rect

    view = window.view
    return _shown_rect(window.scene), view.mapToScene(view.viewport().rect()).boundingRect()


def test_apply_brings_a_graph_off_screen_back_into_view(qtbot, window):
    _open_seed_fitted(window)
    window.view.centerOn(20000.0, 20000.0)  # panned far away from every card
    shown, visible = _shown_and_visible(window)
    assert not visible.intersects(shown)
    _apply(qtbot, window, lambda text: text.replace("w = 1.0", "w = 1.5"))
    assert window.graph.node("w").value == 1.5
    shown, visible = _shown_and_visible(window)
    assert visible.contains(shown)


def test_apply_leaves_a_view_that_shows_the_whole_graph_alone(qtbot, window):
    _open_seed_fitted(window)
    view = window.view
    shown, _ = _shown_and_visible(window)
    port = view.viewport().rect()
    zoom = 0.6 * min(port.width() / shown.width(), port.height() / shown.height())
    view.resetTransform()
    view.scale(zoom, zoom)  # the whole graph in sight with room around it, not fitted
    view.centerOn(shown.center())
    shown, visible = _shown_and_visible(window)
    assert visible.contains(shown)
    transform = window.view.transform()
    _apply(qtbot, window, lambda text: text.replace("w = 1.0", "w = 1.5"))
    assert window.graph.node("w").value == 1.5
    assert window.view.transform() == transform
