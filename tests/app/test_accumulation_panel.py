"""Backward ▸ Keep Gradients Between Passes: off by default, marked when on, .grad adds up."""

from __future__ import annotations

from backprop_studio import commands
from backprop_studio.model.gallery import example_path
from tests.app.conftest import menu_action, settle


def open_seed(qtbot, window):
    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)


def test_off_by_default_and_unmarked(qtbot, window):
    open_seed(qtbot, window)
    option = menu_action(window, "Backward", "Keep Gradients Between Passes (no zero_grad)")
    assert option.isCheckable() and not option.isChecked()
    assert not menu_action(window, "Backward", "Backward Pass Again").isEnabled()
    assert window.accumulation.mark.isHidden()
    assert window.accumulation.badges.texts() == {}


def test_two_passes_double_the_grad_and_the_mark_says_so(qtbot, window):
    open_seed(qtbot, window)
    panel = window.accumulation
    option = menu_action(window, "Backward", "Keep Gradients Between Passes (no zero_grad)")
    with qtbot.waitSignal(panel.shown, timeout=30_000) as first:
        option.trigger()
    assert first.args[0].grads == {"w": -2.0} and first.args[0].passes == 1
    assert panel.badges.texts() == {"w": ".grad -2 · 1 pass"}
    assert panel.mark.isVisible() and "1 backward pass" in panel.mark.text()
    with qtbot.waitSignal(panel.shown, timeout=30_000) as second:
        menu_action(window, "Backward", "Backward Pass Again").trigger()
    assert second.args[0].grads == {"w": -4.0} and second.args[0].passes == 2
    assert panel.badges.texts() == {"w": ".grad -4 · 2 passes"}
    assert "2 backward passes" in panel.mark.text()
    assert window.trace.grads["w"] == -2.0  # the evaluation itself still starts from zero


def test_an_edit_starts_again_and_switching_off_clears(qtbot, window):
    open_seed(qtbot, window)
    panel = window.accumulation
    option = menu_action(window, "Backward", "Keep Gradients Between Passes (no zero_grad)")
    with qtbot.waitSignal(panel.shown, timeout=30_000):
        option.trigger()
    with qtbot.waitSignal(panel.shown, timeout=30_000):
        menu_action(window, "Backward", "Backward Pass Again").trigger()
    with qtbot.waitSignal(panel.shown, timeout=30_000) as fresh:
        window.push(commands.SetValue(window.graph, "w", 3.0))
    assert fresh.args[0].passes == 1 and fresh.args[0].grads == {"w": 2.0}
    option.trigger()
    assert panel.badges.texts() == {} and panel.mark.isHidden()
