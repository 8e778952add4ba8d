"""The options of one export, asked in a small form before the file name (only what applies)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from ...canvas import export
from ...model import slide_frame as slide
from .actions import CUSTOM, DRAWING, ExportOptions

THEMES = (("As the canvas", "canvas"), ("Light", "light"), ("Dark", "dark"))
BACKGROUNDS = (
    ("The colours' canvas", export.THEMED),
    ("White", export.WHITE),
    ("Transparent", export.TRANSPARENT),
)
FRAMES = (
    ("As drawn", DRAWING),
    ("Slide 16:9 (1920 × 1080)", "16:9"),
    ("Slide 4:3 (1440 × 1080)", "4:3"),
    ("Slide of a custom size", CUSTOM),
)
TITLES = {
    "png": "Export Image",
    "svg": "Export Vector Image",
    "pdf": "Export PDF",
    "gif": "Export Animated Backward Pass",
    "py": "Export PyTorch Code",
    "loss_plot": "Export Loss Plot",
}


class ExportDialog(QDialog):
    """Fields for ``kind``, filled from ``options``; ``options()`` reads them back."""

    def __init__(
        self, kind: str, options: ExportOptions, has_selection: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLES.get(kind, "Export"))
        self.kind = kind
        self._base = options
        form = QFormLayout(self)
        self.selection = QCheckBox("Only the selected nodes")
        self.selection.setEnabled(has_selection)
        self.selection.setChecked(has_selection and options.selection)
        self.theme = QComboBox()
        for text, key in THEMES:
            self.theme.addItem(text, key)
        self.theme.setCurrentIndex(max(0, [k for _, k in THEMES].index(options.theme)))
        self.scale = QDoubleSpinBox()
        self.scale.setRange(0.25, 8.0)
        self.scale.setSingleStep(0.5)
        self.scale.setValue(options.scale)
        self.scale.setSuffix("×")
        self.background = _combo(BACKGROUNDS, options.background)
        self.frame = _combo(FRAMES, options.frame)
        self.frame.setToolTip(
            "A slide lays the graph out afresh to fill the frame, as a textbook draws it "
            "(each leaf left of its op, the path left to right, turning down the last "
            "column where the frame is narrow); the canvas does not move"
        )
        self.frame_width, self.frame_height = (
            _side(options.frame_size[0]),
            _side(options.frame_size[1]),
        )
        self.min_points = QDoubleSpinBox()
        self.min_points.setRange(0.0, 60.0)
        self.min_points.setSingleStep(0.5)
        self.min_points.setSuffix(" pt")
        self.min_points.setSpecialValueText("any")
        self.min_points.setValue(options.min_points)
        self.min_points.setToolTip(
            "The smallest text on the slide, in the points of a slide 7.5 in tall "
            "(at 1080 pixels a point is 2 pixels); a graph too big for it is refused"
        )
        self.values_only = QCheckBox('Values only (no "data" / "grad" words on the cards)')
        self.values_only.setChecked(options.values_only)
        self.width = QSpinBox()
        self.width.setRange(0, 8000)
        self.width.setSpecialValueText("100 %")
        self.width.setSuffix(" px")
        self.width.setValue(options.width or 0)
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.25, 16.0)
        self.speed.setSingleStep(0.25)
        self.speed.setSuffix("×")
        self.speed.setValue(options.speed)
        self.frames = QSpinBox()
        self.frames.setRange(1, 24)
        self.frames.setValue(options.frames_per_step)
        self.hold = QDoubleSpinBox()
        self.hold.setRange(0.0, 30.0)
        self.hold.setSingleStep(0.5)
        self.hold.setSuffix(" s")
        self.hold.setValue(options.hold)
        self.hold.setToolTip(
            "How long each finished chain-rule step, and the last frame, stay on screen at 1× "
            "(time to read the formula aloud)"
        )
        self.forward = QCheckBox("Show the forward pass first")
        self.forward.setChecked(options.forward)
        self.train = QCheckBox("Include the training loop (the document's training settings)")
        self.train.setChecked(options.train)
        self.cursor = QCheckBox("Mark the iteration the timeline shows")
        self.cursor.setChecked(options.cursor)
        if kind in ("png", "svg", "pdf"):
            form.addRow(self.selection)
        if kind in ("png", "svg", "pdf", "gif"):
            form.addRow("Colours", self.theme)
        if kind in ("png", "svg", "pdf"):
            form.addRow("Frame", self.frame)
            form.addRow("Slide width", self.frame_width)
            form.addRow("Slide height", self.frame_height)
            form.addRow("Smallest text", self.min_points)
            self.frame.currentIndexChanged.connect(self._follow_frame)
            self._follow_frame()
        if kind == "png":
            form.addRow("Scale", self.scale)
        if kind in ("png", "svg", "pdf"):
            form.addRow("Background", self.background)
            form.addRow(self.values_only)
        if kind == "gif":
            form.addRow("Width", self.width)
            form.addRow("Speed", self.speed)
            form.addRow("Frames per step", self.frames)
            form.addRow("Hold each step", self.hold)
            form.addRow(self.forward)
        if kind == "py":
            form.addRow(self.train)
        if kind == "loss_plot":
            form.addRow(self.cursor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _follow_frame(self) -> None:
        """Sizes are asked for a custom slide, a text size for any slide, a scale as drawn."""
        frame = self.frame.currentData()
        self.frame_width.setEnabled(frame == CUSTOM)
        self.frame_height.setEnabled(frame == CUSTOM)
        if frame in slide.PRESETS:
            width, height = slide.PRESETS[frame]
            self.frame_width.setValue(width)
            self.frame_height.setValue(height)
        self.min_points.setEnabled(frame != DRAWING)
        self.scale.setEnabled(frame == DRAWING)

    def options(self) -> ExportOptions:
        return replace(
            self._base,
            selection=self.selection.isEnabled() and self.selection.isChecked(),
            theme=self.theme.currentData(),
            scale=self.scale.value(),
            background=self.background.currentData(),
            frame=self.frame.currentData(),
            frame_size=(self.frame_width.value(), self.frame_height.value()),
            min_points=self.min_points.value(),
            values_only=self.values_only.isChecked(),
            width=self.width.value() or None,
            speed=self.speed.value(),
            frames_per_step=self.frames.value(),
            hold=self.hold.value(),
            forward=self.forward.isChecked(),
            train=self.train.isChecked(),
            cursor=self.cursor.isChecked(),
        )


def ask_options(
    parent: QWidget, kind: str, options: ExportOptions, has_selection: bool
) -> ExportOptions | None:
    """The options for ``kind`` (None: cancelled)."""
    dialog = ExportDialog(kind, options, has_selection, parent)
    try:
        return dialog.options() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def _combo(entries: tuple[tuple[str, str], ...], current: str) -> QComboBox:
    combo = QComboBox()
    for text, key in entries:
        combo.addItem(text, key)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def _side(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(16, slide.MAX_SIDE)
    box.setSuffix(" px")
    box.setValue(value)
    return box
