"""Node attributes: declared per op, checked by the Graph with the node's name, kept by copies."""

from __future__ import annotations

import pytest

from backprop_studio.model import recipes
from backprop_studio.model.graph import Graph, GraphError, Node
from backprop_studio.model.ops import OPS
from tests.builders import build


def test_existing_nodes_have_no_attributes_and_keep_working():
    node = Node("w", "param", value=1.0)
    assert node.attrs == {}
    assert node.recipe is None
    g = build({"a": ("param", [[1.0, 2.0]])}, [("s", "sum", ["a"])])
    assert g.node("s").attrs == {}
    assert g.analyse().shapes["s"] == ()


def test_ops_declare_their_attributes():
    assert OPS["sum"].attr_names == ("axis", "keepdim")
    assert OPS["softmax"].attr("axis").default == -1
    assert OPS["sub"].attrs == ()
    assert OPS["add"].attr_names == ("n",)  # how many inputs an n-ary add has
    assert "init" in OPS["param"].attr_names and "dataset" in OPS["data"].attr_names
    assert OPS["const"].attrs == ()


@pytest.mark.parametrize(
    ("op", "attrs", "message"),
    [
        ("sum", {"axes": 1}, "'s' (sum): sum has no attribute 'axes' (it takes: axis, keepdim)"),
        ("sum", {"axis": 1.5}, "'s' (sum): axis must be a whole number, not 1.5"),
        ("sum", {"axis": True}, "axis must be a whole number"),
        ("sub", {"axis": 0}, "'s' (sub): sub takes no attributes, got 'axis'"),
        ("add", {"axis": 0}, "'s' (add): add has no attribute 'axis' (it takes: n)"),
    ],
)
def test_bad_op_attributes_name_the_node(op, attrs, message):
    g = Graph()
    with pytest.raises(GraphError) as info:
        g.add_node(Node("s", op, attrs=attrs))
    assert message in str(info.value)
    assert info.value.node == "s"
    assert "s" not in g


def test_unset_attributes_are_dropped():
    g = Graph()
    assert g.add_node(Node("s", "sum", attrs={"axis": None})).attrs == {}


@pytest.mark.parametrize(
    ("op", "attrs", "message"),
    [
        ("param", {"init": "glorot", "shape": (2, 2)}, "unknown initialiser 'glorot'"),
        ("param", {"init": "normal"}, "init='normal' needs a shape"),
        ("param", {"init": "xavier", "shape": (4,)}, "xavier needs a shape with at least two axes"),
        ("param", {"init": "constant", "shape": (2,)}, "needs scale=<the value>"),
        ("param", {"init": "zeros", "shape": (2,), "scale": 2}, "takes no scale"),
        ("param", {"init": "normal", "shape": (2, 0)}, "sizes of at least 1"),
        ("param", {"shape": (2,)}, "shape only applies to a leaf made with init="),
        ("param", {"dataset": "moons", "part": "x"}, "param has no attribute 'dataset'"),
        ("data", {"dataset": "iris", "part": "x"}, "unknown dataset 'iris'"),
        ("data", {"dataset": "moons"}, "part must be 'x' (features) or 'y' (targets)"),
        ("data", {"dataset": "moons", "part": "x", "n": 0}, "n must be from 1 to"),
        ("data", {"dataset": "moons", "part": "x", "classes": 3}, "fixed number of classes"),
        ("data", {"dataset": "moons", "part": "x", "init": "zeros"}, "init does not apply"),
        ("data", {"csv": "a.csv"}, "needs both csv='file' and columns"),
        ("const", {"init": "zeros", "shape": (2,)}, "const takes no attributes"),
    ],
)
def test_bad_leaf_recipes_name_the_node(op, attrs, message):
    with pytest.raises(GraphError) as info:
        Graph().add_node(Node("w", op, attrs=attrs))
    assert message in str(info.value)
    assert str(info.value).startswith(f"'w' ({op}): ")


