"""Export ▸ PyTorch code of every gallery example, imported again, is the same graph."""

from __future__ import annotations

import pytest

from backprop_studio import evaluate
from backprop_studio.engine.codegen import to_script
from backprop_studio.engine.importer import import_pytorch
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import EXAMPLES, example_path


def shape(graph):
    """What the round trip keeps: names, ops, op attributes, leaf values, edges, output."""
    nodes = []
    for node in graph:
        attrs = {} if node.is_leaf else dict(node.attrs)
        value = node.value if node.is_leaf else None
        nodes.append((node.name, node.op, tuple(sorted(attrs.items())), repr(value)))
    return sorted(nodes), sorted(graph.edges, key=lambda e: (e.dst, e.port)), graph.output


def leaf_values(graph):
    """A recipe leaf's value as the engine makes it (the script holds the numbers)."""
    from backprop_studio.engine.leaves import leaf_value

    return {
        n.name: leaf_value(n.op, n.attrs) if n.recipe and not n.trained else n.value
        for n in graph
        if n.is_leaf
    }


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_the_exported_script_imports_as_the_same_graph(tmp_path, example):
    data = load_document(example_path(example))
    path = tmp_path / f"{example}.py"
    path.write_text(to_script(data.graph, data.settings, title=example), encoding="utf-8")
    imported = import_pytorch(path)
    original = data.graph.copy()
    for name, value in leaf_values(original).items():
        original.node(name).attrs = {}
        original.node(name).value = value
    assert shape(imported.graph) == shape(original)
    assert {n.name: n.label for n in imported.graph} == {n.name: n.label for n in data.graph}
    assert imported.settings["dtype"] == data.settings["dtype"]
    before, after = evaluate(data), evaluate(imported.graph)
    assert after.ok
    for node in data.graph:
        assert after.value(node.name) == before.value(node.name)
        assert after.grad(node.name) == before.grad(node.name)
