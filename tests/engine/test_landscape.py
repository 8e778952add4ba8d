"""The loss landscape against torch written here independently: the seed story's parabola over
w, a two-parameter grid, the moons MLP along filter-normalised random directions, the path of
the kept iterations and the gradient at the current point."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from backprop_studio.engine import landscape as ls
from backprop_studio.engine.landscape import PATH, RANDOM, SCALARS, Axes, axes_choices
from backprop_studio.engine.session import TrainingSession
from backprop_studio.engine.training import Trainer, TrainSettings
from backprop_studio.model.document_io import load_document
from backprop_studio.model.gallery import example_path
from backprop_studio.model.program import parse_program

SEED = "x = data(1.0)\ny = data(2.0)\nw = 1.0\ny_hat = w * x\nloss = (y_hat - y)**2"
LINE = """x = data([0.0, 1.0, 2.0, 3.0])
y = data([1.0, 2.9, 5.2, 7.1])
w = 0.5
b = -0.3
loss = mean((w * x + b - y)**2)"""


def _session(graph, settings: dict, steps: int) -> TrainingSession:
    session = TrainingSession(graph, settings)
    session.run(steps)
    return session


def _line_loss(w: float, b: float) -> float:
    x = torch.tensor([0.0, 1.0, 2.0, 3.0], dtype=torch.float64)
    y = torch.tensor([1.0, 2.9, 5.2, 7.1], dtype=torch.float64)
    return float(torch.mean((w * x + b - y) ** 2))


def test_the_seed_story_is_a_parabola_over_w_with_w_sliding_to_2():
    settings = {"dtype": "float64", "training": {"optimizer": "sgd", "lr": 0.1}}
    session = _session(parse_program(SEED), settings, 30)
    trainer = session.trainer
    assert axes_choices(trainer.param_names, trainer.param_shapes) == [Axes(SCALARS, ("w",))]
    shown = ls.session_landscape(session, Axes(SCALARS, ("w",)))
    assert shown.ys is None and shown.losses.shape == (ls.RESOLUTION,)
    np.testing.assert_allclose(shown.losses, (shown.xs * 1.0 - 2.0) ** 2, rtol=1e-12, atol=1e-15)
    w = trainer.param_values()["w"]
    assert shown.current[0] == w and shown.current_loss == trainer.loss()
    # the path: w of every iteration, from 1 towards 2, each with its own loss
    ws, manual = [1.0], Trainer(parse_program(SEED), TrainSettings(lr=0.1))
    for _ in range(30):
        manual.step()
        ws.append(manual.param_values()["w"])
    np.testing.assert_allclose(shown.path[:, 0], ws, rtol=0, atol=1e-15)
    np.testing.assert_allclose(shown.path_losses, (np.array(ws) - 2.0) ** 2, atol=1e-15)
    assert list(shown.iterations) == list(range(31))
    assert abs(ws[-1] - 2.0) < 1e-2 and shown.xs[0] <= 1.0 and shown.xs[-1] >= 2.0
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    ((wt * 1.0 - 2.0) ** 2).backward()
    assert shown.gradient[0] == pytest.approx(wt.grad.item(), abs=1e-15)


def test_two_scalar_parameters_span_a_grid_of_direct_losses():
    graph = parse_program(LINE)
    trainer = Trainer(graph, TrainSettings(lr=0.05))
    for _ in range(5):
        trainer.step()
    shown = ls.landscape(trainer, Axes(SCALARS, ("w", "b")), resolution=21)
    assert shown.losses.shape == (21, 21) and shown.labels == ("w", "b")
    values = trainer.param_values()
    assert tuple(shown.current) == (values["w"], values["b"])
    for i, j in ((0, 0), (3, 17), (20, 20), (10, 4)):
        expected = _line_loss(shown.xs[j], shown.ys[i])
        assert shown.losses[i, j] == pytest.approx(expected, rel=1e-12)
    w = torch.tensor(values["w"], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(values["b"], dtype=torch.float64, requires_grad=True)
    x = torch.tensor([0.0, 1.0, 2.0, 3.0], dtype=torch.float64)
    y = torch.tensor([1.0, 2.9, 5.2, 7.1], dtype=torch.float64)
    torch.mean((w * x + b - y) ** 2).backward()
    np.testing.assert_allclose(shown.gradient, [w.grad.item(), b.grad.item()], rtol=1e-12)
    assert shown.current_loss == pytest.approx(trainer.loss(), rel=1e-15)


def _moons() -> tuple[TrainingSession, dict[str, torch.Tensor]]:
    doc = load_document(example_path("moons_mlp"))
    settings = {"dtype": "float64", "training": {"optimizer": "adam", "lr": 0.01}}
    session = _session(doc.graph, settings, 40)
    t = session.trainer
    data = {n: t.slots[t.plan.slot_of[n]].detach() for n in ("x", "y")}
    return session, data


def _mlp_loss(p: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    h1 = torch.relu(x @ p["W1"] + p["b1"])
    h2 = torch.relu(h1 @ p["W2"] + p["b2"])
    return F.cross_entropy(h2 @ p["W3"] + p["b3"], y.reshape(-1).long())


def _unflat(trainer: Trainer, flat: torch.Tensor) -> dict[str, torch.Tensor]:
    parts = torch.split(flat, [p.numel() for p in trainer.params])
    return {n: v.reshape(p.shape) for n, v, p in zip(trainer.param_names, parts, trainer.params)}


def test_the_moons_mlp_along_filter_normalised_random_directions():
    session, data = _moons()
    t = session.trainer
    assert axes_choices(t.param_names, t.param_shapes)[0] == Axes(RANDOM)
    shown = ls.session_landscape(session, Axes(RANDOM, seed=3), resolution=15)
    assert shown.batched and shown.losses.shape == (15, 15)
    assert shown.current_loss == pytest.approx(t.loss(), rel=1e-14)
    plane = ls.make_plane(t, Axes(RANDOM, seed=3))
    current = {n: p.detach() for n, p in zip(t.param_names, t.params)}
    for d in plane.directions:
        parts = _unflat(t, d)
        for name in ("W1", "W2", "W3"):  # each output unit (column) as long as the weights'
            np.testing.assert_allclose(
                parts[name].norm(dim=0), current[name].norm(dim=0), rtol=1e-9
            )
        assert all(float(parts[b].abs().max()) == 0.0 for b in ("b1", "b2", "b3"))
    for i, j in ((0, 0), (7, 7), (14, 2), (5, 11)):
        flat = plane.centre + shown.xs[j] * plane.directions[0] + shown.ys[i] * plane.directions[1]
        expected = _mlp_loss(_unflat(t, flat), data["x"], data["y"])
        assert shown.losses[i, j] == pytest.approx(float(expected), rel=1e-12)
    # the gradient of the plotted surface: ∇L · d, ∇L by torch on the MLP written out
    params = {n: v.clone().requires_grad_(True) for n, v in current.items()}
    _mlp_loss(params, data["x"], data["y"]).backward()
    g = torch.cat([params[n].grad.reshape(-1) for n in t.param_names])
    np.testing.assert_allclose(shown.gradient, (plane.directions @ g).numpy(), rtol=1e-10)


def test_vmap_and_one_forward_per_point_agree():
    session, _ = _moons()
    t = session.trainer
    plane = ls.make_plane(t, Axes(RANDOM))
    flats = plane.centre + torch.rand(50, 2, dtype=torch.float64) @ plane.directions
    batched, was_batched = ls.losses_at(t, flats)
    f = ls.flat_loss(t)
    with torch.no_grad():
        looped = torch.stack([f(row) for row in flats])
    assert was_batched
    np.testing.assert_allclose(batched.numpy(), looped.numpy(), rtol=1e-12)


def test_the_path_plane_puts_the_start_at_one_and_the_kept_iterations_on_it():
    session, _ = _moons()
    shown = ls.session_landscape(session, Axes(PATH), resolution=9)
    np.testing.assert_allclose(shown.path[0], [1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(shown.path[-1], [0.0, 0.0], atol=1e-12)
    its, rows = session.history.kept_params()
    assert list(shown.iterations) == list(its) and len(its) == 41
    plane = ls.make_plane(session.trainer, Axes(PATH), start=rows[0], path=rows)
    np.testing.assert_allclose(shown.path, plane.coordinates(rows), atol=1e-12)
    assert float(plane.directions[0] @ plane.directions[1]) == pytest.approx(0.0, abs=1e-9)
    assert shown.labels == ("towards the start", "across the path")
    assert np.abs(shown.path[:, 1]).max() > 1e-3  # the bend of the path shows


def test_a_name_that_is_no_scalar_parameter_is_a_message():
    trainer = Trainer(parse_program(SEED))
    shown = ls.landscape(trainer, Axes(SCALARS, ("nope",)))
    assert shown.losses is None and "'nope' is not a scalar parameter" in shown.message


def test_random_directions_hold_little_of_the_path_and_the_path_plane_all_of_it():
    session, _ = _moons()
    random = ls.session_landscape(session, Axes(RANDOM), resolution=5)
    path = ls.session_landscape(session, Axes(PATH), resolution=5)
    assert random.on_plane < 0.5 and path.on_plane == pytest.approx(1.0, abs=1e-9)
