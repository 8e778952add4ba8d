"""A recipe leaf that training moved keeps its recipe and says so: in the graph, the program, the
document, the engine, the generated script and the command line, with every trained digit."""

from __future__ import annotations

import copy
import json

import pytest

from backprop_studio.cli.main import main
from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.codegen import to_script
from backprop_studio.engine.leaves import leaf_value, refresh_recipe_values
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model import document_io
from backprop_studio.model.graph import GraphError
from backprop_studio.model.program import parse_program, to_program
from backprop_studio.model.program_writer import keep_exact_values

PROGRAM = """\
x, y = dataset("moons", n=40, noise=0.1, seed=0)
W1 = param(shape=(2, 16), init="kaiming", seed=1)
b1 = param(shape=(16,), init="zeros")
h = relu(x @ W1 + b1)
W2 = param(shape=(16, 1), init="xavier", seed=2)
b2 = param([0.0])
loss = bce_logits(h @ W2 + b2, y)
"""
RECIPES = ("W1", "b1", "W2")


def trained_graph(steps: int = 3):
    graph = parse_program(PROGRAM)
    trainer = Trainer(graph, TrainSettings(optimizer="adam", lr=0.05))
    for _ in range(steps):
        trainer.step()
    for name, value in trainer.param_values().items():
        graph.set_trained_value(name, value)
    return graph, trainer


def test_training_keeps_the_recipe_and_marks_the_numbers_trained():
    graph, trainer = trained_graph()
    for name in RECIPES:
        node = graph.node(name)
        assert node.recipe == "init" and node.trained
        assert node.value == trainer.param_values()[name]
        assert node.value != leaf_value(node.op, node.attrs)
    assert graph.node("W1").attrs == {"shape": (2, 16), "init": "kaiming", "seed": 1}
    assert not graph.node("b2").trained  # a plain leaf shows its numbers themselves
    assert graph.node("b2").value == trainer.param_values()["b2"]


def test_the_engine_computes_with_the_trained_numbers_not_the_recipe():
    graph, trainer = trained_graph()
    trace = evaluate(graph)
    assert trace.value("loss") == trainer.loss()
    assert trace.value("W1") == graph.node("W1").value
    assert refresh_recipe_values(graph) == []  # trained numbers are not "refreshed" away
    assert graph.node("W1").trained


def test_the_program_shows_the_recipe_with_the_mark_and_no_matrix():
    graph, _ = trained_graph()
    text = to_program(graph, 6)
    assert 'W1 = param(shape=(2, 16), init="kaiming", seed=1)  # trained\n' in text
    assert 'b1 = param(shape=(16,), init="zeros")  # trained\n' in text
    assert 'W2 = param(shape=(16, 1), init="xavier", seed=2)  # trained\n' in text
    assert "[[" not in text
    assert len(text.splitlines()) == len(PROGRAM.splitlines())


def test_unchanged_text_applied_keeps_the_trained_numbers_bit_exact():
    graph, _ = trained_graph()
    text = to_program(graph, 6)
    parsed = parse_program(text)
    assert all(parsed.node(n).trained for n in RECIPES)  # the text says so; it has no numbers
    keep_exact_values(graph, parsed, 6)
    for name in (*RECIPES, "b2"):
        assert repr(parsed.node(name).value) == repr(graph.node(name).value)
        assert parsed.node(name).trained == graph.node(name).trained
    assert to_program(parsed, 6) == text


