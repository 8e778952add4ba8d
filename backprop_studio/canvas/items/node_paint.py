"""How a node card paints itself: the full card when zoomed in, else its name and one number,
with the unchanging part stamped from images (a mixin of NodeItem, ``canvas/items/node.py``,
which holds the state this reads). Exports paint with no cache, so they get vector text."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .. import style
from ..style import HEADER_HEIGHT, NODE_WIDTH
from ..value_text import signed
from .far_sheet import hand_over, translated
from .node_backdrop import stamp_backdrop
from .node_body import paint_backdrop, paint_body, paint_header
from .node_heat import HeatBand, Thumbnails, paint_thumbnails
from .node_summary import (
    Summary,
    is_tall,
    number_widths,
    paint_summary_name,
    paint_summary_number,
    summary_layout,
)

if TYPE_CHECKING:
    from .far_sheet import FarSheet
    from .node import NodeItem

_AA = QPainter.RenderHint.Antialiasing
_TEXT_AA = QPainter.RenderHint.TextAntialiasing
_NO_CACHE = QGraphicsItem.CacheMode.NoCache
MARGIN = style.CARD_MARGIN
_PLANS_KEPT = 16  # per card: a number of 3 digits is 4 to 7 characters wide, with a sign or not


class SheetPlan(NamedTuple):
    """A small card as drawn: its face image, stamped with its top left corner at the item's
    (-MARGIN, -MARGIN), and its number's text, font and baseline start (item coordinates)."""

    lod: float
    face: QImage
    font: QFont
    at: QPointF
    number: str
    face_key: tuple  # what the face shows (see _small_layout)
    maps: Thumbnails | None  # its heat maps, in item coordinates (None: it draws none)
    version: int  # the card's face version when drawn (see NodePainting.update)
    widths: tuple | None  # node_summary.number_widths of its numbers then (None: their text)
    tall: bool  # node_summary.is_tall of the card then
    pick: int  # which of (*richer, number) it shows (-1: the number)


