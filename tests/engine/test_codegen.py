"""Generated PyTorch scripts reproduce the studio's numbers exactly: every op, random graphs with
fan-out, and the training loop (optimizers, clipping, mini-batches), run in and out of process."""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.codegen import OP_CODE, CodegenError, to_script
from backprop_studio.engine.compile import TORCH_OPS
from backprop_studio.engine.training import TrainSettings, train
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.ops import OPS
from tests.builders import build, seed_graph
from tests.engine.test_autograd import BINARY_CASES, UNARY_CASES
from tests.engine.test_random_graphs import random_graphs


def run_in_process(script: str, *args: str) -> str:
    """What the script prints, run as ``python script.py --json`` (every digit) by default."""
    out = io.StringIO()
    argv = sys.argv
    sys.argv = ["generated.py", *(args or ("--json",))]
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(script, "<generated>", "exec"), {"__name__": "__main__"})
    finally:
        sys.argv = argv
    return out.getvalue()


def parse(output: str) -> dict:
    """``name value=… grad=…`` lines → {name: (value, grad)}; the training lines ``losses=…``,
    ``final_loss=…`` and ``trained name=…`` → {"training": {key: value}}."""
    found: dict = {"training": {}}
    for line in output.splitlines():
        if " value=" in line:
            name, rest = line.split(" value=", 1)
            value, grad = rest.rsplit(" grad=", 1)
            found[name] = (json.loads(value), json.loads(grad))
        elif line.startswith(("losses=", "final_loss=", "trained ")):
            key, value = line.split("=", 1)
            found["training"][key] = json.loads(value)
    return found


def same(a, b, ulps: int = 0) -> bool:
    """Equal within ``ulps`` units in the last place (0: exactly), NaN equal to NaN, nested
    lists elementwise."""
    if isinstance(a, list) or isinstance(b, list):
        return (
            isinstance(a, list)
            and isinstance(b, list)
            and len(a) == len(b)
            and all(same(x, y, ulps) for x, y in zip(a, b))
        )
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if ulps and isinstance(a, float) and isinstance(b, float) and math.isfinite(a):
        return abs(a - b) <= ulps * math.ulp(max(abs(a), abs(b)))
    return a == b


def assert_matches_studio(
    graph: Graph, found: dict, dtype: str = "float64", grad_ulps: int = 0
) -> None:
    trace = evaluate(graph, dtype)
    assert trace.values, trace.error
    shown = set(found) - {"training"}
    # what the script does not show it wrote inside its one consumer: an op's automatic name
    assert shown <= set(trace.values)
    assert all(re.fullmatch(rf"{graph.node(n).op}_\d+", n) for n in set(trace.values) - shown)
    for name, value in trace.values.items():
        if name not in shown:
            continue
        shown_value, shown_grad = found[name]
        assert same(shown_value, value), (name, shown_value, value)
        grad = trace.grads.get(name)
        assert same(shown_grad, grad, grad_ulps), (name, shown_grad, grad)


def test_every_op_of_the_engine_has_a_line_of_code():
    assert set(OP_CODE) == set(TORCH_OPS)
    # ones and zeros take no inputs: the script makes them as it makes leaves (test_model_ops)
    assert set(OP_CODE) == {name for name, spec in OPS.items() if spec.inputs}


@pytest.mark.parametrize("op", sorted(UNARY_CASES))
def test_unary_op_script_matches_the_studio_exactly(op):
    graph = build({"a": ("param", UNARY_CASES[op])}, [("out", op, ["a"])])
    assert_matches_studio(graph, parse(run_in_process(to_script(graph))))


@pytest.mark.parametrize("op", sorted(BINARY_CASES))
def test_binary_op_script_matches_the_studio_exactly(op):
    a, b = BINARY_CASES[op]
    graph = build({"a": ("param", a), "b": ("param", b)}, [("out", op, ["a", "b"])])
    assert_matches_studio(graph, parse(run_in_process(to_script(graph))))


