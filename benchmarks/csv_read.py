"""Reading a 100,000-row CSV file: the studio's reader against pandas and pyarrow.

Run:  python benchmarks/csv_read.py [--rows 100000] [--repeat 5] [--old PATH]

The file is iris-like: four numeric features and a text label, 100,000 rows (the most a data
leaf may hold). Each reader goes from the file on disk to the float feature rows and the class
index of every row, so the work compared is the same:

- ``studio``: ``model.csv_data.read_csv`` + ``csv_prepare.prepare`` (stdlib ``csv``, detection of
  encoding, delimiter, decimal mark and header, labels, missing-value checks), in pure Python;
- ``stdlib``: ``csv.reader`` and ``float()`` alone, the floor for a pure-Python reader;
- ``pandas``: ``pandas.read_csv`` (C parser) and ``factorize(sort=True)``;
- ``pyarrow``: ``pyarrow.csv.read_csv`` and ``dictionary_encode``;
- ``old``: the parser before text labels (``--old`` path to that module), on the same file with
  the label written as a number, since it refused text.

pandas and pyarrow are timed only when importable: they are not dependencies of the studio.
The best of ``--repeat`` runs is printed, in milliseconds, with the ratio to ``studio``.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable

from backprop_studio.model import csv_data, csv_prepare

SPECIES = ("setosa", "versicolor", "virginica")


def write_file(path: str, rows: int, numeric_label: bool) -> None:
    rng = random.Random(0)
    with open(path, "w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        for _ in range(rows):
            k = rng.randrange(3)
            values = [round(rng.gauss(4 + k, 0.5), 2) for _ in range(4)]
            writer.writerow([*values, k if numeric_label else SPECIES[k]])


def studio(path: str) -> int:
    table = csv_data.read_csv(path)
    data = csv_prepare.prepare(table, csv_prepare.CsvChoice(target="species"), path)
    return len(data.x)


def stdlib(path: str) -> int:
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        next(reader)
        rows, labels, index = [], [], {}
        for row in reader:
            rows.append([float(v) for v in row[:4]])
            labels.append(index.setdefault(row[4], len(index)))
    return len(rows)


def with_pandas(path: str) -> int:
    import pandas

    frame = pandas.read_csv(path)
    x = frame.iloc[:, :4].to_numpy(dtype="float64")
    codes, _ = pandas.factorize(frame["species"], sort=True)
    return len(x) + 0 * len(codes)


def with_pyarrow(path: str) -> int:
    import pyarrow.csv

    table = pyarrow.csv.read_csv(path)
    x = [table.column(i).to_numpy() for i in range(4)]
    codes = table.column("species").dictionary_encode()
    return len(x[0]) + 0 * len(codes)


def best(fn: Callable[[str], int], path: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--old", help="path of the earlier csv_data.py, to time it too")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    text_file, number_file = (os.path.join(folder, f) for f in ("text.csv", "numbers.csv"))
    write_file(text_file, args.rows, numeric_label=False)
    write_file(number_file, args.rows, numeric_label=True)
    print(f"{args.rows:,} rows, {os.path.getsize(text_file) / 2**20:.1f} MB, best of {args.repeat}")
    readers: dict[str, tuple[Callable[[str], int], str]] = {
        "studio": (studio, text_file),
        "stdlib": (stdlib, text_file),
    }
    if args.old:
        spec = importlib.util.spec_from_file_location("old_csv_data", args.old)
        assert spec and spec.loader
        old = importlib.util.module_from_spec(spec)
        sys.modules["old_csv_data"] = old
        spec.loader.exec_module(old)
        readers["old"] = (lambda p: len(old.read_csv(p).rows), number_file)
    for name, fn in (("pandas", with_pandas), ("pyarrow", with_pyarrow)):
        if importlib.util.find_spec(name) is not None:
            readers[name] = (fn, text_file)
    base = None
    for name, (fn, path) in readers.items():
        ms = best(fn, path, args.repeat)
        base = base or ms
        print(f"{name:8s} {ms:8.1f} ms   {ms / base:5.2f}× studio")


if __name__ == "__main__":
    main()
