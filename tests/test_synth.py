"""Synthetic data is valid kg data, reproducible, and the benchmark built on it still runs."""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path

import pytest

import kg
from kg import synth
from kg.errors import ParameterError
from kg.project import to_networkx
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[synth.SynthReport, kg.Store]:
    folder = tmp_path_factory.mktemp("synth")
    report = synth.generate(folder / "data", relations=60, seed=7, per_source=25)
    kg.build([ROOT / "ontology", folder / "data"], store_path=folder / "store")  # validated, as a user's build
    return report, kg.open_store(folder / "store")


def test_the_build_accepts_it_and_the_projection_counts_its_relations(synthetic) -> None:
    report, store = synthetic
    assert (report.relations, report.entities, report.sources) == (60, 20, 3)
    graph = to_networkx(store)
    assert graph.number_of_edges() == report.relations
    assert graph.number_of_nodes() == report.entities
    claims = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a kg:Claim }").records()[0]["n"]
    assert claims == report.claims


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = synth.generate(tmp_path / "a", relations=60, seed=3)
    synth.generate(tmp_path / "b", relations=60, seed=3)
    names = [p.relative_to(first.directory) for p in first.files]
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", [str(n) for n in names], shallow=False)
    assert (len(match), mismatch, errors) == (len(names), [], [])
    other = synth.generate(tmp_path / "c", relations=60, seed=4)
    assert other.files[1].read_bytes() != first.files[1].read_bytes()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"relations": 0}, "at least 1"),
        ({"relations": 500, "entities": 8}, "cannot carry 500 distinct relations"),
        ({"relations": 10, "entities": 3}, "at least 7 entities"),
    ],
)
def test_impossible_requests_are_refused(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        synth.generate(tmp_path / "x", **options)


def test_an_existing_directory_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ParameterError, match="not an empty directory"):
        synth.generate(tmp_path, relations=10)


def test_the_benchmark_runs_at_a_tiny_scale(synthetic, capsys: pytest.CaptureFixture[str]) -> None:
    _, store = synthetic
    spec = importlib.util.spec_from_file_location("bench_analysis", ROOT / "benchmarks" / "bench_analysis.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--store", str(store.path), "--relations", "60"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "| step | kg (s) | baseline | baseline (s) | ratio |"
    steps = [line.split(" | ")[0].lstrip("| ") for line in lines[4:]]
    assert steps == [
        "(baseline only) parse the store into rdflib",
        "projection",
        "projection, CPU time",
        "centrality",
        "kcore",
        "blocs",
        "path (with evidence)",
        "ego, radius 1 (with evidence)",
        "control",
        "summary",
    ]


def test_kg_synth_aims_at_a_size_in_triples_and_kg_build_takes_the_folder(tmp_path: Path) -> None:
    import pyoxigraph as ox
    from click.testing import CliRunner

    from kg.cli import cli

    out = tmp_path / "synth"
    result = CliRunner().invoke(cli, ["synth", "--triples", "20000", "--seed", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "873 relations" in result.output
    written = sum(1 for f in out.rglob("*.trig") for _ in ox.parse(path=str(f), base_iri=f.resolve().as_uri()))
    assert 19_000 <= written <= 21_000
    built = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "build", str(ROOT / "ontology"), str(out)])
    assert built.exit_code == 0, built.output
    again = CliRunner().invoke(cli, ["synth", "--triples", "20000", "-o", str(out)])
    assert again.exit_code == 1
    assert again.output.strip().endswith("is not an empty directory; give a new one")
    neither = CliRunner().invoke(cli, ["synth", "-o", str(tmp_path / "other")])
    assert (neither.exit_code, neither.output.strip()) == (1, "Error: give one of --triples or --relations")
