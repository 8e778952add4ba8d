"""Colours, pens, fonts and sizes of the canvas: one place, so the look can change in one file.

The palette follows micrograd's ``draw_dot``: quiet cards, value and gradient written in the node,
and a single accent for gradients, coloured by sign (warm for positive, blue for negative) with the
edge width growing with the log of the magnitude. Leaf kinds (param, data, const) differ by a pale
header tint and a small badge, so the gradient colours stay the loudest thing on the canvas.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QPalette, QPen

# ---- sizes (scene units = pixels at 100 % zoom) ---------------------------------------------
NODE_WIDTH = 240.0
# what model.layout.layered_layout should be given so cards and edge labels do not collide
LAYOUT_LAYER_GAP = NODE_WIDTH + 100.0  # = model.layout.LAYER_GAP
LAYOUT_ROW_GAP = 120.0
HEADER_HEIGHT = 28.0
ROW_HEIGHT = 18.0
BODY_PADDING = 6.0
CORNER_RADIUS = 7.0
TEXT_MARGIN = 10.0
PORT_RADIUS = 4.5
CARD_MARGIN = PORT_RADIUS + 3.0  # room around a card for port dots and the selection border
PORT_HIT_RADIUS = 8.0
PORT_LABEL_GAP = 11.0
EDGE_HIT_WIDTH = 10.0
EDGE_WIDTH = 1.6
EDGE_MIN_WIDTH = 1.2
EDGE_MAX_WIDTH = 6.5
GRID_SPACING = 24.0
MIN_ZOOM = 0.1
FIT_MIN_ZOOM = 0.32  # the smallest zoom at which a card's name and number stay readable
MAX_ZOOM = 4.0
FIT_MAX_ZOOM = 1.5
FIT_MARGIN = 40.0
# Readable text: a cap height of 7 screen pixels is that of a 9.6 px (7.2 pt) font, the size of
# the smallest labels on the card at 100 % (7.5 pt) and of small print in desktop toolkits.
READABLE_CAP_PX = 7.0
# Below this zoom the card's full text would be smaller than that; it shows its name and one
# number instead, enlarged to stay readable (canvas/items/node_summary.py).
DETAIL_ZOOM = 0.75
EDGE_AA_ZOOM = 0.5  # below it edge lines are filled without antialiasing (EdgeLine)
FAR_ZOOM = EDGE_AA_ZOOM  # below it sheets paint the plain cards and the edges (far_sheet.py)

Z_EDGE = 0.0
Z_TEMP_EDGE = 15.0  # above the cards while dragging
Z_NODE = 10.0
Z_EDITOR = 20.0


@dataclass(frozen=True)
class Theme:
    """Every colour the canvas draws with."""

    dark: bool
    background: QColor
    grid: QColor
    card: QColor
    border: QColor
    text: QColor
    muted: QColor
    header_op: QColor
    header_param: QColor
    header_data: QColor
    header_const: QColor
    badge_param: QColor
    badge_data: QColor
    badge_const: QColor
    badge_op: QColor
    output_border: QColor
    selection: QColor
    problem: QColor
    problem_fill: QColor
    edge: QColor
    positive: QColor
    negative: QColor
    zero: QColor
    port: QColor
    port_ok: QColor
    port_refused: QColor
    label_fill: QColor
    shadow: QColor

    def header_for(self, op: str) -> QColor:
        return {
            "param": self.header_param,
            "data": self.header_data,
            "const": self.header_const,
        }.get(op, self.header_op)

    def badge_for(self, op: str) -> QColor:
        return {
            "param": self.badge_param,
            "data": self.badge_data,
            "const": self.badge_const,
        }.get(op, self.badge_op)


def _c(text: str) -> QColor:
    return QColor(text)


LIGHT = Theme(
    dark=False,
    background=_c("#f7f7f4"),
    grid=_c("#e4e4de"),
    card=_c("#ffffff"),
    border=_c("#c4c8cf"),
    text=_c("#1f2328"),
    muted=_c("#6a737d"),
    header_op=_c("#f1f2f5"),
    header_param=_c("#e3f3e7"),
    header_data=_c("#eaeef4"),
    header_const=_c("#f3f1ec"),
    badge_param=_c("#2b8a3e"),
    badge_data=_c("#5c6b7f"),
    badge_const=_c("#8a7f6a"),
    badge_op=_c("#495057"),
    output_border=_c("#343a40"),
    selection=_c("#7048e8"),
    problem=_c("#d1242f"),
    problem_fill=_c("#fff0f0"),
    edge=_c("#9aa1aa"),
    positive=_c("#e8590c"),
    negative=_c("#1c7ed6"),
    zero=_c("#b8bdc4"),
    port=_c("#8b939d"),
    port_ok=_c("#2b8a3e"),
    port_refused=_c("#e03131"),
    label_fill=_c("#ffffff"),
    shadow=QColor(0, 0, 0, 22),
)

DARK = Theme(
    dark=True,
    background=_c("#1d1f23"),
    grid=_c("#2a2d33"),
    card=_c("#2a2d33"),
    border=_c("#4a4f58"),
    text=_c("#e8e9eb"),
    muted=_c("#9aa1ab"),
    header_op=_c("#33363d"),
    header_param=_c("#243a2b"),
    header_data=_c("#2c3440"),
    header_const=_c("#38352f"),
    badge_param=_c("#69db7c"),
    badge_data=_c("#a5b4c8"),
    badge_const=_c("#c9bfa8"),
    badge_op=_c("#ced4da"),
    output_border=_c("#dee2e6"),
    selection=_c("#9775fa"),
    problem=_c("#ff6b6b"),
    problem_fill=_c("#3a2426"),
    edge=_c("#6c737d"),
    positive=_c("#ff922b"),
    negative=_c("#4dabf7"),
    zero=_c("#5c636d"),
    port=_c("#8b939d"),
    port_ok=_c("#69db7c"),
    port_refused=_c("#ff6b6b"),
    label_fill=_c("#23262b"),
    shadow=QColor(0, 0, 0, 70),
)


def theme_for(palette: QPalette) -> Theme:
    """Dark when the palette's window colour is dark, so the canvas follows the system theme."""
    return DARK if palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5 else LIGHT


