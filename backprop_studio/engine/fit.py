"""What the Fit view draws of a dataset-bound graph: its data and its predictions over them.

A plain ``FitPicture`` made here, on the training thread, from a Trainer at the parameters to
show (a running session's own, or a trainer built once per graph revision for the editor's
values); the view only draws it. Predictions are forward passes without gradients
(``engine.predict``): a 1-D regression's curve, a classifier's probability surface over two
chosen feature columns (the others following them as the rows do, or held at their mean),
predicted against actual for a regression on more features, and a classifier's confusion
matrix (``engine.confusion``).
A CSV leaf's rows are drawn in the file's units: its standardisation is undone (``to_raw``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from ..model import recipes
from ..model.graph import Graph
from .confusion import trainer_confusion, true_classes
from .predict import Transform, evaluate_on, surface_on_axes, to_raw
from .revision_trainer import RevisionTrainer
from .training import Trainer

RESOLUTION = 60
FOLLOW, MEAN = "follow", "mean"  # what a classifier's surface does with the unplotted columns
MARGIN = 0.15  # of the data's range, around it
NO_DATASET = "Open a graph whose data is bound to a dataset (Help ▸ Examples) to see its fit."
Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class FitTarget:
    """The leaves a dataset feeds, how many classes it has, the node that predicts, and for a
    CSV file its column names, class names and standardisation; ``axes`` are the two feature
    columns a classifier's surface is drawn over."""

    features: str
    targets: str
    classes: int
    prediction: str
    loss_op: str
    columns: tuple[str, ...] = ()  # the features leaf's column names (a CSV file's)
    target_column: str = ""
    class_names: tuple[str, ...] = ()
    transform: Transform | None = None
    axes: tuple[int, int] | None = None  # None: the two that tell the classes apart best
    held: str = FOLLOW  # the other columns: FOLLOW the plotted two, or at their MEAN

    def with_axes(self, axes: tuple[int, int] | None, held: str | None = None) -> FitTarget:
        return replace(self, axes=axes, held=self.held if held is None else held)


@dataclass
class FitPicture:
    """Nothing to draw (``points`` None: the view clears, then says ``message`` unless None),
    or the data's points with a two-class ``surface``, a many-class ``classes`` map or a
    ``curve``, and a word when none fits; ``confusion`` counts a classifier's rows."""

    message: str | None = None
    points: tuple[np.ndarray, np.ndarray, int] | None = None
    surface: tuple[np.ndarray, Bounds] | None = None
    curve: tuple[np.ndarray, np.ndarray] | None = None
    classes: tuple[np.ndarray, Bounds] | None = None  # (res, res, k) probabilities
    legend: tuple[str, ...] = ()
    axis_names: tuple[str, str] = ("", "")
    note: str = ""  # what the picture holds fixed
    confusion: list[list[int]] | None = None
    same_scale: bool = True  # both axes in one unit (a toy dataset's plane)
    threshold: float | None = None  # a level drawn across the curve (0.5: a classifier's)
    test_points: tuple[np.ndarray, np.ndarray] | None = None  # held-out rows, as ``points``
    axes: tuple[int, int] | None = None  # the feature columns a classifier's surface is over


def fit_target(graph: Graph) -> FitTarget | FitPicture:
    """What to fit in ``graph``, or the picture saying why there is nothing."""
    binding = next((b for b in recipes.bindings(graph.nodes) if b.features and b.targets), None)
    output = graph.output
    if binding is None or output is None or output not in graph:
        return FitPicture(NO_DATASET)
    inputs = graph.inputs_of(output)
    spec = graph.node(output).spec
    if not spec.inputs or spec.inputs[0] not in inputs:
        return FitPicture()
    prediction = inputs[spec.inputs[0]].src
    assert binding.features is not None and binding.targets is not None
    x_attrs, y_attrs = graph.node(binding.features).attrs, graph.node(binding.targets).attrs
    columns = tuple(str(c) for c in x_attrs.get("columns", ())) if "csv" in x_attrs else ()
    target_columns = y_attrs.get("columns", ()) if "csv" in y_attrs else ()
    return FitTarget(
        binding.features,
        binding.targets,
        binding.classes,
        prediction,
        spec.name,
        columns,
        str(target_columns[0]) if target_columns else "",
        binding.class_names,
        binding.transform,
    )


class FitPredictor:
    """The Fit view's pictures of the editor's graph: a Trainer compiled once per revision."""

    def __init__(self) -> None:
        self._trainers = RevisionTrainer()

    def picture(
        self,
        graph: Graph,
        dtype: str,
        key: tuple,
        axes: tuple[int, int] | None = None,
        held: str = FOLLOW,
    ) -> FitPicture:
        """``graph`` is a snapshot; ``key`` names its revision (same key: same trainer)."""
        target = fit_target(graph)
        if isinstance(target, FitPicture):
            return target
        trainer = self._trainers.get(graph, dtype, key)
        if trainer is None:
            return FitPicture(self._trainers.problem)
        return picture(trainer, target.with_axes(axes, held))


