"""Slides: the graph laid out afresh for a frame (16:9, 4:3 or any size), fitted so that its
smallest text is no smaller than a chosen size in points, on white or transparent.

A slide is drawn from a scene of its own, so the canvas the user edits never moves: the graph as
shown (with the numbers its cards show) is copied and laid out in several arrangements
(``slide_arrangements``: the textbook ones, the canvas layout's bands both ways), and of those
drawn large enough the one with the fewest flaws (``slide_check``) is kept. The picture embeds
that laid-out copy, so reopening a slide shows what it drew.

Points are those of a slide program's page (``model.slide_frame``): on a 1080-pixel slide a point
is 2 pixels, and a slide PDF is that page.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator

from backprop_studio.model import document_io, embedded
from backprop_studio.model.graph import Graph
from backprop_studio.model.slide_frame import DEFAULT_MIN_POINTS, PRESETS, SlideFrame
from backprop_studio.model.trace import Trace
from backprop_studio.version import __version__

from . import export, export_document, slide_check, style
from .export import ExportError, background_color, export_mode
from .items.block import BlockItem, card_rect
from .scene import GraphScene
from .slide_arrangements import LEFT_TO_RIGHT, TOP_TO_BOTTOM, Key, arrangements
from .style import Theme

__all__ = ["DEFAULT_MIN_POINTS", "PRESETS", "Slide", "SlideFrame", "lay_out", "write_slide"]

_TURN_GAIN = 1.05  # top to bottom only when it draws 5 % larger: cards read left to right
READABLE_POINTS = 8.0  # what reads from the back of a room: other arrangements tried below it
_WHOLE_FRAME_GAIN = 1.15  # blocks drawn as one frame each, if the text is at most 15 % smaller
_CLEAN_COST = 0.85  # under the readable size: fewer flaws, if the text is at most 15 % smaller


@dataclass
class Slide:
    """A graph laid out for a frame: its scene, the scene rect that fills the frame, how many
    pixels a scene unit takes, the arrangement kept, and the smallest text it gives in points."""

    scene: GraphScene
    frame: SlideFrame
    source: QRectF
    scale: float
    orientation: str
    smallest_points: float

    @property
    def graph(self) -> Graph:
        graph = self.scene.graph
        assert graph is not None
        return graph


def smallest_text_px() -> float:
    """The pixel size (em) of the smallest font cards draw with, at 100 % (on a slide, inside
    ``style.slide_text()``, the slide's)."""
    return style.fonts().small.pointSizeF() * export.font_dpi() / 72.0


def lay_out(
    graph: Graph,
    trace: Trace | None,
    frame: SlideFrame,
    theme: Theme,
    names: Collection[str] | None = None,
) -> Slide:
    """``graph`` (or only ``names``) with ``trace``'s numbers, laid out to fill ``frame``.

    Raises ExportError when even the better arrangement draws the smallest text below
    ``frame.min_points``: the message says what size it reaches."""
    with style.slide_text():
        return _lay_out(graph, trace, frame, theme, names)


def _lay_out(
    graph: Graph,
    trace: Trace | None,
    frame: SlideFrame,
    theme: Theme,
    names: Collection[str] | None,
) -> Slide:
    shown = export_document.fragment(export_document.shown_values(graph, trace), names)
    copy = shown.copy() if shown is graph else shown
    # laying out moves cards, which changes no number: the trace stays the run of this copy
    revision = graph.revision
    scene = GraphScene(theme=theme)
    scene.set_graph(copy)
    for block in scene.block_items().values():
        block.set_tidy(True)
    scene.set_values_only(frame.values_only)
    scene.show_trace(trace)
    scene.flush_numbers()
    heights = {name: item.card_height for name, item in scene.node_items().items()}
    if not heights:
        raise ExportError("there is nothing to export: the canvas is empty")
    aspect = frame.width / frame.height
    shown_names = set(heights) - copy.blocks.hidden() | _anchors(scene)
    candidates = arrangements(scene, heights, aspect, shown_names)
    readable = max(READABLE_POINTS, frame.min_points) * frame.pixels_per_point
    scale, key = _choose(scene, candidates, frame, revision, readable / smallest_text_px())
    orientation = key[0]
    _place(scene, candidates[key], revision)
    scene.show_trace(trace)
    scene.flush_numbers()
    points = scale * smallest_text_px() / frame.pixels_per_point
    if points < frame.min_points - 1e-9:
        raise ExportError(
            f"at {frame.width} × {frame.height} the smallest text would be {points:.1f} pt, "
            f"under the {frame.min_points:g} pt asked: export fewer nodes (a selection), "
            "collapse a block, or ask for smaller text"
        )
    source = _frame_rect(export.drawing_rect(scene), aspect)
    return Slide(scene, frame, source, frame.width / source.width(), orientation, points)


def _choose(
    scene: GraphScene, candidates: dict[Key, dict], frame: SlideFrame, revision: int, enough: float
) -> tuple[float, Key]:
    """The arrangement to draw and its scale: of those drawn at the ``enough`` scale (or, when
    none is, within _CLEAN_COST of the largest), the one with the fewest flaws
    (``slide_check``), the largest of equals; never one with a card over another, nor one under
    the text size asked. Each open block one frame is worth a little smaller text, and a turn of
    the graph a little larger."""
    graph = scene.graph
    assert graph is not None
    measured: dict[Key, tuple[float, float]] = {}  # key: (score, fit)
    for key, positions in candidates.items():
        _place(scene, positions, revision)
        if not _apart(scene):
            continue
        rect = export.drawing_rect(scene)
        fit = min(frame.width / rect.width(), frame.height / rect.height())
        whole = all(block.frame_pieces() <= 1 for block in scene.block_items().values())
        score = fit * (_WHOLE_FRAME_GAIN if whole else 1.0)
        measured[key] = (score / (_TURN_GAIN if key[0] == TOP_TO_BOTTOM else 1.0), fit)
    if not measured:  # every arrangement overlaps somewhere: the canvas's own
        chosen = (LEFT_TO_RIGHT, "by op, bands 1.0")
        _place(scene, candidates[chosen], revision)
        rect = export.drawing_rect(scene)
        return min(frame.width / rect.width(), frame.height / rect.height()), chosen
    largest = max(fit for _, fit in measured.values())
    least = frame.min_points * frame.pixels_per_point / smallest_text_px()
    floor = max(least, min(enough, largest * _CLEAN_COST))
    flaws = {}
    for key in (k for k in measured if measured[k][1] >= floor - 1e-9):
        _place(scene, candidates[key], revision)
        flaws[key] = slide_check.defects(scene)
    if not flaws:  # too small however drawn: the largest, refused with the size it reaches
        chosen = max(measured, key=lambda k: measured[k][0])
    else:  # the first of equals: the textbook arrangements come first
        chosen = min(flaws, key=lambda k: (flaws[k], -measured[k][0]))
    return measured[chosen][1], chosen


def _apart(scene: GraphScene) -> bool:
    """No card drawn over another (a collapsed block's card counts, its hidden members not)."""
    items = [*scene.node_items().values(), *scene.block_items().values()]
    cards = sorted(
        (card_rect(item) for item in items if item.isVisible() and not _is_open_block(item)),
        key=QRectF.left,
    )
    for i, card in enumerate(cards):  # sweep left to right: only cards that start before the
        for other in cards[i + 1 :]:  # right edge of this one can touch it
            if other.left() >= card.right():
                break
            if card.intersects(other):
                return False
    return True


def _is_open_block(item: object) -> bool:
    return isinstance(item, BlockItem) and not item.collapsed


def _anchors(scene: GraphScene) -> set[str]:
    """The members whose places collapsed blocks' cards take."""
    items = (block.anchor() for block in scene.block_items().values() if block.collapsed)
    return {item.name for item in items if item is not None}


def _place(scene: GraphScene, positions: dict, revision: int) -> None:
    graph = scene.graph
    assert graph is not None
    for name, position in positions.items():
        graph.set_position(name, position)
    graph.revision = revision  # positions change no number: the trace still belongs
    for block in scene.block_items().values():  # a tidy frame also minds the cards around it
        block.follow()


def _frame_rect(rect: QRectF, aspect: float) -> QRectF:
    """``rect`` widened or heightened about its centre to the frame's shape."""
    width, height = rect.width(), rect.height()
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    centre = rect.center()
    return QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)


