"""Blocks in program text: `with block(...)` and `block(...)` read back to the same blocks, the
writer's text round-trips, and anything else about blocks is refused with its line."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_studio.model.blocks import Block
from backprop_studio.model.program import ProgramError, parse_program, to_program
from tests.model.program_cases import SEED, structure

MLP = """\
x, y = dataset("moons", n=20, noise=0.1, seed=0)
with block("Linear 1"):
    W1 = param(shape=(2, 4), init="xavier", seed=0)
    b1 = param(shape=(4,), init="zeros")
    h1 = x @ W1 + b1
a1 = relu(h1)
with block("Linear 2", collapsed=True):
    W2 = param(shape=(4, 2), init="xavier", seed=1)
    b2 = param(shape=(2,), init="zeros")
    logits = a1 @ W2 + b2
loss = cross_entropy(logits, y)
"""


def assert_round_trip(graph) -> str:
    text = to_program(graph)
    again = parse_program(text)
    assert structure(again) == structure(graph), text
    assert again.blocks.snapshot() == graph.blocks.snapshot(), text
    assert to_program(again) == text
    return text


def test_with_block_groups_the_nodes_its_lines_make():
    graph = parse_program(MLP)
    assert graph.blocks.snapshot() == (
        Block("Linear 1", ("W1", "b1", "matmul_1", "h1")),
        Block("Linear 2", ("W2", "b2", "matmul_2", "logits"), collapsed=True),
    )
    assert graph.output == "loss"


def test_the_writer_declares_blocks_after_the_graph_and_round_trips():
    text = assert_round_trip(parse_program(MLP))
    assert text.endswith(
        'block("Linear 1", W1, b1, matmul_1, h1)\n'
        'block("Linear 2", W2, b2, matmul_2, logits, collapsed=True)\n'
    )


def test_blocks_do_not_change_what_the_text_builds():
    plain = MLP.replace('with block("Linear 1"):\n', "").replace(
        'with block("Linear 2", collapsed=True):\n', ""
    )
    plain = "\n".join(line.strip() for line in plain.splitlines())
    assert structure(parse_program(plain)) == structure(parse_program(MLP))


def test_a_declaration_names_program_names_and_unnamed_nodes():
    graph = parse_program(SEED + 'block("Model", w, y_hat)\nblock("Loss", sub_1, loss)\n')
    assert graph.blocks.names == ["Model", "Loss"]
    assert graph.blocks.block("Loss").members == ("sub_1", "loss")
    assert graph.output == "loss"  # a declaration after the last line does not select an output
    assert_round_trip(graph)


def test_a_bare_output_line_stays_last_before_the_declarations():
    graph = parse_program('a = 1.0\nb = 2.0\nc = a * b\na + b\nblock("All", a, b, c)\n')
    assert graph.output == "add_1"
    assert_round_trip(graph)


def test_odd_block_names_round_trip():
    graph = parse_program(SEED)
    graph.blocks.add(Block('Say "hi" \\ ① 1', ("w",), collapsed=True))
    assert_round_trip(graph)


@pytest.mark.parametrize(
    "text, message",
    [
        ('x = 1.0\nblock("A", z)\n', "line 2: 'z' is not defined"),
        ("x = 1.0\nblock(x)\n", "line 2: a block's name comes first"),
        ('x = 1.0\nblock("A", x + 1)\n', "line 2: a block lists the names"),
        ('x = 1.0\nblock("A", x, hidden=True)\n', "line 2: block(...) takes one keyword"),
        ('x = 1.0\nblock("A", x, collapsed=1)\n', "line 2: collapsed= takes True or False"),
        ('x = 1.0\nblock("A", x, x)\n', "line 2: block 'A' lists 'x' twice"),
        ('x = 1.0\nblock("A", x)\nblock("B", x)\n', "line 3: 'x' is already in block 'A'"),
        ('x = 1.0\nblock("", x)\n', "line 2: a block needs a name"),
        ('with open("f"):\n    x = 1.0\n', "line 1: 'with' is only for blocks"),
        ('with block("A") as b:\n    x = 1.0\n', "a block is not given a name with 'as'"),
        ('with block("A"):\n    with block("B"):\n        x = 1.0\n', "blocks do not nest"),
        ('x = 1.0\nwith block("A"):\n    y = x\n', "only gives 'x' another name"),
        ('x = 1.0\ny = block("A", x)\n', "line 2: block(...) groups nodes on its own line"),
        ('block("A")\n', "line 1: block 'A' has no nodes"),
        ('x = 1.0\nwith block("A"):\n    pass\n', "line 3: 'Pass' is not supported"),
        ('with block("A", x):\n    x = 1.0\n', "takes the block's name only"),
    ],
)
def test_what_is_refused(text, message):
    with pytest.raises(ProgramError, match=re.escape(message)):
        parse_program(text)


@settings(max_examples=40, deadline=None)
@given(
    groups=st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=4), max_size=4),
    collapsed=st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_random_blocks_round_trip(groups, collapsed):
    graph = parse_program(MLP)
    graph.blocks.load([])
    taken: set[str] = set()
    for k, picks in enumerate(groups):
        names = [n for n in graph.names if n not in taken]
        members = list(dict.fromkeys(names[i % len(names)] for i in picks)) if names else []
        if members:
            graph.blocks.add(Block(f"Block {k}", tuple(members), collapsed[k]))
            taken.update(members)
    assert_round_trip(graph)


def test_a_declaration_names_nodes_as_the_canvas_shows_them():
    graph = parse_program('c = 1.0\nc = c + 1\nc = c * 2\nblock("first two", c, c_2)\n')
    assert {"c", "c_2", "c_3"} <= set(graph.names)  # `c` itself names the newest, c_3
    assert graph.blocks.block("first two").members == ("c", "c_2")
    assert_round_trip(graph)
