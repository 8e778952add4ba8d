"""Documents inside PNG and SVG images: round trips, and hostile images refused with one line."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_studio.model import embedded
from backprop_studio.model.document_io import (
    DocumentError,
    document_to_dict,
    load_document,
    loads,
)
from backprop_studio.model.embedded import KEYWORD, PNG_SIGNATURE, unwrap
from tests.builders import seed_graph

IHDR = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
IDAT = zlib.compress(b"\0\0\0\0\0")


def chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + data) if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(*extra: bytes) -> bytes:
    """A valid 1×1 PNG with ``extra`` chunks before the image data."""
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", IHDR)
        + b"".join(extra)
        + chunk(b"IDAT", IDAT)
        + chunk(b"IEND", b"")
    )


def text(graph=None) -> str:
    return embedded.document_text(document_to_dict(graph or seed_graph()))


def ztxt(payload: bytes, keyword: bytes = KEYWORD.encode()) -> bytes:
    return chunk(b"zTXt", keyword + b"\0\0" + zlib.compress(payload))


def svg(metadata: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="10" height="10">{metadata}<rect width="10" height="10"/></svg>'
    ).encode()


# ---- round trips ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["tEXt", "zTXt", "iTXt", "iTXt-compressed"])
def test_every_png_text_chunk_kind_round_trips(kind):
    doc = text().encode("latin-1")
    key = KEYWORD.encode() + b"\0"
    body = {
        "tEXt": (b"tEXt", key + doc),
        "zTXt": (b"zTXt", key + b"\0" + zlib.compress(doc)),
        "iTXt": (b"iTXt", key + b"\0\0" + b"en\0\0" + doc),
        "iTXt-compressed": (b"iTXt", key + b"\1\0" + b"\0\0" + zlib.compress(doc)),
    }[kind]
    data = loads(unwrap(png(chunk(*body))))
    assert data.graph.structure() == seed_graph().structure()


def test_svg_metadata_round_trips_labels_that_look_like_markup(tmp_path):
    graph = seed_graph()
    graph.set_label("w", "<w> & ]]> 'ŵ'")
    image = embedded.svg_with_document(svg("").decode(), text(graph))
    path = tmp_path / "graph.svg"
    path.write_text(image, encoding="utf-8")
    assert load_document(path).graph.structure() == graph.structure()


def test_json_and_other_bytes_pass_through_unchanged():
    assert unwrap(b'{"format": "backprop-studio"}') == b'{"format": "backprop-studio"}'
    assert unwrap(b"") == b""


def test_embedded_text_is_ascii_so_any_png_chunk_can_hold_it():
    graph = seed_graph()
    graph.set_label("w", "ŵ → ∂")
    assert text(graph).isascii()


# ---- hostile PNG ---------------------------------------------------------------------------
def _error(raw: bytes) -> str:
    with pytest.raises(DocumentError) as info:
        loads(unwrap(raw))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_png_without_a_graph_says_so():
    assert "carries no Backprop Studio graph" in _error(png())


def test_png_with_a_bad_checksum():
    bad = chunk(b"zTXt", KEYWORD.encode() + b"\0\0" + zlib.compress(b"{}"), crc=1)
    assert "fails its checksum" in _error(png(bad))


def test_truncated_png():
    whole = png(ztxt(text().encode()))
    assert "truncated" in _error(whole[: len(whole) // 2])
    assert "truncated" in _error(PNG_SIGNATURE)


def test_png_chunk_claiming_gigabytes():
    huge = struct.pack(">I", 2**31 + 5) + b"zTXt" + b"\0" * 20
    assert "truncated" in _error(PNG_SIGNATURE + chunk(b"IHDR", IHDR) + huge)


def test_png_that_does_not_start_with_ihdr():
    raw = PNG_SIGNATURE + chunk(b"IDAT", IDAT) + chunk(b"IEND", b"")
    assert "IHDR" in _error(raw)


def test_png_decompression_bomb_is_capped():
    bomb = ztxt(b" " * (embedded.MAX_BYTES + 10))
    assert "too large" in _error(png(bomb))


def test_png_with_two_graphs():
    assert "2 graphs" in _error(png(ztxt(text().encode()), ztxt(text().encode())))


def test_png_with_broken_compressed_text():
    broken = chunk(b"zTXt", KEYWORD.encode() + b"\0\0" + b"not zlib at all")
    assert "cannot be decompressed" in _error(png(broken))


def test_png_with_an_unknown_compression_method():
    odd = chunk(b"zTXt", KEYWORD.encode() + b"\0\7" + zlib.compress(b"{}"))
    assert "compression" in _error(png(odd))


def test_png_itxt_that_is_not_utf8():
    bad = chunk(b"iTXt", KEYWORD.encode() + b"\0\0\0\0\0" + b"\xff\xfe")
    assert "UTF-8" in _error(png(bad))


def test_png_whose_graph_is_bad_json_gets_the_json_message():
    assert "not valid JSON" in _error(png(ztxt(b"{nope")))


def test_png_whose_graph_is_a_bad_document_gets_the_document_message():
    assert "format" in _error(png(ztxt(b'{"format": "something-else", "version": 1}')))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_damaged_pngs_fail_only_with_document_errors(data):
    raw = bytearray(png(ztxt(text().encode())))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    try:
        loads(unwrap(bytes(raw[:cut])))
    except DocumentError:
        pass


# ---- hostile SVG ---------------------------------------------------------------------------
def test_svg_without_a_graph_says_so():
    assert "carries no Backprop Studio graph" in _error(svg(""))


def test_svg_billion_laughs_is_refused():
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><metadata id="backprop-studio">&b;</metadata></svg>'
    )
    assert "entities" in _error(raw)


def test_svg_external_entity_is_refused():
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><metadata id="backprop-studio">&x;</metadata></svg>'
    )
    assert "entities" in _error(raw)


def test_svg_that_is_not_well_formed():
    message = _error(b'<svg xmlns="http://www.w3.org/2000/svg"><metadata id="backprop-studio">')
    assert "not well-formed" in message


def test_svg_metadata_holding_markup():
    message = _error(svg(f'<metadata id="{KEYWORD}"><b>{{}}</b></metadata>'))
    assert "markup" in message


def test_svg_with_two_graphs():
    one = embedded.svg_metadata(text())
    assert "2 graphs" in _error(svg(one + one))


def test_xml_whose_root_is_not_svg():
    raw = b'<?xml version="1.0"?><html><!-- <svg --></html>'
    assert "not an SVG image" in _error(raw)


@pytest.mark.parametrize(
    ("raw", "name"),
    [(b"%PDF-1.4 ...", "PDF"), (b"GIF89a...", "GIF"), (b"\xff\xd8\xff\xe0", "JPEG")],
)
def test_other_image_formats_get_a_clear_message(raw, name):
    assert f"a {name} file cannot be opened as a graph" in _error(raw)
