"""Hostile and damaged documents: only DocumentError ever comes out, quickly and in bounded memory."""

from __future__ import annotations

import json
import zlib

import pytest

from backprop_studio.model import document_io, embedded, gallery, recipes
from backprop_studio.model.document_io import DocumentError, load_document, loads
from backprop_studio.model.limits import MAX_GRAPH_ELEMENTS
from tests.model.damage import damaged
from tests.model.test_embedded import chunk, png, svg

FUZZ_PER_FILE = 60  # per file and kind; raise it locally to hunt (1,500 ran clean)


def document(nodes: list[dict], edges: list[dict] | None = None) -> dict:
    return {"format": "backprop-studio", "version": 1, "nodes": nodes, "edges": edges or []}


def recipe_leaf(name: str, shape: list[int]) -> dict:
    attrs = {"init": "normal", "shape": shape}
    return {"name": name, "op": "param", "position": [0, 0], "attrs": attrs}


def test_ten_large_recipes_are_refused_before_any_is_made(tmp_path, monkeypatch):
    made = []
    monkeypatch.setattr(recipes, "_materialiser", lambda op, attrs: made.append(attrs))
    path = tmp_path / "ten.json"
    path.write_text(json.dumps(document([recipe_leaf(f"w{i}", [10000, 1000]) for i in range(10)])))
    assert path.stat().st_size < 1500
    with pytest.raises(DocumentError) as info:
        load_document(path)
    first_over = MAX_GRAPH_ELEMENTS // 10_000_000
    assert str(info.value).startswith(f"nodes[{first_over}]: 'w{first_over}'")
    assert f"{MAX_GRAPH_ELEMENTS:,}" in str(info.value) and "\n" not in str(info.value)
    assert made == []


def test_a_broadcast_too_large_loads_and_is_the_problem_of_its_node():
    add = {"name": "big", "op": "add", "position": [1, 0]}
    edges = [{"from": "a", "to": "big", "port": "a"}, {"from": "b", "to": "big", "port": "b"}]
    doc = document([recipe_leaf("a", [20000, 1]), recipe_leaf("b", [1, 20000]), add], edges)
    analysis = loads(json.dumps(doc)).graph.analyse()
    assert [p.node for p in analysis.problems] == ["big"]
    assert "400,000,000" in analysis.problems[0].message


@pytest.mark.parametrize("encoding", ["bogus", "rot13", "utf-7", "idna"])
def test_an_svg_with_an_unusable_encoding_is_a_document_error(tmp_path, encoding):
    text = svg(embedded.svg_metadata("{}")).decode()
    path = tmp_path / "bad.svg"
    path.write_bytes(text.replace('encoding="UTF-8"', f'encoding="{encoding}"').encode())
    with pytest.raises(DocumentError, match="SVG") as info:
        load_document(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (MemoryError(), "not enough memory"),
        (RecursionError(), "too deeply"),
        (LookupError("unknown encoding: x"), "unknown encoding"),
        (OverflowError("int too large"), "int too large"),
    ],
)
def test_what_a_file_still_provokes_becomes_one_document_error(monkeypatch, error, fragment):
    def fail(_data):
        raise error

    monkeypatch.setattr(document_io, "document_from_dict", fail)
    with pytest.raises(DocumentError, match=fragment):
        loads(json.dumps(document([])))


def test_deep_nesting_is_a_document_error():
    with pytest.raises(DocumentError):
        loads("[" * 100_000 + "]" * 100_000)


# ---- fuzzing -----------------------------------------------------------------------------------
def _only_document_errors(tmp_path, raw: bytes) -> None:
    """Through the file path (as File ▸ Open and the command line go) and through ``loads``."""
    path = tmp_path / "damaged"
    path.write_bytes(raw)
    for read in (lambda: load_document(path), lambda: loads(embedded.unwrap(raw))):
        try:
            read()
        except DocumentError as exc:
            assert "\n" not in str(exc)


def _seed(name: str) -> int:
    return zlib.crc32(name.encode())


def _seed_payload() -> bytes:
    doc = json.loads(gallery.example_path("seed").read_text(encoding="utf-8"))
    return embedded.document_text(doc).encode("latin-1")


@pytest.mark.parametrize("example", [e.name for e in gallery.EXAMPLES])
def test_damaged_gallery_documents_give_only_document_errors(tmp_path, example):
    raw = gallery.example_path(example).read_bytes()
    for bad in damaged(raw, FUZZ_PER_FILE, seed=_seed(example)):
        _only_document_errors(tmp_path, bad)


def _png_text(kind: bytes, payload: bytes) -> bytes:
    key = embedded.KEYWORD.encode() + b"\0"
    body = {
        b"tEXt": payload,
        b"zTXt": b"\0" + zlib.compress(payload),
        b"iTXt": b"\1\0\0\0" + zlib.compress(payload),
    }[kind]
    return png(chunk(kind, key + body))


@pytest.mark.parametrize("kind", [b"tEXt", b"zTXt", b"iTXt"])
def test_damaged_png_documents_give_only_document_errors(tmp_path, kind):
    payload = _seed_payload()
    for bad in damaged(_png_text(kind, payload), 2 * FUZZ_PER_FILE, seed=_seed(kind.decode())):
        _only_document_errors(tmp_path, bad)  # mostly refused by a length or a checksum
    for bad in damaged(payload, 2 * FUZZ_PER_FILE, seed=_seed(kind.decode()) + 1):
        _only_document_errors(tmp_path, _png_text(kind, bad))  # a valid image, a damaged graph


def test_damaged_svg_documents_give_only_document_errors(tmp_path):
    payload = _seed_payload()
    image = svg(embedded.svg_metadata(payload.decode("latin-1")))
    for bad in damaged(image, 2 * FUZZ_PER_FILE, seed=_seed("svg")):
        _only_document_errors(tmp_path, bad)
    for bad in damaged(payload, 2 * FUZZ_PER_FILE, seed=_seed("svg text")):
        text = bad.decode("latin-1").replace("&", "&amp;").replace("<", "&lt;")
        _only_document_errors(tmp_path, svg(f'<metadata id="{embedded.KEYWORD}">{text}</metadata>'))
