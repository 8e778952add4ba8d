"""The Lessons dock driven as a learner drives it: predict, check, hint, reveal, next."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from backprop_studio.app.lessons.authoring import LessonStepDialog
from backprop_studio.app.lessons.progress import Progress
from backprop_studio.engine.lesson_check import expected, hints
from backprop_studio.model.lesson_io import load_lesson, shipped_lessons
from tests.app.conftest import settle

SHIPPED = shipped_lessons()


def click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisible(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_lesson(qtbot, window, number: int):
    menu = window.lessons.menu
    menu.aboutToShow.emit()
    action = next(a for a in menu.actions() if a.objectName() == f"lesson_{SHIPPED[number].stem}")
    action.trigger()
    settle(qtbot, window)
    return window.lessons.panel, window.lessons.player


def answer(qtbot, panel, task, text: str) -> None:
    if task.answer == "sign":
        key = {"+": "P", "-": "M", "0": "Z"}[text]
        click(qtbot, panel.findChild(type(panel.signs.button(0)), f"LessonSign{key}"))
    else:
        panel.answer.clear()
        qtbot.keyClicks(panel.answer, text)
    click(qtbot, panel.check)


def sign_text(value: float) -> str:
    return "+" if value > 0 else "-" if value < 0 else "0"


def test_help_lists_the_six_lessons(window):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert window.lessons.menu.menuAction() in help_menu.actions()
    window.lessons.menu.aboutToShow.emit()
    titles = [
        a.text() for a in window.lessons.menu.actions() if a.objectName().startswith("lesson_")
    ]
    assert len(titles) == 6
    assert titles[0] == "&1. The chain rule, one node at a time"
    assert "gradients add" in titles[1] and "p − y" in titles[4]


@pytest.mark.parametrize("number", range(6), ids=[p.stem for p in SHIPPED])
def test_each_lesson_plays_through_with_right_answers(qtbot, window, number):
    panel, player = open_lesson(qtbot, window, number)
    lesson = player.lesson
    assert lesson.title == load_lesson(SHIPPED[number]).title
    for index, step in enumerate(lesson.steps):
        assert player.index == index
        assert panel.position.text() == f"step {index + 1} of {len(lesson.steps)}"
        settle(qtbot, window)
        if step.task is not None:
            truth = expected(window.graph, step.task.quantity)
            text = sign_text(truth) if step.task.answer == "sign" else f"{truth:.6g}"
            answer(qtbot, panel, step.task, text)
            assert panel.feedback.text().startswith("Yes"), panel.feedback.text()
            assert not player.task_open
            assert window.backward.flow.is_active  # the reveal plays the backward pass
        click(qtbot, panel.next)
    assert player.lesson is None
    assert Progress().done(SHIPPED[number].stem)


@pytest.mark.parametrize("number", range(6), ids=[p.stem for p in SHIPPED])
def test_wrong_answers_bring_the_hints_in_order_then_the_reveal(qtbot, window, number):
    panel, player = open_lesson(qtbot, window, number)
    for step in player.lesson.steps:
        settle(qtbot, window)
        task = step.task
        if task is not None:
            truth = expected(window.graph, task.quantity)
            wrong = ("-" if truth > 0 else "+") if task.answer == "sign" else f"{truth + 0.5:.6g}"
            assert not panel.hint.isEnabled()  # a hint follows a wrong answer
            answer(qtbot, panel, task, wrong)
            assert panel.feedback.text().startswith("Not"), panel.feedback.text()
            assert player.task_open
            expected_hints = hints(task, window.graph)
            for n in range(len(expected_hints)):
                click(qtbot, panel.hint)
                lines = panel.hints.text().split("\n")
                assert lines == [
                    f"Hint {i + 1}. {h}" for i, h in enumerate(expected_hints[: n + 1])
                ]
            assert not panel.hint.isEnabled()  # no more hints
            click(qtbot, panel.reveal)
            assert f"{truth:.4g}".replace("-", "−") in panel.answer_text.text()
            assert not player.task_open and not panel.check.isEnabled()
            assert window.backward.flow.is_active
        click(qtbot, panel.next)


def test_hidden_numbers_are_absent_from_cards_edges_and_inspector(qtbot, window):
    panel, player = open_lesson(qtbot, window, 0)
    for _ in range(3):
        click(qtbot, panel.next)
    settle(qtbot, window)
    assert player.task.quantity.node == "w" and player.task_open
    assert window.trace.grads["w"] == -2.0  # torch computed it; the canvas does not show it
    card = window.scene.node_item("w")
    assert card.grad is None
    shown = " ".join(card.text_lines()) + card.tooltip_text()
    assert "2" not in shown  # w = 1 and nothing else: neither −2 nor its edge's 1
    for edge, item in window.scene.edge_items().items():
        if edge.src == "w":
            assert item.grad is None and "2" not in item.tooltip_text()
    window.scene.select_names(["w"])
    settle(qtbot, window)
    computed = window.inspector.computed.toPlainText()
    assert "?" in computed and "−2" not in computed and "-2" not in computed
    answer(qtbot, panel, player.task, "-2")
    assert window.scene.trace.grads["w"] == -2.0
    window.backward.flow.jump_to_end()  # the reveal's animation, to its end
    assert card.grad == -2.0
    assert (
        "-2" in window.inspector.computed.toPlainText()
        or "−2" in window.inspector.computed.toPlainText()
    )


def test_controls_that_would_show_the_answer_are_locked_while_a_task_is_open(qtbot, window):
    panel, player = open_lesson(qtbot, window, 0)
    explain = window.findChild(QDockWidget, "ExplainDock")
    explain.show()
    click(qtbot, panel.next)
    assert player.task_open
    for name in ("backward_play", "backward_step", "train_step", "train_run"):
        assert not window.actions_by_name[name].isEnabled(), name
    assert not explain.isVisible()
    training = window.findChild(QDockWidget, "TrainingDock").widget()
    assert not training.isEnabled() and not window.training.panel.step_button.isEnabled()
    click(qtbot, panel.reveal)
    assert training.isEnabled() and window.training.panel.step_button.isEnabled()
    assert window.actions_by_name["backward_play"].isEnabled()
    assert window.actions_by_name["train_step"].isEnabled()
    assert explain.isVisible()


def test_closing_the_dock_leaves_the_lesson_and_shows_the_numbers(qtbot, window):
    panel, player = open_lesson(qtbot, window, 0)
    click(qtbot, panel.next)
    settle(qtbot, window)
    assert window.scene.node_item("sub_1").grad is None
    window.lessons.dock.close()
    assert player.lesson is None and not player.task_open
    assert window.scene.node_item("sub_1").grad == -2.0
    assert window.actions_by_name["backward_play"].isEnabled()


def test_progress_is_remembered(qtbot, window):
    panel, player = open_lesson(qtbot, window, 1)
    click(qtbot, panel.next)
    assert Progress().furthest(SHIPPED[1].stem) == 1
    player.close()
    panel, player = open_lesson(qtbot, window, 1)
    assert player.index == 1  # back where the learner was


def test_a_malformed_lesson_file_is_refused_with_its_path(qtbot, window, dialogs, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        '{"format": "backprop-studio-lesson", "version": 1, "title": "t", "steps": [{}]}'
    )
    assert not window.lessons.open_path(path)
    kind, _title, text = dialogs.shown[-1]
    assert kind == "warning" and "steps[0].text: missing" in text


def test_a_teacher_saves_the_graph_as_a_step_with_a_task_and_locks(qtbot, window, tmp_path):
    open_lesson(qtbot, window, 0)
    window.lessons.player.close()
    dialog = LessonStepDialog(window.document, window)
    qtbot.addWidget(dialog)
    target = tmp_path / "mine.json"
    dialog.path.setText(str(target))
    dialog.title.setText("My lesson")
    dialog.text.setPlainText("Predict $\\partial L/\\partial w$.")
    dialog.node.setCurrentText("w")
    dialog.quantity.setCurrentIndex(0)  # the gradient
    dialog.locks.item(0).setCheckState(Qt.CheckState.Checked)  # backward_play
    dialog._save()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.message.text()
    lesson = load_lesson(target)
    assert lesson.title == "My lesson" and len(lesson.steps) == 1
    step = lesson.steps[0]
    assert step.task.quantity.node == "w" and step.locked == ("backward_play",)
    assert window.lessons.open_path(target)
    settle(qtbot, window)
    assert not window.actions_by_name["backward_play"].isEnabled()
    assert window.scene.node_item("w").grad is None
    answer(qtbot, window.lessons.panel, step.task, "-2")
    assert window.lessons.panel.feedback.text().startswith("Yes")
    assert not window.actions_by_name["backward_play"].isEnabled()  # the step's own lock stays
