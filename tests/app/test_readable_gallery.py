"""Every gallery example, opened in a 1280×800 window and fitted, can be read: every card is on
screen, none overlaps another, and each name is drawn whole at a readable size.

The size is computed as a person sees it: the cap height of the font the card draws its name
with at the view's scale, in screen pixels. The threshold is ``style.READABLE_CAP_PX`` (7 px,
the cap height of a 7.2 pt font, about the card's smallest labels at 100 %).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from backprop_studio.canvas import style
from backprop_studio.model.gallery import EXAMPLES, example_path
from tests.app.conftest import settle


def shown_cards(window) -> dict[str, object]:
    """The cards on the canvas: every node not hidden in a collapsed block, and each collapsed
    block's own card."""
    hidden = window.graph.blocks.hidden()
    cards = {n.name: window.scene.node_item(n.name) for n in window.graph if n.name not in hidden}
    for name, item in window.scene.block_items().items():
        if item.collapsed:
            cards[f"block {name}"] = item
    return cards


def drawn_name(item, lod: float) -> tuple[str, float]:
    """(the name as drawn, its cap height on screen) for a card seen at ``lod``."""
    if lod >= style.DETAIL_ZOOM:
        f = style.fonts()
        return item.title, f.title_metrics.capHeight() * lod
    summary = item.summary(lod)
    return summary.name, QFontMetricsF(summary.name_font()).capHeight() * lod


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
@pytest.mark.parametrize("name", [e.name for e in EXAMPLES])
def test_a_fitted_example_shows_every_name_readably(qtbot, window, name, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size)
    assert window.files.open_example(example_path(name))
    settle(qtbot, window, timeout=60_000)
    window.view.fit_to_graph()
    lod = window.view.transform().m11()
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    cards = []
    for name, item in shown_cards(window).items():
        rect = item.mapRectToScene(item.shape().boundingRect())
        assert shown.contains(rect), f"{name} is off screen"
        text, cap = drawn_name(item, lod)
        assert text == item.title, f"{name}'s name is cut to {text!r}"
        assert cap >= style.READABLE_CAP_PX, f"{name} is {cap:.1f} px high on screen"
        if lod < style.DETAIL_ZOOM:  # and the number is drawn whole inside the card
            summary = item.summary(lod)
            wide = QFontMetricsF(summary.number_font()).horizontalAdvance(summary.number)
            assert wide < style.NODE_WIDTH, f"{name}: {summary.number!r} overflows"
        cards.append((name, rect))
    for i, (a, ra) in enumerate(cards):
        for b, rb in cards[i + 1 :]:
            assert not ra.intersects(rb), f"{a} and {b} overlap"


def test_the_number_stays_on_a_small_card(qtbot, window):
    assert window.files.open_example(example_path("micrograd"))
    trace = settle(qtbot, window, timeout=60_000)
    window.view.set_zoom(style.FIT_MIN_ZOOM)
    summary = window.scene.node_item("g_2").summary(window.view.zoom)
    assert summary.number == "24.7"  # micrograd's README: g = 24.7041
    assert abs(trace.value("g_2") - 24.7041) < 1e-4


def test_fit_never_goes_below_the_readable_zoom(qtbot, window):
    window.resize(1280, 800)
    assert window.files.open_example(example_path("micrograd"))
    settle(qtbot, window, timeout=60_000)
    window.view.resize(300, 200)  # far too small for the whole graph
    window.view.fit_to_graph()
    assert window.view.zoom == pytest.approx(style.FIT_MIN_ZOOM)
    # the top-left of the graph, where the path starts, is what shows
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    first = window.scene.node_item(window.graph.names[0]).sceneBoundingRect()
    assert shown.intersects(first)


def test_edges_keep_their_width_on_screen_when_zoomed_out(qtbot, window):
    assert window.files.open_example(example_path("xor_mlp"))
    settle(qtbot, window, timeout=60_000)
    window.view.set_zoom(1.0)
    edge = next(iter(window.scene.edge_items().values()))
    at_one = edge.drawn_width
    window.view.set_zoom(0.4)
    on_screen = edge.drawn_width * window.view.zoom
    assert at_one / 1.2 < on_screen < at_one * 1.2  # in steps of √2
    assert edge.width == pytest.approx(at_one)  # the gradient's width itself is unchanged


def test_detail_fades_in_the_gradient_where_the_card_has_room(qtbot, window):
    window.resize(1280, 800)
    assert window.files.open_example(example_path("seed"))
    trace = settle(qtbot, window, timeout=60_000)
    window.view.fit_to_graph()
    assert window.view.zoom < style.DETAIL_ZOOM  # the fitted seed story is a summary ...
    summary = window.scene.node_item("w").summary(window.view.zoom)
    assert summary.number == "data 1 │ grad -2"  # ... that still says ∂loss/∂w = −2
    assert trace.grad("w") == pytest.approx(-2.0)
    tiny = window.scene.node_item("w").summary(style.FIT_MIN_ZOOM / 2)
    assert tiny.number == "1" and tiny.name == "w"  # smaller: the name and the value only


def test_a_step_keeps_every_fitted_seed_card_saying_its_gradient(qtbot, window):
    """After one SGD step, sub_1 reads −0.98 where it read −1: one character more must not
    drop its gradient from the small card while the other cards keep theirs."""
    window.resize(1280, 800)
    assert window.files.open_example(example_path("seed"))
    settle(qtbot, window, timeout=60_000)
    window.view.fit_to_graph()
    qtbot.mouseClick(window.training.panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.trace is not None and window.trace.value("w") != 1.0, timeout=60_000
    )
    trace = window.trace
    assert trace.grad("sub_1") == pytest.approx(-1.96)
    zoom = window.view.zoom
    assert zoom < style.DETAIL_ZOOM
    for name in ("w", "y_hat", "sub_1"):
        number = window.scene.node_item(name).summary(zoom).number
        assert "grad -1.96" in number, (name, number)


def test_auto_layout_arranges_a_scattered_graph_to_fit_readably(qtbot, window):
    window.resize(1280, 800)
    assert window.files.open_example(example_path("moons_mlp"))
    settle(qtbot, window, timeout=60_000)
    for i, node in enumerate(window.graph):  # one long row, as the gallery used to open
        window.graph.set_position(node.name, (i * 400.0, 0.0))
    before = window.document.undo_stack.count()
    window.edits.auto_layout()
    qtbot.waitUntil(lambda: window.document.undo_stack.count() == before + 1, timeout=10_000)
    assert window.document.undo_stack.undoText() == "Auto-layout"
    lod = window.view.zoom
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    for name, item in shown_cards(window).items():
        assert shown.contains(item.sceneBoundingRect()), f"{name} is off screen"
        text, cap = drawn_name(item, lod)
        assert text == item.title and cap >= style.READABLE_CAP_PX
    pos = {n.name: n.position for n in window.graph}
    assert pos["W1"][0] == pos["matmul_1"][0]  # the weight sits by its matmul
