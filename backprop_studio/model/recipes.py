"""Leaves made by a recipe: an initialiser (``init="xavier", shape=(2, 16), seed=0``) or a dataset.

A recipe is the truth of such a leaf and its value is derived from it, so a document or a program
stores three short attributes instead of 200 rows, and every run starts from the same numbers.
The numbers themselves come from torch (``torch.nn.init`` and the dataset generators in
``engine/``), which this layer cannot import. So the model knows the recipe's *shape* in pure
Python and asks a materialiser for the values: the engine registers one when it is imported
(:func:`set_materialiser`); until then a leaf holds zeros of the right shape, which the engine
never uses (``compile_graph`` always rebuilds a recipe leaf's value from its recipe).

A leaf whose value is edited stops being a recipe (``Graph.set_value`` drops the recipe). Training
keeps it (``Graph.set_trained_value``): an initialised leaf whose numbers an optimiser moved stays
``param(shape=(2, 16), init="kaiming")`` with a ``trained`` mark, and then its stored value, not
the recipe, is the truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .attrs import AttrError, Attrs
from .shapes import Shape, Value

# initialiser → the name torch.nn.init knows it by; aliases allowed in programs and documents
INITS: dict[str, str] = {
    "zeros": "zeros",
    "ones": "ones",
    "constant": "constant",
    "normal": "normal",
    "uniform": "uniform",
    "xavier": "xavier_uniform",
    "xavier_uniform": "xavier_uniform",
    "xavier_normal": "xavier_normal",
    "kaiming": "kaiming_uniform",
    "kaiming_uniform": "kaiming_uniform",
    "kaiming_normal": "kaiming_normal",
}
INIT_KEYS = ("init", "shape", "seed", "scale")
DATASET_KEYS = ("dataset", "part", "n", "noise", "seed", "classes")
CSV_KEYS = ("csv", "columns", "class_names", "labels", "missing", "mean", "std")
PARTS = ("x", "y")
MAX_ROWS = 100_000
MAX_NOISE = 100.0
MAX_CLASSES = 10


@dataclass(frozen=True)
class DatasetInfo:
    """A built-in dataset, described without torch so the editor can list and size it."""

    name: str
    title: str
    description: str
    features: int  # columns of x
    classes: int  # 0 for regression; y holds class indices 0..classes-1 otherwise
    n: int = 200
    noise: float = 0.1
    takes_classes: bool = False

    def defaults(self) -> dict[str, Any]:
        base: dict[str, Any] = {"n": self.n, "noise": self.noise, "seed": 0}
        return {**base, "classes": self.classes} if self.takes_classes else base


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo(
            "linear", "Linear with noise", "y = 2x − 1 plus Gaussian noise, x in [−1, 1]", 1, 0,
            n=50,
        ),
        DatasetInfo(
            "xor", "XOR", "the four corners of the unit square, label x₀ XOR x₁, with jitter", 2, 2,
            n=4, noise=0.0,
        ),
        DatasetInfo("moons", "Two moons", "two interleaving half circles", 2, 2),
        DatasetInfo("circles", "Circles", "a small circle inside a large one", 2, 2),
        DatasetInfo(
            "spiral", "Spiral", "arms of a spiral, one per class", 2, 2, noise=0.05,
            takes_classes=True,
        ),
    )
}  # fmt: skip


def recipe_kind(attrs: Mapping[str, object]) -> str | None:
    """ "init", "dataset" or None: whether the leaf's value is derived from its attributes."""
    if "dataset" in attrs:
        return "dataset"
    if "init" in attrs:
        return "init"
    return None


def dataset_params(attrs: Mapping[str, object]) -> dict[str, Any]:
    """Every parameter of a dataset binding with defaults filled (``part`` aside)."""
    info = DATASETS[str(attrs["dataset"])]
    params = info.defaults()
    params.update({k: attrs[k] for k in params if k in attrs})
    return params


def dataset_key(attrs: Mapping[str, object]) -> tuple[object, ...] | None:
    """Leaves with equal keys are rows of the same dataset: training batches them together."""
    if "dataset" in attrs:
        return ("dataset", attrs["dataset"], *sorted(dataset_params(attrs).items()))
    if "csv" in attrs:
        return ("csv", attrs["csv"])
    return None


def check_leaf_attrs(op: str, attrs: Attrs) -> Shape | None:
    """Check how a leaf's attributes combine; the recipe's shape, or None for a plain leaf."""
    kind = recipe_kind(attrs)
    if kind == "dataset":
        return _check_dataset(op, attrs)
    if kind == "init":
        return _check_init(attrs)
    if "csv" in attrs or "columns" in attrs:
        _only(attrs, CSV_KEYS, "a CSV column selection")
        if "csv" not in attrs or "columns" not in attrs:
            raise AttrError("a CSV selection needs both csv='file' and columns=[…]")
        _check_csv(attrs)
        return None
    for key in attrs:
        needs = "init=…" if key in INIT_KEYS else "dataset=…"
        raise AttrError(f"{key} only applies to a leaf made with {needs}", key)
    return None


def _check_csv(attrs: Attrs) -> None:
    """The origin of CSV rows: a transform per column, labels as the catalogue allows."""
    width = len(attrs["columns"])
    for key in ("mean", "std"):
        if key in attrs and len(attrs[key]) != width:
            raise AttrError(
                f"{key} needs one number per column ({width}), not {len(attrs[key])}", key
            )
    if ("mean" in attrs) != ("std" in attrs):
        raise AttrError("a standardised selection needs both mean=(…) and std=(…)", "std")
    if any(s <= 0 for s in attrs.get("std", ())):
        raise AttrError("std must be positive", "std")
    if attrs.get("labels", "index") not in ("index", "onehot"):
        raise AttrError("labels must be 'index' or 'onehot'", "labels")
    if attrs.get("missing", "drop") not in ("drop", "mean"):
        raise AttrError("missing must be 'drop' or 'mean'", "missing")


