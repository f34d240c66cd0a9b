"""The listings answered from derived tables are the SPARQL answers, byte for byte.

Each served query (``kg.listings.SERVED``) runs twice on the same store: from the generation's
table (the default) and by SPARQL (``open_store(..., listings=False)``, ``kg query --no-table``),
with every parameter combination and in every output format, on the seed with the second report
(two claimants on one claim, states without a start, ended holdings) and on a synthetic store
(dates over two years, many sources); the neighbourhood for every entity either store has in a
relation. The table must really have answered: each store's generation holds a table stamped as
serving, and the listing says it answers. Then what keeps the table honest: a table of another
generation is not read, a failed build leaves the previous store and its table answering, claims
the table cannot reproduce send every listing to SPARQL, and so does a neighbourhood whose rows
would tie in its ORDER BY; what a killed build left beside the tables is removed, and what a live
one is writing is not.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg import listings, params, queries
from kg.cli import cli
from kg.errors import KGError
from tests.helpers import ROOT, add_second_report, build_synthetic

FORMATS = [ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV, ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML]

CASES = [
    ("claims", {}),
    ("claims", {"as_of": "2024-12-08"}),
    ("claims", {"as_of": "2024-12-08", "dated_only": "true"}),
    ("claims", {"as_of": "2024-11-30", "dated_only": "false"}),
    ("claims", {"as_of": "2025-06-01"}),
    ("claims", {"dated_only": "true"}),
    ("claims-below-grade", {"grade": "B2"}),
    ("claims-below-grade", {"grade": "A1"}),
    ("claims-below-grade", {"grade": "F6"}),
    ("claims-below-grade", {"grade": "c3", "as_of": "2024-12-08"}),
    ("claims-below-grade", {"grade": "B3", "as_of": "2025-06-01", "dated_only": "true"}),
    ("neighbourhood", {"entity": "HTS"}),
    ("neighbourhood", {"entity": "Assad"}),
    ("neighbourhood", {"entity": "Damascus"}),
    ("neighbourhood", {"entity": "kge:russia"}),
]


def _build(root: Path, *, second: bool = True, extra: str | None = None) -> Path:
    """The store of the project's data (and the second report) built at ``root / "store"``."""
    shutil.copytree(ROOT / "data", root / "data")
    if second:
        add_second_report(root / "data")
    if extra is not None:
        (root / "data" / "extra.trig").write_text(extra, encoding="utf-8")
    kg.build([ROOT / "ontology", root / "data"], store_path=root / "store")
    return root / "store"


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8,000 synthetic triples (claims dated over two years from 2024) and the seed."""
    return build_synthetic(tmp_path_factory.mktemp("synthetic"), triples=8_000, seed=3)


def _meta(store: kg.Store, name: str = "claims") -> dict[str, str]:
    assert store.generation is not None
    with sqlite3.connect(listings.table_path(store.generation, name)) as connection:
        return dict(connection.execute("SELECT key, value FROM meta"))


@pytest.mark.parametrize("which", ["seed", "synthetic"])
@pytest.mark.parametrize(("name", "values"), CASES)
def test_every_format_is_the_sparql_answer(request: pytest.FixtureRequest, which: str, name: str, values: dict) -> None:
    path = request.getfixturevalue(which)
    table, sparql = kg.open_store(path), kg.open_store(path, listings=False)
    for format in FORMATS:
        assert table.results(name, format=format, **values) == sparql.results(name, format=format, **values), format
    from_table, by_sparql = table.query(name, **values), sparql.query(name, **values)
    assert isinstance(from_table, kg.SelectResult) and isinstance(by_sparql, kg.SelectResult)
    assert (from_table.variables, from_table.rows) == (by_sparql.variables, by_sparql.rows)
    assert from_table.records() == by_sparql.records()
    assert list(table.iter_rows(name, **values)) == list(sparql.iter_rows(name, **values))
    # the table answered this case (its parameters among those it compares), not SPARQL twice
    assert table.generation is not None and _meta(table, name)["servable"] == "1"
    saved = queries.get(name)
    assert listings.solutions(table.generation, table.inner, saved, params.bind(table, saved, values)) is not None


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_the_parameters_change_the_answer(request: pytest.FixtureRequest, which: str) -> None:
    """The cases above are not all the same answer: the as-of, dated-only and grade filters each remove rows."""
    store = kg.open_store(request.getfixturevalue(which))
    sizes = {
        (name, tuple(values.items())): len(store.results(name, format=ox.QueryResultsFormat.TSV, **values).splitlines())
        for name, values in CASES
    }
    everything = sizes[("claims", ())]
    assert sizes[("claims", (("as_of", "2024-12-08"),))] < everything
    if which == "seed":  # the synthetic claims all have a start
        dated = sizes[("claims", (("as_of", "2024-12-08"), ("dated_only", "true")))]
        assert dated < sizes[("claims", (("as_of", "2024-12-08"),))]
    assert 1 < sizes[("claims-below-grade", (("grade", "B2"),))] < sizes[("claims-below-grade", (("grade", "A1"),))]
    assert sizes[("claims-below-grade", (("grade", "F6"),))] == 1  # the header alone: nothing is worse than F6


def test_a_claim_with_two_claimants_names_both_in_sparql_s_order(seed: Path) -> None:
    rows = [row for row in kg.open_store(seed).query("claims").records() if "; " in str(row["claimant"])]
    assert rows and all(row["claimant"] == "Mohammed al-Rahmoun; Syrian Ministry of Defense" for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table", "md"])
@pytest.mark.parametrize(
    "args",
    [
        ["claims"],
        ["claims", "--as-of", "2024-12-08", "--dated-only"],
        ["claims", "--limit", "7"],
        ["claims-below-grade", "-p", "grade=B2", "--as-of", "2024-12-08"],
        ["claims-below-grade", "-p", "grade=C3", "--limit", "3"],
    ],
)
def test_kg_query_prints_the_same_with_and_without_the_table(seed: Path, fmt: str, args: list[str]) -> None:
    def run(*more: str) -> str:
        result = CliRunner().invoke(cli, ["--store", str(seed), "query", *args, "--format", fmt, *more])
        assert result.exit_code == 0, result.output
        return result.output

    assert run() == run("--no-table")
    claims = CliRunner().invoke(cli, ["--store", str(seed), "claims", "--format", fmt])
    assert claims.exit_code == 0 and claims.output


def test_a_store_named_by_a_relative_path_answers_from_its_table(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``kg --store .kg claims`` from the project's folder: the table is opened by an absolute URI."""
    monkeypatch.chdir(seed.parent)
    relative = CliRunner().invoke(cli, ["--store", seed.name, "query", "claims", "--format", "csv"])
    assert relative.exit_code == 0, relative.output
    absolute = CliRunner().invoke(cli, ["--store", str(seed), "query", "claims", "--format", "csv", "--no-table"])
    assert relative.output == absolute.output


