"""Undo as a state machine over the real Document, its commands and a canvas that mirrors them.

Every rule is an edit a user can make, refused ones included (names at and past the length
limit, switches a leaf cannot make, connections that would cycle). After every step the undo
stack's index names a state that undo and redo must reproduce exactly, a refused edit must change
nothing and record nothing, and the canvas must show exactly the graph. At the end undo-all
gives the start back and redo-all the newest state.
"""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from backprop_studio import block_commands, commands, document_commands
from backprop_studio.app.editor import clipboard
from backprop_studio.canvas.scene import GraphScene
from backprop_studio.document import Document
from backprop_studio.model import document_io
from backprop_studio.model.graph import MAX_NAME_LENGTH, Edge, GraphError, Node
from backprop_studio.model.ops import OPS
from backprop_studio.model.program import auto_name, parse_program, to_program
from backprop_studio.model.program_writer import keep_exact_values
from tests.builders import seed_graph

# CI runs enough sequences to find the holes this machine was written for (they showed within
# 300 sequences of 20–50 edits); a local run may ask for more with BACKPROP_STUDIO_UNDO_EXAMPLES.
EXAMPLES = int(os.environ.get("BACKPROP_STUDIO_UNDO_EXAMPLES", "300"))

OP_NAMES = sorted(OPS)
LETTERS = "abcdefghijklmnopqrstuvwxyz_"

long_names = st.integers(1, MAX_NAME_LENGTH + 3).flatmap(
    lambda n: st.text(LETTERS, min_size=n, max_size=n)
)
names = st.one_of(
    long_names,
    st.sampled_from(["w", "x", "y", "mul_1", "add_2", "tanh", "if", "2x", "a" * MAX_NAME_LENGTH]),
)
values = st.one_of(
    st.floats(-1e3, 1e3, allow_nan=False),
    st.just(float("nan")),
    st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=3),
)
block_names = st.one_of(
    st.sampled_from(["Linear 1", "Linear 2", "MSE loss", "", " pad", "L" * 64, "L" * 65]),
    st.text("ab 1", min_size=1, max_size=4),
)
TRAINING = {"lr": st.floats(1e-4, 1.0), "steps": st.integers(1, 500), "optimizer": st.just("adam")}


