"""The words of the animation: the chain rule with the Trace's numbers, partial sums, narration."""

from __future__ import annotations

from backprop_studio.canvas.flow.plan import FlowPlan, NodeState
from backprop_studio.canvas.flow.text import Labels, chain_rule, narration, sum_text
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.graph import Node
from backprop_studio.model.program import parse_program
from tests.builders import build, seed_graph


def test_scalar_chain_rule_has_the_real_numbers():
    trace = evaluate(seed_graph())
    k = trace.edges.index(next(e for e in trace.edges if (e.src, e.dst) == ("w", "y_hat")))
    labels = Labels({"y_hat": "ŷ"})
    assert chain_rule(trace, k, labels) == "∂L/∂w (via ŷ) = ∂L/∂ŷ · ∂ŷ/∂w = (-2) · (1) = -2"
    x = trace.edges.index(next(e for e in trace.edges if e.src == "x"))
    assert chain_rule(trace, x, labels) == "∂L/∂x (via ŷ): no gradient flows along this edge"


def test_tensor_chain_rule_gives_shapes_and_norms():
    graph = build(
        {"W": ("param", [[1.0, 2.0], [3.0, 4.0]]), "x": ("data", [1.0, -1.0])},
        [("h", "matmul", ["W", "x"]), ("loss", "sum", ["h"])],
    )
    trace = evaluate(graph)
    k = trace.edges.index(next(e for e in trace.edges if e.src == "W"))
    assert chain_rule(trace, k) == "∂L/∂W (via h) = ∂L/∂h · ∂h/∂W: [2] ‖·‖ 1.41 → [2×2] ‖·‖ 2"


def test_a_node_used_twice_names_the_port():
    trace = evaluate(build({"a": ("param", 3.0)}, [("s", "mul", ["a", "a"])]))
    assert [chain_rule(trace, k).split(" = ")[0] for k in range(2)] == [
        "∂L/∂a (via s.a)",
        "∂L/∂a (via s.b)",
    ]


def test_partial_sums_read_like_arithmetic():
    assert sum_text(NodeState(1.0, -9.0, (-3.0, -3.0, -3.0), 3, 3)) == "grad = -3 + -3 + -3 = -9"
    assert (
        sum_text(NodeState(1.0, -6.0, (-3.0, -3.0), 2, 3))
        == "grad = -3 + -3 + … = -6 so far (2 of 3)"
    )
    many = NodeState(1.0, 6.0, (1.0,) * 6, 6, 6)
    assert sum_text(many) == "grad = 1 + 1 + 1 + 1 + … (6 terms) = 6"
    assert sum_text(NodeState(1.0, 2.0, (), 1, 1)) == ""


def test_narration_walks_forward_then_backward():
    trace = evaluate(seed_graph())
    labels = Labels({"y_hat": "ŷ"}, {"y_hat": "mul", "diff": "sub", "loss": "pow"})
    plan = FlowPlan(trace)
    told = [narration(plan, k, labels) for k in range(len(plan) + 1)]
    assert told[0].heading == "Ready"
    assert "ŷ = w × x = 1" in told[2].text
    assert told[plan.forward_count + 1].heading == "Backward · start"
    last = narration(plan, len(plan), labels, finished=True)
    assert last.heading == "Backward · edge 3 of 3"
    assert last.formula == "∂L/∂w (via ŷ) = ∂L/∂ŷ · ∂ŷ/∂w = (-2) · (1) = -2"
    assert last.text.endswith("Done: every node now shows the gradient torch computed.")


def test_a_power_is_written_with_its_exponent():
    graph = build({"d": ("param", -1.0)}, [])
    graph.add_node(Node("loss", "power", attrs={"exponent": 3.0}))
    graph.connect("d", "loss", "a")
    trace = evaluate(graph)
    labels = Labels({}, {"d": "param", "loss": "power"}, {"loss": "**3"})
    plan = FlowPlan(trace)
    told = [narration(plan, k, labels) for k in range(len(plan) + 1)]
    assert "loss = d**3 = -1" in told[2].text
    assert "(power **3: ∂/∂a = n·a^(n−1))" in told[-1].text
    assert told[-1].formula == "∂L/∂d (via loss) = ∂L/∂loss · ∂loss/∂d = (1) · (3) = 3"
    # without the card's symbol, the catalogue's
    assert "loss = d** = -1" in narration(plan, 2, Labels({}, {"loss": "power"})).text


def test_a_number_of_the_program_is_told_as_the_constant_it_is():
    graph = parse_program("x = data(3.0)\nk = const(4.0)\ny = x * 2 + x * 1e-3 + k")
    trace = evaluate(graph)
    titles = {n.name: n.title for n in graph}
    labels = Labels(titles, {n.name: n.op for n in graph})
    leaves = narration(FlowPlan(trace), 1, labels).text
    assert "the constant 2," in leaves and "the constant 1e-3." in leaves
    assert "the constant 4.0," in leaves  # k = const(4.0): its card is titled 4.0 too
    assert "x = 3" in leaves
    assert "const_" not in leaves
    graph.set_value("const_1", 5.0)  # edited since: the card still reads 2, so both are told
    again = narration(FlowPlan(evaluate(graph)), 1, labels).text
    assert "the constant 2 = 5," in again


def test_an_nary_add_is_told_with_every_input():
    graph = build({"a": ("param", 1.0), "b": ("param", 2.0), "c": ("param", 3.0)}, [])
    graph.add_node(Node("s", "add", attrs={"n": 3}))
    for port in "abc":
        graph.connect(port, "s", port)
    plan = FlowPlan(evaluate(graph))
    labels = Labels({}, {"a": "param", "b": "param", "c": "param", "s": "add"})
    told = [narration(plan, k, labels).text for k in range(len(plan) + 1)]
    assert any("s = a + b + c = 6" in text for text in told)
