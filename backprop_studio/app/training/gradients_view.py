"""The Gradients dock: each parameter's gradient norm (or update-to-weight ratio) over a run, on
a log axis, and the run's warnings about gradients that vanish or explode.

The numbers are the session's (``engine.grad_health``: norms of the gradients each step's own
backward pass left, ratios from the parameters before and after it); this only draws them,
each time the training controller draws. A warning is said once in the status bar, stays on
its parameter's card as a badge and in the dock's note, and goes when the run ends. A relu card
whose units are 0 on every row (as of the newest Trace the run kept) says how many are dead.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...canvas.badges import NodeBadges
from ...canvas.scene import GraphScene
from ...plots.grad_plot import GradPlot
from .controller import TrainingController

QUANTITIES = (
    ("gradient norm", "‖∂L/∂w‖", "each parameter's gradient norm at every step (before clipping)"),
    ("update ÷ weight", "‖Δw‖/‖w‖", "how far each step moved a parameter, relative to its size"),
)
HEALTHY = "no warning: gradients neither vanish nor explode"


def badge_text(kind: str, iteration: int) -> str:
    return f"⚠ ∂ {kind} · it {iteration}"


def card_badges(warnings: list, dead: dict[str, tuple[int, int]]) -> dict[str, tuple[str, str]]:
    """A parameter's first warning; on a relu card its dead units (0 on every row), red from
    half of them on."""
    badges: dict[str, tuple[str, str]] = {}
    for w in warnings:
        badges.setdefault(w.param, (badge_text(w.kind, w.iteration), "bad"))
    for name, (off, units) in dead.items():
        if off:
            badges[name] = (f"relu dead {off}/{units}", "bad" if 2 * off >= units else "info")
    return badges


class GradientsView(QWidget):
    """The plot, with the quantity to show and a note on the warnings above it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = GradPlot(self)
        self.quantity = QComboBox(self)
        for text, _label, tip in QUANTITIES:
            self.quantity.addItem(text)
            self.quantity.setItemData(self.quantity.count() - 1, tip)
        self.quantity.setToolTip("what the curves show, one per parameter, on a log axis")
        # a warning in full, wrapped: cut off after "lower th…" it did not say what to do
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout()
        row.setContentsMargins(4, 2, 4, 0)
        row.setSpacing(6)  # its own: a nested layout takes its parent's (0, for the plot)
        row.addWidget(QLabel("show", self))
        row.addWidget(self.quantity)
        row.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)

    def show_note(self, text: str, warning: bool) -> None:
        self.note.setText(text)
        self.note.setToolTip(text)
        self.note.setStyleSheet("color: #b00020; font-weight: 600;" if warning else "color: #555;")


class GradientHealth(QObject):
    """Draws the running session's gradient record and puts its warnings on the cards."""

    def __init__(
        self,
        view: GradientsView,
        training: TrainingController,
        scene: GraphScene,
        say: Callable[[str, int], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view, self.training, self._say = view, training, say
        # above the card, where the gradient check's ✓/✗ go too: a run's first write of new
        # values takes the check's badges away, so the two never meet
        self.badges = NodeBadges(scene)
        self._session = None
        self._seen = 0
        self.warnings: list = []  # engine.grad_health.HealthWarning, of the run on show
        self._badges: dict[str, tuple[str, str]] = {}
        training.drawn.connect(self.draw)
        training.run_ended.connect(self.end)
        # the iteration on show moves without a draw when the timeline or the loss plot picks
        training.timeline.iteration_selected.connect(self._follow)
        training.timeline.live_requested.connect(self._follow)
        training.loss_plot.iteration_picked.connect(self._follow)
        view.quantity.currentIndexChanged.connect(self._quantity_chosen)
        view.show_note("not trained yet", False)

    def _follow(self, *_args) -> None:
        s, shown = self.training.session, self.training.shown
        if s is not None and s is self._session:
            self.view.plot.set_current(shown if shown is not None else s.history.iteration)

    def _quantity_chosen(self, index: int) -> None:
        self.view.plot.set_quantity(QUANTITIES[index][1])
        self.draw()

    def draw(self) -> None:
        s = self.training.session
        if s is None:
            return
        if s is not self._session:
            self._session, self._seen, self.warnings, self._badges = s, 0, [], {}
            self.view.plot.set_series(s.health.names)
            self.badges.clear()
        with s.lock:
            x, norms, ratios = s.health.curves()
            warnings = list(s.watch.warnings)
            iteration = s.history.iteration
            dead = dict(s.dead)
        self.view.plot.set_data(x, ratios if self.view.quantity.currentIndex() else norms)
        shown = self.training.shown
        self.view.plot.set_current(shown if shown is not None else iteration)
        new, self._seen = warnings[self._seen :], len(warnings)
        self.warnings = warnings
        if new and not self.training.message:  # a stopped run's message says more
            more = f" ({len(new) - 1} more in the Gradients tab)" if len(new) > 1 else ""
            self._say(f"⚠ {new[0].short}: {new[0].hint}{more}", 15000)
        badges = card_badges(warnings, dead)
        if badges != self._badges:
            self._badges = badges
            self.badges.show(badges)
        if warnings:
            names = ", ".join(dict.fromkeys(f"{w.param} {w.kind}" for w in warnings))
            self.view.show_note(f"⚠ {names} — {warnings[0].message}", True)
        else:
            self.view.show_note(HEALTHY, False)

    def end(self) -> None:
        """The run is over: its curves, badges and warnings go with it."""
        self._session, self._seen, self.warnings, self._badges = None, 0, [], {}
        self.view.plot.set_series([])
        self.badges.clear()
        self.view.show_note("not trained yet", False)
