"""CanvasView: the window onto a GraphScene, with zoom around the cursor, pan, fit, and a grid.

Wheel zooms (clamped), middle-drag or Space+left-drag pans, left-drag on empty canvas draws a
rubber band. The view keeps Qt's Minimal update mode while a few items change and switches to a
full repaint for the one frame after a whole-graph recolour (DESIGN.md: 10 ms instead of 27 ms).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from . import style
from .far_sheets import is_sheet
from .minimap import Minimap
from .style import FIT_MARGIN, FIT_MAX_ZOOM, FIT_MIN_ZOOM, GRID_SPACING, MAX_ZOOM, MIN_ZOOM

_WORLD = 1e6  # the view's scene rect: big enough that panning never hits a wall
SIGHT_MARGIN = 8.0  # px between a card placed in sight and the edge of the canvas
_Update = QGraphicsView.ViewportUpdateMode


class CanvasView(QGraphicsView):
    """Shows a GraphScene; the app binds F to ``fit_to_graph`` and Delete may come from here."""

    def __init__(self, scene: QGraphicsScene | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.minimap = Minimap(self)  # first: Qt calls the overrides below from here on
        if scene is not None:
            self.setScene(scene)
        self.setSceneRect(QRectF(-_WORLD, -_WORLD, 2 * _WORLD, 2 * _WORLD))
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(_Update.MinimalViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from: QPointF | None = None
        self._space = False
        self._full_repaint_once = False
        self.centerOn(0.0, 0.0)

    def setScene(self, scene: QGraphicsScene | None) -> None:  # noqa: N802 (Qt's name)
        super().setScene(scene)
        self.minimap.scene_set()

    # ---- zoom and fit --------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Scale by ``factor`` around the cursor, kept within [MIN_ZOOM, MAX_ZOOM].

        A fit of a huge graph may go below MIN_ZOOM; zooming in from there must not jump.
        """
        target = min(MAX_ZOOM, max(min(MIN_ZOOM, self.zoom), self.zoom * factor))
        if math.isclose(target, self.zoom):
            return
        if anchor is None:
            self.scale(target / self.zoom, target / self.zoom)
            self._transformed()
            return
        before = self.mapToScene(anchor.toPoint())
        mode = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.scale(target / self.zoom, target / self.zoom)
        self.setTransformationAnchor(mode)
        after = self.mapToScene(anchor.toPoint())
        centre = self.mapToScene(self.viewport().rect().center())
        self.centerOn(centre - (after - before))
        self._transformed()

    def set_zoom(self, zoom: float) -> None:
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        self.scale(zoom / self.zoom, zoom / self.zoom)
        self._transformed()

    def keep_graph_in_view(self) -> None:
        """Fit the view when part of what is shown lies outside it; otherwise leave it."""
        scene = self.scene()
        shown = _shown_rect(scene) if scene is not None else QRectF()
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        if not shown.isEmpty() and not visible.contains(shown):
            self.fit_to_graph()

    def fit_to_graph(self) -> None:
        """Show every item, with a margin, never magnified beyond FIT_MAX_ZOOM.

        Never so small that names become unreadable: below FIT_MIN_ZOOM (where a card can still
        draw its name and number at READABLE_CAP_PX) the view stays at FIT_MIN_ZOOM and shows
        the top-left of the graph, where its data path starts; the rest is a pan away.
        """
        scene = self.scene()
        rect = _shown_rect(scene) if scene is not None else QRectF()
        if rect.isEmpty():
            self.resetTransform()
            self.centerOn(0.0, 0.0)
            self._transformed()
            return
        rect = rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        zoom = min(FIT_MAX_ZOOM, max(FIT_MIN_ZOOM, self.zoom))
        if not math.isclose(zoom, self.zoom):
            self.resetTransform()
            self.scale(zoom, zoom)
        view = self.viewport().rect()
        half_w, half_h = view.width() / 2 / zoom, view.height() / 2 / zoom
        centre = rect.center()
        if rect.width() / 2 > half_w:
            centre.setX(rect.left() + half_w)
        if rect.height() / 2 > half_h:
            centre.setY(rect.top() + half_h)
        self.centerOn(centre)
        self._transformed()

    def _transformed(self) -> None:
        """After every zoom or fit: edges keep their on-screen width, the minimap follows."""
        self._keep_edge_widths()
        self.minimap.view_changed()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt's name)
        super().scrollContentsBy(dx, dy)
        self.minimap.view_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.minimap.view_changed()

    def visible_scene_rect(self) -> QRectF:
        """The part of the scene the viewport shows now."""
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def keep_in_sight(self, rect: QRectF, margin: float = SIGHT_MARGIN) -> QPointF:
        """How far to move ``rect`` (scene) so that it lies in the visible part of the scene,
        ``margin`` screen pixels from its edges: the least move, none if it is inside already.
        A rect larger than the view keeps its top-left corner in sight."""
        m = margin / self.zoom
        room = self.visible_scene_rect().adjusted(m, m, -m, -m)
        x = max(room.left(), min(rect.left(), room.right() - rect.width()))
        y = max(room.top(), min(rect.top(), room.bottom() - rect.height()))
        return QPointF(x - rect.left(), y - rect.top())

    def _keep_edge_widths(self) -> None:
        """Zoomed out, edges are drawn wider in the scene so that on screen they keep the width
        (and so the magnitude) of their gradient. The scale moves in steps of √2 (the width on
        screen stays within ±19 %) and not at all above DETAIL_ZOOM, so that most wheel ticks
        restyle no edge at all. Below 25 % edges thin out again, as the cards do."""
        set_scale = getattr(self.scene(), "set_edge_width_scale", None)
        if set_scale is None:
            return
        self.scene().set_far(self.zoom < style.FAR_ZOOM)
        if self.zoom >= style.DETAIL_ZOOM:
            set_scale(1.0)
        else:
            steps = min(round(2.0 * math.log2(1.0 / self.zoom)), 4)  # at most 4×: wide strokes
            set_scale(2.0 ** (steps / 2.0))  # of long edges are slow to paint

    def expect_full_repaint(self) -> None:
        """The whole graph is about to change colour: repaint the viewport in one go, once."""
        self._full_repaint_once = True
        self.setViewportUpdateMode(_Update.FullViewportUpdate)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._full_repaint_once:
            self._full_repaint_once = False
            self.setViewportUpdateMode(_Update.MinimalViewportUpdate)

    # ---- input -----------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta:
            self.zoom_by(1.0015**delta, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space
        ):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.pan_by(delta.x(), delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self._update_cursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the content by (dx, dy) viewport pixels, like dragging the canvas."""
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() - round(dx))
        v.setValue(v.value() - round(dy))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        editing = self.scene() is not None and self.scene().focusItem() is not None
        if not editing and event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space = True
                self._update_cursor()
            event.accept()
            return
        if not editing and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            request = getattr(self.scene(), "request_delete", None)
            if request is not None:
                request()
                event.accept()
                return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._update_cursor()
        super().keyReleaseEvent(event)

    def _update_cursor(self) -> None:
        if self._space:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.viewport().unsetCursor()

    # ---- background ------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """A plain background with a subtle dot grid (exports render the scene, without it)."""
        scene = self.scene()
        theme = getattr(scene, "theme", None) or style.current_theme()
        painter.fillRect(rect, theme.background)
        spacing = GRID_SPACING
        while spacing * self.zoom < 12.0:
            spacing *= 4
        left = math.floor(rect.left() / spacing) * spacing
        top = math.floor(rect.top() / spacing) * spacing
        cols = int((rect.right() - left) / spacing) + 1
        rows = int((rect.bottom() - top) / spacing) + 1
        if cols * rows > 40_000:
            return
        points = QPolygonF(
            [
                QPointF(left + i * spacing, top + j * spacing)
                for j in range(rows)
                for i in range(cols)
            ]
        )
        pen = QPen(theme.grid, 2.0)
        pen.setCosmetic(True)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # square dots, 5× faster
        painter.setPen(pen)
        painter.drawPoints(points)
        painter.restore()


def _shown_rect(scene: QGraphicsScene) -> QRectF:
    """What is shown: every visible top-level item (a collapsed block hides its cards)."""
    rect = QRectF()
    for item in scene.items():
        if item.parentItem() is None and item.isVisible() and not is_sheet(item):
            rect = rect.united(item.sceneBoundingRect())
            rect = rect.united(item.mapRectToScene(item.childrenBoundingRect()))
    return rect
