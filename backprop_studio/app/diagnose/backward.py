"""The Backward player: play, pause, step and speed controls, and an Explain dock in words.

It hands the window's current Trace to the canvas's GradientFlow and narrates each step with
``flow_text``. The flow lets go by itself when the graph is edited or a new trace is shown; this
panel only adds the optional replay after an edit and remembers its settings.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMenu,
    QSlider,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ...canvas.flow.player import GradientFlow
from ...canvas.flow.text import Labels, chain_rule, narration
from ...canvas.legend import LEGEND_SIZE, paint_legend
from ...canvas.style import Theme
from ...model.trace import Trace
from ..editor.parts import EditorParts
from ..files.file_actions import settings
from ..widgets import scrolling

AUTO_KEY = "backward/auto_play"
FORWARD_KEY = "backward/forward_first"
SPEED_KEY = "backward/speed"
SPEED_STEPS = 4  # slider notches per doubling; 0 → 0.25×, 8 → 1×, 24 → 16×
IDLE_TEXT = (
    "Press Ctrl+B to watch the gradient flow backward from the output, edge by edge, in the "
    "order torch's autograd engine computed it. Hover or select an edge to see its chain rule."
)


def _flag(key: str, default: bool) -> bool:
    value = settings().value(key, default)
    return value in (True, "true", "1", 1)


class GradientLegend(QWidget):
    """The canvas legend (edge colour = sign, width = log |gradient|) as a small widget."""

    def __init__(self, theme_of: Callable[[], Theme], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme_of = theme_of
        self.setMinimumSize(QSize(int(LEGEND_SIZE[0]), int(LEGEND_SIZE[1])))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        paint_legend(painter, QRectF(self.rect()).adjusted(4, 2, -4, -2), self._theme_of())
        painter.end()


class ExplainView(QWidget):
    """A heading, a few sentences, the chain rule in monospace, and the legend."""

    def __init__(self, theme_of: Callable[[], Theme], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: 600;")
        self.body = QLabel()
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula = QLabel()
        self.formula.setTextFormat(Qt.TextFormat.PlainText)
        self.formula.setWordWrap(True)
        self.formula.setFrameShape(QFrame.Shape.StyledPanel)
        self.formula.setStyleSheet("font-family: 'DejaVu Sans Mono', monospace; padding: 6px;")
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.legend = GradientLegend(theme_of)
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.body, self.formula):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.legend)

    def show_text(self, heading: str, body: str, formula: str | None = None) -> None:
        self.heading.setText(heading)
        self.body.setText(body)
        self.formula.setText(formula or "")
        self.formula.setVisible(bool(formula))


class BackwardPlayer(QObject):
    """Owns the GradientFlow, its actions (for the Backward menu and toolbar) and the Explain dock."""

    def __init__(self, parts: EditorParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self.window = parts.window  # of the dock, the tool bar and the actions
        self.flow = GradientFlow(parts.scene, self)
        self._edited = False
        self._last_numbers: tuple | None = None
        self.actions = self._make_actions()
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, 6 * SPEED_STEPS)
        self.speed.setFixedWidth(110)
        self.speed.setToolTip("Animation speed")
        self.speed_label = QLabel()
        self.position = QLabel()
        self.position.setMinimumWidth(120)
        self.toolbar = self._make_toolbar()
        self.explain = ExplainView(lambda: parts.scene.theme)
        self.dock = QDockWidget("Explain", parts.window)
        self.dock.setObjectName("ExplainDock")
        self.dock.setWidget(scrolling(self.explain))
        self._place_dock()
        self.speed.valueChanged.connect(self._speed_changed)
        self.speed.setValue(int(settings().value(SPEED_KEY, 2 * SPEED_STEPS)))
        self._speed_changed(self.speed.value())
        self.flow.step_changed.connect(self._narrate)
        self.flow.playing_changed.connect(self._update_controls)
        self.flow.stopped.connect(self._idle)
        parts.canvas.shown.connect(self._on_trace)
        parts.undo_group.indexChanged.connect(self._mark_edited)
        parts.scene.selectionChanged.connect(self._on_selection)
        self._idle()

    def _place_dock(self) -> None:
        """At the bottom, where a sentence fits on a line: beside the docks already there."""
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        window = self.window
        window.addDockWidget(bottom, self.dock)
        others = [
            d
            for d in window.findChildren(QDockWidget)
            if d is not self.dock and window.dockWidgetArea(d) == bottom and not d.isFloating()
        ]
        if others:
            window.tabifyDockWidget(others[-1], self.dock)

    # ---- actions -------------------------------------------------------------------------
    def _make_actions(self) -> dict[str, QAction]:
        icon = self.window.style().standardIcon
        sp = QStyle.StandardPixmap

        def action(text, slot, keys=(), tip="", pixmap=None) -> QAction:
            act = QAction(text, self.window)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setStatusTip(tip)
            act.setToolTip(f"{text.replace('&', '')} ({', '.join(keys)})" if keys else text)
            if pixmap is not None:
                act.setIcon(icon(pixmap))
            act.triggered.connect(lambda _checked=False: slot())
            return act

        def option(text, key, default, tip) -> QAction:
            act = QAction(text, self.window, checkable=True)
            act.setChecked(_flag(key, default))
            act.setStatusTip(tip)
            act.toggled.connect(lambda on: settings().setValue(key, on))
            return act

        return {
            "backward_play": action(
                "&Play Backward", self.start, ["Ctrl+B"], "animate the last run from the start",
                sp.SP_BrowserReload,
            ),
            "backward_pause": action(
                "Pause / &Resume", self.toggle, ["P", "Ctrl+Space"], "pause or resume",
                sp.SP_MediaPlay,
            ),
            "backward_step_back": action(
                "Step &Back", self.step_back, ["Ctrl+Left"], "undo the last step exactly",
                sp.SP_MediaSeekBackward,
            ),
            "backward_step": action(
                "Step &Forward", self.step_forward, ["Ctrl+Right"], "one step, then pause",
                sp.SP_MediaSeekForward,
            ),
            "backward_rewind": action(
                "Re&wind to Start", self.rewind, ["Home"], "before the first step",
                sp.SP_MediaSkipBackward,
            ),
            "backward_end": action(
                "Jump to &End", self.flow.jump_to_end, ["End"], "every gradient in place",
                sp.SP_MediaSkipForward,
            ),
            "backward_forward_first": option(
                "Animate the &Forward Pass First", FORWARD_KEY, True,
                "values light up from the leaves to the output before the backward pass",
            ),
            "backward_auto": option(
                "Play &Automatically After Each Edit", AUTO_KEY, False,
                "replay the backward pass whenever an edit changes the numbers",
            ),
        }  # fmt: skip

    def fill_menu(self, menu: QMenu) -> dict[str, QAction]:
        """Put the actions in ``menu`` (the window's Backward menu); return them by name."""
        names = list(self.actions)
        for name in names[:6]:
            menu.addAction(self.actions[name])
        menu.addSeparator()
        for name in names[6:]:
            menu.addAction(self.actions[name])
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())
        return dict(self.actions)

    def _make_toolbar(self) -> QToolBar:
        bar = QToolBar("Backward", self.window)
        bar.setObjectName("BackwardToolBar")
        bar.setIconSize(QSize(18, 18))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addAction(self.actions["backward_play"])
        bar.addSeparator()
        for name in ("backward_rewind", "backward_step_back", "backward_pause", "backward_step"):
            bar.addAction(self.actions[name])
            bar.widgetForAction(self.actions[name]).setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonIconOnly
            )
        bar.addAction(self.actions["backward_end"])
        bar.widgetForAction(self.actions["backward_end"]).setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonIconOnly
        )
        bar.addSeparator()
        bar.addWidget(QLabel(" Speed "))
        bar.addWidget(self.speed)
        bar.addWidget(self.speed_label)
        bar.addSeparator()
        bar.addWidget(self.position)
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        return bar

    # ---- commands ------------------------------------------------------------------------
    @property
    def forward_first(self) -> bool:
        return self.actions["backward_forward_first"].isChecked()

    @property
    def auto_play(self) -> bool:
        return self.actions["backward_auto"].isChecked()

    def load(self) -> bool:
        """Give the flow the trace on the canvas; say why in the status bar when it cannot."""
        trace: Trace | None = self._parts.trace
        if self.flow.load(trace, forward=self.forward_first):
            self.dock.show()
            self.dock.raise_()
            return True
        reason = "evaluate a graph first" if trace is None else "the graph has nothing to run"
        if trace is not None and trace.problems:
            reason = trace.problems[0].message
        self._parts.say(f"Nothing to animate: {reason}", 5000)
        return False

    def start(self) -> None:
        if self.load():
            self.flow.play()

    def toggle(self) -> None:
        if self.flow.is_active:
            self.flow.toggle()
        else:
            self.start()

    def step_forward(self) -> None:
        if self.flow.is_active or self.load():
            self.flow.step_forward()

    def step_back(self) -> None:
        if not self.flow.is_active and self.load():
            self.flow.jump_to_end()  # from the finished picture, one step back
        self.flow.step_back()

    def rewind(self) -> None:
        if self.flow.is_active or self.load():
            self.flow.rewind()

    def _speed_changed(self, value: int) -> None:
        speed = 2.0 ** ((value - 2 * SPEED_STEPS) / SPEED_STEPS)
        self.flow.set_speed(speed)
        self.speed_label.setText(f" {speed:g}× ")
        settings().setValue(SPEED_KEY, value)

    # ---- following the window ------------------------------------------------------------
    def _mark_edited(self, _index: int) -> None:
        self._edited = True

    def _on_trace(self, trace: Trace) -> None:
        numbers = (dict(trace.values), dict(trace.grads), trace.edge_grads)
        changed = numbers != self._last_numbers
        self._last_numbers = numbers
        edited, self._edited = self._edited, False
        if edited and changed and self.auto_play and trace.ok:
            self.start()

    def _on_selection(self) -> None:
        if shiboken6.isValid(self.window) and not self.flow.is_active:
            self._idle()

    def _update_controls(self, playing: bool | None = None) -> None:
        playing = self.flow.is_playing if playing is None else playing
        pixmap = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        act = self.actions["backward_pause"]
        act.setIcon(self.window.style().standardIcon(pixmap))
        act.setText("&Pause" if playing else "&Resume" if self.flow.is_active else "&Play")

    def _narrate(self, number: int) -> None:
        plan = self.flow.plan
        if plan is None:
            return
        finished = self.flow.step == len(plan) and number == len(plan)
        told = narration(plan, number, self.flow.labels, finished)
        self.explain.show_text(told.heading, told.text, told.formula)
        self.position.setText(f" step {number} / {len(plan)} ")

    def _idle(self) -> None:
        """No animation: explain the selected edge, if one is, else how to start."""
        self._update_controls(False)
        self.position.setText("")
        trace = self._parts.trace
        edges = self._parts.scene.selected_edges()
        if trace is not None and len(edges) == 1 and edges[0] in trace.edges:
            edge = edges[0]
            labels = Labels.of(self._parts.graph())
            formula = chain_rule(trace, trace.edges.index(edge), labels)
            self.explain.show_text(
                f"Edge {labels.title(edge.src)} → {labels.title(edge.dst)}",
                "What this edge carried back in the last run: the gradient of the output with "
                "respect to its source, through this one use of it.",
                formula,
            )
            return
        self.explain.show_text("Explain", IDLE_TEXT)