def _only(attrs: Attrs, allowed: tuple[str, ...], what: str) -> None:
    for key in attrs:
        if key not in allowed:
            raise AttrError(f"{key} does not apply to {what}", key)


def _check_init(attrs: Attrs) -> Shape:
    _only(attrs, INIT_KEYS, "an initialised leaf")
    init = attrs["init"]
    if init not in INITS:
        raise AttrError(f"unknown initialiser '{init:.40}' (choose {', '.join(INITS)})", "init")
    if "shape" not in attrs:
        raise AttrError(f"init={init!r} needs a shape, like shape=(2, 16)", "shape")
    shape: Shape = attrs["shape"]
    if INITS[init].startswith(("xavier", "kaiming")) and len(shape) < 2:
        raise AttrError(
            f"{init} needs a shape with at least two axes (fan in, fan out); "
            "a bias is usually zeros",
            "init",
        )
    if init == "constant" and "scale" not in attrs:
        raise AttrError("init='constant' needs scale=<the value>", "scale")
    if init in ("zeros", "ones") and "scale" in attrs:
        raise AttrError(f"init={init!r} takes no scale", "scale")
    if attrs.get("seed", 0) < 0:
        raise AttrError("seed must be 0 or more", "seed")
    return shape


def _check_dataset(op: str, attrs: Attrs) -> Shape:
    if op != "data":
        raise AttrError("only a data leaf can be bound to a dataset", "dataset")
    _only(attrs, DATASET_KEYS, "a dataset leaf")
    name = attrs["dataset"]
    if name not in DATASETS:
        raise AttrError(f"unknown dataset '{name:.40}' (choose {', '.join(DATASETS)})", "dataset")
    info = DATASETS[name]
    part = attrs.get("part")
    if part not in PARTS:
        raise AttrError("part must be 'x' (features) or 'y' (targets)", "part")
    if "classes" in attrs and not info.takes_classes:
        raise AttrError(f"the {name} dataset has a fixed number of classes", "classes")
    params = dataset_params(attrs)
    if not 1 <= params["n"] <= MAX_ROWS:
        raise AttrError(f"n must be from 1 to {MAX_ROWS:,}, not {params['n']}", "n")
    if not 0 <= params["noise"] <= MAX_NOISE:
        raise AttrError(f"noise must be from 0 to {MAX_NOISE:g}, not {params['noise']}", "noise")
    if params["seed"] < 0:
        raise AttrError("seed must be 0 or more", "seed")
    if info.takes_classes and not 2 <= params["classes"] <= MAX_CLASSES:
        raise AttrError(f"classes must be from 2 to {MAX_CLASSES}", "classes")
    return (params["n"], info.features) if part == "x" else (params["n"], 1)


@dataclass(frozen=True)
class Binding:
    """The data leaves bound to one dataset: what a fit or decision-boundary view plots."""

    key: tuple[object, ...]
    features: str | None  # the leaf with part "x" (or a CSV leaf), if any
    targets: str | None  # the leaf with part "y", if any
    dataset: str | None  # a built-in dataset's name; None for a CSV file
    classes: int  # 0 for regression (or unknown, for CSV)
    class_names: tuple[str, ...] = ()  # a CSV target's names: class k is class_names[k]
    transform: tuple[tuple[float, ...], tuple[float, ...]] | None = None  # features' (mean, std)


def bindings(nodes: Iterable[Any]) -> list[Binding]:
    """The datasets a graph's data leaves are bound to, in node order (``Graph`` nodes)."""
    found: dict[tuple[object, ...], dict[str, Any]] = {}
    for node in nodes:
        key = dataset_key(node.attrs) if node.op == "data" else None
        if key is None:
            continue
        entry = found.setdefault(key, {"x": None, "y": None, "attrs": node.attrs})
        part = node.attrs.get("part", "x" if entry["x"] is None else "y")
        if entry[part] is None:
            entry[part] = node.name
            entry[f"{part}_attrs"] = node.attrs
    return [_binding(key, entry) for key, entry in found.items()]


def _binding(key: tuple[object, ...], entry: dict[str, Any]) -> Binding:
    attrs = entry["attrs"]
    if "dataset" in attrs:
        return Binding(key, entry["x"], entry["y"], attrs["dataset"], dataset_classes(attrs))
    x_attrs, y_attrs = entry.get("x_attrs", {}), entry.get("y_attrs", {})
    names = tuple(y_attrs.get("class_names", ()))
    transform = (x_attrs["mean"], x_attrs["std"]) if "mean" in x_attrs else None
    return Binding(key, entry["x"], entry["y"], None, len(names), names, transform)


def dataset_classes(attrs: Mapping[str, object]) -> int:
    """How many classes a dataset binding has (0: regression)."""
    info = DATASETS[str(attrs["dataset"])]
    return int(dataset_params(attrs)["classes"]) if info.takes_classes else info.classes


# ---- materialising -----------------------------------------------------------------------------
Materialiser = Callable[[str, Mapping[str, object]], Value]
_materialiser: Materialiser | None = None


def set_materialiser(fn: Materialiser | None) -> None:
    """Install the function that turns a recipe into values (the engine does, on import)."""
    global _materialiser
    _materialiser = fn


def materialise(op: str, attrs: Mapping[str, object], shape: Shape) -> Value:
    """The recipe's values, or zeros of ``shape`` while no materialiser is installed."""
    if _materialiser is not None:
        return _materialiser(op, attrs)
    return zeros(shape)


def zeros(shape: Shape) -> Value:
    if not shape:
        return 0.0
    return [zeros(shape[1:]) for _ in range(shape[0])]