class UndoMachine(RuleBasedStateMachine):
    @initialize(start=st.booleans())
    def open(self, start: bool) -> None:
        self.doc = Document(seed_graph() if start else None)
        self.scene = GraphScene()
        self.scene.set_graph(self.doc.graph)
        self.states = [self.snapshot()]  # the state at each stack index

    # ---- helpers ---------------------------------------------------------------------------
    @property
    def graph(self):
        return self.doc.graph

    @property
    def stack(self):
        return self.doc.undo_stack

    def snapshot(self) -> tuple:
        training = repr(sorted(self.doc.settings.get("training", {}).items()))
        return self.graph.structure(), self.graph.blocks.snapshot(), training

    def pick(self, data, items):
        return data.draw(st.sampled_from(items)) if items else None

    def push(self, make) -> None:
        """Push what ``make()`` builds; a refusal (in the constructor or in apply) changes
        nothing and records nothing."""
        before, index = self.snapshot(), self.stack.index()
        try:
            self.doc.push(make())
        except GraphError:
            assert self.snapshot() == before
            assert self.stack.index() == index
            return
        self.states[self.stack.index() :] = [self.snapshot()]

    # ---- edits -----------------------------------------------------------------------------
    @rule(op=st.sampled_from(OP_NAMES), name=names, data=st.data())
    def add_node(self, op, name, data) -> None:
        if data.draw(st.booleans()):  # as the palette names it
            name = self.graph.unique_name(op) if OPS[op].is_leaf else auto_name(self.graph, op)
        pos = (data.draw(st.floats(-500, 500)), data.draw(st.floats(-500, 500)))
        self.push(lambda: commands.AddNode(self.graph, Node(name, op, position=pos)))

    @rule(data=st.data())
    def connect(self, data) -> None:
        src, dst = self.pick(data, self.graph.names), self.pick(data, self.graph.names)
        if src is None:
            return
        port = self.pick(data, list(self.graph.node(dst).spec.inputs) or ["a"])
        self.push(lambda: commands.AddEdge(self.graph, Edge(src, dst, port)))

    @rule(data=st.data())
    def disconnect(self, data) -> None:
        edge = self.pick(data, self.graph.edges)
        if edge is not None:
            self.push(lambda: commands.RemoveEdge(self.graph, edge))

    @rule(data=st.data())
    def delete(self, data) -> None:
        doomed = (
            data.draw(st.lists(st.sampled_from(self.graph.names), unique=True, max_size=3))
            if len(self.graph)
            else []
        )
        loose = (
            data.draw(st.lists(st.sampled_from(self.graph.edges), unique=True, max_size=2))
            if self.graph.edges
            else []
        )
        if doomed or loose:
            self.push(lambda: commands.delete_items(self.graph, doomed, loose))

    @rule(data=st.data(), new=names)
    def rename(self, data, new) -> None:
        old = self.pick(data, self.graph.names)
        if old is not None:
            self.push(lambda: commands.Rename(self.graph, old, new))

    @rule(data=st.data(), value=values, session=st.integers(0, 2))
    def set_value(self, data, value, session) -> None:
        name = self.pick(data, self.graph.names)
        if name is not None:
            self.push(lambda: commands.SetValue(self.graph, name, value, session))

    @rule(
        name=st.sampled_from(["W", "W_2", "b"]),
        init=st.sampled_from(["normal", "zeros", "kaiming"]),
        shape=st.sampled_from([(2,), (2, 3)]),
        seed=st.integers(0, 2),
    )
    def add_recipe(self, name, init, shape, seed) -> None:
        attrs = {"init": init, "shape": (2, 3) if init == "kaiming" else shape, "seed": seed}
        self.push(lambda: commands.AddNode(self.graph, Node(name, "param", attrs=attrs)))

    @rule(data=st.data(), shift=st.floats(-1, 1), trained=st.booleans())
    def train(self, data, shift, trained) -> None:
        """Training's numbers (``trained``) or a Reset's: a recipe stays, marked or not."""
        name = self.pick(data, [n.name for n in self.graph if n.is_leaf])
        if name is not None:
            value = _shifted(self.graph.node(name).value, shift)
            self.push(lambda: commands.SetTrainedValue(self.graph, name, value, trained))

    @rule(
        data=st.data(),
        exponent=st.one_of(st.floats(-150, 150), st.just(float("nan"))),
        session=st.integers(0, 2),
    )
    def set_exponent(self, data, exponent, session) -> None:
        """A power's exponent as the inspector sets it; on any other node, refused."""
        powers = [n.name for n in self.graph if n.op == "power"]
        name = self.pick(data, powers if powers and data.draw(st.booleans()) else self.graph.names)
        if name is not None:
            attrs = {**self.graph.node(name).attrs, "exponent": exponent}
            self.push(lambda: commands.SetAttrs(self.graph, name, attrs, session))

    @rule(data=st.data(), op=st.sampled_from(["param", "data", "const"]))
    def set_kind(self, data, op) -> None:
        name = self.pick(data, self.graph.names)
        if name is not None and self.graph.node(name).op != op:
            self.push(lambda: commands.SetLeafKind(self.graph, name, op))

    @rule(data=st.data(), label=st.one_of(st.text(max_size=5), st.just("\udcff")))
    def set_label(self, data, label) -> None:
        name = self.pick(data, self.graph.names)
        if name is not None:
            self.push(lambda: commands.SetLabel(self.graph, name, label))

    @rule(data=st.data())
    def set_output(self, data) -> None:
        name = self.pick(data, [*self.graph.names, None])
        self.push(lambda: commands.SetOutput(self.graph, name))

    @rule(data=st.data(), dx=st.floats(-100, 100), dy=st.floats(-100, 100))
    def move(self, data, dx, dy) -> None:
        if not len(self.graph):
            return
        moved = data.draw(st.lists(st.sampled_from(self.graph.names), unique=True, min_size=1))
        moves = {}
        for name in moved:
            x, y = self.graph.node(name).position
            moves[name] = ((x, y), (x + dx, y + dy))
        self.push(lambda: commands.MoveNodes(self.graph, moves))

    @rule(data=st.data(), times=st.integers(1, 3))
    def paste(self, data, times) -> None:
        """Copy a selection and paste it (or duplicate it) again and again: copies of long
        names must still get valid names."""
        if not len(self.graph):
            return
        chosen = data.draw(st.lists(st.sampled_from(self.graph.names), unique=True, min_size=1))
        part = clipboard.fragment(self.graph, chosen)
        for _ in range(times):
            nodes, edges = clipboard.placed_copies(self.graph, part, (40.0, 40.0))
            assert all(len(n.name) <= MAX_NAME_LENGTH for n in nodes)
            self.push(lambda n=nodes, e=edges: commands.add_items(self.graph, n, e, "Paste"))

    @rule(rewrite=st.booleans(), readable=st.booleans())
    def apply_program(self, rewrite, readable) -> None:
        """The program applied as the editor does when ``readable`` (6 digits, then the exact
        and trained numbers kept), else the exact text as it is."""
        text = to_program(self.graph, 6 if readable else None)
        if rewrite:
            text += "\nextra_node = 1.5\n"
        try:
            new = parse_program(text, {n.name: n.position for n in self.graph})
            if readable:
                keep_exact_values(self.graph, new, 6)
        except (GraphError, ValueError):
            return
        self.push(lambda: document_commands.ReplaceGraph(self.graph, new))

    @rule(data=st.data(), name=block_names, collapsed=st.booleans())
    def group(self, data, name, collapsed) -> None:
        """Group a random selection, free or not (a node in a block already is refused)."""
        members = (
            data.draw(st.lists(st.sampled_from(self.graph.names), unique=True, max_size=4))
            if len(self.graph)
            else []
        )
        self.push(lambda: block_commands.Group(self.graph, name, members, collapsed))

    @rule(data=st.data())
    def ungroup(self, data) -> None:
        names = self.graph.blocks.names
        chosen = (
            data.draw(st.lists(st.sampled_from(names), unique=True, min_size=1)) if names else []
        )
        if chosen:
            self.push(lambda: block_commands.ungroup_all(self.graph, chosen))

    @rule(data=st.data())
    def toggle_block(self, data) -> None:
        name = self.pick(data, self.graph.blocks.names)
        if name is not None:
            flag = not self.graph.blocks.block(name).collapsed
            self.push(lambda: block_commands.SetCollapsed(self.graph, name, flag))

    @rule(data=st.data(), new=block_names)
    def rename_block(self, data, new) -> None:
        old = self.pick(data, self.graph.blocks.names)
        if old is not None:
            self.push(lambda: block_commands.RenameBlock(self.graph, old, new))

    @rule(data=st.data(), key=st.sampled_from(sorted(TRAINING)))
    def training_option(self, data, key) -> None:
        value = data.draw(TRAINING[key])
        self.push(lambda: document_commands.SetTrainingOption(self.doc.settings, key, value))

    # ---- moving through the history --------------------------------------------------------
    @precondition(lambda self: self.stack.canUndo())
    @rule()
    def undo(self) -> None:
        self.stack.undo()

    @precondition(lambda self: self.stack.canRedo())
    @rule()
    def redo(self) -> None:
        self.stack.redo()

    # ---- what must always hold -------------------------------------------------------------
    @invariant()
    def state_matches_the_history(self) -> None:
        assert self.snapshot() == self.states[self.stack.index()]

    @invariant()
    def every_state_can_be_saved(self) -> None:
        document_io.document_to_dict(self.graph, self.doc.settings, self.doc.view)

    @invariant()
    def canvas_mirrors_the_graph(self) -> None:
        assert set(self.scene.node_items()) == set(self.graph.names)
        assert set(self.scene.edge_items()) == set(self.graph.edges)
        for edge in self.graph.edges:
            assert edge.src in self.graph and edge.dst in self.graph
            assert self.graph.inputs_of(edge.dst)[edge.port] == edge
        blocks = self.scene.block_items()
        assert list(blocks) == self.graph.blocks.names
        hidden = self.graph.blocks.hidden()
        for block in self.graph.blocks:
            assert blocks[block.name].members == list(block.members)
            assert blocks[block.name].collapsed == block.collapsed
        for name, item in self.scene.node_items().items():
            assert item.isVisible() == (name not in hidden)
        for node in self.graph:
            assert self.scene.node_item(node.name).trained == node.trained
            assert not node.trained or node.recipe == "init"
            assert len(node.name) <= MAX_NAME_LENGTH
            x, y = node.position
            assert math.isfinite(x) and math.isfinite(y)

    def teardown(self) -> None:
        if not hasattr(self, "doc"):
            return
        newest = self.states[-1]
        while self.stack.canUndo():
            self.stack.undo()
        assert self.snapshot() == self.states[0]
        while self.stack.canRedo():
            self.stack.redo()
        assert self.snapshot() == newest
        self.scene.set_graph(None)
        self.doc.deleteLater()


def _shifted(value, shift: float):
    if isinstance(value, list):
        return [_shifted(item, shift) for item in value]
    return float(value or 0.0) + shift


@pytest.mark.usefixtures("qapp")
def test_undo_state_machine() -> None:
    machine = settings(
        max_examples=EXAMPLES,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(UndoMachine)
    machine.TestCase().runTest()
