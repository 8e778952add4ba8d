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

from .actions import ExportOptions

THEMES = (("As the canvas", "canvas"), ("Light", "light"), ("Dark", "dark"))
TITLES = {
    "png": "Export Image",
    "svg": "Export Vector Image",
    "pdf": "Export PDF",
    "gif": "Export Animated Backward Pass",
    "py": "Export PyTorch Code",
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
        self.transparent = QCheckBox("Transparent background")
        self.transparent.setChecked(options.transparent)
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
        self.forward = QCheckBox("Show the forward pass first")
        self.forward.setChecked(options.forward)
        self.train = QCheckBox("Include the training loop (the document's training settings)")
        self.train.setChecked(options.train)
        if kind in ("png", "svg", "pdf"):
            form.addRow(self.selection)
        if kind in ("png", "svg", "pdf", "gif"):
            form.addRow("Colours", self.theme)
        if kind == "png":
            form.addRow("Scale", self.scale)
        if kind in ("png", "svg"):
            form.addRow(self.transparent)
        if kind == "gif":
            form.addRow("Width", self.width)
            form.addRow("Speed", self.speed)
            form.addRow("Frames per step", self.frames)
            form.addRow(self.forward)
        if kind == "py":
            form.addRow(self.train)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def options(self) -> ExportOptions:
        return replace(
            self._base,
            selection=self.selection.isEnabled() and self.selection.isChecked(),
            theme=self.theme.currentData(),
            scale=self.scale.value(),
            transparent=self.transparent.isChecked(),
            width=self.width.value() or None,
            speed=self.speed.value(),
            frames_per_step=self.frames.value(),
            forward=self.forward.isChecked(),
            train=self.train.isChecked(),
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
