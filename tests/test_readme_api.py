"""The README's "Python API" section, run as written, in order, in one namespace that starts
empty (so a block can only use the names it imports from ``backprop_studio``): a ``pycon``
block is a doctest whose printed results must match, a ``python`` block is run."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

import backprop_studio

README = Path(backprop_studio.__file__).resolve().parents[1] / "README.md"


class PublicNames(doctest.OutputChecker):
    """An exception is written as the reader catches it, ``ProgramError: …``, not by the
    module it happens to be defined in; its message is still compared in full."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        got = re.sub(r"^(?:\w+\.)+(\w+:)", r"\1", got, flags=re.M)
        return super().check_output(want, got, optionflags)


def api_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Python API\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def blocks(kinds: tuple[str, ...] = ("pycon", "python")) -> list[tuple[str, str]]:
    """(kind, text) of each fenced block of ``kinds``, in order."""
    found = re.findall(r"```(\w+)\n(.*?)```", api_section(), re.S)
    return [(kind, text) for kind, text in found if kind in kinds]


def test_the_section_has_blocks_and_names_every_public_name():
    section = api_section()
    assert len(blocks(("pycon",))) >= 5 and blocks(("python",))
    for name in backprop_studio.__all__:
        if name != "__version__":
            assert f"`{name}" in section or f"{name}(" in section, name


def test_the_blocks_import_only_public_names():
    imported = set()
    for _, block in blocks():
        for names in re.findall(r"from (\S+) import ([^\n]+)", block):
            assert names[0] == "backprop_studio", names
            imported |= {n.strip() for n in names[1].split(",")}
    assert imported and imported <= set(backprop_studio.__all__)
    assert not re.search(r"^>>> import ", "\n".join(text for _, text in blocks()), re.M)


def test_every_block_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a block saves a file
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(checker=PublicNames(), optionflags=doctest.NORMALIZE_WHITESPACE)
    namespace: dict = {}
    for number, (kind, block) in enumerate(blocks(), 1):
        if kind == "python":
            exec(compile(block, f"README block {number}", "exec"), namespace)
            continue
        test = parser.get_doctest(block, namespace, f"README block {number}", str(README), 0)
        failures: list[str] = []
        runner.run(test, out=failures.append, clear_globs=False)
        namespace = test.globs  # the next block goes on from here, as a reader would
        if failures:
            pytest.fail("".join(failures))
    assert runner.summarize(verbose=False).attempted >= 25
