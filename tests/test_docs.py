"""The README cannot drift: its examples run, its output is real, and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import queries
from kg.cli import cli
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_quick_start_is_two_make_targets() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in blocks("sh")[0].splitlines() if line.strip()]
    assert commands == ["make demo", "make test"] and "make demo" in quick
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_shown_output_is_what_the_command_prints(built_store: Path) -> None:
    for block in blocks("text"):
        if not block.startswith("$ kg "):
            continue
        command, *expected = block.splitlines()
        args = command.removeprefix("$ kg ").split()
        result = CliRunner().invoke(cli, ["--store", str(built_store), *args])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == expected


def test_python_examples_run(built_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_STORE", str(built_store))
    for block in blocks("python"):
        exec(compile(block, "README.md", "exec"), {})


def test_every_command_is_documented() -> None:
    for name in cli.commands:
        assert f"`kg {name}" in README, f"kg {name} is not in the README"


def test_the_query_library_table_is_generated_from_the_headers() -> None:
    block = re.search(r"<!-- queries:start[^\n]*-->\n(.*?)<!-- queries:end -->", README, flags=re.DOTALL)
    assert block, "the README lost its generated query table"
    current = CliRunner().invoke(cli, ["queries", "--format", "md"]).stdout
    assert block[1] == current, "the README's query table is stale: run `make docs`"
    assert all(f"| {name} |" in current for name in queries.catalog())


def test_the_example_claim_is_the_real_one() -> None:
    trig = (ROOT / "data" / "syrian-rebels-advance.trig").read_text(encoding="utf-8")
    claim = trig.split("kgc:syrian-rebels-advance-47 a kg:Claim ;", 1)[1].split("\n\n", 1)[0]
    assert "oa:start 2901" in claim and "oa:end 2945" in claim and 'kg:reliability "C1"' in claim