def test_a_query_text_other_than_the_saved_one_is_answered_by_sparql(seed: Path, tmp_path: Path) -> None:
    """Only the saved text is served: the same file with a LIMIT is another query, answered as written."""
    text = (ROOT / "kg" / "queries" / "claims.rq").read_text(encoding="utf-8") + "LIMIT 2\n"
    (tmp_path / "claims.rq").write_text(text, encoding="utf-8")
    result = kg.open_store(seed).query(str(tmp_path / "claims.rq"))
    assert isinstance(result, kg.SelectResult) and len(result) == 2


def test_a_table_of_another_generation_is_not_read(tmp_path: Path) -> None:
    """A table copied into a newer generation (of more claims) is replaced, not believed."""
    store_path = _build(tmp_path, second=False)
    older = kg.open_store(store_path)
    before = older.results("claims", format=ox.QueryResultsFormat.TSV)
    add_second_report(tmp_path / "data")
    kg.build([ROOT / "ontology", tmp_path / "data"], store_path=store_path)
    newer = kg.open_store(store_path)
    assert older.generation is not None and newer.generation is not None and older.generation != newer.generation
    shutil.copy(listings.table_path(older.generation, "claims"), listings.table_path(newer.generation, "claims"))
    after = newer.results("claims", format=ox.QueryResultsFormat.TSV)
    assert after == kg.open_store(store_path, listings=False).results("claims", format=ox.QueryResultsFormat.TSV)
    assert len(after.splitlines()) > len(before.splitlines())
    assert _meta(newer)["generation"] == newer.generation.name


