"""The lesson format: shipped lessons validate; malformed ones are refused with their JSON path."""

from __future__ import annotations

import copy
import json

import pytest

from backprop_studio.model.lesson import LessonError, lesson_from_dict
from backprop_studio.model.lesson_io import (
    MAX_LESSON_BYTES,
    lesson_to_dict,
    load_lesson,
    loads_lesson,
    save_lesson,
    shipped_lessons,
)

SHIPPED = shipped_lessons()


def minimal() -> dict:
    return {
        "format": "backprop-studio-lesson",
        "version": 1,
        "title": "t",
        "steps": [
            {
                "text": "hello",
                "program": "x = data(1.0)\nw = 2.0\nloss = w * x\n",
                "task": {"question": "?", "quantity": {"node": "w", "of": "grad"}},
            }
        ],
    }


def test_six_lessons_ship_in_order():
    assert [p.stem.split("-")[0] for p in SHIPPED] == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_lesson_validates_and_has_tasks(path):
    lesson = load_lesson(path)
    assert lesson.title and lesson.tasks >= 1
    assert lesson.steps[0].document is not None  # the first step brings its graph


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_lesson_survives_writing_and_reading(path, tmp_path):
    lesson = load_lesson(path)
    save_lesson(tmp_path / "again.json", lesson)
    again = load_lesson(tmp_path / "again.json")
    assert [s.task for s in again.steps] == [s.task for s in lesson.steps]
    assert [s.text for s in again.steps] == [s.text for s in lesson.steps]
    assert lesson_to_dict(again) == lesson_to_dict(lesson)


def _refused(data) -> LessonError:
    with pytest.raises(LessonError) as info:
        lesson_from_dict(data)
    return info.value


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d.update(format="backprop-studio"), "format", "must be"),
        (lambda d: d.pop("format"), "format", "not a Backprop Studio lesson"),
        (lambda d: d.update(version=2), "version", "newer"),
        (lambda d: d.update(title=""), "title", "empty"),
        (lambda d: d.update(steps=[]), "steps", "at least one"),
        (lambda d: d["steps"][0].update(taks={}), "steps[0].taks", "unknown key"),
        (lambda d: d["steps"][0].update(text=3), "steps[0].text", "string"),
        (
            lambda d: d["steps"][0]["task"]["quantity"].update(node="v"),
            "steps[0].task.quantity.node",
            "no node named 'v'",
        ),
        (
            lambda d: d["steps"][0]["task"]["quantity"].update(node="x"),
            "steps[0].task.quantity.node",
            "no gradient flows",
        ),
        (
            lambda d: d["steps"][0]["task"]["quantity"].update(of="curvature"),
            "steps[0].task.quantity.of",
            "one of",
        ),
        (
            lambda d: d["steps"][0]["task"].update(tolerance={"abs": -1}),
            "steps[0].task.tolerance.abs",
            "from 0",
        ),
        (
            lambda d: d["steps"][0]["task"].update(hide=[{"node": "w", "what": "colour"}]),
            "steps[0].task.hide[0].what",
            "one of",
        ),
        (lambda d: d["steps"][0].update(program="w = = 1"), "steps[0].program", "line 1"),
        (
            lambda d: d["steps"][0].update(lock=["rm -rf"]),
            "steps[0].lock[0]",
            "object or action name",
        ),
        (
            lambda d: d["steps"][0].update(
                highlights=[{"edge": {"from": "x", "to": "w", "port": "a"}}]
            ),
            "steps[0].highlights[0].edge",
            "no edge",
        ),
    ],
)
def test_a_malformed_lesson_is_refused_with_its_json_path(change, path, words):
    data = minimal()
    change(data)
    error = _refused(data)
    assert error.path == path
    assert words in str(error)
    assert str(error).startswith(f"{path}: ")


def test_an_embedded_document_reports_the_path_inside_it():
    data = minimal()
    seed = json.loads(SHIPPED[0].read_text())["steps"][0]["document"]
    bad = copy.deepcopy(seed)
    bad["nodes"][1]["op"] = "teleport"
    del data["steps"][0]["program"]
    data["steps"][0]["document"] = bad
    data["steps"][0].pop("task")
    error = _refused(data)
    assert error.path == "steps[0].document.nodes[1].op"
    assert "unknown op 'teleport'" in str(error)


def test_a_keep_step_is_checked_against_the_graph_before_it():
    data = minimal()
    data["steps"].append({"text": "again", "task": {"question": "?", "quantity": {"node": "nope"}}})
    assert _refused(data).path == "steps[1].task.quantity.node"


def test_text_problems_are_one_line_lesson_errors():
    for text, words in [
        (b"", "empty"),
        (b"{", "not valid JSON"),
        (b'{"format": 1, "format": 2}', "appears twice"),
        (b'{"x": NaN}', "NaN"),
        (b"\xff\xfe", "UTF-8"),
        (b" " * (MAX_LESSON_BYTES + 1), "too large"),
    ]:
        with pytest.raises(LessonError) as info:
            loads_lesson(text)
        assert words in str(info.value)
        assert "\n" not in str(info.value)


def test_a_missing_file_is_a_lesson_error(tmp_path):
    with pytest.raises(LessonError, match="cannot open"):
        load_lesson(tmp_path / "none.json")


def test_the_default_hidden_numbers_are_the_asked_ones():
    lesson = lesson_from_dict(minimal())
    assert lesson.steps[0].task.hidden == {("w", "grad")}
    data = minimal()
    data["steps"][0]["task"]["quantity"] = {"node": "w", "of": "after_step", "lr": 0.1}
    assert lesson_from_dict(data).steps[0].task.hidden == frozenset()
