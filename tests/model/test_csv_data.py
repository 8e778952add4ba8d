"""CSV files as tables: detection of header, delimiter, decimal mark and encoding, and one clear
line for every malformed file."""

from __future__ import annotations

import pytest

from backprop_studio.model import csv_data, limits
from backprop_studio.model.csv_data import CsvError, parse_csv, read_csv


def test_header_and_columns_by_name_or_index():
    table = parse_csv("area,rooms,price\n50,2,100.5\n80, 3 ,180\n")
    assert table.has_header and table.columns == ("area", "rooms", "price")
    assert table.select(["price", 0]) == [[100.5, 50.0], [180.0, 80.0]]
    assert table.lines == (2, 3)


def test_without_a_header_columns_are_numbered():
    table = parse_csv("1;2\n3;4\n\n")
    assert not table.has_header and table.columns == ("0", "1")
    assert table.select([1]) == [[2.0], [4.0]]
    assert parse_csv("1\t2\n3\t4").select([0, 1]) == [[1.0, 2.0], [3.0, 4.0]]
    assert parse_csv("\ufeffa\n1e-3\n").select(["a"]) == [[0.001]]


def test_a_text_column_under_numbers_is_not_a_header():
    """Iris without its header: the first row has a text label, yet it is data."""
    table = parse_csv("5.1,3.5,setosa\n4.9,3.0,setosa\n6.3,3.3,virginica\n")
    assert not table.has_header and len(table.cells) == 3
    assert table.is_numeric(0) and not table.is_numeric(2)
    assert table.texts(2) == ["setosa", "setosa", "virginica"]
    forced = parse_csv("5.1,3.5,setosa\n4.9,3.0,setosa\n", header=True)
    assert forced.columns == ("5.1", "3.5", "setosa") and len(forced.cells) == 1


def test_semicolons_with_decimal_commas_and_quotes():
    table = parse_csv('länge;breite;art\n5,1;"3,5";a\n4,9;3;"b;c"\n')
    assert (table.delimiter, table.decimal, table.has_header) == (";", ",", True)
    assert table.select([0, 1]) == [[5.1, 3.5], [4.9, 3.0]]
    assert table.texts(2) == ["a", "b;c"]
    assert parse_csv("a;b\n1.5;2\n").decimal == "."


def test_encodings_are_detected_or_chosen(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("größe,art\n1,ä\n".encode("cp1252"))
    assert read_csv(path).encoding == "cp1252" and read_csv(path).columns[0] == "größe"
    path.write_bytes("größe,art\n1,ä\n".encode("utf-16"))
    assert read_csv(path).columns == ("größe", "art")
    path.write_bytes("\ufeffa,b\n1,2\n".encode())
    assert read_csv(path).columns == ("a", "b")
    assert read_csv(path, encoding="latin-1").columns[0] != "a"  # the BOM read as text
    with pytest.raises(CsvError, match="unknown encoding 'klingon'"):
        read_csv(path, encoding="klingon")
    path.write_bytes(b"\x81\x8d\x8f\n")
    with pytest.raises(CsvError, match="is not utf-8 or cp1252 text"):
        read_csv(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the CSV file is empty"),
        ("  \n\n", "the CSV file is empty"),
        ("a,b\n", "has a header but no rows"),
        ("a,b\n1,2\n3\n", "line 3 has 1 field, but the first line has 2"),
        ("1,2\n3,4,5\n", "line 2 has 3 fields, but the first line has 2"),
        ("a\x00b\n", "the file is not text"),
    ],
)
def test_malformed_files(text, message):
    with pytest.raises(CsvError) as info:
        parse_csv(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,x\n", "line 2, column 'b': 'x' is not a number"),
        ("a,b\n1,2\n1,\n", "line 3, column 'b' is empty; choose to drop such rows"),
        ("a,b\n1,2\n1,NA\n", "line 3, column 'b' is missing ('NA')"),
    ],
)
def test_select_names_the_cell(text, message):
    with pytest.raises(CsvError) as info:
        parse_csv(text).select(["a", "b"])
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["size"], "there is no column named 'size' (columns: 'a', 'b', 'a')"),
        ([3], "column index 3 is out of range (the file has 3 columns: 0 to 2)"),
        (["a"], "the column name 'a' appears 2 times; choose by index"),
        ([], "choose at least one column"),
    ],
)
def test_bad_column_choices(columns, message):
    table = parse_csv("a,b,a\n1,2,3\n")
    with pytest.raises(CsvError) as info:
        table.select(columns)
    assert message in str(info.value)


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    with pytest.raises(CsvError, match="cannot open"):
        read_csv(tmp_path / "missing.csv")
    big = tmp_path / "big.csv"
    big.write_text("a\n" + "1\n" * 100)
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 50)
    opened = []
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a))
    with pytest.raises(CsvError, match=r"too large \(0.0 MB; at most 0 MB\)"):
        read_csv(big)
    assert opened == []
    monkeypatch.undo()
    monkeypatch.setattr(csv_data, "MAX_ROWS", 99)
    with pytest.raises(CsvError, match="more than 99 rows, the most that can be used"):
        read_csv(big)
    assert len(read_csv(big, limit_rows=5).cells) == 5  # a preview of a long file


def test_progress_is_told_and_can_stop_the_reading():
    text = "a,b\n" + "1,2\n" * 12_000
    told = []
    table = parse_csv(text, progress=lambda f: told.append(f) or True)
    assert len(table.cells) == 12_000 and len(told) == 2 and 0 < told[0] < told[1] < 1
    with pytest.raises(csv_data.CsvCancelled, match="the loading was cancelled"):
        parse_csv(text, progress=lambda f: False)
