"""Where the main window's docks go, and how large the window opens."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def first_size() -> QSize:
    """A laptop screen (up to 1440×900) is filled; a larger one gets a generous window."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1280, 800)
    area = screen.availableGeometry().size()
    if area.width() <= 1440 or area.height() <= 900:
        return area
    return QSize(int(area.width() * 0.9), int(area.height() * 0.9))


BOTTOM_SHARE = 0.34  # of the window's height for the training docks, when no saved state says
BOTTOM_HEIGHT = (250, 380)  # px: the least that shows a plot with a legend, and enough


def bottom_height(window_height: int) -> int:
    """The training docks' first height: a third of the window, so that a 1280×800 laptop's
    plots get ~230 px (a legend of three classes, five ticks on an axis) and the canvas the
    rest; a tall screen's canvas keeps most of the extra height."""
    low, high = BOTTOM_HEIGHT
    return int(min(max(BOTTOM_SHARE * window_height, low), high))


def share_height(window: QMainWindow, bottom: QDockWidget) -> None:
    """Give the bottom dock area (``bottom`` one of its docks) its first height.

    Qt sizes a dock area from its docks' size hints, ~140 px for the loss plot, and applies
    ``resizeDocks`` only once the window is laid out: call this when the window is first shown.
    """
    window.resizeDocks([bottom], [bottom_height(window.height())], Qt.Orientation.Vertical)


def fit_to_screen(window: QMainWindow) -> None:
    """Never larger than the screen's free area (a size saved on a bigger screen, say)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        window.resize(window.size().boundedTo(screen.availableGeometry().size()))


def add_dock(
    window: QMainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea
) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(f"{title}Dock")  # saved window states find it by this name
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock
