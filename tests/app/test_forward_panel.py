"""Forward ▸ Tangents of the Selected Leaf in the real window: a tangent pill on every card."""

from __future__ import annotations

from backprop_studio import commands
from backprop_studio.model.gallery import example_path
from tests.app.conftest import menu_action, settle, trigger_and_wait


def choose(qtbot, window, name):
    window.scene.select_names([name])
    return trigger_and_wait(
        qtbot, window, "Forward", "Tangents of the Selected Leaf", window.forward.shown, 120_000
    )


def test_tangents_of_w_on_the_seed_story(qtbot, window):
    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    tangents = choose(qtbot, window, "w")
    # ŷ = w·x with x = 1: ∂ŷ/∂w = 1; loss = (ŷ − y)²: ∂loss/∂w = 2(ŷ − y) = −2
    assert tangents.values["loss"] == -2.0 and tangents.values["y_hat"] == 1.0
    texts = window.forward.badges.texts()
    assert texts["loss"] == "∂/∂w -2" and texts["w"] == "∂/∂w 1" and texts["x"] == "∂/∂w 0"
    assert set(texts) == set(window.graph.names)
    explain = window.backward.explain
    assert explain.heading.text() == "Forward mode: ∂node/∂w"
    assert "one forward pass" in explain.body.text() and "one backward pass" in explain.body.text()


def test_an_edit_recomputes_and_hide_clears(qtbot, window):
    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    choose(qtbot, window, "w")
    with qtbot.waitSignal(window.forward.shown, timeout=120_000) as blocker:
        window.push(commands.SetValue(window.graph, "w", 3.0))
    # ŷ = 3, loss' = 2(3 − 2)·1 = 2
    assert blocker.args[0].values["loss"] == 2.0
    assert window.forward.badges.texts()["loss"] == "∂/∂w 2"
    menu_action(window, "Forward", "Hide Tangents").trigger()
    assert window.forward.badges.texts() == {} and window.forward.target is None


def test_a_node_that_is_not_a_leaf_is_refused_in_the_status_bar(qtbot, window):
    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    window.scene.select_names(["loss"])
    menu_action(window, "Forward", "Tangents of the Selected Leaf").trigger()
    assert window.statusBar().currentMessage().startswith("Select one leaf")
    assert window.forward.target is None and window.forward.badges.texts() == {}


def test_play_forward_moves_the_tangents_along_the_edges_a_generation_at_a_time(qtbot, window):
    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    choose(qtbot, window, "w")
    panel = window.forward
    menu_action(window, "Forward", "Play Forward").trigger()
    assert panel.badges.texts() == {} and panel.flow.is_playing
    panel.advance()  # the leaves; stepping exactly from here
    assert set(panel.badges.texts()) == {"x", "y", "w"} and not panel.flow.is_playing
    panel.flow.apply(1, 0.5)  # w's tangent on its way to y_hat, along the edge w → y_hat
    (pulse,) = panel.flow.marks()["pulses"]
    assert pulse.isVisible()
    panel.advance()
    assert set(panel.badges.texts()) == {"x", "y", "w", "y_hat"}
    assert window.backward.explain.formula.text() == "∂y_hat/∂w = 1"
    panel.advance()
    panel.advance()
    assert panel.badges.texts()["loss"] == "∂/∂w -2"
    assert window.backward.explain.body.text().endswith("one pass gave every node's derivative.")
    assert not panel.flow.is_playing and panel.flow.marks() == {}
