"""How a node card paints itself: the full card when zoomed in, else its name and one number,
with the unchanging part stamped from images (a mixin of NodeItem, ``canvas/items/node.py``,
which holds the state this reads). Exports paint with no cache, so they get vector text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .. import style
from ..style import HEADER_HEIGHT, NODE_WIDTH, PORT_RADIUS
from ..value_text import signed
from .node_backdrop import stamp_backdrop
from .node_body import paint_backdrop, paint_body, paint_header
from .node_summary import paint_summary_name, paint_summary_number, summary_layout

if TYPE_CHECKING:
    from .node import NodeItem

_AA = QPainter.RenderHint.Antialiasing
_TEXT_AA = QPainter.RenderHint.TextAntialiasing
_NO_CACHE = QGraphicsItem.CacheMode.NoCache
MARGIN = PORT_RADIUS + 3.0  # room around the card for port dots and the selection border


class NodePainting:
    """NodeItem's ``paint`` (see the module's docstring)."""

    def paint(
        self: NodeItem,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        theme, f = self._theme, style.fonts()
        painter.setRenderHint(_AA)
        painter.setRenderHint(_TEXT_AA)
        w, h = NODE_WIDTH, self._height
        transform = painter.worldTransform()
        lod = option.levelOfDetailFromTransform(transform)
        detail = lod >= style.DETAIL_ZOOM
        self._shown_detail = self._shown_detail or detail
        connected = self._connected
        if connected is None:
            connected = frozenset(e.edge.port for e in self._edges if e.dst_item is self)
            self._connected = connected

        def backdrop(p: QPainter) -> None:
            self._paint_backdrop(p, connected, detail)

        cached = not detail and self.cacheMode() != _NO_CACHE
        key = (id(theme), self._op, bool(self._problem), self.isSelected(), self._is_output)
        key += (h, connected)

        def stamped_backdrop(p: QPainter) -> None:
            if not (cached and stamp_backdrop(p, key, w, h, MARGIN, backdrop)):
                backdrop(p)

        band = self.band_rect()
        pictures = band is not None and (detail or self._band.thumbnails_legible(lod))
        if detail:
            stamped_backdrop(painter)
            paint_header(
                painter, theme, f, self._op, self.badge_text(), self.title, self.title_rect()
            )
            paint_body(
                painter, theme, f, self._lines, self._gutter, signed(self._grad), self.values_only
            )
        else:  # too small for the full text: name and one number, readable on screen
            summary = self.summary(lod)
            text = QRectF(0, 0, w, band.top() if pictures else h)  # type: ignore[union-attr]
            name_at, number_at = summary_layout(summary, text, HEADER_HEIGHT, lod)

            def face(p: QPainter) -> None:  # what a new trace leaves as it was
                stamped_backdrop(p)
                paint_summary_name(p, summary, name_at, theme.text)

            face_key = (key, id(f), summary.name, summary.name_scale, name_at.x(), name_at.y())
            if not (cached and self._face.stamp(painter, transform, face_key, w, h, MARGIN, face)):
                face(painter)
            paint_summary_number(painter, summary, number_at, theme.muted)
        if pictures:
            assert band is not None
            right = NODE_WIDTH - style.TEXT_MARGIN
            self._band.paint(painter, theme, band.top(), self._gutter, right, detail)

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
