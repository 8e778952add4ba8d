"""Documents as files: missing, binary, huge and odd files; saves that fail leave the old file."""

from __future__ import annotations

import json
import os
import sys

import pytest

from backprop_studio.model import document_io
from backprop_studio.model.document_io import (
    DocumentError,
    document_to_dict,
    load_document,
    loads,
    save_document,
)
from backprop_studio.model.graph import Graph
from tests.model.document_cases import small_graph


# ---- files -------------------------------------------------------------------------------------
def test_loading_missing_directory_binary_empty_and_huge_files(tmp_path, monkeypatch):
    with pytest.raises(DocumentError, match="cannot open"):
        load_document(tmp_path / "missing.json")
    with pytest.raises(DocumentError, match="folder"):
        load_document(tmp_path)
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(DocumentError, match="PNG image is damaged"):
        load_document(binary)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"label": "caf\xe9"}')
    with pytest.raises(DocumentError, match="not UTF-8"):
        load_document(latin)
    zeros = tmp_path / "zeros.bin"
    zeros.write_bytes(b"\x00" * 100)
    with pytest.raises(DocumentError, match="not valid JSON"):
        load_document(zeros)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(DocumentError, match="empty"):
        load_document(empty)
    monkeypatch.setattr(document_io, "MAX_BYTES", 10)
    with pytest.raises(DocumentError, match="too large"):
        load_document(binary)
    with pytest.raises(DocumentError):
        load_document(str(tmp_path / "nul\x00.json"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a fifo")
def test_loading_a_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="regular file"):
        load_document(fifo)


def _old_file(tmp_path):
    path = tmp_path / "doc.json"
    save_document(path, small_graph())
    return path, path.read_bytes()


def test_unwritable_graph_leaves_the_old_file_intact(tmp_path):
    path, before = _old_file(tmp_path)
    g = small_graph()
    g.node("x").value = float("nan")  # the graph refuses it; a caller writing it directly
    with pytest.raises(DocumentError, match=r"^nodes\[0\]\.value: must be finite"):
        save_document(path, g)
    with pytest.raises(DocumentError, match=r"^settings\.extra: .*object"):
        save_document(path, small_graph(), {"extra": object()})
    g = small_graph()
    g.node("x").label = "\udcff"
    with pytest.raises(DocumentError, match=r"^nodes\[0\]\.label"):
        save_document(path, g)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch, failing):
    path, before = _old_file(tmp_path)

    def boom(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(document_io.os, failing, boom)
    g = small_graph()
    g.set_value("x", 5.0)
    with pytest.raises(DocumentError, match="No space left"):
        save_document(path, g)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="permissions do not bind root"
)
def test_read_only_directory_leaves_the_old_file(tmp_path):
    path, before = _old_file(tmp_path)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(DocumentError, match="cannot save"):
            save_document(path, Graph())
    finally:
        tmp_path.chmod(0o700)
    assert path.read_bytes() == before


def test_save_into_a_missing_folder_or_onto_a_folder(tmp_path):
    with pytest.raises(DocumentError, match="cannot save"):
        save_document(tmp_path / "nope" / "doc.json", Graph())
    (tmp_path / "dir").mkdir()
    with pytest.raises(DocumentError, match="cannot save"):
        save_document(tmp_path / "dir", Graph())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and symlinks")
def test_save_keeps_permissions_and_writes_through_symlinks(tmp_path):
    path, _ = _old_file(tmp_path)
    path.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(path)
    g = small_graph()
    g.set_value("w", 3.0)
    save_document(link, g)
    assert link.is_symlink()
    assert (path.stat().st_mode & 0o777) == 0o640
    assert load_document(path).graph.node("w").value == 3.0


def test_a_file_named_like_an_image_that_is_none_says_it_holds_no_graph(tmp_path):
    path = tmp_path / "picture.png"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DocumentError, match="this PNG file holds no Backprop Studio graph"):
        load_document(path)
    renamed = tmp_path / "story.png"  # a document under an image's name still opens
    renamed.write_text(json.dumps(document_to_dict(small_graph())), encoding="utf-8")
    assert load_document(renamed).graph.structure() == small_graph().structure()


def test_an_unknown_op_is_named_before_missing_edges():
    doc = {"format": "backprop-studio", "version": 1, "nodes": [{"name": "a", "op": "frob"}]}
    with pytest.raises(DocumentError, match=r"nodes\[0\]\.op: unknown op 'frob'"):
        loads(json.dumps(doc))
