"""Shape inference in pure Python for every op, and mismatch messages that show both shapes."""

from __future__ import annotations

import pytest

from backprop_studio.model.ops import OPS
from backprop_studio.model.shapes import ShapeError, infer
from tests.builders import build


def _infer(op, *shapes, **attrs):
    return infer(OPS[op], list(shapes), attrs)


@pytest.mark.parametrize(
    ("op", "shapes", "attrs", "out"),
    [
        ("sum", [(4, 3)], {}, ()),
        ("sum", [(4, 3)], {"axis": 0}, (3,)),
        ("mean", [(4, 3)], {"axis": 1}, (4,)),
        ("mean", [(4, 3)], {"axis": -2}, (3,)),
        ("sum", [()], {"axis": 0}, ()),
        ("sum", [(2, 3, 5)], {"axis": 1}, (2, 5)),
        ("softmax", [(4, 3)], {}, (4, 3)),
        ("softmax", [(4, 3)], {"axis": 0}, (4, 3)),
        ("log_softmax", [(3,)], {}, (3,)),
        ("bce_logits", [(8, 1), (8, 1)], {}, ()),
        ("cross_entropy", [(8, 3), (8,)], {}, ()),
        ("cross_entropy", [(8, 3), (8, 1)], {}, ()),
        ("cross_entropy", [(8, 3), (8, 3)], {}, ()),
        ("cross_entropy", [(3,), ()], {}, ()),
        ("mse", [(8, 1), (8,)], {}, ()),
        ("transpose", [(2, 3)], {}, (3, 2)),
        ("matmul", [(200, 2), (2, 16)], {}, (200, 16)),
        ("add", [(200, 16), (16,)], {}, (200, 16)),
    ],
)
def test_inferred_shapes(op, shapes, attrs, out):
    assert _infer(op, *shapes, **attrs) == out


@pytest.mark.parametrize(
    ("op", "shapes", "attrs", "words"),
    [
        ("sum", [(4, 3)], {"axis": 2}, ["axis 2", "4×3", "0 to 1"]),
        ("mean", [(4, 3)], {"axis": -3}, ["axis -3", "4×3"]),
        ("softmax", [()], {"axis": 1}, ["axis 1", "scalar"]),
        ("bce_logits", [(8, 1), (8,)], {}, ["logits 8×1", "target 8", "same shape"]),
        ("cross_entropy", [(8, 3), (7,)], {}, ["target 7", "logits 8×3", "8 class indices"]),
        ("cross_entropy", [(8, 3), (8, 2)], {}, ["target 8×2", "logits 8×3"]),
        ("cross_entropy", [(2, 4, 3), (2, 4)], {}, ["2×4×3"]),
        ("matmul", [(200, 2), (3, 16)], {}, ["200×2", "3×16", "2 vs 3"]),
        ("add", [(200, 16), (8,)], {}, ["200×16", "8", "do not broadcast"]),
    ],
)
def test_mismatches_name_both_shapes(op, shapes, attrs, words):
    with pytest.raises(ShapeError) as info:
        _infer(op, *shapes, **attrs)
    for word in words:
        assert word in str(info.value)


def test_a_mismatch_is_a_problem_on_the_node_with_both_shapes():
    g = build(
        {"x": ("data", [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), "t": ("data", [0.0, 1.0])},
        [("loss", "cross_entropy", ["x", "t"])],
    )
    (problem,) = g.analyse().problems
    assert problem.node == "loss"
    assert problem.message.startswith("'loss' (CE): target 2 does not fit logits 3×2")


def test_every_op_has_a_shape_rule():
    for name, spec in OPS.items():
        if spec.is_leaf:
            continue
        shapes = [(1, 2) if name == "squeeze" else (2, 2)] * len(spec.inputs)
        attrs = {"min": 0.0} if name == "clamp" else {}  # a clamp needs a bound
        assert isinstance(infer(spec, shapes, attrs), tuple), name
