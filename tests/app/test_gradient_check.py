"""Backward ▸ Check Gradients in the real window: badges, the inspector's table, messages."""

from __future__ import annotations

from backprop_studio import commands, document_commands
from backprop_studio.model.gallery import example_path
from backprop_studio.model.graph import Node
from backprop_studio.model.program import parse_program
from tests.app.conftest import settle, trigger_and_wait

KINK = "w = 0.0\nb = 2.0\nr = relu(w)\nloss = r * b"


def load(qtbot, window, text: str):
    window.push(document_commands.ReplaceGraph(window.graph, parse_program(text)))
    return settle(qtbot, window, timeout=60_000)


def check(qtbot, window):
    return trigger_and_wait(
        qtbot, window, "Backward", "Check Gradients", window.checks.checked, 30_000
    )


def test_the_seed_agrees_with_a_badge_and_the_numbers_side_by_side(qtbot, window):
    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    result = check(qtbot, window)
    assert result.ok
    texts = window.checks.badges.texts()
    assert list(texts) == ["w"] and texts["w"].startswith("✓")
    assert window.checks.badges.tones() == {"w": "good"}
    window.scene.select_names(["w"])
    view = window.inspector.check
    assert view.isVisible() and "✓ agrees" in view.heading.text()
    ((index, numeric, auto, _rel),) = view.cell_texts()
    assert index == "—" and float(auto) == -2.0 and abs(float(numeric) + 2.0) < 1e-8
    assert window.statusBar().currentMessage().startswith("✓ Gradient check: the parameter agrees")


def test_a_kink_shows_a_cross_and_its_explanation(qtbot, window):
    load(qtbot, window, KINK)
    result = check(qtbot, window)
    assert not result.ok
    assert window.checks.badges.tones() == {"w": "bad", "b": "good", "r": "bad"}
    assert window.checks.badges.texts()["w"] == "✗ err 1"  # 1 against 0
    assert window.checks.badges.texts()["r"] == "kink at 0"
    window.scene.select_names(["w"])
    view = window.inspector.check
    assert "✗ disagrees" in view.heading.text()
    ((_index, numeric, auto, _rel),) = view.cell_texts()
    assert float(numeric) == 1.0 and float(auto) == 0.0  # 2 · 0.5 against 2 · 0
    assert "kink" in view.explanation.text() and "'r' (relu)" in view.explanation.text()
    window.scene.select_names(["r"])
    assert not view.isVisible()  # not a parameter: nothing was checked there


def test_an_edit_takes_the_badges_away(qtbot, window):
    load(qtbot, window, KINK)
    check(qtbot, window)
    assert window.checks.badges.texts()
    window.push(commands.SetValue(window.graph, "w", 1.0))
    settle(qtbot, window, timeout=60_000)
    assert window.checks.badges.texts() == {}
    assert window.checks.result is None


def test_a_graph_with_a_problem_gets_one_clear_message(qtbot, window, dialogs):
    graph = parse_program("w = 1.0\ntanh(w)")
    graph.add_node(Node("s", "add"))
    graph.set_output("s")
    window.push(document_commands.ReplaceGraph(window.graph, graph))
    settle(qtbot, window, timeout=60_000)
    assert check(qtbot, window) is None
    ((kind, title, text),) = dialogs.shown
    assert kind == "warning" and title == "Check Gradients"
    assert text.startswith("The gradients cannot be checked: ") and "'s'" in text
    assert window.checks.badges.texts() == {}