def test_an_ingest_publishes_a_generation_whose_listings_include_it(tmp_path: Path) -> None:
    """kg ingest writes a new generation (a revised copy): its listing has the new source's claims."""
    from kg.ingest.apply import ingest

    store_path = _build(tmp_path, second=False)
    before = kg.open_store(store_path).query("claims")
    falls = ROOT / "tests" / "data" / "damascus-falls"
    ingest(falls.with_suffix(".txt"), falls.with_suffix(".yaml"), store_path=store_path, data_dir=tmp_path / "data")
    store = kg.open_store(store_path)
    after = store.query("claims")
    assert isinstance(before, kg.SelectResult) and isinstance(after, kg.SelectResult)
    assert len(after) > len(before)
    assert after.rows == kg.open_store(store_path, listings=False).query("claims").rows  # type: ignore[union-attr]
    assert _meta(store)["servable"] == "1"


def test_a_failed_build_leaves_the_previous_store_and_its_table(tmp_path: Path) -> None:
    store_path = _build(tmp_path, second=False)
    store = kg.open_store(store_path)
    answer = store.results("claims", format=ox.QueryResultsFormat.CSV)
    assert store.generation is not None
    table = listings.table_path(store.generation, "claims").read_bytes()
    (tmp_path / "data" / "broken.trig").write_text("this is not TriG {", encoding="utf-8")
    with pytest.raises(KGError):
        kg.build([ROOT / "ontology", tmp_path / "data"], store_path=store_path)
    again = kg.open_store(store_path)
    assert again.generation == store.generation
    assert listings.table_path(again.generation, "claims").read_bytes() == table
    assert again.results("claims", format=ox.QueryResultsFormat.CSV) == answer


def test_claims_the_table_cannot_reproduce_go_to_sparql(tmp_path: Path) -> None:
    """A second English label (en-GB beside en) on an entity makes each of its claims two rows, in an order only the
    engine knows: the table says it cannot serve, and the listings are SPARQL's."""
    extra = (
        "@prefix kge: <https://w3id.org/conflict-kg/id/> . @prefix kgg: <https://w3id.org/conflict-kg/graph/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'kgg:entities { kge:damascus rdfs:label "Dimashq"@en-GB . }\n'
    )
    path = _build(tmp_path, extra=extra)
    store, sparql = kg.open_store(path), kg.open_store(path, listings=False)
    for name, values in CASES:
        assert store.results(name, format=ox.QueryResultsFormat.TSV, **values) == sparql.results(
            name, format=ox.QueryResultsFormat.TSV, **values
        )
    assert _meta(store, "claims")["servable"] == _meta(store, "claims-below-grade")["servable"] == "0"
    assert b"Dimashq" in store.results("claims", format=ox.QueryResultsFormat.TSV)


