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
