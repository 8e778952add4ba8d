"""Export the canvas as PNG, SVG or PDF: free functions, no dialogs (those live in the app).

Everything is rendered inside ``export_mode``: selection, port highlights, a rename editor and a
half-drawn edge are taken off for the one render and put back afterwards, and the per-item pixel
caches are switched off so that SVG and PDF get real vector shapes and text. PNG and SVG carry
the graph document inside (``model.embedded``), so an exported picture opens again as a graph.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

from backprop_studio.model import embedded
from backprop_studio.model.slide_frame import THEMED, TRANSPARENT, WHITE
from backprop_studio.version import __version__

from .export_document import document_for
from .items.block import BlockItem
from .items.edge import EdgeItem
from .items.editor import TitleEditor
from .items.node import NodeItem
from .items.port import PortState
from .scene import GraphScene
from .style import Z_TEMP_EDGE, Theme

MARGIN = 24.0  # scene units of free space around the drawing, so nothing touches the border
# backgrounds: the theme's canvas colour, none, or pure white (the light canvas is off-white)
BACKGROUNDS = (THEMED, WHITE, TRANSPARENT)
MAX_PIXELS = 200_000_000  # a PNG larger than this is refused (memory), ~ 14,000 × 14,000
HINTS = (
    QPainter.RenderHint.Antialiasing
    | QPainter.RenderHint.TextAntialiasing
    | QPainter.RenderHint.SmoothPixmapTransform
)


class ExportError(ValueError):
    """Nothing to export, an image too large, or a file that cannot be written."""


# ---- export mode -----------------------------------------------------------------------------
def _paint(device, scene: GraphScene, target: QRectF, source: QRectF) -> None:
    """Render ``source`` of the scene into ``target`` of a paint device, antialiased."""
    painter = QPainter(device)
    try:
        painter.setRenderHints(HINTS)
        scene.render(painter, target, source)
    finally:
        painter.end()


@contextmanager
def export_mode(
    scene: GraphScene,
    names: Collection[str] | None = None,
    theme: Theme | None = None,
    background: str | QColor = THEMED,
    values_only: bool = False,
) -> Iterator[QRectF]:
    """The scene as an exported image shows it; yields the scene rect to render (with margins).

    ``names`` limits the picture to those nodes and the edges between them; ``background`` is
    THEMED, WHITE, TRANSPARENT or a colour; ``values_only`` drops the cards' "data" / "grad"
    words. Decoration is hidden with opacity, never visibility, so an open rename editor keeps
    its focus and its text.
    """
    scene.flush_numbers()  # a big graph's off-screen cards may still await the latest trace
    selected = scene.selectedItems()
    ports = [
        (port, port.state)
        for item in scene.node_items().values()
        for port in item.ports()
        if port.state != PortState.IDLE
    ]
    faded: list[tuple[QGraphicsItem, float]] = []
    cached: list[tuple[QGraphicsItem, QGraphicsItem.CacheMode]] = []
    old_theme, old_brush = scene.theme, scene.backgroundBrush()
    old_widths = scene.edge_width_scale
    old_values_only = scene.values_only
    old_far = scene.far
    keep = None if names is None else set(names)
    try:
        scene.set_far(False)  # every item paints itself, in vectors
        scene.blockSignals(True)  # the app's inspector must not follow this round trip
        for item in selected:
            item.setSelected(False)
        scene.blockSignals(False)
        for port, _state in ports:
            port.set_state(PortState.IDLE)
        scene.set_edge_width_scale(1.0)  # an export has its own scale; widths as at 100 %
        for item in scene.items():
            if item.cacheMode() != QGraphicsItem.CacheMode.NoCache:
                cached.append((item, item.cacheMode()))
                item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            if _hidden_in_export(item, keep) and item.opacity() > 0:
                faded.append((item, item.opacity()))
                item.setOpacity(0.0)
            if isinstance(item, BlockItem):  # a picture has no buttons to press
                item.controls_shown = False
        if theme is not None and theme != old_theme:
            scene.set_theme(theme)
        color = background_color(scene, background)
        scene.setBackgroundBrush(QBrush(Qt.BrushStyle.NoBrush) if color is None else color)
        scene.set_values_only(values_only)
        yield drawing_rect(scene)
    finally:
        scene.blockSignals(False)
        if scene.theme != old_theme:
            scene.set_theme(old_theme)
        scene.setBackgroundBrush(old_brush)
        scene.set_values_only(old_values_only)
        scene.set_edge_width_scale(old_widths)
        scene.set_far(old_far)
        for item, opacity in faded:
            item.setOpacity(opacity)
        for item in scene.items():
            if isinstance(item, BlockItem):
                item.controls_shown = True
        for item, mode in cached:
            item.setCacheMode(mode)
        for port, state in ports:
            port.set_state(state)
        scene.blockSignals(True)
        for item in selected:
            if item.scene() is scene:
                item.setSelected(True)
        scene.blockSignals(False)


def background_color(scene: GraphScene, background: str | QColor) -> QColor | None:
    """The colour behind an export (None: transparent); a name not known is refused."""
    if isinstance(background, QColor):
        return background
    if background == TRANSPARENT:
        return None
    if background == WHITE:
        return QColor(Qt.GlobalColor.white)
    if background == THEMED:
        return QColor(scene.theme.background)
    raise ExportError(f"unknown background '{background}' (one of {', '.join(BACKGROUNDS)})")


def _hidden_in_export(item: QGraphicsItem, keep: set[str] | None) -> bool:
    if isinstance(item, TitleEditor) or (
        item.parentItem() is None and item.zValue() == Z_TEMP_EDGE
    ):
        return True
    if keep is None or item.parentItem() is not None:
        return False
    if isinstance(item, NodeItem):
        return item.name not in keep
    if isinstance(item, EdgeItem):
        return item.edge.src not in keep or item.edge.dst not in keep
    if isinstance(item, BlockItem):
        return not set(item.members) <= keep
    return True  # flow marks belong to the whole graph's animation


def drawing_rect(scene: GraphScene, margin: float = MARGIN) -> QRectF:
    """What is drawn (visible, not transparent), in scene coordinates, plus ``margin``."""
    rect = QRectF()
    for item in scene.items():
        if item.parentItem() is None:
            rect = rect.united(_painted_rect(item))
    if rect.isEmpty():
        return rect
    return rect.adjusted(-margin, -margin, margin, margin)


def _painted_rect(item: QGraphicsItem) -> QRectF:
    if not item.isVisible() or item.opacity() <= 0:
        return QRectF()
    rect = QRectF()
    if not item.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents:
        rect = item.sceneBoundingRect()
    for child in item.childItems():
        rect = rect.united(_painted_rect(child))
    return rect


# ---- PNG -------------------------------------------------------------------------------------
def render_image(
    scene: GraphScene,
    scale: float = 2.0,
    background: str | QColor = THEMED,
    names: Collection[str] | None = None,
    theme: Theme | None = None,
    values_only: bool = False,
) -> QImage:
    """The drawing as an image, ``scale`` pixels per scene unit (2: crisp on slides and HiDPI)."""
    if not (scale > 0 and math.isfinite(scale)):
        raise ExportError(f"the scale must be a positive number, not {scale}")
    with export_mode(scene, names, theme, background, values_only) as source:
        if source.isEmpty():
            raise ExportError("there is nothing to export: the canvas is empty")
        w, h = source.width() * scale, source.height() * scale
        if w * h > MAX_PIXELS:  # checked as floats: a huge scale gives 300-digit sizes
            size = f"{w:,.0f} × {h:,.0f}" if w * h < 1e15 else f"{w:.3g} × {h:.3g}"
            raise ExportError(
                f"a {size} pixel image is too large (at most {MAX_PIXELS:,} pixels); "
                "choose a smaller scale"
            )
        width, height = math.ceil(w), math.ceil(h)
        image = new_image(width, height, background_color(scene, background))
        set_dpi(image, font_dpi())  # fonts are sized in points: as many pixels as on screen
        _paint(image, scene, QRectF(0, 0, width, height), source)
    set_dpi(image, scale * 96)  # then the picture keeps its on-screen size when placed
    return image


def new_image(width: int, height: int, color: QColor | None) -> QImage:
    """An ARGB image filled with ``color`` (None: transparent)."""
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent if color is None else color)
    return image


def font_dpi() -> float:
    """The DPI the canvas measured its text with; exports must lay text out the same way."""
    screen = QGuiApplication.primaryScreen()
    return screen.logicalDotsPerInchY() if screen is not None else 96.0


def set_dpi(image: QImage, dpi: float) -> None:
    dots = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)


def to_png(
    scene: GraphScene,
    path: str | Path | None = None,
    *,
    scale: float = 2.0,
    background: str | QColor = THEMED,
    names: Collection[str] | None = None,
    theme: Theme | None = None,
    settings: dict[str, Any] | None = None,
    embed: bool = True,
    description: str | None = None,
    values_only: bool = False,
) -> bytes:
    """PNG bytes (also written to ``path`` when given) with the graph in a text chunk, and
    ``description`` (what is shown, e.g. "iteration 0 of 100") in a Description chunk."""
    image = render_image(scene, scale, background, names, theme, values_only)
    text = document_for(scene, names, settings) if embed else None
    return png_bytes(image, path, text, description)


def png_bytes(
    image: QImage, path: str | Path | None, document: str | None, description: str | None
) -> bytes:
    """``image`` encoded as PNG with ``document`` (the graph) and ``description`` inside."""
    if document is not None:
        image.setText(embedded.KEYWORD, document)  # Qt writes it as a zTXt chunk
    if description:
        image.setText("Description", description)
    image.setText("Software", f"Backprop Studio {__version__}")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ExportError("Qt could not encode the PNG image")
    png = bytes(data.data())
    if path is not None:
        write_file(path, png)
    return png


# ---- SVG and PDF -----------------------------------------------------------------------------
def to_svg(
    scene: GraphScene,
    path: str | Path | None = None,
    *,
    names: Collection[str] | None = None,
    theme: Theme | None = None,
    background: str = THEMED,
    settings: dict[str, Any] | None = None,
    embed: bool = True,
    title: str = "Backprop Studio graph",
    description: str | None = None,
    values_only: bool = False,
) -> str:
    """SVG text with text as ``<text>`` (crisp at any zoom) and the graph in ``<metadata>``;
    ``description`` (what is shown) goes into ``<desc>``."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    with export_mode(scene, names, theme, background, values_only) as source:
        if source.isEmpty():
            raise ExportError("there is nothing to export: the canvas is empty")
        width, height = math.ceil(source.width()), math.ceil(source.height())
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(width, height))
        generator.setViewBox(QRectF(0, 0, width, height))
        generator.setResolution(round(font_dpi()))
        generator.setTitle(title)
        made = f"Made with Backprop Studio {__version__}"
        generator.setDescription(f"{description}. {made}" if description else made)
        _paint(generator, scene, QRectF(0, 0, width, height), source)
    svg = polish_svg(bytes(data.data()).decode("utf-8"), width, height)
    if embed:
        text = document_for(scene, names, settings)
        if text is not None:
            svg = embedded.svg_with_document(svg, text)
    if path is not None:
        write_file(path, svg.encode("utf-8"))
    return svg