@pytest.mark.parametrize(
    ("op", "attrs", "inputs"),
    [
        ("sum", {"axis": 0}, [[[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]]]),
        ("mean", {"axis": -1}, [[[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]]]),
        ("softmax", {"axis": 0}, [[[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]]]),
        ("log_softmax", {"axis": 0}, [[[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]]]),
        ("cross_entropy", {}, [[[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]], [2.0, 0.0]]),
        ("cross_entropy", {}, [[[1.0, -2.0, 0.5], [0.3, 3.0, -1.0]], [[1.0], [0.0]]]),
        ("transpose", {}, [[1.0, 2.0, 3.0]]),
        ("power", {"exponent": 3.0}, [[1.5, -0.5, 2.0]]),
        ("power", {"exponent": -1.0}, [[1.5, -0.5, 2.0]]),
        ("power", {"exponent": 0.5}, [[1.5, 0.25, 2.0]]),
        ("power", {"exponent": 0.1}, [[1.5, 0.25, 2.0]]),
    ],
)
def test_attributes_and_shapes_are_written_out(op, attrs, inputs):
    names = ["a", "t"][: len(inputs)]
    graph = build({n: ("param" if n == "a" else "data", v) for n, v in zip(names, inputs)}, [])
    graph.add_node(Node("out", op, attrs=attrs))
    for port, name in zip(graph.node("out").spec.inputs, names):
        graph.connect(name, "out", port)
    graph.add_node(Node("total", "sum"))
    graph.connect("out", "total", "a")
    assert_matches_studio(graph, parse(run_in_process(to_script(graph))))


@settings(max_examples=40, deadline=None)
@given(random_graphs())
def test_random_graphs_with_fan_out_match_exactly(graph):
    # values exactly; a gradient that fans in from several edges may differ in its last bits,
    # since the studio adds the per-edge contributions (one alias each) in autograd's order and
    # the plain script lets autograd accumulate them as it goes (seen: 1 - 1 - sin(0.75))
    assert_matches_studio(graph, parse(run_in_process(to_script(graph))), grad_ulps=4)


def test_float32_and_a_vector_output():
    graph = build(
        {"w": ("param", [0.1, 0.2, 0.3]), "x": ("data", [1.0, -1.0, 2.0])},
        [("p", "mul", ["w", "x"]), ("q", "tanh", ["p"])],
    )
    script = to_script(graph, {"dtype": "float32"})
    assert "dtype = torch.float32" in script
    assert_matches_studio(graph, parse(run_in_process(script)), "float32")


def test_node_names_that_clash_with_the_script_still_work():
    graph = build(
        {"torch": ("param", 0.5), "show": ("data", 2.0), "print": ("param", 1.5)},
        [("F", "mul", ["torch", "show"]), ("losses", "add", ["F", "print"])],
    )
    found = parse(run_in_process(to_script(graph, train=True)))
    assert_matches_studio(graph, found)
    assert set(found["training"]) >= {"trained torch", "trained print"}


