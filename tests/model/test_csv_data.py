"""CSV files as data: columns by name or index, and one clear line for every malformed file."""

from __future__ import annotations

import pytest

from backprop_studio.model import csv_data
from backprop_studio.model.csv_data import CsvError, csv_leaf, parse_csv, read_csv
from backprop_studio.model.graph import Graph, Node


def test_header_and_columns_by_name_or_index():
    table = parse_csv("area,rooms,price\n50,2,100.5\n80, 3 ,180\n")
    assert table.has_header and table.columns == ("area", "rooms", "price")
    assert table.rows == ((50.0, 2.0, 100.5), (80.0, 3.0, 180.0))
    assert table.select(["price", 0]) == [[100.5, 50.0], [180.0, 80.0]]


def test_without_a_header_columns_are_numbered():
    table = parse_csv("1;2\n3;4\n\n")
    assert not table.has_header and table.columns == ("0", "1")
    assert table.select([1]) == [[2.0], [4.0]]
    assert parse_csv("1\t2\n3\t4").rows == ((1.0, 2.0), (3.0, 4.0))
    assert parse_csv("\ufeffa\n1e-3\n").rows == ((0.001,),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the CSV file is empty"),
        ("  \n\n", "the CSV file is empty"),
        ("a,b\n", "has a header but no rows"),
        ("a,b\n1,2\n3\n", "line 3 has 1 field, but the header has 2"),
        ("1,2\n3,4,5\n", "line 2 has 3 fields, but line 1 has 2"),
        ("a,b\n1,x\n", "line 2, column 'b': 'x' is not a number"),
        ("a,b\n1,\n", "line 2, column 'b' is empty"),
        ("a,b\n1,nan\n", "line 2, column 'b': 'nan' is not finite"),
        ("a,b\n1,inf\n", "is not finite"),
        ('a,b\n"1,2\n', "line 2 has 1 field"),
    ],
)
def test_malformed_files(text, message):
    with pytest.raises(CsvError) as info:
        parse_csv(text)
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


def test_huge_and_unreadable_files(tmp_path, monkeypatch):
    with pytest.raises(CsvError, match="cannot open"):
        read_csv(tmp_path / "missing.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"a\n\xff\xfe\n")
    with pytest.raises(CsvError, match="not UTF-8"):
        read_csv(binary)
    big = tmp_path / "big.csv"
    big.write_text("a\n" + "1\n" * 100)
    monkeypatch.setattr(csv_data, "MAX_CSV_BYTES", 50)
    with pytest.raises(CsvError, match="too large"):
        read_csv(big)
    monkeypatch.setattr(csv_data, "MAX_CSV_BYTES", 10_000)
    monkeypatch.setattr(csv_data, "MAX_ROWS", 99)
    with pytest.raises(CsvError, match="100 rows; at most 99"):
        read_csv(big)


def test_a_data_leaf_from_a_file(tmp_path):
    path = tmp_path / "houses.csv"
    path.write_text("area,price\n50,100\n80,180\n")
    value, attrs = csv_leaf(path, ["area"])
    assert value == [[50.0], [80.0]]
    assert attrs == {"csv": str(path), "columns": ("area",)}
    node = Graph().add_node(Node("x", "data", value=value, attrs=attrs))
    assert node.attrs == attrs and node.recipe is None
