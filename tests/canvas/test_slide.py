"""Slides: the gallery's lesson graphs laid out for 16:9, text measured as drawn at 1920×1080,
white or transparent behind, the laid-out graph inside, the canvas left where it was."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QImage

from backprop_studio.canvas import slide
from backprop_studio.canvas.export import ExportError
from backprop_studio.canvas.style import LIGHT
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.document_io import load_document, loads
from backprop_studio.model.embedded import unwrap
from backprop_studio.model.gallery import example_path
from backprop_studio.model.slide_frame import SlideFrame, parse_size
from tests.canvas.test_export import pixels

SVG = "{http://www.w3.org/2000/svg}"
LESSONS = ("seed", "neuron", "xor_mlp")


def lesson(name: str):
    graph = load_document(example_path(name)).graph
    return graph, evaluate(graph)


def drawn_text_px(svg: str) -> list[tuple[float, str]]:
    """(em size in pixels of the slide, text) of every text the SVG draws: its font size times
    the scale of the group's matrix, which maps it onto the 1920×1080 canvas."""
    sizes = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        match = re.match(r"matrix\(([^)]*)\)", group.get("transform", ""))
        a, b, c, d = (float(v) for v in match.group(1).split(",")[:4]) if match else (1, 0, 0, 1)
        for text in group.findall(f"{SVG}text"):
            if (text.text or "").strip():
                size = float(text.get("font-size"))
                sizes.append((size * math.sqrt(abs(a * d - b * c)), text.text))
    return sizes


@pytest.mark.parametrize("name", LESSONS)
def test_the_smallest_text_of_a_lesson_graph_is_the_points_asked_at_16_9(qtbot, name):
    graph, trace = lesson(name)
    frame = SlideFrame(1920, 1080, min_points=8.0)
    laid = slide.lay_out(graph, trace, frame, LIGHT)
    texts = drawn_text_px(slide.slide_svg(laid))
    assert len(texts) > 10
    smallest = min(px for px, _ in texts)
    assert smallest / frame.pixels_per_point >= 8.0  # 2 px a point on a 1080-pixel slide
    assert smallest == pytest.approx(laid.smallest_points * 2, rel=0.02)
    # and far larger than the same graph at 100 % on that slide would be (10 px for 7.5 pt)
    assert smallest > 16


@pytest.mark.parametrize("name", LESSONS)
def test_no_card_of_a_lesson_slide_is_drawn_over_another(qtbot, name):
    from backprop_studio.canvas.items.block import card_rect

    graph, trace = lesson(name)
    laid = slide.lay_out(graph, trace, SlideFrame(), LIGHT)
    scene = laid.scene
    cards = [card_rect(item) for item in scene.node_items().values() if item.isVisible()]
    cards += [card_rect(b) for b in scene.block_items().values() if b.collapsed]
    assert len(cards) >= 5
    for i, card in enumerate(cards):
        assert not any(card.intersects(other) for other in cards[i + 1 :])


def test_a_slide_draws_fine_print_as_large_as_numbers_and_the_canvas_keeps_its_own(qtbot):
    from backprop_studio.canvas import style

    canvas = style.fonts()
    graph, trace = lesson("seed")
    laid = slide.lay_out(graph, trace, SlideFrame(), LIGHT)
    slide.slide_png(laid)
    assert style.fonts() is canvas and canvas.small.pointSizeF() == 7.5
    texts = dict((text.strip(), px) for px, text in drawn_text_px(slide.slide_svg(laid)))
    assert texts["grad"] == pytest.approx(texts["-2.0000"], rel=0.01)  # the word as the number


@pytest.mark.parametrize("name", LESSONS)
def test_a_white_slide_is_white_and_the_size_of_the_frame(qtbot, name):
    graph, trace = lesson(name)
    laid = slide.lay_out(graph, trace, SlideFrame(1920, 1080), LIGHT)
    image = QImage.fromData(slide.slide_png(laid))
    assert (image.width(), image.height()) == (1920, 1080)
    array = pixels(image)
    for corner in (array[0, 0], array[0, -1], array[-1, 0], array[-1, -1]):
        assert tuple(corner) == (255, 255, 255, 255)
    white = (array[..., :3] == 255).all(axis=-1).mean()
    assert 0.5 < white < 0.99  # white around the cards, and a graph drawn on it
    border = np.concatenate([array[:4].reshape(-1, 4), array[-4:].reshape(-1, 4)])
    assert (border == 255).all()  # nothing clipped at the top or bottom edge
    left_right = np.concatenate([array[:, :4].reshape(-1, 4), array[:, -4:].reshape(-1, 4)])
    assert (left_right == 255).all()


