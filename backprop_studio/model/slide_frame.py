"""A slide's frame as data: its size in pixels, the smallest text in points, what the cards show
and what is behind them. The canvas lays a graph out for it; the CLI and the export dialog ask
for it. Pure Python, so the command line can check a frame before Qt is loaded.

Points are those of a slide program's page, 7.5 in tall for 16:9 (13.33 × 7.5 in) and for 4:3
(10 × 7.5 in) alike: on a 1080-pixel slide a point is 2 pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SLIDE_HEIGHT_PT = 540.0  # 7.5 in: the height of a 16:9 and of a 4:3 slide page
PRESETS = {"16:9": (1920, 1080), "4:3": (1440, 1080)}
DEFAULT_MIN_POINTS = 5.0
MIN_SIDE, MAX_SIDE = 16, 8000
MAX_POINTS = 200.0
WHITE, TRANSPARENT, THEMED = "white", "transparent", "theme"


@dataclass(frozen=True)
class SlideFrame:
    """The picture asked for: its size in pixels, the smallest text in slide points (0: any),
    cards without "data" / "grad" words, and what is behind the graph (WHITE, TRANSPARENT or
    THEMED, the theme's canvas colour)."""

    width: int = 1920
    height: int = 1080
    min_points: float = DEFAULT_MIN_POINTS
    values_only: bool = False
    background: str = WHITE

    def __post_init__(self) -> None:
        for side in (self.width, self.height):
            if not MIN_SIDE <= side <= MAX_SIDE:
                raise ValueError(
                    f"a slide side must be {MIN_SIDE} to {MAX_SIDE} pixels, not {side}"
                )
        if not (math.isfinite(self.min_points) and 0 <= self.min_points <= MAX_POINTS):
            raise ValueError(
                f"the text size must be 0 to {MAX_POINTS:g} points, not {self.min_points}"
            )

    @property
    def pixels_per_point(self) -> float:
        return self.height / SLIDE_HEIGHT_PT


def parse_size(text: str) -> tuple[int, int]:
    """``16:9``, ``4:3`` or ``WIDTHxHEIGHT`` (pixels) as a size; ValueError with the reason."""
    if text in PRESETS:
        return PRESETS[text]
    width, x, height = text.strip().lower().replace("×", "x").partition("x")
    if x and width.strip().isdigit() and height.strip().isdigit():
        size = (int(width), int(height))
        if all(MIN_SIDE <= side <= MAX_SIDE for side in size):
            return size
    raise ValueError(
        f"'{text}': a slide is 16:9, 4:3 or WIDTHxHEIGHT in pixels ({MIN_SIDE} to {MAX_SIDE} each)"
    )
