"""A small card's backdrop — shadow, card, header tint, border and port dots — drawn once per look
and scale into an image that every card of that look reuses.

A fitted network draws its cards small, and a new trace makes every card in sight redraw its
cache for its new number. Drawing the backdrop as antialiased paths was most of that redraw
(~0.1 ms a card); the cards of a network share a handful of looks, so the backdrop is stamped
from an image instead and only the name and number are drawn afresh. Only for the screen:
exports paint cards without a cache, and there every card is drawn as vector paths.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QPainter, QTransform

_SCALE = QTransform.TransformationType.TxScale.value
_MOST = 512  # looks × scales kept; a zoom step makes new ones, the old ones age out
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
    if t.type().value > _SCALE or t.m11() <= 0 or t.m11() != t.m22():
        return False
    scale = t.m11()
    full = (key, round(scale, 4))
    image = _images.get(full)
    if image is None:
        image = _render(draw, width + 2 * margin, height + 2 * margin, margin, scale)
        _images[full] = image
        if len(_images) > _MOST:
            _images.popitem(last=False)
    else:
        _images.move_to_end(full)
    corner = t.map(QPointF(-margin, -margin))
    painter.save()
    painter.resetTransform()
    painter.drawImage(QPointF(round(corner.x()), round(corner.y())), image)
    painter.restore()
    return True


def _render(
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
