"""The heat map of a tensor gradient on its edge: a small framed picture beside the edge's label.

It appears when the edge carries a tensor gradient (during the backward animation: when the
pulse has reached the producer). It keeps its size in the scene (scaled up like the edge's
width, it covered the cards beside it) and hides when the view is zoomed out past MAX_SCALE. Stock C++ items (a rectangle and a pixmap),
so painting calls no Python; the pixmap is made once per gradient and only when first shown.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem, QGraphicsRectItem

from backprop_studio.model.shapes import Value

from ..heat import HeatPicture, heat_picture
from ..style import Theme
from .node_heat import map_rect

THUMB_WIDTH, THUMB_HEIGHT = 40.0, 22.0  # the box the picture fits in, in scene units at 100 %
MAX_SCALE = 2.0  # the edges' width scale (CanvasView) past which a thumbnail is too small
GAP = 4.0  # from the label
_RESOLUTION = 3  # pixmap pixels per scene unit, so cells stay crisp when zoomed in


class EdgeThumb:
    """The thumbnail of one edge; made on first use, a child of the edge item."""

    def __init__(self, parent: QGraphicsItem) -> None:
        self._parent = parent
        self._grad: Value | None = None
        self._picture: HeatPicture | None = None
        self._built = False
        self._frame: QGraphicsRectItem | None = None
        self._pixmap: QGraphicsPixmapItem | None = None

    @property
    def item(self) -> QGraphicsRectItem | None:
        """The framed picture while it shows, else None."""
        return self._frame if self._frame is not None and self._frame.isVisible() else None

    @property
    def wanted(self) -> bool:
        """Whether :meth:`place` has anything to do: a tensor gradient, or one to hide."""
        return self._frame is not None or isinstance(self._grad, list)

    def set_grad(self, grad: Value | None) -> None:
        if grad is not self._grad and grad != self._grad:
            self._grad = grad
            self._built = False

    def place(
        self,
        anchor: QPointF,
        beside: float | None,
        scale: float,
        color: QColor,
        theme: Theme,
        show: bool,
    ) -> None:
        """Show above ``anchor`` (the edge's midpoint), or ``beside`` units to its right (on a
        horizontal run, where above would be under a card); ``show`` False hides it."""
        show = show and isinstance(self._grad, list) and scale <= MAX_SCALE
        if not show:
            if self._frame is not None:
                self._frame.setVisible(False)
            return
        if not self._built:
            self._build()
        if self._picture is None or self._frame is None:
            return
        frame = self._frame
        rect = frame.rect()
        if beside is None:  # centred above the label
            offset = QPointF(-rect.width() / 2, -rect.height() - THUMB_HEIGHT / 2 - GAP)
        else:
            offset = QPointF(beside + GAP, -rect.height() / 2)
        frame.setPen(QPen(color, 1.0))
        frame.setBrush(QBrush(theme.label_fill))
        frame.setPos(anchor + offset)
        frame.setVisible(True)

    def _build(self) -> None:
        self._built = True
        self._picture = heat_picture(self._grad)
        if self._picture is None:
            if self._frame is not None:
                self._frame.setVisible(False)
            return
        picture = self._picture
        grid = (picture.rows, picture.cols) if picture.kind == "cells" else None
        rect = map_rect(QRectF(0, 0, THUMB_WIDTH, THUMB_HEIGHT), grid)
        size = (round(rect.width() * _RESOLUTION), round(rect.height() * _RESOLUTION))
        image = picture.image.scaled(
            max(size[0], 1),
            max(size[1], 1),
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
        if self._frame is None:
            self._frame = QGraphicsRectItem(self._parent)
            self._frame.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._frame.setAcceptHoverEvents(False)
            self._pixmap = QGraphicsPixmapItem(self._frame)
            self._pixmap.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._pixmap.setScale(1.0 / _RESOLUTION)
        assert self._pixmap is not None
        self._frame.setRect(rect)
        self._pixmap.setPixmap(QPixmap.fromImage(image))
