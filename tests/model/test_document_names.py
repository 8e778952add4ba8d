"""A file saved before an op took a node's name still opens: the node is renamed, keeps the old
name as its label, and every reference to it (edges, output, blocks) follows."""

from __future__ import annotations

import json

from backprop_studio.model import document_io


def _old_file() -> str:
    return json.dumps(
        {
            "format": "backprop-studio",
            "version": 3,
            "nodes": [
                {"name": "square", "op": "data", "position": [0, 0], "value": 3.0},
                {"name": "w", "op": "param", "position": [0, 100], "value": 2.0},
                {"name": "max", "op": "mul", "position": [200, 0]},
                {"name": "max_2", "op": "neg", "position": [400, 0], "label": "taken"},
            ],
            "edges": [
                {"from": "square", "to": "max", "port": "a"},
                {"from": "w", "to": "max", "port": "b"},
                {"from": "max", "to": "max_2", "port": "a"},
            ],
            "output": "max_2",
            "blocks": [{"name": "Layer", "nodes": ["square", "w", "max"], "collapsed": True}],
        }
    )


def test_nodes_named_after_ops_are_renamed_and_keep_their_name_as_label():
    graph = document_io.loads(_old_file()).graph
    assert graph.names == ["square_2", "w", "max_3", "max_2"]
    assert graph.node("square_2").label == "square" and graph.node("max_3").label == "max"
    assert graph.node("max_2").label == "taken"  # a node that was not renamed keeps its own
    assert {(e.src, e.dst) for e in graph.edges} == {
        ("square_2", "max_3"),
        ("w", "max_3"),
        ("max_3", "max_2"),
    }
    assert graph.output == "max_2"
    assert graph.blocks.block("Layer").members == ("square_2", "w", "max_3")


def test_a_file_without_such_names_reads_as_before():
    text = _old_file().replace('"square"', '"s"').replace('"max"', '"m"')
    graph = document_io.loads(text).graph
    assert graph.names == ["s", "w", "m", "max_2"]
    assert graph.node("s").label == ""