def test_the_benchmark_runs_and_reports_both_paths(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import bench_listings

    assert bench_listings.main(["--store", str(seed), "--repeat", "1"]) == 0
    report = capsys.readouterr().out
    assert report.count("SPARQL") >= 8 and "building the table of" in report and "tables on disk" in report
    assert "`neighbourhood entity=" in report and "the first `neighbourhood` listing" in report
    assert kg.open_store(seed).results("claims", format=ox.QueryResultsFormat.CSV) == kg.open_store(
        seed, listings=False
    ).results("claims", format=ox.QueryResultsFormat.CSV)


def test_cells_with_commas_quotes_tabs_and_line_breaks_are_written_as_sparql_writes_them(tmp_path: Path) -> None:
    """A quote and a reason holding CSV's and TSV's separators: each row is cut where Oxigraph's own
    serialiser ended it, not at a line break inside a quoted cell (built unchecked: the quote is
    not in any text, which is what the evidence checks would say)."""
    from tests.browser import TRIG_PREFIXES

    odd = 'He said, \\"go\\"\\r\\nthen\\tleft, \\"\\"twice\\"\\"'  # Turtle escapes
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "odd.trig").write_text(
        f"""{TRIG_PREFIXES}kgg:odd {{
  kgc:odd-1 a kg:Claim ; rdf:subject kge:homs ; rdf:predicate kg:locatedIn ; rdf:object kge:syria ;
      kg:asserted true ; kg:polarity kg:Affirmed ; prov:wasDerivedFrom kgs:odd ; prov:wasAttributedTo kgs:odd ;
      kg:reliability "E5" ; kg:gradeReason "first line\\nsecond, \\"quoted\\" line"@en ;
      oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{odd}" ] ,
                     [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 12 ] .
}}
""",
        encoding="utf-8",
    )
    kg.build([ROOT / "ontology", tmp_path / "data"], store_path=tmp_path / "store", validate=False)
    store, sparql = kg.open_store(tmp_path / "store"), kg.open_store(tmp_path / "store", listings=False)
    for name, values in [("claims", {}), ("claims-below-grade", {"grade": "A1"}), ("claims", {"as_of": "2024-12-08"})]:
        for format in FORMATS:
            assert store.results(name, format=format, **values) == sparql.results(name, format=format, **values)
    assert _meta(store)["servable"] == "1"
    assert b'"He said, ""go""\r\nthen\tleft' in store.results("claims", format=ox.QueryResultsFormat.CSV)


@pytest.mark.parametrize(("name", "params"), [("claims", {}), ("neighbourhood", {"entity": "HTS"})])
def test_a_damaged_table_is_one_line_of_error_then_built_again(
    tmp_path: Path, name: str, params: dict[str, str]
) -> None:
    """A table whose rows are damaged past its stamp: the listing stops with one line that says what to do,
    not a traceback, and the next listing builds the table again and is SPARQL's answer."""
    path = _build(tmp_path)
    store = kg.open_store(path)
    assert store.generation is not None
    store.results(name, format=ox.QueryResultsFormat.CSV, **params)  # builds the table
    table = listings.table_path(store.generation, name)
    pages = table.stat().st_size // 4096
    assert pages > 5, pages  # rows past the stamp's pages to damage
    with open(table, "r+b") as handle:  # the pages after the first four (header, schema, stamp): rows
        handle.seek(4 * 4096)
        handle.write(b"\xff" * (pages - 4) * 4096)
    args = ["--store", str(path), "query", name, "--format", "csv"]
    args += [f"--param={key}={value}" for key, value in params.items()]
    damaged = CliRunner().invoke(cli, args)
    assert damaged.exit_code == 1, damaged.output
    assert damaged.stderr.count("\n") == 1 and damaged.stderr.startswith(f"Error: the table of {name} at ")
    assert "--no-table" in damaged.stderr
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and again.stdout == CliRunner().invoke(cli, [*args, "--no-table"]).stdout
    assert _meta(store, name)["servable"] == "1"


def test_a_table_written_by_another_oxigraph_is_not_believed(tmp_path: Path) -> None:
    """The cells are Oxigraph's serialiser's bytes: a table stamped by another pyoxigraph (emptied here, so
    believing it would show) is built again by the one that answers SPARQL."""
    path = _build(tmp_path)
    store = kg.open_store(path)
    assert store.generation is not None
    answer = store.results("claims", format=ox.QueryResultsFormat.TSV)
    with contextlib.closing(sqlite3.connect(listings.table_path(store.generation, "claims"))) as connection, connection:
        connection.execute("UPDATE meta SET value = '0.0.1' WHERE key = 'oxigraph'")
        connection.execute("DELETE FROM rows")
    assert kg.open_store(path).results("claims", format=ox.QueryResultsFormat.TSV) == answer
    assert _meta(store)["oxigraph"] == ox.__version__


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a directory without write permission")
def test_a_generation_that_cannot_be_written_to_answers_by_sparql(tmp_path: Path) -> None:
    """A store shared read-only: no table can be written, so every listing is SPARQL's, and none fails."""
    path = _build(tmp_path)
    store, sparql = kg.open_store(path), kg.open_store(path, listings=False)
    assert store.generation is not None
    store.generation.chmod(0o555)
    try:
        for name, values in CASES[:1] + CASES[6:7]:
            tsv = ox.QueryResultsFormat.TSV
            assert store.results(name, format=tsv, **values) == sparql.results(name, format=tsv, **values)
        assert not list(store.generation.glob("*listing*"))
    finally:
        store.generation.chmod(0o755)


