"""Blocks in the document (format version 3): they round-trip, version 1 files still open, and a
malformed block is refused with one message naming its JSON path."""

from __future__ import annotations

import json

import pytest

from backprop_studio.model.blocks import Block
from backprop_studio.model.document_io import (
    VERSION,
    DocumentError,
    document_to_dict,
    dumps,
    load_document,
    loads,
    save_document,
)
from tests.builders import seed_graph


def _grouped():
    graph = seed_graph()
    graph.blocks.add(Block("Model", ("w", "y_hat"), collapsed=True))
    graph.blocks.add(Block("MSE loss", ("diff", "two", "loss")))
    return graph


def test_blocks_round_trip_through_a_file(tmp_path):
    graph = _grouped()
    path = tmp_path / "g.json"
    save_document(path, graph)
    data = load_document(path)
    assert data.graph.structure() == graph.structure()
    assert data.graph.blocks.snapshot() == graph.blocks.snapshot()
    text = path.read_text(encoding="utf-8")
    assert VERSION == 3 and '"version": 3' in text
    assert '{"name": "Model", "nodes": ["w", "y_hat"], "collapsed": true}' in text


def test_a_graph_without_blocks_is_written_as_version_1_and_opens():
    doc = document_to_dict(seed_graph())
    assert doc["version"] == 1 and "blocks" not in doc  # a graph without blocks is written
    data = loads(json.dumps(doc))
    assert data.graph.structure() == seed_graph().structure()
    assert data.graph.blocks.snapshot() == ()


def test_a_newer_version_is_refused():
    doc = document_to_dict(seed_graph())
    doc["version"] = VERSION + 1
    with pytest.raises(DocumentError, match="newer Backprop Studio"):
        loads(json.dumps(doc))


@pytest.mark.parametrize(
    "blocks, message",
    [
        ({"name": "A"}, "blocks: must be a list"),
        ([3], r"blocks\[0\]: must be an object"),
        ([{"nodes": ["w"]}], r"blocks\[0\].name: missing"),
        ([{"name": "", "nodes": ["w"]}], r"blocks\[0\].name: a block needs a name"),
        ([{"name": "A", "nodes": "w"}], r"blocks\[0\].nodes: must be a list of node names"),
        ([{"name": "A", "nodes": []}], r"blocks\[0\].nodes: block 'A' has no nodes"),
        ([{"name": "A", "nodes": ["nope"]}], r"blocks\[0\].nodes\[0\]: there is no node named"),
        ([{"name": "A", "nodes": [1]}], r"blocks\[0\].nodes\[0\]: must be a string"),
        ([{"name": "A", "nodes": ["w", "w"]}], r"nodes\[1\]: 'w' is twice in this block"),
        (
            [{"name": "A", "nodes": ["w"]}, {"name": "B", "nodes": ["x", "w"]}],
            r"blocks\[1\].nodes\[1\]: 'w' is in block 'A' already",
        ),
        (
            [{"name": "A", "nodes": ["w"]}, {"name": "A", "nodes": ["x"]}],
            r"blocks\[1\].name: a block named 'A' comes twice",
        ),
        ([{"name": "A", "nodes": ["w"], "collapsed": 1}], r"blocks\[0\].collapsed: must be true"),
    ],
)
def test_a_malformed_block_gives_one_clear_message(blocks, message):
    doc = document_to_dict(seed_graph())
    doc["blocks"] = blocks
    with pytest.raises(DocumentError, match=message) as info:
        loads(json.dumps(doc))
    assert "\n" not in str(info.value)


def test_dumps_writes_one_block_per_line():
    lines = dumps(_grouped()).splitlines()
    start = lines.index('  "blocks": [')
    assert lines[start + 1].strip().startswith('{"name": "Model"')
    assert lines[start + 2].strip().startswith('{"name": "MSE loss"')
