"""On a laptop screen a new card is never half hidden, and a card's problem is never lost: it
wraps on the card, and the tooltip, the status line on hover and the inspector have it whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRect, Qt

from backprop_studio.canvas import style
from backprop_studio.canvas.items.node_body import PROBLEM_LINES
from backprop_studio.model.gallery import example_path
from tests.app.conftest import settle
from tests.app.gestures import drop_op
from tests.canvas.canvas_helpers import to_view


def _assert_in_sight(window, name: str) -> None:
    card = window.scene.node_item(name).sceneBoundingRect()
    visible = window.view.visible_scene_rect()
    assert visible.contains(card), f"{name} at {card} is not all inside {visible}"


@pytest.mark.parametrize(
    ("op", "where"),
    [
        ("mul", "left"),  # beside the palette: the drop of the report
        ("param", "left"),
        ("add", "right"),
        ("sub", "bottom"),
        ("neg", "top"),
        ("matmul", "bottom right"),
    ],
)
def test_a_card_dropped_at_the_edge_is_all_in_sight(qtbot, laptop, op, where):
    window = laptop
    settle(qtbot, window)
    viewport = window.view.viewport().rect()
    x = {"left": 3.0, "right": viewport.width() - 3.0}
    y = {"top": 3.0, "bottom": viewport.height() - 3.0}
    words = where.split()
    point = QPointF(
        next((x[w] for w in words if w in x), viewport.width() / 2),
        next((y[w] for w in words if w in y), viewport.height() / 2),
    )
    name = drop_op(window, op, point)
    settle(qtbot, window)  # the first evaluation gives the card its problem row(s)
    assert window.graph.node(name).position == (
        window.scene.node_item(name).pos().x(),
        window.scene.node_item(name).pos().y(),
    )
    _assert_in_sight(window, name)


def test_a_card_dropped_inside_stays_under_the_cursor(qtbot, laptop):
    window = laptop
    centre = QPointF(window.view.viewport().rect().center())
    name = drop_op(window, "mul", centre)
    x, y = window.graph.node(name).position
    scene_point = window.view.mapToScene(centre.toPoint())
    assert x == pytest.approx(scene_point.x() - style.NODE_WIDTH / 2)
    assert y == pytest.approx(scene_point.y() - style.HEADER_HEIGHT / 2)


LONG = "'mul_with_a_long_name' (×) needs inputs 'a', 'b' connected"


def _problem_rows(item) -> list[str]:
    return [texts[0] for kind, *texts in item._lines if kind == "problem"]


def _available(item) -> float:
    return style.NODE_WIDTH - style.TEXT_MARGIN - item._gutter


def test_a_problem_wraps_on_the_card_and_is_whole_elsewhere(qtbot, laptop):
    window = laptop
    name = drop_op(window, "mul", QPointF(window.view.viewport().rect().center()))
    window.edits.rename(name, "mul_with_a_long_name")
    settle(qtbot, window)
    item = window.scene.node_item("mul_with_a_long_name")
    assert item.problem == LONG
    # on the card: two lines, each inside the card, together the whole message
    rows = _problem_rows(item)
    metrics = style.fonts().small_metrics
    assert 2 <= len(rows) <= PROBLEM_LINES
    assert all(metrics.horizontalAdvance(row) <= _available(item) for row in rows)
    assert " ".join(rows) == LONG
    assert LONG in item.text_lines()
    assert item.card_height >= style.HEADER_HEIGHT + (1 + len(rows)) * style.ROW_HEIGHT
    # the tooltip has it
    assert f"problem: {LONG}" in item.tooltip_text()
    # the status line, while the mouse rests on the card
    viewport = window.view.viewport()
    over = to_view(window.view, item.mapToScene(item.boundingRect().center()))
    qtbot.mouseMove(viewport, over)
    qtbot.waitUntil(lambda: LONG in window.statusBar().currentMessage())
    empty = to_view(window.view, item.mapToScene(item.boundingRect().bottomRight()))
    qtbot.mouseMove(viewport, empty + type(empty)(120, 120))
    qtbot.waitUntil(lambda: LONG not in window.statusBar().currentMessage())
    # and the inspector, in sight at the top of its short dock
    window.scene.select_names([item.name])
    qtbot.wait(20)
    problem = window.inspector.problem
    assert problem.text() == LONG
    assert problem.isVisible() and not problem.visibleRegion().isEmpty()
    top = problem.mapTo(window.inspector_dock, problem.rect().topLeft())
    assert window.inspector_dock.rect().contains(top)


def test_a_problem_too_long_for_two_lines_ends_in_an_ellipsis(qtbot, laptop):
    window = laptop
    window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    item = window.scene.node_item("loss")
    message = "a problem of many words " * 8
    item.set_problem(message)
    rows = _problem_rows(item)
    metrics = style.fonts().small_metrics
    assert len(rows) == PROBLEM_LINES and rows[-1].endswith("…")
    assert all(metrics.horizontalAdvance(row) <= _available(item) for row in rows)
    assert message in item.tooltip_text()


def test_a_hover_leaves_a_said_message_its_time(qtbot, laptop):
    window = laptop
    window.say("cannot connect: it would make a cycle")
    window.status_line.hover("'mul_1' (×) needs inputs 'a', 'b' connected")
    assert "needs inputs" in window.statusBar().currentMessage()
    window.status_line.hover("")
    assert window.statusBar().currentMessage() == "cannot connect: it would make a cycle"


def _fits(label) -> bool:
    """The label's whole text, wrapped at its width, fits in its height."""
    flags = int(Qt.TextFlag.TextWordWrap)
    needed = label.fontMetrics().boundingRect(
        QRect(0, 0, label.width(), 10_000), flags, label.text()
    )
    return needed.height() <= label.height() and label.text()


def test_the_program_says_an_incomplete_node_in_full(qtbot, laptop):
    window = laptop
    drop_op(window, "mul", QPointF(window.view.viewport().rect().center()))
    settle(qtbot, window)
    qtbot.wait(20)
    message = window.program.message
    assert "Incomplete: mul_1" in message.text()
    assert message.isVisible() and _fits(message), message.text()
