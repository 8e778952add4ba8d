"""The attributes of an op node in the inspector: a power's exponent, the axis of a sum.

One line per attribute of the catalogue, typed as a number or a shape (``2, 3``); a check box for
a yes/no one (a sum's ``keepdim``); an empty line means unset (the catalogue's default). A number the catalogue refuses is explained under the lines and never
sent; an accepted one goes out as the node's whole new attribute set, for one undoable command.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...model.attrs import AttrError, Attrs, normalise_attrs, number_text
from ...model.graph import Node
from ...model.op_spec import BOOL, FLOAT, INT, NEW_SHAPE, SHAPE, AttrSpec, OpSpec

_SHAPES = (NEW_SHAPE, SHAPE)  # typed as sizes separated by commas: 2, 3


def attr_text(spec: AttrSpec, value: object) -> str:
    """What the line shows for ``value`` (empty when unset)."""
    if value is None:
        return ""
    if spec.kind == FLOAT and isinstance(value, (int, float)):
        return number_text(value)
    if spec.kind in _SHAPES and isinstance(value, tuple):
        return ", ".join(str(n) for n in value)
    return str(value)


def parse_attr(spec: AttrSpec, text: str) -> object:
    """The value typed for ``spec`` (None: unset); ValueError with a readable reason."""
    text = text.strip().replace("−", "-")
    if not text:
        return None
    try:
        if spec.kind == INT:
            return int(text)
        if spec.kind == FLOAT:
            return float(text)
        if spec.kind in _SHAPES:
            inner = text.removeprefix("(").removesuffix(")").strip().rstrip(",")
            return tuple(int(part) for part in inner.split(",")) if inner else ()
    except ValueError:
        if spec.kind in _SHAPES:
            example = "2, 3 or -1, 3" if spec.kind == NEW_SHAPE else "3, 2 (empty: a scalar)"
            raise ValueError(
                f"{spec.name}: type whole numbers separated by commas, like {example}"
            ) from None
        example = "1 or -1" if spec.kind == INT else "2, 0.5 or -1"
        kind = "a whole number" if spec.kind == INT else "a number"
        raise ValueError(f"{spec.name}: type {kind}, like {example}") from None
    raise ValueError(f"{spec.name} is not edited here")


def _edited_attrs(spec: OpSpec | None) -> tuple[AttrSpec, ...]:
    """The attributes with a line: all but an n-ary add's ``n``, which its edges fix."""
    if spec is None:
        return ()
    return tuple(a for a in spec.attrs if not (spec.variadic and a.name == "n"))


class AttrEditor(QWidget):
    """Emits ``edited(node name, attributes, edit session)``; a session merges typing."""

    edited = Signal(str, object, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name: str | None = None
        self._spec: OpSpec | None = None
        self._attrs: Attrs = {}
        self._session = 0
        self.edits: dict[str, QLineEdit] = {}
        self.checks: dict[str, QCheckBox] = {}  # the yes/no attributes (keepdim)
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        self._explain("")
        self.hide()

    def show_node(self, node: Node | None) -> None:
        """The attributes of ``node``: shown for an op that has some, hidden otherwise."""
        spec = node.spec if node is not None and not node.is_leaf else None
        if spec is None or not _edited_attrs(spec):
            self._set_rows(None, None)
            self.hide()
            return
        assert node is not None
        if (node.name, spec) != (self._name, self._spec):
            self._set_rows(node.name, spec)
        changed = node.attrs != self._attrs  # by another edit (undo): the lines must follow
        self._attrs = dict(node.attrs)
        for attr in _edited_attrs(spec):
            if attr.kind == BOOL:
                check = self.checks[attr.name]
                check.blockSignals(True)
                check.setChecked(bool(node.attrs.get(attr.name, attr.default)))
                check.blockSignals(False)
                continue
            edit = self.edits[attr.name]
            if changed or not edit.hasFocus():
                edit.setText(attr_text(attr, node.attrs.get(attr.name)))
        if changed:
            self._explain("")
        self.show()

    def end_session(self) -> None:
        self._session += 1

    def _set_rows(self, name: str | None, spec: OpSpec | None) -> None:
        self.end_session()
        while self.form.rowCount():
            self.form.removeRow(0)
        self.edits, self.checks = {}, {}
        self._explain("")
        self._name, self._spec, self._attrs = name, spec, {}
        for attr in _edited_attrs(spec):
            if attr.kind == BOOL:
                check = QCheckBox()
                check.setToolTip(attr.help)
                check.toggled.connect(lambda on, a=attr: self._toggled(a, on))
                self.form.addRow(attr.name.capitalize(), check)
                self.checks[attr.name] = check
                continue
            edit = QLineEdit()
            default = attr_text(attr, attr.default)
            edit.setPlaceholderText(f"default {default}" if default else "unset")
            edit.setToolTip(attr.help)
            edit.textEdited.connect(lambda text, a=attr: self._edited(a, text))
            edit.editingFinished.connect(self.end_session)
            self.form.addRow(attr.name.capitalize(), edit)
            self.edits[attr.name] = edit

    def _explain(self, text: str) -> None:
        """Why the typed number was not taken; the line takes no room when there is none."""
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _toggled(self, attr: AttrSpec, on: bool) -> None:
        """A check box is one step of its own; ticked off it is unset (the default, False)."""
        self.end_session()
        self._apply(attr, True if on else None)
        self.end_session()

    def _edited(self, attr: AttrSpec, text: str) -> None:
        try:
            value = parse_attr(attr, text)
        except ValueError as exc:
            self._explain(str(exc))
            return
        self._apply(attr, value)

    def _apply(self, attr: AttrSpec, value: object) -> None:
        if self._name is None or self._spec is None:
            return
        try:
            attrs = normalise_attrs(self._spec, {**self._attrs, attr.name: value})
        except (ValueError, AttrError) as exc:
            self._explain(str(exc))
            return
        self._explain("")
        if attrs != self._attrs:
            self._attrs = attrs
            self.edited.emit(self._name, attrs, self._session)