def current_theme() -> Theme:
    app = QGuiApplication.instance()
    return theme_for(app.palette()) if isinstance(app, QGuiApplication) else LIGHT


# ---- gradients -----------------------------------------------------------------------------
def grad_color(theme: Theme, grad: float | None) -> QColor:
    """The accent for a gradient: warm for positive, blue for negative, grey for none or zero."""
    if grad is None or grad == 0 or math.isnan(grad):
        return theme.zero if grad == 0 else theme.edge
    return theme.positive if grad > 0 else theme.negative


def grad_width(magnitude: float | None) -> float:
    """Edge width grows with log10 |grad|: 0.01 → thin, 1 → medium, ≥ 100 → the clamp."""
    if magnitude is None or magnitude == 0 or math.isnan(magnitude):
        return EDGE_WIDTH
    if math.isinf(magnitude):
        return EDGE_MAX_WIDTH
    width = 3.4 + 1.25 * math.log10(magnitude)
    return max(EDGE_MIN_WIDTH, min(EDGE_MAX_WIDTH, width))


def pen(color: QColor, width: float, dashed: bool = False) -> QPen:
    """A solid (or dashed) pen, made once per colour and width: cards paint the same few."""
    return _pen(color.rgba(), width, dashed)


@lru_cache(maxsize=256)
def _pen(rgba: int, width: float, dashed: bool) -> QPen:
    made = QPen(QColor.fromRgba(rgba), width)
    if dashed:
        made.setStyle(Qt.PenStyle.DashLine)
    return made


def edge_pen(color: QColor, width: float, dashed: bool = False) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


# ---- fonts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fonts:
    """Fonts with their metrics, built once (font metrics are slow to create per paint)."""

    title: QFont
    body: QFont
    small: QFont
    title_metrics: QFontMetricsF
    body_metrics: QFontMetricsF
    small_metrics: QFontMetricsF


_slide_fonts: Fonts | None = None  # while a slide is laid out and drawn: see slide_text()


def fonts() -> Fonts:
    """The canvas fonts; needs a QGuiApplication. Inside ``slide_text()``, the slide's."""
    return _slide_fonts or _canvas_fonts()


@lru_cache(maxsize=1)
def _canvas_fonts() -> Fonts:
    return _make_fonts(9.5, 8.5, 7.5)


@lru_cache(maxsize=1)
def _projected_fonts() -> Fonts:
    return _make_fonts(9.5, 8.5, SLIDE_SMALL_POINTS)


def _make_fonts(title_pt: float, body_pt: float, small_pt: float) -> Fonts:
    title = QFont("DejaVu Sans")
    title.setPointSizeF(title_pt)
    title.setWeight(QFont.Weight.DemiBold)
    body = QFont("DejaVu Sans Mono")
    body.setStyleHint(QFont.StyleHint.Monospace)
    body.setPointSizeF(body_pt)
    small = QFont("DejaVu Sans")
    small.setPointSizeF(small_pt)
    for font in (title, body, small):
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return Fonts(
        title, body, small, QFontMetricsF(title), QFontMetricsF(body), QFontMetricsF(small)
    )


# On a slide the fine print (port names, badges, "data" / "grad", edge labels) is as large as
# the numbers: seen from the back of a room, a label a step smaller than its value is lost.
SLIDE_SMALL_POINTS = 8.5


@contextmanager
def slide_text() -> Iterator[None]:
    """Cards built and painted inside use the slide's fonts (fine print as large as numbers).
    Only for a scene of its own that is laid out and drawn inside: the canvas never sees it."""
    global _slide_fonts
    before = _slide_fonts
    _slide_fonts = _projected_fonts()
    try:
        yield
    finally:
        _slide_fonts = before