def test_a_changed_recipe_or_a_deleted_mark_starts_again_from_the_recipe():
    graph, _ = trained_graph()
    text = to_program(graph, 6)
    reshaped_w2 = text.replace("shape=(16, 1)", "shape=(8, 1)")
    reshaped = parse_program(
        reshaped_w2.replace("shape=(2, 16)", "shape=(2, 8)").replace("(16,)", "(8,)")
    )
    keep_exact_values(graph, reshaped, 6)
    for name in RECIPES:
        node = reshaped.node(name)
        assert not node.trained
        assert node.value == leaf_value(node.op, node.attrs)
    reseeded = parse_program(text.replace("seed=1)", "seed=5)"))
    keep_exact_values(graph, reseeded, 6)
    assert not reseeded.node("W1").trained and reseeded.node("W2").trained
    assert reseeded.node("W2").value == graph.node("W2").value
    unmarked = parse_program(
        text.replace('init="kaiming", seed=1)  # trained', 'init="kaiming", seed=1)')
    )
    keep_exact_values(graph, unmarked, 6)
    assert not unmarked.node("W1").trained
    assert unmarked.node("W1").value == leaf_value("param", unmarked.node("W1").attrs)
    assert "# trained" not in to_program(unmarked, 6).splitlines()[1]


def test_a_mark_with_nothing_trained_behind_it_is_dropped_on_apply():
    text = 'W = param(shape=(2, 3), init="normal")  # trained\nx = data([[1.0, 2.0]])\nsum(x @ W)\n'
    parsed = parse_program(text)
    keep_exact_values(parse_program("x = data(1.0)\n"), parsed, 6)
    assert not parsed.node("W").trained
    assert parsed.node("W").value == leaf_value("param", parsed.node("W").attrs)


def test_the_mark_is_a_comment_that_ends_the_recipe_line():
    graph = parse_program(
        'a = param(shape=(2,), init="ones")  #   trained with Adam, 3 steps\n'
        'b = param(shape=(2,), init="ones")  # untrained\n'
        'c = param(shape=(2,), init="ones"); d = param([1.0, 1.0])  # trained\n'
        "e = param([1.0, 2.0])  # trained\n"
        "a + b + c + d + e\n"
    )
    assert [n.name for n in graph if n.trained] == ["a"]


def test_document_round_trip_keeps_values_recipe_and_mark(tmp_path):
    graph, _ = trained_graph()
    path = tmp_path / "trained.json"
    document_io.save_document(path, graph)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["version"] == 2
    entry = next(n for n in saved["nodes"] if n["name"] == "W1")
    assert entry["attrs"] == {"shape": [2, 16], "init": "kaiming", "seed": 1}
    assert entry["trained"] is True and entry["value"] == graph.node("W1").value
    back = document_io.load_document(path).graph
    assert back.structure() == graph.structure()
    for name in RECIPES:
        assert repr(back.node(name).value) == repr(graph.node(name).value)
    assert evaluate(back).value("loss") == evaluate(graph).value("loss")


def test_an_untrained_document_stays_version_1_and_older_files_open(tmp_path):
    graph = parse_program(PROGRAM)
    assert json.loads(document_io.dumps(graph))["version"] == 1
    old = {  # as version 1 wrote a recipe leaf: attrs and shape, no value
        "format": "backprop-studio",
        "version": 1,
        "nodes": [
            {
                "name": "W",
                "op": "param",
                "position": [0, 0],
                "attrs": {"shape": [2, 3], "init": "kaiming", "seed": 4},
                "shape": [2, 3],
            },
        ],
        "edges": [],
    }
    node = document_io.loads(json.dumps(old)).graph.node("W")
    assert node.recipe == "init" and not node.trained
    assert node.value == leaf_value("param", node.attrs)


def _doc(**entry):
    node = {"name": "W", "op": "param", "position": [0, 0], **entry}
    return json.dumps({"format": "backprop-studio", "version": 2, "nodes": [node], "edges": []})


RECIPE = {"shape": [2], "init": "normal"}


