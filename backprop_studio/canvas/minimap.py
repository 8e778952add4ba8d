"""Minimap: the whole graph in a corner of the canvas, with the part the view shows outlined.

A network larger than the window is otherwise a place you can get lost in: the minimap shows
where the cards are and where you are, and a click or drag in it moves the view there (as in
ComfyUI and most diagram editors). It only appears when some card lies outside the view.

The picture of the cards is cached and rebuilt at most five times a second after the scene's
cards are added, removed, moved or resized (not when they are only recoloured, as on every
frame of the backward animation). Painting it is one pixmap and one rectangle.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsView, QWidget

from . import style

MAX_SIZE = QSize(220, 140)  # at most this big, in viewport pixels, in the bottom-right corner
MARGIN = 10  # from the viewport's edges
PAD = 40.0  # scene units around the cards
REBUILD_DELAY_MS = 200  # scene changes arrive every frame while animating; rebuild after a pause


class Minimap(QWidget):
    """An overlay child of a CanvasView (not of its viewport, whose scrolling would carry it
    along); the view calls ``view_changed`` after every
    scroll, zoom or resize and the minimap listens to its scene for edits."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self._view = view
        self._enabled = True
        self._graph_rect = QRectF()  # the cards' bounding rect in scene units
        self._picture: QPixmap | None = None
        self._stale = True
        self._dragging = False
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(REBUILD_DELAY_MS)
        self._rebuild_timer.timeout.connect(self._rebuild)
        self._scene = None
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Minimap: click or drag to move the view")
        self.hide()

    # ---- what the view tells it ------------------------------------------------------------
    def set_enabled(self, on: bool) -> None:
        """View ▸ Minimap: when off, never shown."""
        self._enabled = on
        self.view_changed()

    def scene_set(self) -> None:
        """The view's scene was (re)set: listen to the new one."""
        scene = self._view.scene()
        if scene is self._scene:
            return
        signal = getattr(self._scene, "cards_changed", None)
        if signal is not None:
            signal.disconnect(self._scene_changed)
        self._scene = scene
        signal = getattr(scene, "cards_changed", None)
        if signal is not None:  # a GraphScene: not on every repaint, only when cards move
            signal.connect(self._scene_changed)
        self._rebuild()

    def view_changed(self) -> None:
        """Scrolled, zoomed or resized: reposition, show or hide, redraw the outline."""
        if self._stale:
            self._rebuild()
            return
        self._place()

    def _scene_changed(self) -> None:
        self._stale = True
        if not self._rebuild_timer.isActive():
            self._rebuild_timer.start()

    # ---- the picture ------------------------------------------------------------------------
    def _cards(self) -> list[tuple[float, float, float, QColor]]:
        """(x, y, height, colour) of each shown card: from its position and height, which is
        several times cheaper than asking each item for its bounding rect (5,000 cards: 27 ms)."""
        scene = self._scene
        items = getattr(scene, "node_items", None)
        if items is None:
            return []
        theme = getattr(scene, "theme", None) or style.current_theme()
        cards = []
        for item in items().values():
            if item.isVisible():
                pos = item.scenePos()
                cards.append((pos.x(), pos.y(), item.card_height, theme.badge_for(item.op)))
        blocks = getattr(scene, "block_items", None)
        for block in blocks().values() if blocks is not None else ():
            if block.collapsed and block.isVisible():  # one card for its hidden members
                pos = block.scenePos()
                cards.append((pos.x(), pos.y(), block.card_height(), theme.output_border))
        return cards

    def _rebuild(self) -> None:
        self._stale = False
        cards = self._cards()
        self._graph_rect = QRectF()
        self._picture = None
        if cards:
            left = min(c[0] for c in cards)
            top = min(c[1] for c in cards)
            right = max(c[0] for c in cards) + style.NODE_WIDTH
            bottom = max(c[1] + c[2] for c in cards)
            self._graph_rect = QRectF(left, top, right - left, bottom - top).adjusted(
                -PAD, -PAD, PAD, PAD
            )
            self._picture = self._draw(cards)
        self._place()

    def _draw(self, cards: list[tuple[float, float, float, QColor]]) -> QPixmap:
        size = self._size_for(self._graph_rect)
        ratio = self.devicePixelRatioF()
        picture = QPixmap(size * ratio)
        picture.setDevicePixelRatio(ratio)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        scale = size.width() / self._graph_rect.width()
        painter.scale(scale, scale)
        painter.translate(-self._graph_rect.topLeft())
        painter.setPen(Qt.PenStyle.NoPen)
        width = style.NODE_WIDTH
        for x, y, height, colour in cards:
            painter.fillRect(QRectF(x, y, width, height), colour)
        painter.end()
        return picture

    @staticmethod
    def _size_for(rect: QRectF) -> QSize:
        """The largest size within MAX_SIZE with the graph's aspect (never thinner than 24 px)."""
        scale = min(MAX_SIZE.width() / rect.width(), MAX_SIZE.height() / rect.height())
        return QSize(max(24, round(rect.width() * scale)), max(24, round(rect.height() * scale)))

    # ---- geometry ----------------------------------------------------------------------------
    def visible_scene_rect(self) -> QRectF:
        """The part of the scene the view shows."""
        return self._view.mapToScene(self._view.viewport().rect()).boundingRect()

    def needed(self) -> bool:
        """Shown only when enabled and some card is outside the view."""
        if not self._enabled or self._graph_rect.isEmpty():
            return False
        shown = self.visible_scene_rect()
        return not shown.contains(self._graph_rect.adjusted(PAD, PAD, -PAD, -PAD))

    def _place(self) -> None:
        if not self.needed() or self._picture is None:
            self.hide()
            return
        size = self._picture.deviceIndependentSize().toSize()
        viewport = self._view.viewport().geometry()
        if size.width() + 2 * MARGIN > viewport.width() // 2:
            self.hide()  # a viewport this small has no room for it
            return
        self.setGeometry(
            QRect(
                viewport.right() - MARGIN - size.width(),
                viewport.bottom() - MARGIN - size.height(),
                size.width(),
                size.height(),
            )
        )
        self.show()
        self.raise_()
        self.update()

    def _to_scene(self, point: QPointF) -> QPointF:
        rect = self._graph_rect
        return QPointF(
            rect.left() + point.x() / max(1, self.width()) * rect.width(),
            rect.top() + point.y() / max(1, self.height()) * rect.height(),
        )

    def _from_scene(self, rect: QRectF) -> QRectF:
        graph = self._graph_rect
        sx, sy = self.width() / graph.width(), self.height() / graph.height()
        return QRectF(
            (rect.left() - graph.left()) * sx,
            (rect.top() - graph.top()) * sy,
            rect.width() * sx,
            rect.height() * sy,
        )

    def outline(self) -> QRectF:
        """The view's visible part, in minimap pixels (clipped to the minimap)."""
        return self._from_scene(self.visible_scene_rect()).intersected(QRectF(self.rect()))

    # ---- drawing and input ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        scene = self._scene
        theme = getattr(scene, "theme", None) or style.current_theme()
        painter = QPainter(self)
        background = QColor(theme.card)
        background.setAlpha(250)  # opaque enough that a card's text beneath does not bleed in
        painter.fillRect(self.rect(), background)
        if self._picture is not None:
            painter.drawPixmap(0, 0, self._picture)
        painter.setPen(QPen(theme.border, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        shown = QColor(theme.selection)
        painter.setPen(QPen(shown, 1.5))
        fill = QColor(shown)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.drawRect(self.outline().adjusted(0.75, 0.75, -0.75, -0.75))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            self._centre_on(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self._centre_on(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = False
        event.accept()

    def _centre_on(self, point: QPointF) -> None:
        self._view.centerOn(self._to_scene(point))
        self._place()
