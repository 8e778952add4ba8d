"""The training panel: optimizer, learning rate, steps, clipping; Step, Run, Pause, Reset.

The widgets show the document's ``settings["training"]`` and report each change as
``setting_changed(key, value)``; the app turns that into an undoable command, so settings save
with the file and a change marks the document modified. The panel never trains anything itself.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ...model.document_schema import MAX_STEPS, MAX_TEST_FRACTION
from ..widgets import ElidedLabel, scrolling

OPTIMIZER_TEXT = {"sgd": "SGD", "momentum": "SGD + momentum {m:g}", "adam": "Adam"}
LR_LADDER = (1, 2, 5)  # the learning rate steps 0.01 → 0.02 → 0.05 → 0.1 with the arrows


class LearningRateBox(QDoubleSpinBox):
    """A spin box whose arrows walk 1-2-5 decades and whose text has no trailing zeros."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(8)
        self.setRange(1e-8, 100.0)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:g}"

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        value = self.value()
        for _ in range(abs(steps)):
            value = _ladder(value, 1 if steps > 0 else -1)
        self.setValue(value)


def _ladder(value: float, direction: int) -> float:
    decade = math.floor(math.log10(value))
    rungs = [m * 10.0**d for d in (decade - 1, decade, decade + 1) for m in LR_LADDER]
    if direction > 0:
        above = [r for r in rungs if r > value * (1 + 1e-9)]
        return float(f"{min(above):.8g}")
    below = [r for r in rungs if r < value * (1 - 1e-9)]
    return float(f"{max(below):.8g}")


MAX_BATCH = 1_000_000


