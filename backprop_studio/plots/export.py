"""A plot as a PNG image (pyqtgraph's exporter) or SVG text (QSvgGenerator), without hover marks.

Free functions with no dialogs (the app asks where to write). The hover read-out follows the
mouse, so it is hidden for the one export and shown again afterwards, like the canvas does with
its selection.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pyqtgraph as pg
import pyqtgraph.exporters as exporters
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

LEGEND_SIZE = "11pt"  # a legend's text in an export: as large as the tick labels, not 8 pt
HOVER_MARKS = ("hover_label", "hover_dot")
CURSOR_MARKS = ("current_line", "marker")  # the loss plot's mark of the timeline's iteration


@contextmanager
def _export_mode(plot: pg.PlotWidget, cursor: bool = False) -> Iterator[None]:
    """Hover marks hidden, and the timeline's cursor unless ``cursor``; legends in larger
    text; items told they are exported (symbols drawn as shapes, not pasted from pyqtgraph's
    pixmap atlas, which an SVG cannot crop). Restored afterwards."""
    names = HOVER_MARKS if cursor else HOVER_MARKS + CURSOR_MARKS
    marks = [getattr(plot, name, None) for name in names]
    shown = [(m, m.isVisible()) for m in marks if m is not None]
    items = [item for item in plot.scene().items() if hasattr(item, "setExportMode")]
    legends = [item for item in plot.scene().items() if isinstance(item, pg.LegendItem)]
    labels = [(label, label.text, dict(label.opts)) for lg in legends for _, label in lg.items]
    try:
        for mark, _visible in shown:
            mark.setVisible(False)
        for label, text, opts in labels:
            label.setText(text, **{**opts, "size": LEGEND_SIZE})
        for legend in legends:
            legend.updateSize()
        for item in items:
            item.setExportMode(True, {"antialias": True})
        yield
    finally:
        for item in items:
            item.setExportMode(False)
        for label, text, opts in labels:
            label.setText(text, **opts)
        for legend in legends:
            legend.updateSize()
        for mark, visible in shown:
            mark.setVisible(visible)


def plot_image(plot: pg.PlotWidget, width: int = 1200, cursor: bool = False) -> QImage:
    """The plot (axes, curves, legend) rendered ``width`` pixels wide on its own background;
    ``cursor`` keeps the mark of the iteration the timeline shows."""
    with _export_mode(plot, cursor):
        exporter = exporters.ImageExporter(plot.getPlotItem())
        exporter.parameters()["width"] = int(width)
        image = exporter.export(toBytes=True)
    return image


def plot_svg(plot: pg.PlotWidget, title: str = "Loss", cursor: bool = False) -> str:
    """The plot as SVG text (curves as paths, labels as text), at the widget's size.

    Drawn with QSvgGenerator: pyqtgraph 0.14's SVGExporter fails on the SVG paths of Qt 6.
    """
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    size = plot.viewport().size()
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    screen = QGuiApplication.primaryScreen()
    # axis text is replayed from QPictures recorded at the screen's DPI: match it, or it shrinks
    generator.setResolution(round(screen.logicalDotsPerInchY()) if screen else 96)
    with _export_mode(plot, cursor):
        painter = QPainter(generator)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            plot.render(painter, QRectF(0, 0, size.width(), size.height()), plot.viewport().rect())
        finally:
            painter.end()
    return bake_cosmetic_strokes(bytes(data.data()).decode("utf-8"))


_GROUP = re.compile(r'(<g [^>]*transform=")matrix\(([^)]*)\)("[^>]*>)(.*?)(</g>)', re.S)
_COORDS = re.compile(r'(points|d)="([^"]*)"')
_PAIR = re.compile(r"(-?[\d.]+(?:e-?\d+)?),(-?[\d.]+(?:e-?\d+)?)")


def bake_cosmetic_strokes(svg: str) -> str:
    """Curves and symbols are drawn with cosmetic pens under a data→pixel transform; viewers
    without ``vector-effect`` scale the stroke with it (a 2 px line becomes a blob). Apply the
    transform to the coordinates instead, in groups holding only such polylines and paths."""

    def bake(match: re.Match[str]) -> str:
        body = match.group(4)
        tags = set(re.findall(r"<(\w+)", body))
        if not tags or not tags <= {"polyline", "path"} or "non-scaling-stroke" not in body:
            return match.group(0)
        try:
            a, b, c, d, e, f = (float(v) for v in match.group(2).split(","))
        except ValueError:
            return match.group(0)

        def pair(m: re.Match[str]) -> str:
            x, y = float(m.group(1)), float(m.group(2))
            return f"{a * x + c * y + e:.6g},{b * x + d * y + f:.6g}"

        def coords(m: re.Match[str]) -> str:
            return f'{m.group(1)}="{_PAIR.sub(pair, m.group(2))}"'

        baked = _COORDS.sub(coords, body)
        return match.group(1) + "matrix(1,0,0,1,0,0)" + match.group(3) + baked + match.group(5)

    return _GROUP.sub(bake, svg)