class NodePainting:
    """NodeItem's ``paint`` (see the module's docstring), and whether the card sheet paints it
    instead (``far_sheet.py``: a zoomed-out view's cards, but a selected one paints itself,
    over the others)."""

    _sheet: FarSheet | None = None  # the sheet that paints this card now
    _plan: SheetPlan | None = None  # how it was last drawn small
    _plan_fresh = False  # and nothing changed since
    _sheet_offer: FarSheet | None = None  # the scene's card sheet, while it takes cards
    _face_version = 0  # counts the changes that may change the face (all but new numbers)
    _plans: dict[tuple, SheetPlan]  # its plans for the last few widths of its numbers

    def set_sheet(self: NodeItem, sheet: FarSheet | None) -> None:
        """Let ``sheet`` paint the card while it is plain (None: the card paints itself)."""
        self._sheet_offer = sheet
        self.check_sheet()

    def check_sheet(self: NodeItem) -> None:
        """Hand the card to its sheet, or take it back, after a change of what it shows."""
        self._face_version += 1  # selected or not: the backdrop differs
        offer, held = self._sheet_offer, self._sheet
        if offer is None and held is None:
            return  # not zoomed out (most cards, most of the time)
        wanted = offer is not None and not self.isSelected()
        if wanted == (held is not None):
            return
        self._sheet = offer if wanted else None
        hand_over(self, held, self._sheet)

    @property
    def number_color(self: NodeItem) -> QColor:
        """The colour of a small card's number."""
        return self._theme.muted

    def sheet_plan(self: NodeItem, lod: float) -> SheetPlan | None:
        """How to draw the card small at ``lod`` as it was drawn last, renewed when only its
        number changed (a new trace): the card sheet draws it from this with two calls into
        Qt. None when it has not been drawn at ``lod`` with its face as it is."""
        plan = self._plan
        if plan is None or plan.lod != lod:
            return None
        if self._plan_fresh:
            return plan
        self._plan = None
        renewed = self._renewed(plan, lod)
        if renewed is not None:
            self._plan, self._plan_fresh = renewed, True
            return renewed
        pictures = self._pictures_at(lod)
        if pictures != (plan.maps is not None):
            return None
        summary, _, number_at, face_key = self._small_layout(lod, self._backdrop_key(), pictures)
        if face_key != plan.face_key:
            return None
        maps = self._thumbnails() if pictures else None  # its values may have changed
        self._keep_plan(lod, plan.face, summary, number_at, face_key, maps)
        return self._plan

    def _renewed(self: NodeItem, plan: SheetPlan, lod: float) -> SheetPlan | None:
        """``plan`` for the card's new numbers, when only they changed since: drawn as numbers
        of the same widths were, at ``lod`` (None: worked out again)."""
        fonts = id(style.fonts())
        if plan.version != self._face_version or plan.widths is None or plan.face_key[1] != fonts:
            return None
        number, richer = self._summary_numbers()
        widths = number_widths(number, richer, plan.tall)
        known = plan if widths == plan.widths else self._plans.get(widths)
        seen = (plan.version, lod, fonts)
        if known is None or (known.version, known.lod, known.face_key[1]) != seen:
            return None
        text = number if known.pick < 0 else (*richer, number)[known.pick]
        maps = self._thumbnails() if known.maps is not None else None
        lod, face, font, at, _, face_key, _, version, widths, tall, pick = known
        return SheetPlan(lod, face, font, at, text, face_key, maps, version, widths, tall, pick)

    def _keep_plan(
        self: NodeItem,
        lod: float,
        face: QImage,
        summary: Summary,
        number_at: QPointF,
        face_key: tuple,
        maps: Thumbnails | None,
    ) -> None:
        """Remember how the card was drawn small, and what a new number may change of it."""
        number, richer = self._summary_numbers()
        tall = is_tall(self.title, NODE_WIDTH, self.summary_height(lod), HEADER_HEIGHT, lod)
        widths = number_widths(number, richer, tall)
        pick = richer.index(summary.number) if summary.number in richer else -1
        font, shown, version = summary.number_font(), summary.number, self._face_version
        plan = SheetPlan(
            lod, face, font, number_at, shown, face_key, maps, version, widths, tall, pick
        )
        self._plan, self._plan_fresh = plan, True
        if widths is not None:
            plans = self._plans
            if len(plans) >= _PLANS_KEPT:
                plans.clear()
            plans[widths] = plan

    @staticmethod
    def build_pictures(cards: list[NodeItem], lod: float) -> None:
        """Build at once the heat maps ``cards`` are about to draw at ``lod`` and have not yet
        (a new trace's, on the card sheet): each card's plan would build its own."""
        bands = [
            card._band
            for card in cards
            if not card._plan_fresh and card.has_heat_band and card._pictures_at(lod)
        ]
        if len(bands) > 1:
            HeatBand.build_all(bands)

    def _pictures_at(self: NodeItem, lod: float) -> bool:
        """Whether the card draws its heat maps at ``lod`` (small: when they still show)."""
        return self.band_rect() is not None and (
            lod >= style.DETAIL_ZOOM or self._band.thumbnails_legible(lod)
        )

    @property
    def map_border(self: NodeItem) -> QColor:
        """The colour of the frame around a small card's heat maps."""
        return self._theme.border

    def _thumbnails(self: NodeItem) -> Thumbnails:
        """A small card's heat maps and where they go: a repaint draws the same pictures, a
        new value makes them again."""
        band = self.band_rect()
        assert band is not None
        return self._band.thumbnails(band.top(), self._gutter, NODE_WIDTH - style.TEXT_MARGIN)

    def update(self: NodeItem, *args: object) -> None:
        """Repaint the card: on its sheet, when the sheet paints it (Qt drops an item's own
        updates while it has no contents)."""
        self._face_version += 1
        self.repaint_numbers(*args)

    def repaint_numbers(self: NodeItem, *args: object) -> None:
        """Repaint the card after a change of its numbers alone: drawn small, its face stays
        (a new trace brings every card in sight new numbers, and nothing else)."""
        self._plan_fresh = False
        sheet = self._sheet
        if sheet is None:
            QGraphicsItem.update(self, *args)
        else:
            sheet.touch_item(self)

    def touch_sheet(self: NodeItem) -> None:
        """Repaint where the card is now, on its sheet (before it moves or changes size)."""
        if self._sheet is not None:
            self._sheet.touch(self.sceneBoundingRect())

    def paint(
        self: NodeItem,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(_AA)
        painter.setRenderHint(_TEXT_AA)
        transform = painter.worldTransform()
        lod = option.levelOfDetailFromTransform(transform)
        self._paint_card(painter, transform, lod, self.cacheMode() != _NO_CACHE)

    def paint_on_sheet(self: NodeItem, painter: QPainter, fast: bool, lod: float) -> None:
        """Paint the card for the card sheet (``far_sheet.py``), whose painter is in scene
        coordinates and antialiased: stamped from images in a view (``fast``), in vectors in
        an export."""
        sheet, pos = painter.worldTransform(), self.pos()
        mine = translated(sheet, pos.x(), pos.y())
        painter.setWorldTransform(mine)
        self._paint_card(painter, mine, lod, fast)
        painter.setWorldTransform(sheet)

    def _paint_card(
        self: NodeItem, painter: QPainter, transform: QTransform, lod: float, stamps: bool
    ) -> None:
        """The card at ``lod``, with the painter in its coordinates; ``stamps``: its unchanging
        part may be stamped from images (on screen, not in an export)."""
        theme, f = self._theme, style.fonts()
        w, h = NODE_WIDTH, self._height
        detail = lod >= style.DETAIL_ZOOM
        self._shown_detail = self._shown_detail or detail
        connected = self._connected_ports()

        def backdrop(p: QPainter) -> None:
            self._paint_backdrop(p, connected, detail)

        cached = not detail and stamps
        key = self._backdrop_key()

        def stamped_backdrop(p: QPainter) -> None:
            if not (cached and stamp_backdrop(p, key, w, h, MARGIN, backdrop)):
                backdrop(p)

        band = self.band_rect()
        pictures = self._pictures_at(lod)
        if detail:
            stamped_backdrop(painter)
            paint_header(
                painter, theme, f, self._op, self.badge_text(), self.title, self.title_rect()
            )
            paint_body(
                painter, theme, f, self._lines, self._gutter, signed(self._grad), self.values_only
            )
        else:  # too small for the full text: name and one number, readable on screen
            summary, name_at, number_at, face_key = self._small_layout(lod, key, pictures)

            def face(p: QPainter) -> None:  # what a new trace leaves as it was
                stamped_backdrop(p)
                paint_summary_name(p, summary, name_at, theme.text)

            stamped = cached and self._face.stamp(painter, transform, face_key, w, h, MARGIN, face)
            if not stamped:
                face(painter)
            paint_summary_number(painter, summary, number_at, theme.muted)
            if stamped and self._face.last is not None:
                maps = self._thumbnails() if pictures else None
                self._keep_plan(lod, self._face.last, summary, number_at, face_key, maps)
                if maps is not None:
                    paint_thumbnails(painter, maps, theme.border)
                    return
        if pictures:
            assert band is not None
            right = NODE_WIDTH - style.TEXT_MARGIN
            self._band.paint(painter, theme, band.top(), self._gutter, right, detail)

    def _connected_ports(self: NodeItem) -> frozenset[str]:
        connected = self._connected
        if connected is None:
            connected = frozenset(e.edge.port for e in self._edges if e.dst_item is self)
            self._connected = connected
        return connected

    def _backdrop_key(self: NodeItem) -> tuple:
        """Everything the backdrop shows (shadow, card, tint, border, port dots)."""
        key = (id(self._theme), self._op, bool(self._problem), self.isSelected())
        return (*key, self._is_output, self._height, self._connected_ports())

    def _small_layout(
        self: NodeItem, lod: float, key: tuple, pictures: bool
    ) -> tuple[Summary, QPointF, QPointF, tuple]:
        """A small card's summary, where its name and number start, and the key of its face
        (``key``, the backdrop's, with the name as drawn)."""
        summary = self.summary(lod)
        band = self.band_rect()
        height = band.top() if pictures and band is not None else self._height
        name_at, number_at = summary_layout(
            summary, QRectF(0, 0, NODE_WIDTH, height), HEADER_HEIGHT, lod
        )
        face_key = (key, id(style.fonts()), summary.name, summary.name_scale)
        return summary, name_at, number_at, (*face_key, name_at.x(), name_at.y())

    def _paint_backdrop(
        self: NodeItem, painter: QPainter, connected: frozenset[str], detail: bool
    ) -> None:
        """Shadow, card, header tint, border and port dots: what does not change with numbers."""
        paint_backdrop(
            painter,
            self._theme,
            (self._shadow, self._card, self._header),
            self._op,
            (self._problem, self.isSelected(), self._is_output),
            self._height,
            ({port: item.pos() for port, item in self._inputs.items()}, self._output_port.pos()),
            connected,
            self._gutter if detail else None,
        )