@contextmanager
def _drawn(slide: Slide) -> Iterator[None]:
    frame = slide.frame
    with (
        style.slide_text(),
        export_mode(slide.scene, None, None, frame.background, frame.values_only),
    ):
        yield


def _document(slide: Slide, settings: dict | None) -> str:
    return embedded.document_text(document_io.document_to_dict(slide.graph, settings))


def slide_png(
    slide: Slide,
    path: str | Path | None = None,
    settings: dict | None = None,
    description: str | None = None,
) -> bytes:
    """The slide as PNG bytes of exactly the frame's size, the laid-out graph inside."""
    frame = slide.frame
    with _drawn(slide):
        image = export.new_image(
            frame.width, frame.height, background_color(slide.scene, frame.background)
        )
        export.set_dpi(image, export.font_dpi())  # text laid out as on the canvas
        target = QRectF(0, 0, frame.width, frame.height)
        painter = QPainter(image)
        try:
            painter.setRenderHints(export.HINTS)
            slide.scene.render(painter, target, slide.source)
        finally:
            painter.end()
    export.set_dpi(image, frame.pixels_per_point * 72)  # placed, it fills a 7.5 in tall slide
    return export.png_bytes(image, path, _document(slide, settings), description)


def slide_svg(
    slide: Slide,
    path: str | Path | None = None,
    settings: dict | None = None,
    description: str | None = None,
) -> str:
    """The slide as SVG text, ``width`` × ``height`` pixels, the laid-out graph inside."""
    frame = slide.frame
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    with _drawn(slide):
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(frame.width, frame.height))
        generator.setViewBox(QRectF(0, 0, frame.width, frame.height))
        generator.setResolution(round(export.font_dpi()))
        generator.setTitle("Backprop Studio slide")
        made = f"Made with Backprop Studio {__version__}"
        generator.setDescription(f"{description}. {made}" if description else made)
        painter = QPainter(generator)
        try:
            painter.setRenderHints(export.HINTS)
            slide.scene.render(painter, QRectF(0, 0, frame.width, frame.height), slide.source)
        finally:
            painter.end()
    svg = export.polish_svg(bytes(data.data()).decode("utf-8"), frame.width, frame.height)
    svg = embedded.svg_with_document(svg, _document(slide, settings))
    if path is not None:
        export.write_file(path, svg.encode("utf-8"))
    return svg


