"""What you see is what is embedded: a picture exported while the timeline shows an earlier
iteration carries that iteration's parameters, says which iteration it is, and reopens (in the
editor or with ``backprop-studio eval``) with the numbers it shows."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from backprop_studio.canvas import export_document
from backprop_studio.model import document_io
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.trace import Trace
from tests.app.test_training import _trainer_at, card, open_seed, run_to_end
from tests.test_cli import run


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_a_picture_of_iteration_0_embeds_iteration_0(qtbot, window, tmp_path, capsys, kind):
    training = open_seed(qtbot, window)
    run_to_end(qtbot, training, 10)
    trained_w = window.graph.node("w").value
    start = _trainer_at(0).trace()
    assert trained_w != start.value("w")
    training.timeline.slider.setValue(0)  # as a drag to the start does
    qtbot.waitUntil(lambda: window.trace is not None and window.trace.value("w") == 1.0)
    assert "1" in card(window, "w")

    path = tmp_path / f"before.{kind}"
    assert window.exports.write(kind, path)
    assert window.graph.node("w").value == trained_w  # the document itself keeps training's
    reopened = document_io.load_document(path).graph
    assert reopened.node("w").value == start.value("w")
    code, out, err = run(capsys, "eval", str(path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["nodes"]["w"]["value"] == start.value("w")
    assert data["output"] == pytest.approx(start.value("loss"), abs=1e-12)
    if kind == "png":
        assert QImage(str(path)).text("Description") == "iteration 0 of 10"
    else:
        assert "<desc>iteration 0 of 10. Made with Backprop Studio" in path.read_text()

    qtbot.mouseClick(training.timeline.latest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.trace.value("w") == trained_w)  # the latest iteration again
    settle_path = tmp_path / f"after.{kind}"
    assert window.exports.write(kind, settle_path)
    assert document_io.load_document(settle_path).graph.node("w").value == trained_w
    if kind == "png":
        assert QImage(str(settle_path)).text("Description") == ""


def test_the_embedded_graph_follows_a_current_trace_only(qapp):
    from backprop_studio.canvas.scene import GraphScene

    graph = Graph()
    graph.add_node(Node("w", "param", value=2.0))
    graph.add_node(Node("loss", "mul"))
    graph.connect("w", "loss", "a")
    graph.connect("w", "loss", "b")
    scene = GraphScene()
    scene.set_graph(graph)
    assert export_document.shown_graph(scene) is graph  # no trace: the graph as it is
    earlier = Trace(values={"w": 0.5, "loss": 0.25}, revision=graph.revision, output="loss")
    scene.show_trace(earlier)
    shown = export_document.shown_graph(scene)
    assert shown is not graph and shown.node("w").value == 0.5 and graph.node("w").value == 2.0
    graph.set_value("w", 3.0)  # typed after the run: the card shows 3, and so does the file
    assert export_document.shown_graph(scene).node("w").value == 3.0
    scene.set_graph(None)