def _in_relations(store: kg.Store) -> list[ox.NamedNode]:
    """Every IRI at either end of a relation triple: every entity with a neighbourhood."""
    query = "SELECT DISTINCT ?e WHERE { ?r a kg:Relation . { ?e ?r ?o } UNION { ?o ?r ?e } FILTER(isIRI(?e)) }"
    return sorted((row[0] for row in store.iter_rows(query)), key=str)  # type: ignore[arg-type,return-value]


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_every_entity_s_neighbourhood_is_the_sparql_answer(request: pytest.FixtureRequest, which: str) -> None:
    """Not only the entities named in CASES: each one with a relation (41 in the seed, 98 with the synthetic
    triples), and one in none (the header alone), from the table and the same bytes as SPARQL."""
    path = request.getfixturevalue(which)
    table, sparql = kg.open_store(path), kg.open_store(path, listings=False)
    assert table.generation is not None
    entities = _in_relations(table)
    assert len(entities) > (90 if which == "synthetic" else 40)
    saved, tsv = queries.get("neighbourhood"), ox.QueryResultsFormat.TSV
    sizes = []
    for entity in [*entities, ox.NamedNode("https://w3id.org/conflict-kg/id/in-no-relation")]:
        answer = table.results("neighbourhood", format=tsv, entity=entity)
        assert answer == sparql.results("neighbourhood", format=tsv, entity=entity), entity
        assert listings.solutions(table.generation, table.inner, saved, {"entity": entity}) is not None, entity
        sizes.append(len(answer.splitlines()) - 1)
    assert sizes[-1] == 0 and max(sizes) > 50  # the header alone; and some two-hop neighbourhoods are big


def test_a_neighbourhood_that_would_tie_in_its_order_or_show_a_blank_node_is_sparql_s(tmp_path: Path) -> None:
    """A second "Homs" that HTS captured ties with Homs in every sorted column (the engine's sort is not
    stable: only it knows their order), and a blank node Assad heads is written with the engine's
    label: those neighbourhoods are SPARQL's, the same bytes; the others still come from the table,
    with what else the extra data holds: a relation labelled in French too (two words for one arrow),
    a place with a second English label, and one whose second label differs only in its language
    (ordered by language after the value, as Oxigraph orders them)."""
    from tests.browser import TRIG_PREFIXES

    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "extra.trig").write_text(
        f"""{TRIG_PREFIXES}kgg:extra {{
  kge:homs-2 a kg:City ; rdfs:label "Homs"@en .
  kge:hts kg:captured kge:homs-2 .
  kge:bashar-al-assad kg:headOf [ a kg:ArmedGroup ; rdfs:label "Unnamed unit"@en ] .
  kg:captured rdfs:label "a pris"@fr .
  kge:damascus rdfs:label "Dimashq"@en-GB .
  kge:homs rdfs:label "Homs"@en-GB .
}}
""",
        encoding="utf-8",
    )
    kg.build([ROOT / "ontology", tmp_path / "data"], store_path=tmp_path / "store", validate=False)
    store, sparql = kg.open_store(tmp_path / "store"), kg.open_store(tmp_path / "store", listings=False)
    assert store.generation is not None
    saved = queries.get("neighbourhood")
    served = []
    for entity in _in_relations(store):
        for format in FORMATS:
            mine = store.results("neighbourhood", format=format, entity=entity)
            assert mine == sparql.results("neighbourhood", format=format, entity=entity), (entity, format)
        served.append(listings.solutions(store.generation, store.inner, saved, {"entity": entity}) is not None)
        if entity.value.endswith(("/hts", "/bashar-al-assad")):
            assert not served[-1], entity
    assert b'"Homs"@en' in store.results("neighbourhood", format=ox.QueryResultsFormat.TSV, entity="HTS")
    assert any(served) and _meta(store, "neighbourhood")["servable"] == "1"
    latakia = store.results("neighbourhood", format=ox.QueryResultsFormat.TSV, entity="Latakia")
    assert listings.solutions(store.generation, store.inner, saved, params.bind(store, saved, {"entity": "Latakia"}))
    assert b'"\xe2\x86\x90 a pris"' in latakia and b'"Dimashq"@en-gb' in latakia
    assert latakia.index(b'"Homs"@en\t') < latakia.index(b'"Homs"@en-gb\t')


