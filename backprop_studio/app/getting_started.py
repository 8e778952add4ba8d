"""The first step, offered: a hint in the middle of an empty canvas and Help ▸ Getting Started.

A newcomer facing a blank canvas should see what to do without opening a menu: drag an op from
the Palette (or press Tab), or open the smallest story the studio tells, the seed example.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

HINT = (
    "<div style='text-align:center'>"
    "<p style='font-size:15pt'><b>An empty graph</b></p>"
    "<p>Drag a leaf (<i>θ param</i>, <i>x data</i>) and an op from the <b>Palette</b>,<br>"
    "or press <b>Tab</b> here to add one by name.<br>"
    "Connect them by dragging from a port to a port.</p>"
    "<p><a href='seed'>Open the seed story</a>: loss = (w·x − y)², one weight, one step."
    "<br>More in <b>Help ▸ Getting Started</b> (F1) and <b>Help ▸ Examples</b>.</p></div>"
)

STEPS = (
    "<h3>Getting started</h3>"
    "<ol>"
    "<li><b>Build</b>: drag <i>θ param</i> (a trainable weight w), <i>x data</i> and an op such "
    "as <i>× mul</i> from the Palette onto the canvas, or press <b>Tab</b> and type a name. "
    "Drag from a node's output port (right) to an input port (left) to connect them.</li>"
    "<li><b>Read</b>: every card shows torch's value and gradient; select one to inspect it. "
    "The Program dock shows the same graph as text — edit it and press <b>Apply</b>.</li>"
    "<li><b>Watch</b>: <b>Play Backward</b> (Ctrl+B) sends each gradient along its edge in the "
    "order autograd computes it, with the chain rule written out in the Explain tab.</li>"
    "<li><b>Train</b>: <b>Step</b> (Ctrl+T) takes one gradient-descent step; <b>Run</b> "
    "(Ctrl+R) trains live while the Loss plot draws; the timeline goes back to any step.</li>"
    "<li><b>Share</b>: File ▸ Export writes PNG, SVG, PDF, an animated GIF or PyTorch code.</li>"
    "</ol>"
    "<p>Help ▸ Examples holds the gallery in teaching order, from the seed story "
    "(x = 1, y = 2, w = 1: loss 1, ∂loss/∂w = −2) to a network that separates two moons.</p>"
)


class EmptyCanvasHint(QObject):
    """A label centred on ``viewport`` while the graph has no node."""

    def __init__(self, viewport: QWidget, open_seed) -> None:
        super().__init__(viewport)
        self._viewport = viewport
        self.label = QLabel(HINT, viewport)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: palette(mid); background: transparent")
        self.label.linkActivated.connect(lambda _link: open_seed())
        viewport.installEventFilter(self)
        self._place()

    def set_empty(self, empty: bool) -> None:
        self.label.setVisible(empty)
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        area = self._viewport.rect()
        width = min(520, max(200, area.width() - 40))
        self.label.setFixedWidth(width)
        self.label.adjustSize()
        self.label.move(
            area.center().x() - width // 2, area.center().y() - self.label.height() // 2
        )


def show_getting_started(parent: QWidget) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("Getting Started")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(STEPS)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
