"""``backprop-studio import``: PyTorch code in, a document out, one line for each refusal."""

from __future__ import annotations

import json

import pytest

from backprop_studio.engine.codegen import to_script
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import example_path
from tests.engine.test_import import FUNCTIONS, SEQUENTIAL, write
from tests.test_cli import run


def test_import_writes_a_document_that_evaluates_as_the_code(tmp_path, capsys):
    path = write(tmp_path, SEQUENTIAL)
    out = tmp_path / "two_layer.json"
    code, stdout, stderr = run(capsys, "import", f"{path}:TwoLayer", "-o", str(out))
    assert code == 0 and stderr == ""
    assert stdout.startswith(f"wrote {out}: 14 nodes, 4 parameters")
    data = load_document(out)
    assert [b.name for b in data.graph.blocks] == ["Linear 1", "Linear 2"]
    code, stdout, _ = run(capsys, "eval", str(out), "--json")
    assert code == 0 and json.loads(stdout)["output_node"] == data.graph.output


def test_the_seed_story_function_evaluates_to_its_numbers(tmp_path, capsys):
    out = tmp_path / "seed.json"
    assert run(capsys, "import", f"{write(tmp_path, FUNCTIONS)}:seed", "-o", str(out))[0] == 0
    code, stdout, _ = run(capsys, "eval", str(out), "--json")
    result = json.loads(stdout)
    assert result["output"] == 1.0 and result["nodes"]["w"]["grad"] == -2.0


def test_an_exported_script_imports_without_a_name(tmp_path, capsys):
    data = load_document(example_path("micrograd"))
    script = tmp_path / "micrograd.py"
    script.write_text(to_script(data.graph, data.settings), encoding="utf-8")
    out = tmp_path / "again.json"
    assert run(capsys, "import", str(script), "-o", str(out))[0] == 0
    assert set(load_document(out).graph.names) == set(data.graph.names)


def test_refusals_are_one_line_with_status_1(tmp_path, capsys):
    source = "import torch\ndef f(x):\n    return torch.erf(x).cumsum(0).sum()\n"
    source += "def example_inputs():\n    return (torch.ones(2, requires_grad=True),)\n"
    path = write(tmp_path, source)
    out = tmp_path / "out.json"
    code, stdout, stderr = run(capsys, "import", f"{path}:f", "-o", str(out))
    assert code == 1 and stdout == "" and not out.exists()
    assert stderr == (
        "backprop-studio import: model.py:f: these calls have no counterpart in the studio: "
        "line 3: torch.erf: not in the studio's catalogue; "
        "line 3: Tensor.cumsum: not in the studio's catalogue\n"
    )
    code, _, stderr = run(capsys, "import", f"{path}", "-o", str(out))
    assert code == 1 and "name what to import, model.py:NAME" in stderr
    code, _, stderr = run(capsys, "import", str(tmp_path / "none.py:f"), "-o", str(out))
    assert code == 1 and stderr.endswith("none.py': no such file\n")


def test_usage_errors_are_status_2(capsys):
    for argv, says in ((("-o", "out.png"), "must end in .json"), ((), "-o/--output")):
        with pytest.raises(SystemExit) as caught:
            run(capsys, "import", "model.py:f", *argv)
        assert caught.value.code == 2 and says in capsys.readouterr().err
