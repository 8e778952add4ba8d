"""Block templates build valid layers with free names, ready to drop in as one block."""

from __future__ import annotations

import pytest

from backprop_studio.model.blocks import Block
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.shapes import shape_of
from backprop_studio.model.templates import TEMPLATES, build_template


def _added(graph, built):
    graph.extend(built.nodes, built.edges)
    graph.blocks.add(Block(built.block, tuple(n.name for n in built.nodes)))


def test_a_linear_layer_has_w_and_b_of_the_chosen_sizes():
    graph = Graph()
    graph.add_node(Node("x", "data", value=[[1.0, 2.0, 3.0]]))
    built = build_template(graph, "linear", (100.0, 50.0), inputs=3, outputs=4, init="kaiming")
    _added(graph, built)
    assert built.block == "Linear 1"
    assert [n.name for n in built.nodes] == ["W", "matmul_1", "b", "add_1"]
    assert graph.node("W").attrs == {"init": "kaiming", "shape": (3, 4), "seed": 0}
    assert shape_of(graph.node("b").value) == (4,)
    graph.connect("x", "matmul_1", "a")
    assert graph.analyse().shapes["add_1"] == (1, 4)
    assert graph.node("W").position[0] == 100.0


def test_templates_dropped_twice_take_new_names():
    graph = Graph()
    for key in TEMPLATES:
        for _ in range(2):
            _added(graph, build_template(graph, key))
    assert graph.blocks.names == [
        "Linear 1", "Linear 2", "Neuron 1", "Neuron 2", "MSE loss 1", "MSE loss 2",
    ]  # fmt: skip
    assert len(set(graph.names)) == len(graph)


def test_the_mse_template_is_the_mean_of_squared_differences():
    graph = Graph()
    _added(graph, build_template(graph, "mse"))
    graph.add_node(Node("p", "data", value=[1.0, 3.0]))
    graph.add_node(Node("t", "data", value=[0.0, 0.0]))
    graph.connect("p", "sub_1", "a")
    graph.connect("t", "sub_1", "b")
    assert not graph.analyse().problems
    assert graph.output == "mean_1"


@pytest.mark.parametrize(
    "kwargs, message",
    [({"key": "conv"}, "no block template"), ({"key": "linear", "inputs": 0}, "at least one"),
     ({"key": "linear", "init": "magic"}, "unknown initialiser")],
)  # fmt: skip
def test_bad_requests_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_template(Graph(), **kwargs)
