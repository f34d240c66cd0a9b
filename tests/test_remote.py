"""A remote store: the Oxigraph server, built and queried through `--store sparql+http://...`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg import queries, sparql
from kg import remote as endpoints
from kg.cli import cli
from kg.namespaces import PREFIXES
from kg.project import to_networkx
from tests.servers import oxigraph_server

EXAMPLES = {
    "actor": "Hezbollah",
    "place": "Homs",
    "host": "Iraq",
    "entity": "Homs",
    "claimant": "SOHR",
    "source": "kgs:syrian-rebels-advance",
    "grade": "B2",
    "type": "kg:Actor",
    "since": "2024-11-01",
    "until": "2024-12-31",
    "as_of": "2024-12-08",
    "dated_only": "false",
    "relation": "kg:alliedWith",
    "from": "2024-12-01",
    "to": "2024-12-08",
}


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> str:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "db") as url:
        result = CliRunner().invoke(cli, ["--store", url, "build"])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"Built {url}: ")
        yield url


def normalised(result: kg.SelectResult) -> list[tuple]:
    """Rows as sorted tuples; GROUP_CONCAT'd cells have no defined order, so their parts are sorted."""

    def cell(value: object) -> object:
        if isinstance(value, str):
            for separator in ("; ", ", "):
                if separator in value:
                    return separator.join(sorted(value.split(separator)))
        return value

    return sorted(tuple(str(cell(v)) for v in row.values()) for row in result.records())


@pytest.mark.parametrize("name", sorted(queries.catalog()))
def test_every_saved_query_answers_the_same_remotely(name: str, remote: str, store: kg.Store) -> None:
    saved = queries.get(name)
    examples = EXAMPLES | {"places-in": {"place": "Syria"}, "leaders": {"actor": "SOHR"}}.get(name, {})
    for values in ({}, {p.name: examples[p.name] for p in saved.params}):
        if any(p.required and p.name not in values for p in saved.params):
            continue
        here = store.query(name, **values)
        there = kg.open_store(remote).query(name, **values)
        assert isinstance(here, kg.SelectResult) and isinstance(there, kg.SelectResult)
        assert there.variables == here.variables
        assert normalised(there) == normalised(here), (name, values)
        assert len(here) > 0 or name in ("contested", "versions"), (name, values)  # the seed alone disagrees with none


def test_the_cli_against_the_remote_store(remote: str) -> None:
    result = CliRunner().invoke(cli, ["--store", remote, "query", "allies", "-p", "actor=Assad", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert {line.split(",")[2] for line in result.stdout.splitlines()[1:]} == {"Russia", "Iran"}
    ask = CliRunner().invoke(cli, ["--store", remote, "query", "--sparql", "ASK { kge:hts kg:captured kge:homs }"])
    assert ask.stdout == "true\n"


def test_the_projection_is_the_same_remotely(remote: str, store: kg.Store) -> None:
    here, there = to_networkx(store, inferred=True), to_networkx(kg.open_store(remote), inferred=True)
    assert sorted(there.edges(keys=True)) == sorted(here.edges(keys=True))
    assert dict(there.nodes(data=True)) == dict(here.nodes(data=True))


def test_counts_match(remote: str, store: kg.Store) -> None:
    assert len(kg.open_store(remote)) == len(store)


def test_errors_from_the_remote_store_are_one_line(remote: str, tmp_path: Path) -> None:
    bad = CliRunner().invoke(cli, ["--store", remote, "query", "--sparql", "SELECT * WHERE { ?s ?p }"])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: the endpoint refused the query: ")
    gone = CliRunner().invoke(cli, ["--store", "sparql+http://127.0.0.1:9/query", "query", "sources"])
    assert gone.exit_code == 1 and gone.stderr.startswith(
        "Error: cannot reach the SPARQL endpoint http://127.0.0.1:9/query"
    )


# A big answer from the small seed store: every quad 20 times over (50k rows, several MB).
BIG = "SELECT ?n ?s ?p ?o WHERE { VALUES ?n { " + " ".join(map(str, range(20))) + " } ?s ?p ?o }"


class Sink:
    """A binary file that counts what is written to it and keeps none of it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def traced_peak(job) -> int:
    """The most memory Python objects took while ``job`` ran (pyoxigraph's own buffers are not counted)."""
    import tracemalloc

    tracemalloc.start()
    try:
        job()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_big_answers_stream_with_flat_memory(remote: str, store: kg.Store) -> None:
    there = kg.open_store(remote)
    sink = Sink()
    streamed = traced_peak(lambda: there.stream(BIG, sink, format=kg.ResultFormat.CSV))
    assert sink.size > 4_000_000
    rows = 0

    def count() -> None:
        nonlocal rows
        rows = sum(1 for _ in there.iter_rows(BIG))

    parsed = traced_peak(count)
    whole = traced_peak(lambda: there.results(BIG, format=kg.ResultFormat.CSV))
    assert rows == 20 * len(list(store.iter_rows("SELECT * WHERE { ?s ?p ?o }")))
    # Reading the answer whole holds all of it; streaming holds a chunk at a time
    assert whole > sink.size
    assert streamed < sink.size / 20
    assert parsed < sink.size / 20


def test_streamed_rows_are_the_embedded_rows(remote: str, store: kg.Store) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }"  # blank node ids differ
    there = sorted(tuple(str(term) for term in row) for row in kg.open_store(remote).iter_rows(query))
    here = sorted(tuple(str(term) for term in row) for row in store.iter_rows(query))
    assert there == here and len(here) > 1500


def test_the_cli_streams_machine_formats_remotely(remote: str, store: kg.Store) -> None:
    for fmt in ("csv", "tsv", "json", "xml"):
        there = CliRunner().invoke(cli, ["--store", remote, "query", "claims", "--format", fmt])
        here = CliRunner().invoke(cli, ["--store", str(store.path), "query", "claims", "--format", fmt])
        assert there.exit_code == 0 and here.exit_code == 0, (there.output, here.output)
        assert there.stdout_bytes.endswith(b"\n") and here.stdout_bytes.endswith(b"\n")
        assert len(there.stdout_bytes) == len(here.stdout_bytes) > 10_000, fmt


@pytest.mark.parametrize("server", ["Apache Jena Fuseki (4.10.0)", "GraphDB/10.6.3 RDF4J/4.3.11", "Virtuoso/07.20", ""])
def test_saved_queries_reach_other_servers_without_lateral(server: str) -> None:
    """LATERAL is Oxigraph's extension: any other server (a missing Server header too) gets every saved
    query without it, still valid SPARQL; Oxigraph gets the text as written."""
    rewritten = 0
    for name, saved in sorted(queries.catalog().items()):
        sent = endpoints._prepare(saved.text, {}, server)
        assert not any(t.keyword == "LATERAL" for t in sparql.tokens(sent)), name
        kg.Store.from_turtle("").inner.query(sent, prefixes=PREFIXES)  # parses: a syntax error raises
        rewritten += sent != saved.text
        assert endpoints._prepare(saved.text, {}, "Oxigraph/0.5.13") == saved.text
    assert rewritten >= 15  # the saved queries that use LATERAL
