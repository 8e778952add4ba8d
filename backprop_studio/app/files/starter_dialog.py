"""The question after a CSV file lands on an empty canvas: start from a model, or just the data?

The models are ``model.starter``'s (softmax regression or a one-hidden-layer network for a
class target, linear regression for a numeric one); the first is chosen, so Enter takes it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...model.starter import Starter

JUST_DATA = "Just the data: I will wire a model myself"


class StarterDialog(QDialog):
    def __init__(self, options: list[Starter], about: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start with a model?")
        self.options = list(options)
        layout = QVBoxLayout(self)
        intro = QLabel(f"{about}\nAdd a model that trains on it, wired from x to a loss on y?")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.group = QButtonGroup(self)
        self.buttons: list[QRadioButton] = []
        for k, option in enumerate(self.options):
            button = QRadioButton(option.title, self)
            button.setToolTip(option.description)
            self.group.addButton(button, k)
            layout.addWidget(button)
            hint = QLabel(option.description, self)
            hint.setStyleSheet("color: #555; margin-left: 22px;")
            layout.addWidget(hint)
            self.buttons.append(button)
        self.none = QRadioButton(JUST_DATA, self)
        self.group.addButton(self.none, len(self.options))
        layout.addWidget(self.none)
        self.buttons[0].setChecked(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        box.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        box.accepted.connect(self.accept)
        layout.addWidget(box)

    def choice(self) -> str | None:
        """The chosen model's key, or None for just the data."""
        k = self.group.checkedId()
        return self.options[k].key if 0 <= k < len(self.options) else None


def ask_starter(parent: QWidget, options: list[Starter], about: str) -> str | None:
    dialog = StarterDialog(options, about, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.choice()
