"""Graph documents carried inside exported images: a PNG text chunk, an SVG ``<metadata>``.

An exported picture in a slide deck can be opened again as the graph it shows. Reading one is
as strict as reading a JSON file, because an image from the internet is as hostile as any file:
chunk lengths and checksums are verified, decompression is capped, XML with entity declarations
is refused, and every failure is a DocumentError of one line — never another exception. This
module only finds the document text; ``document_io.loads`` then checks the document itself.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any
from xml.parsers import expat

from .document_schema import MAX_BYTES, DocumentError

KEYWORD = "backprop-studio"  # PNG text chunk keyword, and the id of the SVG metadata element
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")
_OTHER_FORMATS = ((b"%PDF", "PDF"), (b"GIF8", "GIF"), (b"\xff\xd8\xff", "JPEG"))
_MAX_CHUNK = 2**31 - 1  # the PNG specification's limit on a chunk length


def document_text(graph_dict: dict[str, Any]) -> str:
    """The compact, ASCII-only JSON to embed: valid Latin-1 for a PNG chunk, plain XML text."""
    try:
        return json.dumps(graph_dict, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise DocumentError(f"cannot be written as JSON: {exc}") from None


def image_kind(raw: bytes) -> str | None:
    """ "png" or "svg" when ``raw`` looks like one (by content, never by file name), else None."""
    if raw.startswith(PNG_SIGNATURE):
        return "png"
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in raw[:65536]:
        return "svg"
    return None


def unwrap(raw: bytes) -> bytes | str:
    """The document text inside a PNG or SVG image; any other input comes back unchanged."""
    kind = image_kind(raw)
    if kind == "png":
        return png_document(raw)
    if kind == "svg":
        return svg_document(raw)
    for signature, name in _OTHER_FORMATS:
        if raw.startswith(signature):
            raise DocumentError(
                f"a {name} file cannot be opened as a graph; Backprop Studio keeps the graph "
                "inside the PNG and SVG images it exports"
            )
    return raw


# ---- PNG -------------------------------------------------------------------------------------
def png_chunks(raw: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk up to IEND, each length and CRC checked."""
    if not raw.startswith(PNG_SIGNATURE):
        raise DocumentError("not a PNG image (the signature is missing)")
    chunks: list[tuple[bytes, bytes]] = []
    pos = len(PNG_SIGNATURE)
    while True:
        if pos + 8 > len(raw):
            raise DocumentError(f"the PNG image is truncated at byte {pos} (no IEND chunk)")
        (length,) = struct.unpack(">I", raw[pos : pos + 4])
        kind = raw[pos + 4 : pos + 8]
        if not (kind.isascii() and kind.isalpha()):
            raise DocumentError(
                f"the PNG image is damaged: a chunk at byte {pos} has no valid type"
            )
        name = kind.decode("ascii")
        end = pos + 12 + length
        if length > _MAX_CHUNK or end > len(raw):
            raise DocumentError(
                f"the PNG image is truncated: chunk '{name}' at byte {pos} ends past the end of the file"
            )
        data = raw[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", raw[pos + 8 + length : end])
        if zlib.crc32(kind + data) != crc:
            raise DocumentError(
                f"the PNG image is damaged: chunk '{name}' at byte {pos} fails its checksum"
            )
        if not chunks and kind != b"IHDR":
            raise DocumentError("the PNG image is damaged: it does not start with an IHDR chunk")
        chunks.append((kind, data))
        pos = end
        if kind == b"IEND":
            return chunks


def png_document(raw: bytes) -> str:
    """The graph document in the PNG's ``backprop-studio`` text chunk (tEXt, zTXt or iTXt)."""
    found: list[str] = []
    for kind, data in png_chunks(raw):
        if kind in _TEXT_CHUNKS:
            keyword, _, rest = data.partition(b"\0")
            if keyword == KEYWORD.encode("ascii"):
                found.append(_text_chunk(kind, rest))
    if not found:
        raise DocumentError(
            "this PNG image carries no Backprop Studio graph (only images exported by "
            "Backprop Studio can be opened as graphs)"
        )
    if len(found) > 1:
        raise DocumentError(f"this PNG image carries {len(found)} graphs; expected one")
    return found[0]


def _text_chunk(kind: bytes, rest: bytes) -> str:
    name = kind.decode("ascii")
    if kind == b"tEXt":
        return rest.decode("latin-1")
    if kind == b"zTXt":
        if rest[:1] != b"\0":
            raise DocumentError(f"the PNG '{name}' chunk uses an unknown compression method")
        return _inflate(rest[1:], name).decode("latin-1")
    # iTXt: compression flag, method, language tag \0, translated keyword \0, UTF-8 text
    if len(rest) < 2 or rest[0] not in (0, 1) or rest[1] != 0:
        raise DocumentError(f"the PNG '{name}' chunk has an invalid compression field")
    parts = rest[2:].split(b"\0", 2)
    if len(parts) != 3:
        raise DocumentError(f"the PNG '{name}' chunk is incomplete")
    text = _inflate(parts[2], name) if rest[0] == 1 else parts[2]
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentError(f"the PNG '{name}' chunk is not UTF-8 text") from None


def _inflate(data: bytes, name: str) -> bytes:
    """zlib-decompress at most MAX_BYTES, so a small bomb cannot fill the memory."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_BYTES + 1)
    except zlib.error as exc:
        raise DocumentError(f"the PNG '{name}' chunk cannot be decompressed ({exc})") from None
    if len(out) > MAX_BYTES or inflater.unconsumed_tail:
        raise DocumentError(
            f"the graph in the PNG '{name}' chunk is too large (over {MAX_BYTES // 2**20} MB)"
        )
    if not inflater.eof:
        raise DocumentError(f"the PNG '{name}' chunk is truncated")
    return out


# ---- SVG -------------------------------------------------------------------------------------
def svg_metadata(text: str) -> str:
    """The ``<metadata>`` element to place inside an exported SVG's root element."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<metadata id="{KEYWORD}">{escaped}</metadata>'


def svg_with_document(svg: str, text: str) -> str:
    """``svg`` with the document in a metadata element right after the root's start tag."""
    start = svg.find("<svg")
    close = svg.find(">", start)
    if start < 0 or close < 0:
        raise ValueError("not an SVG document: no <svg> element")
    return svg[: close + 1] + "\n" + svg_metadata(text) + svg[close + 1 :]


def svg_document(raw: bytes) -> str:
    """The graph document in the SVG's ``<metadata id="backprop-studio">``; XML with entity
    declarations is refused outright (no billion laughs, no external files)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    state: dict[str, Any] = {"depth": 0, "inside": None, "texts": [], "found": 0, "root": None}

    def refuse_entities(*_args: object) -> None:
        raise DocumentError("the SVG image declares XML entities; refused for safety")

    def refuse_external(
        _context: str, _base: str | None, _sys: str | None, _pub: str | None
    ) -> int:
        refuse_entities()
        return 0

    def start(name: str, attrs: dict[str, str]) -> None:
        state["depth"] += 1
        if state["root"] is None:
            state["root"] = name
        if state["inside"] is None and name == f"{SVG_NS} metadata" and attrs.get("id") == KEYWORD:
            state["inside"] = state["depth"]
            state["found"] += 1
            state["texts"] = []
        elif state["inside"] is not None:
            raise DocumentError("the SVG graph metadata holds markup; expected JSON text only")

    def end(name: str) -> None:
        if state["inside"] == state["depth"]:
            state["inside"] = None
            state["text"] = "".join(state["texts"])
        state["depth"] -= 1

    def chars(data: str) -> None:
        if state["inside"] is not None:
            state["texts"].append(data)

    parser.EntityDeclHandler = refuse_entities
    parser.UnparsedEntityDeclHandler = refuse_entities
    parser.ExternalEntityRefHandler = refuse_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise DocumentError(
            f"the SVG image is not well-formed XML: {expat.errors.messages[exc.code]} (line {exc.lineno}, column {exc.offset + 1})"
        ) from None
    except RecursionError:
        raise DocumentError("the SVG image nests too deeply") from None
    except LookupError as exc:  # expat asks Python's codecs for the declared encoding
        raise DocumentError(f"the SVG image declares an unknown text encoding ({exc})") from None
    except (UnicodeError, ValueError) as exc:
        if isinstance(exc, DocumentError):
            raise
        raise DocumentError(f"the SVG image cannot be decoded: {exc}") from None
    if state["root"] != f"{SVG_NS} svg":
        raise DocumentError("not an SVG image (the root element is not <svg>)")
    if state["found"] == 0:
        raise DocumentError(
            "this SVG image carries no Backprop Studio graph (only images exported by "
            "Backprop Studio can be opened as graphs)"
        )
    if state["found"] > 1:
        raise DocumentError(f"this SVG image carries {state['found']} graphs; expected one")
    return str(state["text"])
