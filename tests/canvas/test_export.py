"""PNG, SVG and PDF export: decoded pixels, real SVG text, no selection decoration, reopening."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage

from backprop_studio.canvas import export
from backprop_studio.canvas.items.port import PortState
from backprop_studio.canvas.style import DARK, LIGHT
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.document_io import DocumentError, load_document, loads
from backprop_studio.model.embedded import unwrap

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def shown(scene, seed):
    """The seed scene showing a real run: w → ŷ carries −2 (blue), loss has grad +1."""
    scene.show_trace(evaluate(seed))
    return scene


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    rows = data.reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


def near(array: np.ndarray, color: QColor, tolerance: int = 24) -> np.ndarray:
    """A mask of the pixels within ``tolerance`` of ``color`` in each channel."""
    target = np.array([color.red(), color.green(), color.blue()])
    return (np.abs(array[..., :3].astype(int) - target) <= tolerance).all(axis=-1)


def to_pixel(source, scale: float, point: QPointF) -> tuple[int, int]:
    return (round((point.x() - source.left()) * scale), round((point.y() - source.top()) * scale))


def test_png_has_the_drawing_size_and_gradient_colours_on_the_edges(shown):
    source = export.drawing_rect(shown)
    image = export.render_image(shown, scale=2.0)
    assert (image.width(), image.height()) == (
        pytest.approx(source.width() * 2, abs=1),
        pytest.approx(source.height() * 2, abs=1),
    )
    array = pixels(image)
    assert len(np.unique(array.reshape(-1, 4), axis=0)) > 50  # not blank
    for edge, item in shown.edge_items().items():
        x, y = to_pixel(source, 2.0, item.path().pointAtPercent(0.25))
        patch = array[y - 6 : y + 7, x - 6 : x + 7]
        if edge.src == "w":  # the gradient −2 flows back along w → ŷ: the negative accent
            assert near(patch, LIGHT.negative).any()
        if edge.src == "x":  # data gets no gradient: the neutral edge grey
            assert near(patch, LIGHT.edge, 12).any()
            assert not near(patch, LIGHT.negative).any()
    # the output card's gradient +1 is written in the positive accent
    assert near(array, LIGHT.positive).sum() > 20


def test_nothing_is_clipped_the_margin_is_background(shown):
    array = pixels(export.render_image(shown, scale=1.0))
    border = np.concatenate([array[:8].reshape(-1, 4), array[-8:].reshape(-1, 4)])
    border = np.concatenate([border, array[:, :8].reshape(-1, 4), array[:, -8:].reshape(-1, 4)])
    assert near(border, LIGHT.background, 2).all()


def test_selection_and_port_highlights_are_left_out_and_put_back(shown):
    plain = pixels(export.render_image(shown, scale=1.0))
    shown.select_names(list(shown.node_items()))
    edge = next(iter(shown.edge_items().values()))
    edge.setSelected(True)
    port = shown.node_item("loss").input_port("a")
    port.set_state(PortState.OK)
    emitted = []
    shown.selectionChanged.connect(lambda: emitted.append(1))
    array = pixels(export.render_image(shown, scale=1.0))
    assert not near(array, LIGHT.selection, 30).any()
    assert np.array_equal(array, plain)
    assert sorted(shown.selected_names()) == sorted(shown.node_items())
    assert edge.isSelected() and port.state == PortState.OK
    assert emitted == []  # the inspector never saw the round trip


def test_transparent_background_and_another_theme(shown):
    array = pixels(export.render_image(shown, scale=1.0, background=export.TRANSPARENT))
    assert array[0, 0, 3] == 0 and array[..., 3].max() == 255
    dark = pixels(export.render_image(shown, scale=1.0, theme=DARK))
    assert near(dark[:4, :4], DARK.background, 2).all()
    assert shown.theme is LIGHT  # the canvas keeps its own theme


def test_selection_only_shows_those_nodes(shown):
    whole = export.render_image(shown, scale=1.0)
    part = export.render_image(shown, scale=1.0, names=["w", "x", "y_hat"])
    assert part.width() < whole.width()
    assert not near(pixels(part), LIGHT.positive).any()  # the loss card is not in the picture


def test_svg_is_xml_with_the_labels_as_text(shown):
    svg = export.to_svg(shown)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert {"w", "y_hat", "loss", "-2", "-2.0000"} <= texts
    assert not list(root.iter(f"{SVG}image"))  # vector, not a pasted bitmap


def test_pdf_is_a_pdf(shown, tmp_path):
    path = tmp_path / "graph.pdf"
    data = export.to_pdf(shown, path)
    assert data.startswith(b"%PDF") and path.read_bytes() == data


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_exported_images_reopen_as_the_same_graph(shown, seed, tmp_path, kind):
    path = tmp_path / f"graph.{kind}"
    settings = {"dtype": "float32"}
    if kind == "png":
        export.to_png(shown, path, scale=1.0, settings=settings)
    else:
        export.to_svg(shown, path, settings=settings)
    data = load_document(path)
    assert data.graph.structure() == seed.structure()
    assert data.settings["dtype"] == "float32"


def test_selection_export_embeds_only_the_selection(shown):
    data = loads(unwrap(export.to_png(shown, names=["w", "x", "y_hat"], scale=0.5)))
    assert sorted(data.graph.names) == ["w", "x", "y_hat"]
    assert len(data.graph.edges) == 2


def test_png_without_embedding_does_not_reopen(shown):
    with pytest.raises(DocumentError, match="carries no Backprop Studio graph"):
        loads(unwrap(export.to_png(shown, scale=0.5, embed=False)))


def test_an_empty_canvas_and_a_bad_scale_are_export_errors(qtbot, shown):
    with pytest.raises(export.ExportError, match="scale"):
        export.render_image(shown, scale=0.0)
    shown.set_graph(None)
    with pytest.raises(export.ExportError, match="nothing to export"):
        export.to_svg(shown)
