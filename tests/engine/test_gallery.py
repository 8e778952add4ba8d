"""Every gallery example opens, evaluates without a problem and trains to the loss it promises."""

from __future__ import annotations

import pytest

from backprop_studio.engine.autograd import evaluate
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import (
    EXAMPLES,
    build_text,
    example_path,
    examples_dir,
    promise,
)

NAMES = [e.name for e in EXAMPLES]


def test_the_gallery_lists_every_file():
    assert sorted(p.stem for p in examples_dir().glob("*.json")) == sorted(NAMES)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.program], ids=lambda e: e.name)
def test_files_are_built_from_the_catalogue(example):
    """Run `python -m backprop_studio.model.gallery` after changing an example."""
    assert example_path(example.name).read_text(encoding="utf-8") == build_text(example)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_example_evaluates_and_trains_to_its_promise(example, one_thread):
    data = load_document(example_path(example.name))
    trace = evaluate(data.graph, data.settings["dtype"])
    assert trace.ok, (trace.problems, trace.error)
    threshold, steps = promise(example, data.settings)
    trainer = Trainer(data.graph, TrainSettings.from_dict(data.settings))
    for _ in range(steps):
        trainer.step()
    assert trainer.loss() < threshold
    assert trainer.loss() < trace.value(trace.output)


def test_micrograd_readme_numbers():
    trace = evaluate(load_document(example_path("micrograd")).graph)
    assert trace.output == "g_2"
    assert trace.value("g_2") == pytest.approx(24.7041, abs=5e-5)
    assert trace.grad("a") == pytest.approx(138.8338, abs=5e-5)
    assert trace.grad("b") == pytest.approx(645.5773, abs=5e-5)


def test_files_stay_small():
    for name in NAMES:
        assert example_path(name).stat().st_size < 8_000, name
