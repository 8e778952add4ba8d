"""A small card's backdrop — shadow, card, header tint, border and port dots — drawn once per look
and scale into an image that every card of that look reuses.

A fitted network draws its cards small, and a new trace makes every card in sight redraw its
cache for its new number. Drawing the backdrop as antialiased paths was most of that redraw
(~0.1 ms a card); the cards of a network share a handful of looks, so the backdrop is stamped
from an image instead and only the name and number are drawn afresh. Only for the screen:
exports paint cards without a cache, and there every card is drawn as vector paths.

A :class:`CardFace` goes one step further for one card: its backdrop and its name, which a new
trace does not change, as one image of that card, so that a recolour redraws a card's cache
with one image and one line of text (its number).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QPainter, QTransform

_MOST = 512  # looks × scales kept; a zoom step makes new ones, the old ones age out
_IDENTITY = QTransform()
_images: OrderedDict[Hashable, QImage] = OrderedDict()


def stamp_backdrop(
    painter: QPainter,
    key: Hashable,
    width: float,
    height: float,
    margin: float,
    draw: Callable[[QPainter], None],
) -> bool:
    """Stamp the backdrop ``draw`` paints (in item units, the card at the origin, ``margin``
    around it) at the painter's scale; False when the painter's transform is not a plain
    scale and move (nothing is drawn then: the caller paints it as paths)."""
    t = painter.worldTransform()
    if not _plain_scale(t):
        return False
    scale = t.m11()
    full = (key, round(scale, 4))
    image = _images.get(full)
    if image is None:
        image = render_image(draw, width + 2 * margin, height + 2 * margin, margin, scale)
        _images[full] = image
        if len(_images) > _MOST:
            _images.popitem(last=False)
    else:
        _images.move_to_end(full)
    stamp_image(painter, t, image, margin)
    return True


def _plain_scale(t: QTransform) -> bool:
    """A scale, the same both ways, and a move: nothing rotated, sheared or in perspective."""
    return t.m12() == t.m21() == t.m13() == t.m23() == 0.0 and t.m11() == t.m22() > 0


def stamp_image(painter: QPainter, t: QTransform, image: QImage, margin: float) -> None:
    """Draw ``image`` (made by :func:`render_image`) with its top left corner at the item's
    ``(-margin, -margin)``, on whole device pixels."""
    corner = t.map(QPointF(-margin, -margin))
    painter.setWorldTransform(_IDENTITY)
    painter.drawImage(QPointF(round(corner.x()), round(corner.y())), image)
    painter.setWorldTransform(t)


class CardFace:
    """One card's backdrop and name as one image per scale (see the module's docstring).

    The image is made when a card draws again at a scale it drew at before: the first paint at
    a new zoom draws as before (a zoom step would otherwise pay for images it may never reuse),
    a recolour after it makes the image, and later ones stamp it. The faces of the last two
    scales are kept, so two views of the scene at two zooms (or a fitted view and an overview
    looked at in turn) each keep theirs. Everything a face shows is in its key, so a new theme,
    selection or name simply makes a new one."""

    SCALES = 2  # faces kept per card: one per zoom it was last seen at

    def __init__(self) -> None:
        self._faces: dict[float, tuple[Hashable, QImage | None]] = {}  # oldest first
        self.last: QImage | None = None  # the image the last stamp drew

    def stamp(
        self,
        painter: QPainter,
        t: QTransform,
        key: Hashable,
        width: float,
        height: float,
        margin: float,
        draw: Callable[[QPainter], None],
    ) -> bool:
        """Stamp the face ``draw`` paints (as :func:`stamp_backdrop`; ``t`` is the painter's
        world transform); False when it is not drawn (a transform that is not a plain scale, or
        the first paint at a new scale): the caller draws it itself then."""
        if not _plain_scale(t):
            return False
        scale = round(t.m11(), 4)
        seen = self._faces.pop(scale, None)
        image = None
        if seen is not None:
            image = seen[1] if seen[0] == key else None
            if image is None:
                image = render_image(draw, width + 2 * margin, height + 2 * margin, margin, t.m11())
        self._faces[scale] = (key, image)
        if len(self._faces) > self.SCALES:
            del self._faces[next(iter(self._faces))]
        self.last = image
        if image is None:
            return False
        stamp_image(painter, t, image, margin)
        return True


def render_image(
    draw: Callable[[QPainter], None], width: float, height: float, margin: float, scale: float
) -> QImage:
    image = QImage(
        max(1, math.ceil(width * scale)),
        max(1, math.ceil(height * scale)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.translate(margin, margin)
        draw(painter)
    finally:
        painter.end()
    return image