def test_a_recipe_leaf_holds_a_value_of_its_shape():
    g = Graph()
    w = g.add_node(Node("w", "param", attrs={"init": "xavier", "shape": [2, 3], "seed": 1}))
    assert w.attrs["shape"] == (2, 3)  # lists become tuples: attributes are hashable
    assert w.recipe == "init"
    assert len(w.value) == 2 and len(w.value[0]) == 3
    x = g.add_node(Node("x", "data", attrs={"dataset": "moons", "part": "x", "n": 10}))
    y = g.add_node(Node("y", "data", attrs={"dataset": "moons", "part": "y", "n": 10}))
    assert g.analyse().shapes == {"w": (2, 3), "x": (10, 2), "y": (10, 1)}
    assert x.recipe == y.recipe == "dataset"


def test_without_the_engine_a_recipe_leaf_holds_zeros(monkeypatch):
    monkeypatch.setattr(recipes, "_materialiser", None)
    node = Graph().add_node(Node("w", "param", attrs={"init": "normal", "shape": (2,)}))
    assert node.value == [0.0, 0.0]


def test_set_value_makes_a_recipe_leaf_plain_and_set_attrs_makes_it_again(monkeypatch):
    def fake(op, attrs):  # the engine's materialiser, as far as this test cares
        return [float(attrs.get("scale", 1.0))] * attrs["shape"][0]

    monkeypatch.setattr(recipes, "_materialiser", fake)
    g = Graph()
    g.add_node(Node("w", "param", attrs={"init": "ones", "shape": (2,)}))
    seen = []
    g.node_changed.connect(lambda node, attr: seen.append(attr))
    g.set_value("w", [3.0, 4.0])
    assert g.node("w").attrs == {} and g.node("w").value == [3.0, 4.0]
    assert seen == ["value", "attrs"]
    g.set_attrs("w", {"init": "constant", "shape": (3,), "scale": 0.5})
    assert g.node("w").value == [0.5, 0.5, 0.5]
    with pytest.raises(GraphError, match="unknown initialiser"):
        g.set_attrs("w", {"init": "nope", "shape": (3,)})
    assert g.node("w").attrs["init"] == "constant"  # unchanged after a refused edit


def test_op_attributes_change_the_inferred_shape():
    g = build({"a": ("param", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])}, [("s", "sum", ["a"])])
    g.set_attrs("s", {"axis": 0})
    assert g.analyse().shapes["s"] == (3,)
    g.set_attrs("s", {"axis": -1})
    assert g.analyse().shapes["s"] == (2,)
    g.set_attrs("s", {"axis": 2})
    (problem,) = g.analyse().problems
    assert problem.node == "s"
    assert "axis 2 does not exist on a 2×3 tensor" in problem.message


def test_a_bound_leaf_cannot_become_a_parameter_or_a_constant():
    g = Graph()
    g.add_node(Node("x", "data", attrs={"dataset": "xor", "part": "x"}))
    with pytest.raises(GraphError, match="bound to a dataset: only a data leaf can be"):
        g.set_op("x", "param")
    g.add_node(Node("w", "data", attrs={"init": "normal", "shape": (2,)}))
    g.set_op("w", "param")
    assert g.node("w").trainable
    with pytest.raises(GraphError, match="const takes no attributes"):
        g.set_op("w", "const")


def test_structure_and_copy_include_attributes():
    g = build({"a": ("param", [[1.0, 2.0]])}, [("s", "sum", ["a"])])
    before = g.structure()
    g.set_attrs("s", {"axis": 1})
    assert g.structure() != before
    assert ("axis", 1) in g.structure()[0][1][5]
    other = g.copy()
    assert other.structure() == g.structure()
    other.node("s").attrs["axis"] = 0
    assert g.node("s").attrs == {"axis": 1}  # the copy owns its attributes


def test_the_new_model_modules_load_neither_torch_nor_qt():
    import subprocess
    import sys

    code = (
        "import sys; import backprop_studio.model.recipes, backprop_studio.model.attrs, "
        "backprop_studio.model.csv_data, backprop_studio.model.gallery, "
        "backprop_studio.model.analysis; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'PySide6'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