def slide_pdf(slide: Slide, path: str | Path | None = None) -> bytes:
    """The slide as a one-page PDF the size of a slide page (13.33 × 7.5 in for 16:9)."""
    frame = slide.frame
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    with _drawn(slide):
        writer = QPdfWriter(buffer)
        writer.setTitle("Backprop Studio slide")
        writer.setCreator(f"Backprop Studio {__version__}")
        points = 1.0 / frame.pixels_per_point
        size = QSizeF(frame.width * points, frame.height * points)
        writer.setPageSize(QPageSize(size, QPageSize.Unit.Point, "slide"))
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        writer.setResolution(round(export.font_dpi()))
        painter = QPainter(writer)
        try:
            painter.setRenderHints(export.HINTS)
            target = QRectF(0, 0, writer.width(), writer.height())
            slide.scene.render(painter, target, slide.source)
        finally:
            painter.end()
    pdf = bytes(data.data())
    if path is not None:
        export.write_file(path, pdf)
    return pdf


def write_slide(
    slide: Slide, path: Path, settings: dict | None = None, description: str | None = None
) -> None:
    """The slide to ``path`` as PNG, SVG or PDF, by its suffix."""
    kind = path.suffix.lower()
    if kind == ".png":
        slide_png(slide, path, settings, description)
    elif kind == ".svg":
        slide_svg(slide, path, settings, description)
    elif kind == ".pdf":
        slide_pdf(slide, path)
    else:
        raise ExportError(f"a slide is a .png, .svg or .pdf, not '{path.name}'")
