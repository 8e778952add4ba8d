"""evaluate() under hostile sizes and failing memory: problems in the Trace, never an exception."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

from backprop_studio.engine import compile as compile_module
from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.compile import TORCH_OPS
from backprop_studio.engine.training import Trainer, TrainingError, TrainSettings
from backprop_studio.model.program import parse_program

BROADCAST = (
    'a = param(init="zeros", shape=(20000, 1))\n'
    'b = param(init="zeros", shape=(1, 20000))\n'
    "s = sum(a + b)"
)


def test_a_broadcast_too_large_is_refused_before_torch_runs():
    trace = evaluate(parse_program(BROADCAST))
    assert [p.node for p in trace.problems] == ["add_1", "s"]
    assert "20,000×20,000" in trace.problems[0].message
    assert "add_1" not in trace.values and "s" not in trace.values
    assert len(trace.values["a"]) == 20000


def test_running_out_of_memory_in_a_step_is_an_error_in_the_trace(monkeypatch):
    def no_memory(*_args):
        raise MemoryError

    monkeypatch.setitem(TORCH_OPS, "mul", no_memory)
    trace = evaluate(parse_program("w = 2.0\nx = data(3.0)\nw * x"))
    assert not trace.ok and "not enough memory" in trace.error


def test_running_out_of_memory_while_compiling_is_an_error_in_the_trace(monkeypatch):
    def no_memory(_node):
        raise MemoryError

    monkeypatch.setattr(compile_module, "leaf_tensor", no_memory)
    trace = evaluate(parse_program("w = 2.0\nx = data(3.0)\nw * x"))
    assert "not enough memory" in trace.error and trace.values == {}


@pytest.mark.parametrize(
    ("program", "kind"),
    [
        ("w = 0.0\nlog(w)", "(-inf)"),
        ("w = -1.0\nlog(w)", "(nan)"),
        ("w = 1.0\nz = data(0.0)\nw / z", "(inf)"),
        ("w = param([-1.0, 1.0])\nz = data(0.0)\nw / z", "(-inf, inf)"),
        ("w = param([0.0, -1.0])\nlog(w)", "(nan, -inf)"),
    ],
)
def test_non_finite_values_are_named_as_they_are(program, kind):
    trace = evaluate(parse_program(program))
    assert "non-finite value" in trace.error and kind in trace.error


def test_a_non_finite_gradient_is_named():
    trace = evaluate(parse_program("w = 0.0\nsqrt(w)"))
    assert "not finite (inf)" in trace.error


def test_training_names_the_kind_of_a_divergence():
    graph = parse_program("w = 1.0\nloss = w * w * w * w")
    trainer = Trainer(graph, TrainSettings.from_dict({"training": {"lr": 1e6}}))
    with pytest.raises(TrainingError) as info:
        for _ in range(10):
            trainer.step()
    assert re.search(r"\((nan|-inf|inf)(, (nan|-inf|inf))*\)", str(info.value))


def test_the_broadcast_file_is_refused_with_little_memory(tmp_path):
    """A 500-byte file that once asked torch for ~9 GB, read and evaluated in a fresh process."""
    path = tmp_path / "broadcast.json"
    leaf = {"op": "param", "position": [0, 0]}
    doc = {
        "format": "backprop-studio",
        "version": 1,
        "nodes": [
            {"name": "a", **leaf, "attrs": {"init": "zeros", "shape": [20000, 1]}},
            {"name": "b", **leaf, "attrs": {"init": "zeros", "shape": [1, 20000]}},
            {"name": "big", "op": "add", "position": [1, 0]},
            {"name": "s", "op": "sum", "position": [2, 0]},
        ],
        "edges": [
            {"from": "a", "to": "big", "port": "a"},
            {"from": "b", "to": "big", "port": "b"},
            {"from": "big", "to": "s", "port": "a"},
        ],
    }
    path.write_text(json.dumps(doc))
    assert path.stat().st_size < 600
    work = textwrap.dedent(
        f"""
        from backprop_studio.engine.autograd import evaluate
        from backprop_studio.model.document_io import load_document
        print(evaluate(load_document({str(path)!r}).graph).problems[0].node)
        """
    )
    # Linux carries ru_maxrss across fork and exec, so a child of this (large) test process
    # would report the test process's own peak: a small launcher runs the work as its child
    # and reads that grandchild's peak alone.
    launcher = textwrap.dedent(
        f"""
        import resource, subprocess, sys
        done = subprocess.run([sys.executable, "-c", {work!r}], capture_output=True, text=True)
        sys.stderr.write(done.stderr)
        print(done.stdout.strip(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", launcher], capture_output=True, text=True, timeout=300, check=True
    )
    node, peak_kb = done.stdout.split()
    assert node == "big", done.stderr
    assert int(peak_kb) < 600 * 1024  # KiB on Linux; torch itself takes ~250 MB of it


def test_running_out_of_memory_in_training_is_a_training_error(monkeypatch):
    def no_memory(*_args):
        raise MemoryError

    monkeypatch.setitem(TORCH_OPS, "mul", no_memory)
    with pytest.raises(TrainingError, match="not enough memory"):
        Trainer(parse_program("w = 2.0\nx = data(3.0)\nw * x"))
