"""The Step preview is the Step: the next values and losses from a copy equal the real step's,
for a fresh trainer and one with momentum already built up; the trainer itself is untouched."""

from __future__ import annotations

from backprop_studio.engine.preview import preview, preview_graph
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.program import parse_program

LINE = """x = data([0.0, 1.0, 2.0, 3.0])
y = data([1.0, 2.9, 5.2, 7.1])
w = 0.5
b = -0.3
loss = mean((w * x + b - y)**2)"""


def test_the_preview_of_a_first_step_equals_the_step():
    graph = parse_program(LINE)
    settings = {"dtype": "float64", "training": {"optimizer": "sgd", "lr": 0.05}}
    shown = preview_graph(graph, settings)
    trainer = Trainer(graph, TrainSettings.from_dict(settings))
    loss = trainer.step()
    assert shown.before == {"w": 0.5, "b": -0.3}
    assert shown.after == trainer.param_values() and shown.loss == loss
    assert shown.loss_after == trainer.loss()
    assert "w: 0.5 → " in shown.text() and "loss: " in shown.text()


def test_the_preview_keeps_the_optimizers_state_and_leaves_the_trainer_alone():
    trainer = Trainer(parse_program(LINE), TrainSettings(optimizer="momentum", lr=0.02))
    for _ in range(5):
        trainer.step()
    now = trainer.param_values()
    shown = preview(trainer)
    assert trainer.param_values() == now and trainer.iteration == 5
    loss = trainer.step()
    assert shown.after == trainer.param_values() and shown.loss == loss
    assert shown.tensors == 0