def picture(trainer: Trainer, target: FitTarget) -> FitPicture:
    """The data and the predictions at ``trainer``'s current parameters."""
    try:
        return _picture(trainer, target)
    except (KeyError, RuntimeError, ValueError) as exc:
        return FitPicture(f"cannot draw the fit: {exc}")


def _rows(trainer: Trainer, name: str, slots: list | None = None) -> torch.Tensor:
    value = (trainer.slots if slots is None else slots)[trainer.plan.slot_of[name]]
    assert value is not None
    return value.detach().to("cpu", torch.float64)


def _data(trainer: Trainer, t: FitTarget, slots: list | None = None):
    x = to_raw(_rows(trainer, t.features, slots), t.transform)
    return x.reshape(-1, 1) if x.dim() == 1 else x, _rows(trainer, t.targets, slots)


def _picture(trainer: Trainer, t: FitTarget) -> FitPicture:
    x, y = _data(trainer, t)
    if t.classes >= 2 and x.shape[1] >= 2:
        t = t.with_axes(_plotted_axes(t, x, y))
        shown = _classifier(trainer, t, x, y)
    elif x.shape[1] == 1 and t.classes == 2:
        shown = _probability_curve(trainer, t, x.numpy(), y)
    elif x.shape[1] == 1:
        shown = _curve(trainer, t, x.numpy(), y.numpy())
    else:
        return _predicted_vs_actual(trainer, t, y)
    if trainer.test_slots is not None:  # the held-out rows, placed as the training rows are
        tx, ty = _data(trainer, t, trainer.test_slots)
        if t.classes >= 2 and tx.shape[1] >= 2 and t.axes is not None:
            shown.test_points = (tx[:, list(t.axes)].numpy(), true_classes(ty).double().numpy())
        else:
            shown.test_points = (tx.numpy(), ty.numpy())
    return shown


def _plotted_axes(t: FitTarget, x: torch.Tensor, y: torch.Tensor) -> tuple[int, int]:
    """The columns asked for, when they are two different ones of ``x``; else the two that
    tell the classes apart best."""
    width = x.shape[1]
    if t.axes is not None and all(0 <= a < width for a in t.axes) and t.axes[0] != t.axes[1]:
        return t.axes
    return separating_axes(x, true_classes(y).reshape(-1), t.classes)


def separating_axes(x: torch.Tensor, labels: torch.Tensor, classes: int) -> tuple[int, int]:
    """The two columns whose class means lie furthest apart for their spread within the classes
    (the one-way ANOVA F ratio, without its constant factors), in column order: on iris the
    petals' length and width (F ≈ 1180 and 960), not the sepals' (119 and 49), across which
    every class looks alike."""
    if x.shape[1] <= 2:
        return (0, 1)
    x = x.to(torch.float64)
    total = x.mean(dim=0)
    between = torch.zeros(x.shape[1], dtype=torch.float64)
    within = torch.zeros(x.shape[1], dtype=torch.float64)
    for k in range(classes):
        rows = x[labels == k]
        if len(rows):
            between += len(rows) * (rows.mean(dim=0) - total) ** 2
            within += ((rows - rows.mean(dim=0)) ** 2).sum(dim=0)
    ratio = between / within.clamp_min(1e-12)
    best = sorted(torch.argsort(ratio, descending=True, stable=True)[:2].tolist())
    return best[0], best[1]


def _names(t: FitTarget, width: int) -> tuple[str, ...]:
    return t.columns if len(t.columns) == width else tuple(f"x[:, {j}]" for j in range(width))


def _confusion(trainer: Trainer, t: FitTarget) -> list[list[int]] | None:
    try:
        return trainer_confusion(trainer, t.prediction, t.targets, t.classes)
    except ValueError:  # targets that are not class indices: no matrix, still a surface
        return None


