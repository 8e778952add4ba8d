"""Data ▸ Load CSV: columns become two data leaves in one undo step; bad files say why."""

from __future__ import annotations

from backprop_studio.app.files.csv_dialog import CsvDialog
from backprop_studio.app.files.data_menu import load_csv


class Loading(CsvDialog):
    """exec() as a user pressing Load and waiting: the worker reads, the dialog accepts."""

    def exec(self) -> int:
        loader = self.start_loading()
        loader.wait()
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()  # the loaded signal, queued to this thread
        return self.result()


def test_columns_become_data_leaves(qtbot, window, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("a,b,label\n1,2,0\n3,4,1\n5,6,0\n")
    dialog = Loading(path, window)
    assert dialog.choice().features == (0, 1) and dialog.choice().target == 2
    count = window.document.undo_stack.count()
    names = load_csv(window.parts, window.edits, path, dialog)
    assert names == ["x", "y"]
    assert window.graph.node("x").value == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    assert window.graph.node("y").value == [[0.0], [1.0], [0.0]]
    assert window.graph.node("x").op == "data"
    assert window.document.undo_stack.count() == count + 1
    window.document.undo_stack.undo()
    assert "x" not in window.graph and "y" not in window.graph


def test_a_bad_csv_shows_why_and_adds_nothing(qtbot, window, tmp_path, dialogs):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3\n")
    assert load_csv(window.parts, window.edits, path) == []
    kind, title, text = dialogs.shown[-1]
    assert kind == "warning" and "ragged.csv" in text and "line 3 has 1 field" in text
    assert len(window.graph) == 0


def test_data_menu_adds_a_bound_dataset(qtbot, window):
    data = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Data")
    add = next(a.menu() for a in data.actions() if a.text() == "Add &Dataset")
    moons = next(a for a in add.actions() if a.text() == "Two moons")
    moons.trigger()
    assert [n.attrs.get("dataset") for n in window.graph] == ["moons", "moons"]
    assert [n.attrs.get("part") for n in window.graph] == ["x", "y"]
    moons.trigger()  # a second copy gets fresh names
    assert window.graph.names == ["x", "y", "x_2", "y_2"]
    window.document.undo_stack.undo()
    assert window.graph.names == ["x", "y"]


def test_the_inspector_names_the_classes_and_the_transform(qtbot, window):
    from pathlib import Path

    path = Path(__file__).parents[1] / "data" / "iris.csv"
    dialog = Loading(path, window)
    dialog.standardize.setChecked(True)
    assert load_csv(window.parts, window.edits, path, dialog) == ["x", "y"]
    window.inspector.show_node(window.graph, "y", None)
    assert window.inspector.form.labelForField(window.inspector.recipe).text() == "From"
    text = window.inspector.recipe.text()
    assert "iris.csv: species" in text and "0 = setosa, 1 = versicolor, 2 = virginica" in text
    window.inspector.show_node(window.graph, "x", None)
    assert "standardised" in window.inspector.recipe.text()
    assert "5.843 ± 0.8253" in window.inspector.recipe.text()


def test_leaves_the_graph_refuses_are_a_message(qtbot, window, tmp_path, dialogs):
    path = tmp_path / "long.csv"
    path.write_text("a" * 5000 + ",b\n1,2\n3,4\n")
    assert load_csv(window.parts, window.edits, path, Loading(path, window)) == []
    kind, _, text = dialogs.shown[-1]
    assert kind == "warning" and "columns" in text and "long.csv" in text
    assert len(window.graph) == 0


def _card_rects(window, names):
    items = window.scene.node_items()
    return {name: items[name].sceneBoundingRect() for name in names}


def test_loaded_cards_cover_neither_each_other_nor_the_graph(qtbot, window, tmp_path):
    from pathlib import Path

    from backprop_studio.model.gallery import example_path

    iris = Path(__file__).parents[1] / "data" / "iris.csv"
    names = load_csv(
        window.parts, window.edits, iris, Loading(iris, window)
    )  # an empty canvas first
    rects = _card_rects(window, names)
    assert not rects["x"].intersects(rects["y"])  # x's heat maps make its card tall
    assert "wire a model from x" in window.statusBar().currentMessage()
    assert window.files.open_path(example_path("moons_mlp"), ask=False)
    before = [
        item.sceneBoundingRect()
        for item in (*window.scene.node_items().values(), *window.scene.block_items().values())
        if item.isVisible()
    ]
    names = load_csv(window.parts, window.edits, iris, Loading(iris, window))
    assert names == ["x_2", "y_2"]
    for rect in _card_rects(window, names).values():
        assert not any(rect.intersects(card) for card in before)
