"""The program language with attributes: keyword arguments, recipes, datasets; round trips."""

from __future__ import annotations

import pytest

from backprop_studio.model.program import ProgramError, parse_program, to_program

MOONS = """\
x, y = dataset("moons", n=200, noise=0.1, seed=0)
W1 = param(shape=(2, 16), init="xavier", seed=0)
b1 = param(shape=(16,), init="zeros")
h = tanh(x @ W1 + b1)
W2 = param(shape=(16, 2), init="kaiming_normal", seed=1, scale=0.5)
logits = h @ W2
p = softmax(logits, axis=-1)
s = sum(log_softmax(logits), axis=1)
loss = cross_entropy(logits, y)
"""


def structure(graph):
    nodes, edges, output = graph.structure()
    return tuple(n[:3] + n[4:] for n in nodes), edges, output


def test_attributes_and_recipes_are_read_and_written_back_as_given():
    g = parse_program(MOONS)
    assert to_program(g) == MOONS
    assert g.node("x").attrs == {"dataset": "moons", "n": 200, "noise": 0.1, "seed": 0, "part": "x"}
    assert g.node("y").attrs["part"] == "y"
    assert g.node("W1").attrs == {"shape": (2, 16), "init": "xavier", "seed": 0}
    assert g.node("p").attrs == {"axis": -1}
    assert g.node("log_softmax_1").attrs == {} and g.node("s").attrs == {"axis": 1}
    assert g.output == "loss"
    analysis = g.analyse()
    assert analysis.ok
    assert analysis.shapes["logits"] == (200, 2) and analysis.shapes["s"] == (200,)
    again = parse_program(to_program(g))
    assert structure(again) == structure(g)


def test_one_leaf_per_line_is_the_same_binding():
    text = (
        'features = data(dataset="xor", part="x", n=8)\n'
        'labels = data(dataset="xor", part="y", n=8)\n'
        "loss = mse(features, labels)\n"
    )
    g = parse_program(text)
    assert to_program(g) == 'features, labels = dataset("xor", n=8)\nloss = mse(features, labels)\n'
    pair = parse_program('features, labels = dataset("xor", n=8)\nloss = mse(features, labels)')
    assert structure(pair) == structure(g)


def test_a_pair_is_written_only_when_it_reads_back_the_same():
    text = (
        'y = data(dataset="xor", part="y")\n'
        'x = data(dataset="xor", part="x")\n'
        'z = data(dataset="xor", part="y", n=4)\n'
        "loss = mse(x, y) + mse(x, z)\n"
    )
    assert to_program(parse_program(text)) == text


def test_csv_leaves_keep_their_origin_and_values():
    text = 'x = data([[1.0, 2.0], [3.0, 4.0]], csv="houses.csv", columns=("area", 2))\ns = sum(x)\n'
    g = parse_program(text)
    assert g.node("x").attrs == {"csv": "houses.csv", "columns": ("area", 2)}
    assert g.node("x").value == [[1.0, 2.0], [3.0, 4.0]]
    assert to_program(g) == text


def test_single_item_tuples_and_negative_numbers():
    text = (
        'b = param(shape=(3,), init="constant", scale=-0.5)\nt = sum(softmax(b, axis=0), axis=-1)\n'
    )
    assert to_program(parse_program(text)) == text


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('w = param(shape=(2, 2), init="glorot")', 1, "unknown initialiser 'glorot'"),
        ("w = param(shape=(2, 2))", 1, "shape only applies to a leaf made with init="),
        ('w = param([1.0], init="zeros", shape=(1,))', 1, "makes its own value"),
        ("w = param()", 1, "param takes one value"),
        ("x = 1.0\ns = sum(x, axis=1.5)", 2, "axis must be a whole number"),
        ("x = 1.0\ns = sum(x, axes=1)", 2, "sum has no attribute 'axes'"),
        ("x = 1.0\ns = relu(x, axis=1)", 2, "relu takes no attributes"),
        ("x = 1.0\ns = sum(x, axis=x)", 2, "axis= takes a number, a text in quotes or a list"),
        ("x = 1.0\ns = sum(x, axis=True)", 2, "axis must be a whole number, not True"),
        ("x = 1.0\ns = sum(x, keepdim=1)", 2, "keepdim must be True or False, not 1"),
        ("x = 1.0\ns = sum(x, **d)", 2, "'**' arguments are not supported"),
        ('w = param(shape=((2, 2),), init="zeros")', 1, "flat list"),
        ('x, y = dataset("iris")', 1, "unknown dataset 'iris'"),
        ("x, y = dataset(moons)", 1, "takes the dataset's name first"),
        ('x, y, z = dataset("moons")', 1, "write the features and targets"),
        ('x, y = dataset("moons", part="x")', 1, "leave out part="),
        ('x, dataset = dataset("moons")', 1, "'dataset' is reserved"),
        ('x = dataset("moons")', 1, "gives two leaves"),
        ('x = data(dataset="moons", part="z")', 1, "part must be 'x' (features) or 'y'"),
        ('x = data(csv="a.csv", columns=(0,))', 1, "data takes one value"),
    ],
)
def test_attribute_errors_name_the_line(text, line, message):
    with pytest.raises(ProgramError) as info:
        parse_program(text)
    assert info.value.line == line
    assert message in info.value.message


# ---- random programs with attributes round trip ---------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

LEAVES = [
    'param(shape=(2, 3), init="normal", seed={s})',
    'param(shape=(3,), init="uniform", scale=0.5, seed={s})',
    'data(dataset="moons", part="x", n=4, seed={s})',
    'data([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], csv="t.csv", columns=(0, "b", 2))',
    "param([[1.0, -2.0, 0.5], [0.5, 0.25, 1.0]])",
]
CALLS = ["sum", "mean", "softmax", "log_softmax", "tanh", "exp"]


@st.composite
def attr_programs(draw: st.DrawFn) -> str:
    names = []
    lines = []
    for i in range(draw(st.integers(1, 3))):
        leaf = draw(st.sampled_from(LEAVES)).format(s=draw(st.integers(0, 3)))
        lines.append(f"l{i} = {leaf}")
        names.append(f"l{i}")
    for i in range(draw(st.integers(1, 5))):
        fn = draw(st.sampled_from(CALLS))
        arg = draw(st.sampled_from(names))
        axis = draw(st.sampled_from(["", ", axis=0", ", axis=-1", ", axis=1"]))
        if fn in ("tanh", "exp"):
            axis = ""
        expr = f"{fn}({arg}{axis})"
        if draw(st.booleans()):
            lines.append(f"n{i} = {expr}")
            names.append(f"n{i}")
        else:
            lines.append(f"n{i} = {expr} + 1.0")
            names.append(f"n{i}")
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(attr_programs())
def test_random_programs_with_attributes_round_trip(text):
    graph = parse_program(text)
    written = to_program(graph)
    again = parse_program(written)
    assert structure(again) == structure(graph), written
    assert to_program(again) == written
