"""Exported PNG and SVG images, damaged at random: opening one gives a graph or one DocumentError."""

from __future__ import annotations

import pytest

from backprop_studio.canvas import export
from backprop_studio.engine.autograd import evaluate
from backprop_studio.model.document_io import DocumentError, load_document
from tests.model.damage import damaged

DAMAGED_PER_IMAGE = 120  # raise it locally to hunt (3,000 ran clean)


@pytest.fixture
def exported(scene, seed):
    scene.show_trace(evaluate(seed))
    return {"png": export.to_png(scene, scale=0.5), "svg": export.to_svg(scene).encode("utf-8")}


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_damaged_exported_images_give_only_document_errors(tmp_path, exported, kind):
    path = tmp_path / f"damaged.{kind}"
    opened = refused = 0
    for bad in damaged(exported[kind], DAMAGED_PER_IMAGE, seed=len(kind)):
        path.write_bytes(bad)
        try:
            load_document(path)
        except DocumentError as exc:
            assert "\n" not in str(exc)
            refused += 1
        else:
            opened += 1
    assert refused > 0 and opened + refused == DAMAGED_PER_IMAGE
