"""The sizes and initialiser of a block template before it is dropped (a layer's W and b)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from ...model.templates import INITIALISERS, TEMPLATES

MAX_SIZE = 4096


@dataclass(frozen=True)
class TemplateSizes:
    inputs: int = 2
    outputs: int = 16
    init: str = "xavier"


class TemplateDialog(QDialog):
    """Inputs (and outputs, for a layer) and the weights' initialiser."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        template = TEMPLATES[key]
        self.setWindowTitle(f"Add {template.title}")
        form = QFormLayout(self)
        self.inputs = QSpinBox(self)
        self.inputs.setRange(1, MAX_SIZE)
        self.inputs.setValue(TemplateSizes.inputs)
        form.addRow("Inputs", self.inputs)
        self.outputs = QSpinBox(self)
        self.outputs.setRange(1, MAX_SIZE)
        self.outputs.setValue(TemplateSizes.outputs)
        if key == "linear":
            form.addRow("Outputs", self.outputs)
        else:
            self.outputs.hide()
        self.init = QComboBox(self)
        self.init.addItems(list(INITIALISERS))
        form.addRow("Weights from", self.init)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def sizes(self) -> TemplateSizes:
        return TemplateSizes(self.inputs.value(), self.outputs.value(), self.init.currentText())


def ask_sizes(key: str, parent: QWidget | None) -> TemplateSizes | None:
    """The user's choice, or None when cancelled; a template without sizes asks nothing."""
    if not TEMPLATES[key].sized:
        return TemplateSizes()
    dialog = TemplateDialog(key, parent)
    return dialog.sizes() if dialog.exec() == QDialog.DialogCode.Accepted else None