@pytest.mark.parametrize(
    ("entry", "path", "fragment"),
    [
        ({"attrs": RECIPE, "value": [1.0, 2.0]}, "nodes[0].value", 'unless it is marked "trained"'),
        ({"attrs": RECIPE, "trained": True}, "nodes[0].value", "missing"),
        ({"attrs": RECIPE, "trained": 1, "value": [1.0, 2.0]}, "nodes[0].trained", "true or false"),
        ({"attrs": RECIPE, "trained": True, "value": [1.0]}, "nodes[0].value", "shape [1]"),
        ({"trained": True, "value": [1.0]}, "nodes[0].trained", "has no recipe"),
        (
            {"attrs": RECIPE, "trained": True, "value": [1.0, 1e999]},
            "nodes[0].value[1]",
            "finite",
        ),
    ],
)
def test_a_doubtful_trained_entry_is_refused_with_its_path(entry, path, fragment):
    with pytest.raises(document_io.DocumentError) as info:
        document_io.loads(_doc(**entry))
    assert info.value.path == path and fragment in str(info.value)


def test_a_typed_value_makes_the_leaf_plain_and_a_new_recipe_untrained():
    graph, _ = trained_graph()
    graph.set_attrs("W1", {"shape": (2, 16), "init": "kaiming", "seed": 1})
    assert not graph.node("W1").trained
    assert graph.node("W1").value == leaf_value("param", graph.node("W1").attrs)
    typed = copy.deepcopy(graph.node("W2").value)
    typed[0][0] = 0.5
    graph.set_value("W2", typed)
    assert graph.node("W2").attrs == {} and not graph.node("W2").trained
    with pytest.raises(GraphError, match="keep the recipe's shape"):
        graph.set_trained_value("b1", [0.0])


def test_copies_keep_the_mark_and_the_numbers():
    graph, _ = trained_graph()
    copied = graph.copy()
    assert copied.structure() == graph.structure()
    assert copied.node("W1").trained


def test_the_generated_script_uses_the_trained_numbers():
    graph, _ = trained_graph()
    script = to_script(graph)
    assert "trained" in script
    assert repr(graph.node("W1").value[0][0]) in script


def test_cli_train_saves_the_document_as_the_editor_does(tmp_path, capsys):
    source = tmp_path / "moons.bps"
    source.write_text(PROGRAM, encoding="utf-8")
    out = tmp_path / "trained.json"
    argv = ["train", str(source), "--steps", "3", "--optimizer", "adam", "--lr", "0.05"]
    assert main([*argv, "--json", "-o", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    back = document_io.load_document(out).graph
    expected, _ = trained_graph(3)
    for name in (*RECIPES, "b2"):
        assert back.node(name).value == printed["params"][name] == expected.node(name).value
        assert back.node(name).trained == (name in RECIPES)
    assert 'init="kaiming", seed=1)  # trained' in to_program(back, 6)


def test_cli_train_says_in_one_line_when_the_output_cannot_be_written(tmp_path, capsys):
    missing = tmp_path / "no such folder" / "trained.json"
    assert main(["train", "-e", PROGRAM, "--steps", "1", "-o", str(missing)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("backprop-studio train: cannot save") and err.count("\n") == 1


def test_a_program_marked_trained_on_the_command_line_starts_from_its_recipe(tmp_path, capsys):
    graph, _ = trained_graph()
    out = tmp_path / "again.json"
    program = to_program(graph, 6)
    assert main(["train", "-e", program, "--steps", "1", "--json", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "W1, b1, W2 marked '# trained' start from their recipe" in captured.err
    assert captured.err.count("\n") == 1
    first = json.loads(captured.out)["losses"][0]
    from_recipe = parse_program(program)  # the recipe's numbers (and b2 as the text rounds it)
    assert first == evaluate(from_recipe).value("loss") != evaluate(graph).value("loss")
    assert document_io.load_document(out).graph.node("W1").trained  # trained by this run


def test_an_unmarked_recipe_holds_only_its_own_numbers():
    graph, _ = trained_graph()
    graph.set_trained_value("W1", [[0.5] * 16] * 2, trained=False)  # a Reset's float32 origin
    node = graph.node("W1")
    assert not node.trained and node.value == leaf_value("param", node.attrs)
    with pytest.raises(GraphError, match="bound to a dataset"):
        graph.set_trained_value("x", graph.node("x").value)