class DeviceBox(QComboBox):
    """CPU always; CUDA or MPS once torch reports them (asked when the list opens, so the panel
    never imports torch at start-up)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem("CPU", "cpu")

    def show_device(self, device: str) -> None:
        if self.findData(device) < 0:
            self.addItem(device.upper(), device)
        self.setCurrentIndex(self.findData(device))

    def showPopup(self) -> None:  # noqa: N802 - Qt override
        from ...engine.devices import available_devices

        for device in available_devices():
            if self.findData(device) < 0:
                self.addItem(device.upper(), device)
        super().showPopup()


class TrainingPanel(QWidget):
    setting_changed = Signal(str, object)  # key in settings["training"], new value
    step_clicked = Signal()
    run_clicked = Signal()
    pause_clicked = Signal()
    reset_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.optimizer = QComboBox()
        for key in OPTIMIZER_TEXT:
            self.optimizer.addItem(OPTIMIZER_TEXT[key].format(m=0.9), key)
        self.optimizer.setToolTip("torch.optim.SGD (with momentum) or torch.optim.Adam")
        self.lr = LearningRateBox()
        self.lr.setToolTip("learning rate: the arrows step 1, 2, 5, 10, …")
        self.steps = QSpinBox()
        self.steps.setRange(1, MAX_STEPS)
        self.steps.setKeyboardTracking(False)
        self.steps.setToolTip("how many steps Run takes before it stops by itself")
        self.clip = QCheckBox("clip grad norm")
        self.clip.setToolTip("torch.nn.utils.clip_grad_norm_ before each update")
        self.clip_norm = QDoubleSpinBox()
        self.clip_norm.setRange(1e-4, 1e6)
        self.clip_norm.setDecimals(4)
        self.clip_norm.setValue(1.0)
        self.clip_norm.setKeyboardTracking(False)
        self.batch = QSpinBox()
        self.batch.setRange(0, MAX_BATCH)
        self.batch.setSpecialValueText("full")  # 0 = every row each step
        self.batch.setKeyboardTracking(False)
        self.batch.setToolTip("rows of the bound dataset per step (full: all of them)")
        self.shuffle = QCheckBox("shuffle")
        self.shuffle.setToolTip("draw the mini-batches in a new (seeded) order every epoch")
        self.test_fraction = QDoubleSpinBox()
        self.test_fraction.setRange(0.0, MAX_TEST_FRACTION)
        self.test_fraction.setSingleStep(0.05)
        self.test_fraction.setDecimals(2)
        self.test_fraction.setSpecialValueText("none")  # 0: train on every row
        self.test_fraction.setKeyboardTracking(False)
        self.test_fraction.setToolTip(
            "hold out this fraction of a dataset's rows (split by the seed): their loss is "
            "plotted beside the training loss, and the Fit view draws them hollow"
        )
        self.device = DeviceBox()
        self.device.setToolTip("where torch trains: CPU, or a GPU torch reports available")
        style = self.style()
        icon = QStyle.StandardPixmap
        self.step_button = QPushButton(style.standardIcon(icon.SP_MediaSeekForward), "Step")
        self.step_button.setToolTip("one forward → backward → update (Ctrl+T)")
        self.run_button = QPushButton(style.standardIcon(icon.SP_MediaPlay), "Run")
        self.run_button.setToolTip("take the number of steps above, live (Ctrl+R)")
        self.pause_button = QPushButton(style.standardIcon(icon.SP_MediaPause), "Pause")
        self.pause_button.setToolTip("stop after the current step (Ctrl+R)")
        self.reset_button = QPushButton(style.standardIcon(icon.SP_BrowserReload), "Reset")
        self.reset_button.setToolTip("back to the parameters before training (Ctrl+Shift+R)")
        self.status = ElidedLabel("not trained yet")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c0392b")
        self.message.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for box in (self.optimizer, self.device):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(6)
        for field in (self.lr, self.steps, self.clip_norm, self.batch, self.test_fraction):
            field.setMinimumWidth(60)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.lr)
        form.addRow("Steps", self.steps)
        clip_row = QHBoxLayout()
        clip_row.addWidget(self.clip)
        clip_row.addWidget(self.clip_norm, 1)
        form.addRow("", clip_row)
        batch_row = QHBoxLayout()
        batch_row.addWidget(self.batch, 1)
        batch_row.addWidget(self.shuffle)
        form.addRow("Batch", batch_row)
        form.addRow("Test rows", self.test_fraction)
        form.addRow("Device", self.device)
        # the controls and the status line stay in sight; the settings scroll if the dock is low
        buttons = QHBoxLayout()
        for button in (self.step_button, self.run_button, self.pause_button, self.reset_button):
            button.setMinimumWidth(0)
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            buttons.addWidget(button)
        form.setVerticalSpacing(4)
        buttons.setSpacing(4)
        settings = QWidget()
        inner = QVBoxLayout(settings)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(4)
        inner.addWidget(self.message)
        inner.addLayout(form)
        inner.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        area = scrolling(settings)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the form narrows
        layout.addWidget(area, 1)

        self.optimizer.activated.connect(
            lambda i: self._emit("optimizer", self.optimizer.itemData(i))
        )
        self.lr.valueChanged.connect(lambda v: self._emit("lr", float(f"{v:.8g}")))
        self.steps.valueChanged.connect(lambda v: self._emit("steps", int(v)))
        self.clip.toggled.connect(self._clip_changed)
        self.batch.valueChanged.connect(lambda v: self._emit("batch_size", int(v) or None))
        self.shuffle.toggled.connect(lambda on: self._emit("shuffle", bool(on)))
        self.test_fraction.valueChanged.connect(
            lambda v: self._emit("test_fraction", round(float(v), 2))
        )
        self.device.activated.connect(lambda i: self._emit("device", self.device.itemData(i)))
        self.clip_norm.valueChanged.connect(self._clip_changed)
        self.step_button.clicked.connect(self.step_clicked)
        self.run_button.clicked.connect(self.run_clicked)
        self.pause_button.clicked.connect(self.pause_clicked)
        self.reset_button.clicked.connect(self.reset_clicked)
        self.set_state(running=False, can_reset=False)

    def load(self, training: dict) -> None:
        """Show these settings without reporting them as changes."""
        self._loading = True
        try:
            momentum = float(training.get("momentum", 0.9))
            self.optimizer.setItemText(1, OPTIMIZER_TEXT["momentum"].format(m=momentum))
            index = self.optimizer.findData(training.get("optimizer", "sgd"))
            self.optimizer.setCurrentIndex(max(index, 0))
            self.lr.setValue(float(training.get("lr", 0.01)))
            self.steps.setValue(int(training.get("steps", 100)))
            clip = training.get("clip")
            self.clip.setChecked(clip is not None)
            if clip is not None:
                self.clip_norm.setValue(float(clip))
            self.clip_norm.setEnabled(clip is not None)
            self.batch.setValue(int(training.get("batch_size") or 0))
            self.shuffle.setChecked(bool(training.get("shuffle", True)))
            self.test_fraction.setValue(float(training.get("test_fraction") or 0.0))
            self.device.show_device(str(training.get("device", "cpu")))
        finally:
            self._loading = False

    def show_message(self, text: str) -> None:
        """A problem to read (divergence, nothing to train); empty text hides it."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def set_state(self, running: bool, can_reset: bool) -> None:
        for widget in (
            self.step_button,
            self.run_button,
            self.optimizer,
            self.lr,
            self.clip,
            self.batch,
            self.shuffle,
            self.device,
            self.test_fraction,
        ):
            widget.setEnabled(not running)
        self.clip_norm.setEnabled(not running and self.clip.isChecked())
        self.pause_button.setEnabled(running)
        self.reset_button.setEnabled(can_reset)

    def _emit(self, key: str, value: object) -> None:
        if not self._loading:
            self.setting_changed.emit(key, value)

    def _clip_changed(self, *_args) -> None:
        self.clip_norm.setEnabled(self.clip.isChecked() and self.clip.isEnabled())
        self._emit("clip", float(self.clip_norm.value()) if self.clip.isChecked() else None)