def polish_svg(svg: str, width: int, height: int) -> str:
    """Pixel sizes instead of Qt's millimetres, and a generic fallback after each font, so a
    slide program without DejaVu still draws sans-serif and monospace text."""
    head = re.search(r'<svg width="[^"]*" height="[^"]*"', svg)
    if head is not None:
        sized = f'<svg width="{width}" height="{height}"'
        svg = svg[: head.start()] + sized + svg[head.end() :]

    def fallback(match: re.Match[str]) -> str:
        family = match.group(1)
        generic = "monospace" if "mono" in family.lower() else "sans-serif"
        return f'font-family="{family}, {generic}"'

    return re.sub(r'font-family="([^",]*)"', fallback, svg)


def to_pdf(
    scene: GraphScene,
    path: str | Path | None = None,
    *,
    names: Collection[str] | None = None,
    theme: Theme | None = None,
    title: str = "Backprop Studio graph",
    background: str = THEMED,
    values_only: bool = False,
) -> bytes:
    """A one-page PDF the size of the drawing (as on screen at 100 %), with vector text;
    a TRANSPARENT background paints nothing behind the graph (the page shows through)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    with export_mode(scene, names, theme, background, values_only) as source:
        if source.isEmpty():
            raise ExportError("there is nothing to export: the canvas is empty")
        writer = QPdfWriter(buffer)
        writer.setTitle(title)
        writer.setCreator(f"Backprop Studio {__version__}")
        points = 72.0 / font_dpi()  # scene units → points, so text keeps its size on the page
        size = QSizeF(source.width() * points, source.height() * points)
        writer.setPageSize(QPageSize(size, QPageSize.Unit.Point, "drawing"))
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        writer.setResolution(round(font_dpi()))  # the painter turns points into pixels with it
        painter = QPainter(writer)
        try:
            painter.setRenderHints(HINTS)
            target = QRectF(0, 0, writer.width(), writer.height())
            scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
        finally:
            painter.end()
    pdf = bytes(data.data())
    if path is not None:
        write_file(path, pdf)
    return pdf


def write_file(path: str | Path, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise ExportError(f"cannot write '{path}': {exc.strerror or exc}") from None
