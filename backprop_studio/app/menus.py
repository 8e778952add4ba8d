"""Menus, actions and their standard shortcuts, built once for the main window."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from ..version import __version__
from .export.actions import export_menu
from .files.file_actions import example_files, settings
from .files.import_pytorch import PyTorchImport
from .getting_started import show_getting_started

if TYPE_CHECKING:
    from .main_window import MainWindow

Std = QKeySequence.StandardKey
MINIMAP_KEY = "view/minimap"


def _action(
    window: MainWindow, menu: QMenu, text: str, slot, shortcut=None, tip: str = ""
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def build_menus(window: MainWindow) -> dict[str, QAction]:
    """All actions by a short name (tests and the toolbar look them up here)."""
    bar = window.menuBar()
    files, edits = window.files, window.edits
    acts: dict[str, QAction] = {}

    m = bar.addMenu("&File")
    acts["new"] = _action(window, m, "&New", files.new, Std.New)
    acts["open"] = _action(window, m, "&Open…", files.open_dialog, Std.Open)
    recent = m.addMenu("Open &Recent")
    recent.aboutToShow.connect(partial(_fill_recent, window, recent))
    examples = m.addMenu("&Examples")
    _fill_examples(window, examples)
    importer = PyTorchImport(window.files, window.say, window)
    acts["import_pytorch"] = _action(
        window, m, "&Import PyTorch…", importer.choose, tip="Trace a function or nn.Module"
    )
    m.addSeparator()
    acts["save"] = _action(window, m, "&Save", files.save, Std.Save)
    acts["save_as"] = _action(window, m, "Save &As…", files.save_as, Std.SaveAs)
    acts["revert"] = _action(window, m, "Re&vert", files.revert)
    m.addSeparator()
    acts.update(export_menu(window.exports, m.addMenu("E&xport")))
    m.addSeparator()
    acts["quit"] = _action(window, m, "&Quit", window.close, Std.Quit)

    m = bar.addMenu("&Edit")
    undo = window.undo_group.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence(Std.Undo))
    redo = window.undo_group.createRedoAction(window, "&Redo")
    keys = QKeySequence.keyBindings(Std.Redo)  # Ctrl+Shift+Z and Ctrl+Y, wherever they apply
    if QKeySequence("Ctrl+Y") not in keys:
        keys.append(QKeySequence("Ctrl+Y"))
    redo.setShortcuts(keys)
    m.addAction(undo)
    m.addAction(redo)
    acts["undo"], acts["redo"] = undo, redo
    m.addSeparator()
    acts["cut"] = _action(window, m, "Cu&t", edits.cut_selection, Std.Cut)
    acts["copy"] = _action(window, m, "&Copy", edits.copy_selection, Std.Copy)
    acts["copy_image"] = _action(
        window, m, "Copy &Image", window.exports.copy_image, "Ctrl+Shift+C", "the selection or all"
    )
    acts["paste"] = _action(window, m, "&Paste", edits.paste, Std.Paste)
    acts["duplicate"] = _action(window, m, "D&uplicate", edits.duplicate, "Ctrl+D")
    acts["delete"] = _action(window, m, "&Delete", edits.delete_selection, Std.Delete)
    acts["select_all"] = _action(window, m, "Select &All", _select_all(window), Std.SelectAll)
    acts["rename"] = _action(window, m, "Re&name", _rename_selected(window), "F2")
    acts["set_output"] = _action(
        window, m, "Use as &Output", edits.set_output_to_selection, tip="Differentiate this node"
    )
    m.addSeparator()
    acts.update(window.blocks.fill_menu(m.addMenu("&Block")))
    m.addSeparator()
    m.addAction(window.history_dock.toggleViewAction())

    m = bar.addMenu("&View")
    acts["fit"] = _action(window, m, "&Fit to Graph", window.view.fit_to_graph, "F")
    acts["zoom_in"] = _action(window, m, "Zoom &In", lambda: window.view.zoom_by(1.25), Std.ZoomIn)
    acts["zoom_out"] = _action(
        window, m, "Zoom &Out", lambda: window.view.zoom_by(0.8), Std.ZoomOut
    )
    acts["layout"] = _action(window, m, "Auto-&layout", edits.auto_layout, "Ctrl+L")
    labels = QAction("Edge &Gradient Labels", window, checkable=True, checked=True)
    labels.toggled.connect(window.scene.set_edge_labels)
    m.addAction(labels)
    acts["edge_labels"] = labels
    acts["minimap"] = _minimap_action(window, m)
    m.addSeparator()
    for dock in (window.palette_dock, window.inspector_dock, window.program_dock):
        m.addAction(dock.toggleViewAction())
    for dock in window.training_docks:
        m.addAction(dock.toggleViewAction())

    m = bar.addMenu("&Data")
    _fill_datasets(window, m.addMenu("Add &Dataset"))
    acts["load_csv"] = _action(
        window,
        m,
        "Load &CSV…",
        partial(_load_csv, window),
        tip="Feature and target columns as data leaves",
    )

    m = bar.addMenu("&Run")
    acts["evaluate"] = _action(
        window, m, "&Evaluate", lambda: window.runner.evaluate_now(window.graph, window.dtype), "F5"
    )
    m.addSeparator()
    for name, action in window.training.actions.items():
        m.addAction(action)
        acts[name] = action

    acts.update(window.forward.fill_menu(bar.addMenu("F&orward")))
    m = bar.addMenu("&Backward")
    acts.update(window.backward.fill_menu(m))
    m.addSeparator()
    m.addAction(window.checks.action)
    acts["check_gradients"] = window.checks.action
    m.addSeparator()
    acts.update(window.accumulation.fill_menu(m))

    m = bar.addMenu("&Help")
    acts["getting_started"] = _action(
        window, m, "&Getting Started", partial(show_getting_started, window), "F1"
    )
    _fill_examples(window, m.addMenu("&Examples"))
    m.addSeparator()
    _action(window, m, "&About Backprop Studio", partial(_about, window))
    return acts


def _fill_examples(window: MainWindow, menu: QMenu) -> None:
    """The gallery in its teaching order, titled, with a one-line description as status tip."""
    from ..model.gallery import EXAMPLES, example_path

    listed = set()
    for example in EXAMPLES:
        path = example_path(example.name)
        if path.exists():
            _action(
                window,
                menu,
                example.title,
                partial(window.files.open_example, path),
                tip=example.description,
            )
            listed.add(path.name)
    for path in example_files():  # any other shipped file
        if path.name not in listed:
            _action(
                window, menu, path.stem.replace("_", " "), partial(window.files.open_example, path)
            )


def _fill_datasets(window: MainWindow, menu: QMenu) -> None:
    from ..model.recipes import DATASETS
    from .files.data_menu import add_dataset

    for name, info in DATASETS.items():
        _action(
            window,
            menu,
            info.title,
            partial(add_dataset, window.parts, window.edits, name),
            tip=f"x and y of {name}",
        )


def _load_csv(window: MainWindow) -> None:
    from .files.data_menu import load_csv

    load_csv(window.parts, window.edits)


def _fill_recent(window: MainWindow, menu: QMenu) -> None:
    menu.clear()
    paths = window.files.recent()
    if not paths:
        menu.addAction("(none)").setEnabled(False)
    for path in paths:
        _action(window, menu, str(path), partial(window.files.open_path, path))


def _select_all(window: MainWindow):
    def run() -> None:
        window.scene.select_names(window.graph.names)

    return run


def _rename_selected(window: MainWindow):
    def run() -> None:
        names = window.scene.selected_names()
        if len(names) == 1:
            window.scene.begin_rename(names[0])

    return run


def _about(window: MainWindow) -> None:
    QMessageBox.about(
        window,
        "About Backprop Studio",
        f"<b>Backprop Studio {__version__}</b><p>Build an expression graph, run real PyTorch "
        "autograd on it, and watch the gradients flow backward along the edges.</p>",
    )


def _minimap_action(window: MainWindow, menu: QMenu) -> QAction:
    """View ▸ Minimap, remembered across launches (on by default)."""
    shown = settings().value(MINIMAP_KEY, True) not in (False, "false")
    action = QAction("&Minimap", window, checkable=True, checked=shown)
    action.setToolTip("The whole graph in a corner when it is larger than the view")
    window.view.minimap.set_enabled(shown)
    action.toggled.connect(window.view.minimap.set_enabled)
    action.toggled.connect(lambda on: settings().setValue(MINIMAP_KEY, on))
    menu.addAction(action)
    return action