def _classifier(trainer: Trainer, t: FitTarget, x: torch.Tensor, y: torch.Tensor) -> FitPicture:
    axes = t.axes if t.axes is not None else (0, 1)
    follow = t.held == FOLLOW and x.shape[1] > 2
    plane = x[:, list(axes)].numpy()
    lo, hi = plane.min(axis=0), plane.max(axis=0)
    pad = (hi - lo) * MARGIN
    bounds = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
    logits = surface_on_axes(
        trainer, t.features, t.prediction, bounds, axes, None, t.transform, RESOLUTION, follow
    )
    labels = true_classes(y).double().reshape(-1, 1).numpy()
    names = _names(t, x.shape[1])
    picture = FitPicture(
        "",
        (plane, labels, t.classes),
        legend=t.class_names,
        axis_names=(names[axes[0]], names[axes[1]]),  # x[:, 0] and x[:, 1] without a file
        note=_held_note(x, axes, names, follow) if x.shape[1] > 2 else "",
        confusion=_confusion(trainer, t),
        same_scale=not t.columns,
        axes=axes,
    )
    if t.loss_op == "cross_entropy" and logits.shape[-1] >= 3:
        picture.classes = (torch.softmax(logits, dim=-1).numpy(), bounds)
    elif t.loss_op == "cross_entropy" and logits.shape[-1] == 2:
        picture.surface = (torch.softmax(logits, dim=-1)[..., 1].numpy(), bounds)
    else:
        picture.surface = (torch.sigmoid(logits[..., 0]).numpy(), bounds)
    return picture


def _held_note(x: torch.Tensor, axes: tuple[int, int], names: tuple[str, ...], follow: bool) -> str:
    """What the surface does with the features it does not plot: they follow the two plotted
    (as the rows' least-squares fit has them), or they are held at their raw means."""
    others = [j for j in range(x.shape[1]) if j not in axes]
    if follow:
        return ", ".join(names[j] for j in others) + ": as the rows have them at each x, y"
    mean = x.mean(dim=0)
    held = [f"{names[j]} {float(mean[j]):.3g}" for j in others]
    return "other features at their mean: " + ", ".join(held)


def _inputs(x: np.ndarray, t: FitTarget) -> tuple[np.ndarray, np.ndarray]:
    """200 inputs across the data (and a tenth of its range beyond), raw and as fed."""
    xs = np.linspace(x.min() - 0.1 * np.ptp(x), x.max() + 0.1 * np.ptp(x), 200)
    feed = xs.reshape(-1, 1)
    if t.transform is not None:
        feed = (feed - np.array(t.transform[0])) / np.array(t.transform[1])
    return xs, feed


def _probability_curve(
    trainer: Trainer, t: FitTarget, x: np.ndarray, y: torch.Tensor
) -> FitPicture:
    """A two-class model on one feature: the probability of class 1 over the inputs (sigmoid
    of a logit, softmax of two; a "bce" model predicts it already) with the 0.5 threshold,
    and the points at their class, 0 or 1."""
    xs, feed = _inputs(x, t)
    out = evaluate_on(trainer, {t.features: feed}, t.prediction).reshape(len(xs), -1)
    if t.loss_op == "cross_entropy" and out.shape[1] == 2:
        probability = torch.softmax(out, dim=1)[:, 1]
    elif t.loss_op == "bce":
        probability = out[:, 0]
    else:
        probability = torch.sigmoid(out[:, 0])
    labels = true_classes(y).double().reshape(-1, 1).numpy()
    name = t.class_names[1] if len(t.class_names) == 2 else "class 1"
    return FitPicture(
        "",
        (x, labels, 2),  # one feature: drawn at the height of their class, 0 or 1
        curve=(xs, probability.numpy()),
        legend=t.class_names,
        axis_names=(t.columns[0] if t.columns else "x", f"P({name})"),
        confusion=_confusion(trainer, t),
        threshold=0.5,
    )


def _curve(trainer: Trainer, t: FitTarget, x: np.ndarray, y: np.ndarray) -> FitPicture:
    xs, feed = _inputs(x, t)
    ys = evaluate_on(trainer, {t.features: feed}, t.prediction)
    return FitPicture(
        "",
        (x, y, t.classes),
        curve=(xs, ys.numpy().reshape(-1)),
        axis_names=(t.columns[0], t.target_column) if t.columns else ("", ""),
    )


def _predicted_vs_actual(trainer: Trainer, t: FitTarget, y: torch.Tensor) -> FitPicture:
    """A regression on several features: each row's prediction against its target, and the
    line where they are equal."""
    predicted = evaluate_on(trainer, {}, t.prediction)
    if predicted.numel() != y.numel() or y.dim() == 2 and y.shape[1] != 1:
        return FitPicture("the fit view draws one predicted column against one target column")
    actual = y.reshape(-1, 1).numpy()
    guess = predicted.reshape(-1).numpy()
    lo, hi = float(min(actual.min(), guess.min())), float(max(actual.max(), guess.max()))
    name = t.target_column or "y"
    return FitPicture(
        "predicted against actual: a perfect fit puts every point on the line",
        (actual, guess, 0),
        curve=(np.array([lo, hi]), np.array([lo, hi])),
        axis_names=(f"actual {name}", f"predicted {name}"),
    )
