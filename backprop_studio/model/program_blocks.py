"""Blocks in program text: two statements, read by the same ``ast`` whitelist as the rest.

A block around the lines that build it (the form to write by hand)::

    with block("Linear 1", collapsed=True):
        W1 = param(shape=(2, 16), init="xavier", seed=0)
        b1 = param(shape=(16,), init="zeros")
        h1 = x @ W1 + b1

or a declaration naming its nodes, anywhere after them (the form ``to_program`` writes, since a
block's nodes need not be neighbours in the text's order)::

    block("Linear 1", W1, b1, matmul_1, h1, collapsed=True)

A name in a declaration is a node's name, as the canvas shows it: ``matmul_1`` above, made
without a name inside ``h1``'s expression, and ``c_2`` for the second ``c`` of a text that
assigns ``c`` twice. The block's name is any short text in
quotes; ``collapsed`` is True or False. Blocks do not nest, and a node is in one block at most.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from dataclasses import dataclass

from .blocks import Block
from .errors import GraphError
from .graph import Graph

BLOCK = "block"
USAGE = 'write a block as `block("Linear 1", W, b, h)` or `with block("Linear 1"):`'

Fail = Callable[[ast.AST, str], Exception]


@dataclass(frozen=True)
class BlockCall:
    name: str
    collapsed: bool
    members: tuple[ast.Name, ...]


class BlockStatements:
    """The parser's reading of block statements (``model/program_parser.py`` mixes it in)."""

    graph: Graph
    env: dict[str, str]
    line: int | None

    def error(self, node: ast.AST, message: str) -> Exception:
        raise NotImplementedError

    def statement(self, stmt: ast.stmt, last: bool) -> str:
        raise NotImplementedError

    def with_block(self, stmt: ast.With, last: bool) -> str:
        """``with block("Linear 1"):`` and its lines: the nodes those lines make are the block."""
        found = read_call(with_call(stmt, self.error), self.error)
        size = len(self.graph)
        result = ""
        for j, inner in enumerate(stmt.body):
            self.line = inner.lineno
            if declaration(inner) is not None:
                raise self.error(inner, "a block cannot be declared inside another")
            result = self.statement(inner, last=last and j == len(stmt.body) - 1)
        members = self.graph.names[size:]
        if not members:
            raise self.error(stmt, f"block '{found.name}' makes no node")
        self.add_block(stmt, Block(found.name, tuple(members), found.collapsed))
        return result

    def declared_block(self, call: ast.Call) -> None:
        """``block("Linear 1", W1, b1, h1)``: each name a node's name (``c_2``, not ``c``,
        for the second ``c``), as the canvas shows them."""
        found = read_call(call, self.error)
        members = []
        for arg in found.members:
            member = arg.id if arg.id in self.graph else self.env.get(arg.id, arg.id)
            if member not in self.graph:
                raise self.error(arg, f"'{arg.id}' is not defined")
            members.append(member)
        self.add_block(call, Block(found.name, tuple(members), found.collapsed))

    def add_block(self, node: ast.AST, block: Block) -> None:
        try:
            self.graph.blocks.add(block)
        except GraphError as exc:
            raise self.error(node, str(exc)) from None


def declaration(stmt: ast.stmt) -> ast.Call | None:
    """The ``block(...)`` call when ``stmt`` is a block declaration."""
    if isinstance(stmt, ast.Expr) and _is_block_call(stmt.value):
        assert isinstance(stmt.value, ast.Call)
        return stmt.value
    return None


def with_call(stmt: ast.With, fail: Fail) -> ast.Call:
    """The ``block(...)`` of ``with block(...):``; anything else in a ``with`` is refused."""
    if len(stmt.items) != 1 or not _is_block_call(stmt.items[0].context_expr):
        raise fail(stmt, f"'with' is only for blocks: {USAGE}")
    item = stmt.items[0]
    if item.optional_vars is not None:
        raise fail(item.optional_vars, "a block is not given a name with 'as'; " + USAGE)
    call = item.context_expr
    assert isinstance(call, ast.Call)
    if len(call.args) > 1:
        message = "`with block(...)` takes the block's name only: its nodes are the lines in it"
        raise fail(call.args[1], message)
    for inner in ast.walk(stmt):
        if inner is not stmt and isinstance(inner, ast.With):
            raise fail(inner, "blocks do not nest; close one block before the next")
    return call


def read_call(call: ast.Call, fail: Fail) -> BlockCall:
    """The name, flag and member names of ``block("name", a, b, collapsed=True)``."""
    if not call.args or not (
        isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
    ):
        raise fail(call, "a block's name comes first, in quotes: " + USAGE)
    collapsed = False
    for kw in call.keywords:
        if kw.arg != "collapsed":
            where = kw if kw.arg is not None else call
            raise fail(where, "block(...) takes one keyword, collapsed=True or collapsed=False")
        if not (isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool)):
            raise fail(kw.value, "collapsed= takes True or False")
        collapsed = kw.value.value
    members = []
    for arg in call.args[1:]:
        if not isinstance(arg, ast.Name):
            raise fail(arg, "a block lists the names of its nodes: " + USAGE)
        members.append(arg)
    return BlockCall(call.args[0].value, collapsed, tuple(members))


def block_lines(graph: Graph, written: set[str]) -> list[str]:
    """One declaration per block, naming only the ``written`` nodes (a node the text can only
    show as a comment cannot be named); a block with none of them becomes a comment."""
    lines = []
    for block in graph.blocks:
        members = [m for m in block.members if m in written]
        line = declaration_text(block, members)
        lines.append(line if members else f"# {declaration_text(block, list(block.members))}")
    return lines


def declaration_text(block: Block, members: list[str]) -> str:
    args = [json.dumps(block.name, ensure_ascii=False), *members]
    if block.collapsed:
        args.append("collapsed=True")
    return f"{BLOCK}({', '.join(args)})"


def _is_block_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == BLOCK
