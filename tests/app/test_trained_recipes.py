"""Training the moons network in the editor keeps each weight's recipe with a trained mark: in
the program, the inspector and the card, through Apply, undo, Reset, save and recovery."""

from __future__ import annotations

from PySide6.QtCore import Qt

from backprop_studio.document import restore_recovery
from backprop_studio.engine.leaves import leaf_value
from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle

LEFT = Qt.MouseButton.LeftButton
W1 = 'W1 = param(shape=(2, 16), init="kaiming", seed=1)'
RECIPES = ("W1", "b1", "W2", "b2", "W3", "b3")


def train_moons(qtbot, window, steps: int = 3):
    assert window.files.open_example(example_path("moons_mlp"))
    settle(qtbot, window, timeout=60_000)
    for name in list(window.graph.blocks.names):  # each weight's own card is shown
        assert window.blocks.set_collapsed(name, False)
    training = window.training
    training.panel.steps.setValue(steps)
    qtbot.mouseClick(training.panel.run_button, LEFT)
    qtbot.waitUntil(lambda: not training.busy, timeout=30_000)
    qtbot.waitUntil(lambda: "# trained" in window.program.editor.toPlainText())
    return training


def values(window) -> dict[str, str]:
    return {name: repr(window.graph.node(name).value) for name in RECIPES}


def untrained(window) -> bool:
    return all(
        not node.trained and node.value == leaf_value(node.op, node.attrs)
        for node in (window.graph.node(name) for name in RECIPES)
    )


def test_the_program_shows_each_trained_weight_as_its_recipe_and_a_mark(qtbot, window):
    train_moons(qtbot, window)
    text = window.program.editor.toPlainText()
    assert f"{W1}  # trained\n" in text
    assert 'W3 = param(shape=(16, 2), init="xavier", seed=3)  # trained\n' in text
    assert "[[" not in text and len(text.splitlines()) == 11 + 3  # and a line per block
    assert not untrained(window)
    assert all(window.graph.node(name).trained for name in RECIPES)

    window.scene.node_item("W1").setSelected(True)
    assert window.inspector.recipe.isVisible()
    assert window.inspector.recipe.text() == W1.removeprefix("W1 = ") + "  # trained"
    assert "trained" in window.inspector.recipe.toolTip()
    card = window.scene.node_item("W1")
    assert "shape 2×16 · trained" in card.text_lines()
    assert "trained" in card.tooltip_text()
    window.scene.clearSelection()
    window.scene.node_item("x").setSelected(True)
    recipe = window.inspector.recipe.text()  # a dataset binding is a recipe training never moves
    assert recipe.startswith('data(dataset="moons"') and "trained" not in recipe
    window.scene.clearSelection()
    window.scene.node_item("h1").setSelected(True)
    assert not window.inspector.recipe.isVisible()


def test_applying_the_unchanged_text_keeps_the_trained_numbers_bit_exact(qtbot, window):
    train_moons(qtbot, window)
    before = values(window)
    editor = window.program.editor
    text = editor.toPlainText()
    editor.setPlainText(text)  # as a user who types a character and deletes it
    assert window.program.apply_button.isEnabled()
    qtbot.mouseClick(window.program.apply_button, LEFT)
    assert values(window) == before
    assert all(window.graph.node(name).trained for name in RECIPES)
    assert editor.toPlainText() == text

    # a changed recipe is made again from its initialiser, and loses the mark
    editor.setPlainText(text.replace('init="kaiming", seed=1)', 'init="kaiming", seed=7)'))
    qtbot.mouseClick(window.program.apply_button, LEFT)
    w1 = window.graph.node("W1")
    assert w1.attrs["seed"] == 7 and not w1.trained
    assert w1.value == leaf_value("param", w1.attrs)
    assert repr(window.graph.node("W2").value) == before["W2"]
    qtbot.waitUntil(lambda: "seed=7)\n" in editor.toPlainText())


def test_undo_brings_back_the_recipe_numbers_and_redo_the_trained_ones(qtbot, window):
    train_moons(qtbot, window)
    trained = values(window)
    stack = window.document.undo_stack
    assert stack.text(stack.index() - 1) == "Train 3 steps"
    stack.undo()
    assert untrained(window)
    qtbot.waitUntil(lambda: "# trained" not in window.program.editor.toPlainText())
    assert f"{W1}\n" in window.program.editor.toPlainText()
    assert "shape 2×16" in window.scene.node_item("W1").text_lines()
    stack.redo()
    assert values(window) == trained
    assert all(window.graph.node(name).trained for name in RECIPES)


def test_reset_returns_to_the_untrained_recipe(qtbot, window):
    training = train_moons(qtbot, window)
    qtbot.mouseClick(training.panel.reset_button, LEFT)
    assert untrained(window)
    qtbot.waitUntil(lambda: "# trained" not in window.program.editor.toPlainText())


def test_a_typed_value_replaces_the_recipe_until_undone(qtbot, window):
    train_moons(qtbot, window)
    trained = repr(window.graph.node("b3").value)
    window.edits.set_value("b3", [0.5, -0.5], 1)
    node = window.graph.node("b3")
    assert node.attrs == {} and not node.trained
    qtbot.waitUntil(lambda: "b3 = param([0.5, -0.5])\n" in window.program.editor.toPlainText())
    window.document.undo_stack.undo()
    node = window.graph.node("b3")
    assert node.trained and node.recipe == "init" and repr(node.value) == trained


def test_save_reopen_and_recovery_keep_the_numbers_recipe_and_mark(qtbot, window, tmp_path):
    train_moons(qtbot, window)
    trained = values(window)
    structure = window.graph.structure()
    window.document.write_recovery()
    recovered = restore_recovery(window.document.recovery_path)
    assert recovered.graph.structure() == structure
    recovered.discard_recovery()

    path = tmp_path / "moons.json"
    window.document.save(path)
    assert window.files.open_path(path, ask=False)
    settle(qtbot, window, timeout=60_000)
    assert values(window) == trained
    assert window.graph.structure() == structure
    assert f"{W1}  # trained\n" in window.program.editor.toPlainText()


def test_reset_after_reopening_returns_to_the_numbers_trained_before(qtbot, window, tmp_path):
    train_moons(qtbot, window)
    path = tmp_path / "moons.json"
    window.document.save(path)
    assert window.files.open_path(path, ask=False)
    settle(qtbot, window, timeout=60_000)
    saved = values(window)
    training = window.training
    qtbot.mouseClick(training.panel.step_button, LEFT)
    qtbot.waitUntil(lambda: values(window) != saved, timeout=30_000)
    qtbot.waitUntil(lambda: not training.busy)
    qtbot.mouseClick(training.panel.reset_button, LEFT)
    assert values(window) == saved
    assert all(window.graph.node(name).trained for name in RECIPES)  # trained, as it was


def test_copy_paste_and_duplicate_keep_the_trained_numbers_and_mark(qtbot, window):
    train_moons(qtbot, window)
    w1 = window.graph.node("W1")
    window.scene.node_item("W1").setSelected(True)
    assert window.edits.copy_selection()
    window.edits.paste()
    window.scene.clearSelection()
    window.scene.node_item("W1").setSelected(True)
    window.edits.duplicate()
    copies = [n for n in window.graph if n.name.startswith("W1_")]
    assert len(copies) == 2
    for node in copies:
        assert node.trained and node.attrs == w1.attrs and repr(node.value) == repr(w1.value)
        assert window.scene.node_item(node.name).trained
