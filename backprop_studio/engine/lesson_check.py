"""Checking a lesson's task against torch, and the hints the chain rule gives for it.

The answer is never stored in the lesson: it is what torch computes for the step's graph, by the
same instrumented run the canvas shows (``autograd.evaluate``) or, for "after one step", by the
Trainer's own optimizer step. Hints come from that run's Trace: for a gradient, each use of the node
gives its local derivative and then the upstream gradient (``edge grad = upstream · local``); for a
step, the gradient and then the update rule; for a value, the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.graph import Graph
from ..model.lesson import Quantity, Task
from ..model.lesson_answer import (
    AnswerError,
    close_enough,
    parse_number,
    parse_sign,
    sign_of,
)
from ..model.ops import op_spec
from ..model.shapes import Value
from ..model.trace import Trace
from .autograd import evaluate
from .training import Trainer, TrainingError, TrainSettings

SIGN_WORDS = {1: "positive (+)", -1: "negative (−)", 0: "zero (0)"}


class TaskError(ValueError):
    """The step's graph cannot give the asked number (it does not run, say); one line."""


@dataclass(frozen=True)
class Verdict:
    correct: bool
    expected: float  # torch's number
    message: str  # one sentence for the learner


def number(value: float) -> str:
    """A number as the lessons print it: 4 significant digits, a true minus sign."""
    text = f"{value:.4g}"
    return text.replace("-", "−")


def _element(value: Value | None, index: tuple[int, ...], what: str) -> float:
    if value is None:
        raise TaskError(f"no {what} flows there in this graph")
    item: object = value
    for i in index:
        if not isinstance(item, list) or i >= len(item):
            raise TaskError(f"the {what} has no element {list(index)}")
        item = item[i]
    if isinstance(item, list):
        raise TaskError(f"the {what} is a tensor: the task must give an index of one element")
    return float(item)  # type: ignore[arg-type]


def run(graph: Graph, dtype: str = "float64") -> Trace:
    """The step's Trace; TaskError when the graph does not run."""
    trace = evaluate(graph, dtype)
    if not trace.ok:
        raise TaskError(trace.error or trace.problems[0].message)
    return trace


def expected(graph: Graph, quantity: Quantity, dtype: str = "float64") -> float:
    """Torch's number for ``quantity`` of ``graph``."""
    if quantity.of == "after_step":
        try:
            trainer = Trainer(graph, TrainSettings(optimizer="sgd", lr=quantity.lr, dtype=dtype))
            trainer.step()
        except TrainingError as exc:
            raise TaskError(str(exc)) from None
        return _element(trainer.param_values()[quantity.node], quantity.index, "parameter")
    trace = run(graph, dtype)
    if quantity.of == "value":
        return _element(trace.values.get(quantity.node), quantity.index, "value")
    return _element(trace.grads.get(quantity.node), quantity.index, "gradient")


def check(task: Task, graph: Graph, answer: str, dtype: str = "float64") -> Verdict:
    """Compare the learner's ``answer`` with torch; AnswerError when it is not an answer."""
    truth = expected(graph, task.quantity, dtype)
    if task.answer == "sign":
        given = parse_sign(answer)
        want = sign_of(truth, task.abs_tol)
        ok = given == want
        told = SIGN_WORDS[given]
        return Verdict(ok, truth, f"Yes: it is {told}." if ok else f"Not {told}.")
    value = parse_number(answer)
    ok = close_enough(value, truth, task.abs_tol, task.rel_tol)
    if ok:
        return Verdict(True, truth, f"Yes: torch computes {number(truth)}.")
    return Verdict(False, truth, f"Not {number(value)}. Try again, or take a hint.")


def reveal_text(task: Task, graph: Graph, dtype: str = "float64") -> str:
    truth = expected(graph, task.quantity, dtype)
    what = task.quantity.describe(_title(graph, graph.output))
    if task.answer == "sign":
        return f"{what} = {number(truth)}: {SIGN_WORDS[sign_of(truth, task.abs_tol)]}."
    return f"{what} = {number(truth)}"


def hints(task: Task, graph: Graph, dtype: str = "float64") -> list[str]:
    """The hints in the order they are revealed: the chain rule's, then the author's."""
    q = task.quantity
    trace = run(graph, dtype)
    if q.of == "grad":
        built = _grad_hints(graph, trace, q)
    elif q.of == "after_step":
        built = _step_hints(graph, trace, q)
    else:
        built = _value_hints(graph, trace, q)
    return built + list(task.hints)


def _title(graph: Graph, name: str | None) -> str:
    if name is None or name not in graph:
        return "output"
    return graph.node(name).label or name


def _shown(value: Value | None, index: tuple[int, ...]) -> str:
    if isinstance(value, (int, float)):
        return number(value)  # a scalar upstream gradient (a loss) is the same for every element
    try:
        return number(_element(value, index, "number"))
    except TaskError:
        return "a tensor" if isinstance(value, list) else "—"


def _grad_hints(graph: Graph, trace: Trace, q: Quantity) -> list[str]:
    out = _title(graph, trace.output)
    me = _title(graph, q.node)
    uses = [i for i, e in enumerate(trace.edges) if e.src == q.node]
    found: list[str] = []
    for i in uses:
        edge = trace.edges[i]
        if trace.grads.get(edge.dst) is None:
            continue  # a use off the path to the output sends nothing back
        dst = _title(graph, edge.dst)
        local = trace.local_grads[i] if i < len(trace.local_grads) else None
        if local is not None:
            found.append(
                f"Local derivative: ∂{dst}/∂{me} = {number(local)} (input {edge.port} of {dst})."
            )
        else:
            spec = op_spec(graph.node(edge.dst).op)
            found.append(
                f"Local derivative of {dst} ({spec.name}), input {edge.port}: {spec.derivative}."
            )
        upstream = trace.grads.get(edge.dst)
        found.append(f"Upstream gradient: ∂{out}/∂{dst} = {_shown(upstream, q.index)}.")
    if len(found) > 2:
        found.append(
            f"{me} is used {len(found) // 2} times: ∂{out}/∂{me} is the sum of upstream × local over its uses."
        )
    elif found:
        found.append(f"Chain rule: ∂{out}/∂{me} = (upstream gradient) · (local derivative).")
    return found


def _step_hints(graph: Graph, trace: Trace, q: Quantity) -> list[str]:
    me = _title(graph, q.node)
    out = _title(graph, trace.output)
    g = _shown(trace.grads.get(q.node), q.index)
    now = _shown(trace.values.get(q.node), q.index)
    return [
        f"The gradient: ∂{out}/∂{me} = {g}.",
        f"One step of gradient descent: {me} ← {me} − lr · ∂{out}/∂{me}, with {me} = {now} and lr = {q.lr:g}.",
    ]


def _value_hints(graph: Graph, trace: Trace, q: Quantity) -> list[str]:
    node = graph.node(q.node)
    inputs = [e for e in trace.edges if e.dst == q.node]
    parts = [f"{e.port} = {_shown(trace.values.get(e.src), ())}" for e in inputs]
    found = [f"{_title(graph, q.node)} = {node.spec.formula}."]
    if parts:
        found.append("Its inputs: " + ", ".join(parts) + ".")
    return found


__all__ = ["AnswerError", "TaskError", "Verdict", "check", "expected", "hints", "reveal_text"]
