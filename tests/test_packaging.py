"""The installed package holds every module: pyproject lists its packages by hand, and a package
left out is missing from a wheel although an editable install (which reads the tree) still has it."""

from __future__ import annotations

from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_directory_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "backprop_studio").rglob("__init__.py")
    }
    assert on_disk - listed == set()
    assert listed - on_disk == {"backprop_studio.resources"}
