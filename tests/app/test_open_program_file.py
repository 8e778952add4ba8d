"""A program file (.bps) opens in the editor as the command line reads it: an untitled graph,
so Save writes a document beside it rather than JSON over the program; a mistake is one message
with its line, and the open document stays as it was."""

from __future__ import annotations

SEED = "x = data(1.0)\ny = data(2.0)\nw = 1.0\ny_hat = w * x\nloss = (y_hat - y)**2\n"


def test_a_program_file_opens_as_an_untitled_graph(qtbot, window, tmp_path):
    path = tmp_path / "seed.bps"
    path.write_text(SEED, encoding="utf-8")
    assert window.files.open_path(path, ask=False)
    assert {"x", "y", "w", "y_hat", "loss"} <= set(window.graph.names)
    assert window.graph.node("w").op == "param"
    assert window.document.path is None
    assert window.windowTitle().startswith("graph from seed.bps")
    assert path.read_text(encoding="utf-8") == SEED


def test_a_mistake_in_a_program_file_names_its_line_and_keeps_the_document(
    qtbot, window, dialogs, tmp_path
):
    before = list(window.graph.names)
    path = tmp_path / "broken.bps"
    path.write_text("x = data(1.0)\nloss = frobnicate(x)\n", encoding="utf-8")
    assert not window.files.open_path(path, ask=False)
    (kind, title, text) = dialogs.shown[-1]
    assert kind == "warning" and "line 2" in text and "frobnicate" in text
    assert list(window.graph.names) == before
