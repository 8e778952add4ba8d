"""Which parts of a graph the exported script writes inside the expression that uses them, as a
teacher writes ``loss = (y_hat - y) ** 2`` rather than ``sub_1 = y_hat - y`` and
``loss = sub_1 ** 2``; and where such an expression needs parentheses.

Only what reads back (``engine.importer``) as the very node it was, under the same name, and
only as the same torch call: the script's numbers stay the studio's to the last digit.
"""

from __future__ import annotations

import ast

from ..model.graph import Edge, Graph
from .compile import Plan

# ops written as one expression that the importer reads back as the one node it was
_INLINE_OPS = frozenset(
    {"add", "sub", "mul", "div", "power", "pow", "matmul", "neg", "square"}
    | {"exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu"}
)


def inlined(graph: Graph, plan: Plan) -> frozenset[str]:
    """The intermediates written inside their one consumer's expression, as a teacher writes
    ``loss = (y_hat - y) ** 2``: results of no name of the user's (``sub_1``, an op's automatic
    name, no label) used once, by an op that is itself plain arithmetic. Only where reading the
    script back gives the node that same automatic name again (the first free ``{op}_k`` when
    it is met), so a round trip keeps every name."""
    constants = inlined_constants(graph, plan)
    taken = {plan.names[slot] for slot in plan.leaf_slots} - set(constants)
    chosen: set[str] = set()
    uses = _uses(graph)
    for step in plan.steps:
        name = plan.names[step.slot]
        node = graph.node(name)
        users = uses.get(name, [])
        if (
            name != plan.output
            and node.op in _INLINE_OPS
            and node.label in ("", name)
            and len(users) == 1
            and graph.node(users[0].dst).op in _INLINE_OPS
            and graph.node(users[0].dst).op != node.op  # a + b + c reads back as one n-ary add
            and name == _first_free(taken, node.op)
        ):
            chosen.add(name)
        taken.add(name)
        taken.update(n for n in (plan.names[a] for a in step.args) if n in constants)
    return frozenset(chosen)


def inlined_constants(graph: Graph, plan: Plan) -> dict[str, str]:
    """Scalar constants used once, written as their number (``c + 1``), as their label reads:
    only when every one of them reads back under its own name (the importer names a number
    ``const_k``, the first free ``k``, where it meets it, and labels it as written)."""
    leaves = {plan.names[slot] for slot in plan.leaf_slots}
    found: dict[str, str] = {}
    uses = _uses(graph)
    for name in leaves:
        node = graph.node(name)
        users = uses.get(name, [])
        if node.op != "const" or len(users) != 1 or isinstance(node.value, list):
            continue
        consumer = graph.node(users[0].dst)
        if consumer.op in ("sub", "div", "pow") and users[0].port == consumer.inputs[0]:
            continue  # 10.0 / f is Tensor.__rtruediv__, not torch.div: keep the very same call
        text = node.label
        try:
            number = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            continue
        if type(number) in (int, float) and str(number) == text and float(number) == node.value:
            found[name] = text
    taken = leaves - set(found)
    for step in plan.steps:  # met in this order when the script is read back
        for name in (plan.names[a] for a in step.args):
            if name in found and name not in taken:
                if name != _first_free(taken, "const"):
                    return {}
                taken.add(name)
        taken.add(plan.names[step.slot])
    return found


def _uses(graph: Graph) -> dict[str, list[Edge]]:
    """Each node's out-edges, found in one pass."""
    out: dict[str, list[Edge]] = {}
    for edge in graph.edges:
        out.setdefault(edge.src, []).append(edge)
    return out


def _first_free(taken: set[str], op: str) -> str:
    k = 1
    while f"{op}_{k}" in taken:
        k += 1
    return f"{op}_{k}"


# How tightly an op's expression binds (Python's precedence), and how tightly an operand of an op
# must bind to go without parentheses: ``a - (b - c)``, ``(a + b) * c``, ``(a * b) ** 2``, but
# ``a * b + c`` and ``torch.tanh(a + b)``. A call or a name binds tightest.
ATOM = 9
BINDING = {"add": 1, "sub": 1, "mul": 2, "div": 2, "matmul": 2, "neg": 3, "power": 4, "pow": 4}


def needs(op: str, port: int) -> int:
    """The binding an operand at ``port`` of ``op`` needs to be written bare."""
    if op not in BINDING:
        return 0  # a call's arguments: anything goes
    if op in ("power", "pow", "neg"):
        return ATOM if port == 0 or op == "neg" else BINDING[op]  # (-a) ** 2, -(a * b)
    return BINDING[op] + (1 if port > 0 else 0)  # left to right: a - (b - c), (a - b) - c