def test_a_transparent_slide_has_nothing_behind_the_cards(qtbot):
    graph, trace = lesson("seed")
    laid = slide.lay_out(graph, trace, SlideFrame(background="transparent"), LIGHT)
    array = pixels(QImage.fromData(slide.slide_png(laid)))
    assert array[0, 0, 3] == 0 and array[-1, -1, 3] == 0
    assert (array[..., 3] == 255).any()


def test_a_slide_pdf_is_a_16_9_page_of_vector_text(qtbot, tmp_path):
    graph, trace = lesson("neuron")
    laid = slide.lay_out(graph, trace, SlideFrame(), LIGHT)
    pdf = slide.slide_pdf(laid, tmp_path / "neuron.pdf")
    assert (tmp_path / "neuron.pdf").read_bytes() == pdf
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert box is not None
    assert (float(box.group(1)), float(box.group(2))) == pytest.approx((960, 540), abs=1)
    assert b"/Font" in pdf


def test_values_only_cards_drop_the_data_and_grad_words(qtbot):
    graph, trace = lesson("seed")
    badges = sum(node.op == "data" for node in graph)  # a data leaf's badge says "data"

    def words(frame: SlideFrame) -> list[str]:
        svg = slide.slide_svg(slide.lay_out(graph, trace, frame, LIGHT))
        return [text.strip() for _, text in drawn_text_px(svg)]

    full = words(SlideFrame())
    assert full.count("grad") == len(graph.names) and full.count("data") > badges
    only = words(SlideFrame(values_only=True))
    assert only.count("grad") == 0 and only.count("data") == badges
    assert "-2.0000" in only  # the numbers stay


def test_text_too_small_for_the_points_asked_is_refused_with_the_size_reached(qtbot):
    graph, trace = lesson("neuron")
    with pytest.raises(ExportError, match=r"smallest text would be \d+\.\d pt, under the 30 pt"):
        slide.lay_out(graph, trace, SlideFrame(min_points=30), LIGHT)


def test_the_slide_embeds_its_layout_and_leaves_the_graph_where_it_was(qtbot):
    graph, trace = lesson("seed")
    before = {node.name: node.position for node in graph}
    revision = graph.revision
    laid = slide.lay_out(graph, trace, SlideFrame(1440, 1080), LIGHT)
    assert {node.name: node.position for node in graph} == before
    assert graph.revision == revision
    reopened = loads(unwrap(slide.slide_png(laid))).graph
    assert {n.name: n.position for n in reopened} == {n.name: n.position for n in laid.graph}
    assert {n.name: n.value for n in reopened} == {n.name: n.value for n in graph}


def test_a_selection_is_laid_out_alone(qtbot):
    graph, trace = lesson("seed")
    whole = slide.lay_out(graph, trace, SlideFrame(), LIGHT)
    part = slide.lay_out(graph, trace, SlideFrame(), LIGHT, names=["w", "x", "y_hat"])
    assert set(part.graph.names) == {"w", "x", "y_hat"}
    assert part.smallest_points > whole.smallest_points  # fewer cards, drawn larger


def test_frames_are_checked_and_parsed():
    assert parse_size("16:9") == (1920, 1080) and parse_size("4:3") == (1440, 1080)
    assert parse_size("1280x720") == (1280, 720) and parse_size("800×600") == (800, 600)
    for bad in ("16:10", "0x100", "100", "x", "9000x100"):
        with pytest.raises(ValueError, match="a slide is"):
            parse_size(bad)
    with pytest.raises(ValueError, match="pixels"):
        SlideFrame(10, 1080)
    with pytest.raises(ValueError, match="points"):
        SlideFrame(min_points=float("nan"))
