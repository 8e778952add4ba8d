"""The editor refuses copies that would pass the recipe limit before they reach the undo stack."""

from __future__ import annotations

from backprop_studio import document_commands
from backprop_studio.model import limits
from backprop_studio.model.program import parse_program


def test_a_duplicate_over_the_recipe_limit_is_refused_in_the_status_bar(qtbot, window, monkeypatch):
    graph = parse_program('w = param(init="zeros", shape=(10, 100))\nsum(w)')
    window.push(document_commands.ReplaceGraph(window.graph, graph))
    monkeypatch.setattr(limits, "MAX_GRAPH_ELEMENTS", 1_500)
    steps = window.document.undo_stack.count()
    window.scene.select_names(["w"])
    window.edits.duplicate()
    assert "w_2" not in window.graph and window.document.undo_stack.count() == steps
    assert "cannot duplicate: 'w_2' (param)" in window.statusBar().currentMessage()
    monkeypatch.setattr(limits, "MAX_GRAPH_ELEMENTS", 2_000)
    window.edits.duplicate()
    assert "w_2" in window.graph