def test_seed_story_runs_standalone_and_trains_like_the_studio(tmp_path):
    graph = seed_graph()
    steps_settings = {"dtype": "float64", "training": {"optimizer": "sgd", "lr": 0.05, "steps": 30}}
    path = tmp_path / "seed.py"
    path.write_text(to_script(graph, steps_settings, train=True, title="seed"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found = parse(done.stdout)
    assert_matches_studio(graph, found)
    losses, trainer = train(graph, 30, TrainSettings(lr=0.05))
    trained = found["training"]
    assert trained["losses"] == losses
    assert trained["final_loss"] == trainer.checked_loss()
    assert trained["trained w"] == trainer.param_values()["w"]
    assert "requires_grad=True" in path.read_text()


@pytest.mark.parametrize(
    "training",
    [
        {"optimizer": "adam", "lr": 0.1, "steps": 25},
        {"optimizer": "momentum", "lr": 0.05, "momentum": 0.8, "steps": 25, "clip": 0.5},
        {"optimizer": "sgd", "lr": 0.1, "steps": 25, "batch_size": 16, "seed": 3},
        {"optimizer": "sgd", "lr": 0.1, "steps": 25, "batch_size": 20, "shuffle": False},
    ],
)
def test_training_loops_match_the_trainer_exactly(training):
    from backprop_studio.model.program import parse_program

    graph = parse_program(
        "x, y = dataset('moons', n=50, noise=0.1)\n"
        "w1 = param(init='xavier', shape=(2, 4), seed=1)\n"
        "w2 = param(init='xavier', shape=(4, 1), seed=2)\n"
        "h = tanh(x @ w1)\n"
        "loss = bce_logits(h @ w2, y)\n"
    )
    settings_ = {"dtype": "float64", "training": training}
    found = parse(run_in_process(to_script(graph, settings_, train=True)))["training"]
    losses, trainer = train(graph, training["steps"], TrainSettings.from_dict(settings_))
    assert found["losses"] == losses
    assert found["final_loss"] == trainer.checked_loss()
    for name, value in trainer.param_values().items():
        assert found[f"trained {name}"] == value


def test_a_graph_with_a_problem_or_nothing_to_train_is_refused():
    graph = seed_graph()
    graph.add_node(Node("half", "mul"))
    graph.set_output("half")
    with pytest.raises(CodegenError, match="half"):
        to_script(graph)
    constant = build({"c": ("const", 2.0)}, [("d", "exp", ["c"])])
    assert "nothing to differentiate" in to_script(constant)
    with pytest.raises(CodegenError, match="cannot write the training loop"):
        to_script(constant, train=True)


@settings(max_examples=10, deadline=None)
@given(st.text(alphabet="ab", max_size=2))
def test_the_script_is_valid_python_for_labels_of_any_kind(suffix):
    graph = seed_graph()
    graph.set_label("w", f'"""\n\\ {suffix} # ŵ')
    compile(to_script(graph), "<generated>", "exec")


@pytest.mark.parametrize("name", ["seed", "neuron", "xor_mlp", "moons_mlp"])
def test_the_forward_pass_is_written_once_for_evaluation_and_training(name):
    from backprop_studio.model.document_io import load_document
    from backprop_studio.model.gallery import example_path

    data = load_document(example_path(name))
    script = to_script(data.graph, data.settings, train=True)
    assert script.count("def forward(") == 1
    lines = script.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("def forward(")))
    body = [line for line in lines[start + 1 :] if line.startswith("    ")]
    ops = [line.split(" = ")[0].strip() for line in body if " = " in line and "#" not in line[:5]]
    for var in ops:  # each op's line once, inside forward: nowhere else is it computed
        assert sum(line.strip().startswith(f"{var} = ") for line in lines) == 1, var
    assert "out = forward(" in script and "final = forward(" in script
    assert "const_" not in script and "torch.pow(" not in script


def test_run_plainly_the_script_prints_a_small_table_a_teacher_can_show():
    settings = {"dtype": "float64", "training": {"optimizer": "sgd", "lr": 0.05, "steps": 30}}
    printed = run_in_process(to_script(seed_graph(), settings, train=True), "--table")
    lines = printed.splitlines()
    assert lines[0].split() == ["node", "value", "grad"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:7]}
    assert rows["w"] == ["1", "-2"] and rows["x"] == ["1", "-"]  # a data leaf has no gradient
    assert "value=" not in printed and "losses=" not in printed  # no JSON
    losses, trainer = train(seed_graph(), 30, TrainSettings(lr=0.05))
    table = lines[lines.index("iteration  loss") + 1 :]
    steps = [int(line.split()[0]) for line in table if line.split()[0].isdigit()]
    assert steps == [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]  # every 3rd step, then the last
    assert table[1].split()[1] == f"{losses[3]:.6g}"
    assert f"{trainer.param_values()['w']:.6g}" in lines[-1]


def test_unnamed_intermediates_and_numbers_are_written_where_they_are_used():
    from backprop_studio.model.document_io import load_document
    from backprop_studio.model.gallery import example_path

    def forward_of(name):
        data = load_document(example_path(name))
        script = to_script(data.graph, data.settings)
        return script, [line.strip() for line in script.splitlines() if line.startswith("    ")]

    script, body = forward_of("seed")
    assert "loss = (y_hat - y) ** 2" in body
    assert "sub_1" not in script and "const_" not in script
    _, body = forward_of("neuron")
    assert "add_1 = x1 * w1 + x2 * w2" in body  # precedence, not a parenthesis too many
    assert "n = add_1 + b" in body  # a + b + c would read back as one add of three
    script, body = forward_of("micrograd")
    assert "add_1 = c + 1" in body and "add_6 = 3 * d_2 + torch.relu(b - a)" in body
    assert "g_2 = g + const_6 / f" in body  # 10.0 / f would be another torch call