_WRITER = """
import sys
from pathlib import Path
from kg import listings
with listings.temporary(Path(sys.argv[1])) as written_to:
    print(written_to, flush=True)
    sys.stdin.read()
"""


def _writer(table: Path) -> tuple[subprocess.Popen, Path]:
    """Another process writing the next version of ``table``: it holds its file beside the table until its
    stdin is closed. Returns once the file is made and locked (the process says where it is)."""
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(table)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    return process, Path(process.stdout.readline().strip())


def test_a_killed_build_s_file_is_removed_and_a_live_one_s_is_not(tmp_path: Path) -> None:
    """A first listing killed while it wrote its table leaves a hidden file in the generation: the next
    table build removes it. A file another process is still writing stays, and that process removes its
    own when it ends without finishing."""
    path = _build(tmp_path, second=False)
    store = kg.open_store(path)
    assert store.generation is not None
    table = listings.table_path(store.generation, "claims")
    killed, left = _writer(table)
    with killed:  # its pipes closed, once it is gone
        killed.send_signal(signal.SIGKILL)
        assert killed.wait() == -signal.SIGKILL
    live, writing = _writer(table)
    with live:
        assert left.exists() and writing.exists() and left != writing and not table.exists()
        args = ["--store", str(path), "claims", "--format", "csv"]
        answer = CliRunner().invoke(cli, args)
        assert answer.exit_code == 0 and answer.stdout == CliRunner().invoke(cli, [*args, "--no-table"]).stdout
        assert table.exists() and not left.exists() and writing.exists()
        assert listings.remove_stale(store.generation) == []  # nothing stale: the live writer's file stays
        assert writing.exists()
        assert live.stdin is not None
        live.stdin.close()  # it ends without renaming its file
        assert live.wait() == 0
    assert not writing.exists()
    assert sorted(p.name for p in store.generation.glob(".listing-*")) == []


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["claims", "--format", "csv"], "claims"),
        (["claims", "--as-of", "2024-12-08", "--format", "table"], "claims"),
        (["query", "claims-below-grade", "-p", "grade=B2", "--format", "tsv"], "claims-below-grade"),
        (["query", "neighbourhood", "-p", "entity=HTS", "--format", "csv"], "neighbourhood"),
        (["query", "neighbourhood", "-p", "entity=Damascus", "--format", "md"], "neighbourhood"),
        (["viz", "-o", "{out}"], "claims"),
        (["map", "-o", "{out}"], "claims"),
    ],
)
def test_no_table_answers_by_sparql_on_every_command_that_reads_a_table(
    seed: Path, tmp_path: Path, args: list[str], name: str
) -> None:
    """Each command whose answer reads a listing's table takes --no-table: it writes no table (SPARQL
    answered) and prints or saves the same as the command without it, which builds the table."""
    generation = kg.open_store(seed).generation
    assert generation is not None
    table = listings.table_path(generation, name)

    def run(*more: str) -> bytes:
        out = tmp_path / f"page{len(more)}.html"
        result = CliRunner().invoke(cli, ["--store", str(seed), *(a.format(out=out) for a in args), *more])
        assert result.exit_code == 0, result.output
        return out.read_bytes() if "{out}" in args else result.stdout_bytes

    table.unlink(missing_ok=True)
    by_sparql = run("--no-table")
    assert not table.exists()
    assert run() == by_sparql
    assert table.exists() and _meta(kg.open_store(seed), name)["servable"] == "1"
