"""Virtuoso Open Source (Debian's virtuoso-opensource) as a remote store: the seed and a second
report exported with `kg export --format nq`, bulk-loaded with Virtuoso's `ld_dir` and
`rdf_loader_run`, then every saved query through `--store sparql+http://...` against the embedded
answer. Where Virtuoso answers otherwise the README ("Remote stores") says so, and the tests here
hold it to exactly that."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg import queries
from kg.cli import cli
from kg.ingest.apply import import_events
from kg.map import map_data
from kg.project import to_networkx
from kg.terms import Term
from tests.helpers import ROOT
from tests.servers import VIRTUOSO_DEFAULT_GRAPH, virtuoso_available, virtuoso_server
from tests.test_events import ACLED
from tests.test_remote import EXAMPLES

pytestmark = pytest.mark.skipif(
    not virtuoso_available(),
    reason="Virtuoso is not installed: `make test` installs Debian's virtuoso-opensource (virtuoso-t, isql-vt)",
)

XSD = "http://www.w3.org/2001/XMLSchema#"
BOOLEAN, INTEGER = ox.NamedNode(XSD + "boolean"), ox.NamedNode(XSD + "integer")

SPECIFIC = {
    "places-in": {"place": "Syria"},
    "leaders": {"actor": "SOHR"},
    "contested": {"as_of": "2024-12-12"},  # after the second report, which disagrees with the seed
    "versions": {"entity": "Iran"},
}
"""Parameters, where test_remote's examples find nothing in the two-source store."""


@pytest.fixture(scope="module")
def falls_store(falls: Path) -> kg.Store:
    return kg.open_store(falls / "store")


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, falls: Path) -> str:
    """A Virtuoso loaded with the two-source store's dump by its bulk loader; yields kg's store URL."""
    directory = tmp_path_factory.mktemp("virtuoso")
    with virtuoso_server(directory) as server:
        dump = directory / "kg.nq"
        exported = CliRunner().invoke(
            cli, ["--store", str(falls / "store"), "export", "--format", "nq", "-o", str(dump)]
        )
        assert exported.exit_code == 0, exported.output
        server.bulk_load(dump)
        yield server.url


def normalised(result: kg.SelectResult, booleans: set[int], concatenated: set[int]) -> list[tuple[str, ...]]:
    """The rows, sorted, with what Virtuoso is documented to answer otherwise written one way (README,
    "Remote stores"): in a boolean column (``booleans``), a boolean a query computes comes back as the
    integer 0 or 1 and a stored one as "0" or "1" typed xsd:boolean; in a GROUP_CONCAT column
    (``concatenated``), an aggregate over nothing is "" where Oxigraph leaves the cell unbound, the
    parts' language tag is dropped, and the parts come in no defined order."""

    def cell(column: int, term: Term | None) -> str:
        if column in booleans and isinstance(term, ox.Literal) and term.datatype in (BOOLEAN, INTEGER):
            return {"1": "true", "0": "false"}.get(term.value, term.value)
        if column in concatenated:
            if term is None:
                return repr("")
            assert isinstance(term, ox.Literal)
            for separator in ("; ", ", ", "|", " "):
                if separator in term.value:
                    return repr(separator.join(sorted(term.value.split(separator))))
            return repr(term.value)
        return str(term)

    return sorted(tuple(cell(i, term) for i, term in enumerate(row)) for row in result.rows)


def boolean_columns(result: kg.SelectResult) -> set[int]:
    """The columns where the embedded answer holds a boolean."""
    return {i for row in result.rows for i, term in enumerate(row) if is_boolean(term)}


def is_boolean(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.datatype == BOOLEAN


def concatenated_columns(text: str, variables: list[str]) -> set[int]:
    """The columns a ``(GROUP_CONCAT(...) AS ?name)`` of the query fills."""
    names = set()
    for match in re.finditer(r"GROUP_CONCAT\s*\(", text, re.I):
        depth, at = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[at], 0)
            at += 1
        if alias := re.compile(r"\s*AS\s+\?(\w+)", re.I).match(text, at):
            names.add(alias[1])
    return {i for i, name in enumerate(variables) if name in names}


def cases() -> list:
    """Each saved query without parameters and with every parameter, as test_remote runs them."""
    out = []
    for name, saved in sorted(queries.catalog().items()):
        for with_params in (False, True) if not any(p.required for p in saved.params) else (True,):
            out.append(pytest.param(name, with_params, id=f"{name}-{'params' if with_params else 'bare'}"))
    return out


@pytest.mark.parametrize(("name", "with_params"), cases())
def test_every_saved_query_answers_the_same_on_virtuoso(
    name: str, with_params: bool, virtuoso: str, falls_store: kg.Store
) -> None:
    saved = queries.get(name)
    examples = EXAMPLES | SPECIFIC.get(name, {})
    values = {p.name: examples[p.name] for p in saved.params} if with_params else {}
    here = falls_store.query(name, **values)
    there = kg.open_store(virtuoso).query(name, **values)
    assert isinstance(here, kg.SelectResult) and isinstance(there, kg.SelectResult)
    assert there.variables == here.variables
    assert len(here) > 0, (name, values)  # the second report disagrees with the seed: contested and versions answer
    booleans, concatenated = boolean_columns(here), concatenated_columns(saved.text, here.variables)
    assert normalised(there, booleans, concatenated) == normalised(here, booleans, concatenated), (name, values)


def test_the_union_default_graph_holds_every_graph_and_nothing_of_virtuoso(
    virtuoso: str, falls_store: kg.Store
) -> None:
    """Virtuoso answers over the union of all graphs with no setting; its own graphs are hidden (see
    servers.virtuoso_server), and the triples kg keeps in the default graph (the ontology) are in a
    graph of their own, since Virtuoso stores none outside a named graph."""
    there = kg.open_store(virtuoso)
    assert len(there) == len(falls_store) > 3000
    claim = "ASK { kgc:syrian-rebels-advance-05 rdf:subject kge:syrian-rebels }"  # in a source's named graph
    assert there.query(claim) is True and falls_store.query(claim) is True
    graphs = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    mine = {row[0].value: int(row[1].value) for row in falls_store.query(graphs).rows}
    theirs = {row[0].value: int(row[1].value) for row in there.query(graphs).rows}
    ontology = theirs.pop(VIRTUOSO_DEFAULT_GRAPH)
    assert theirs == mine and ontology == len(falls_store) - sum(mine.values()) > 900
    ontology = "SELECT (COUNT(*) AS ?n) WHERE { ?p a owl:ObjectProperty }"
    assert int(there.query(ontology).rows[0][0].value) == int(falls_store.query(ontology).rows[0][0].value) > 20


def test_the_cli_against_virtuoso(virtuoso: str, falls_store: kg.Store) -> None:
    result = CliRunner().invoke(cli, ["--store", virtuoso, "query", "allies", "-p", "actor=Assad", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert {line.split(",")[2] for line in result.stdout.splitlines()[1:]} == {"Russia", "Iran"}
    ask = CliRunner().invoke(cli, ["--store", virtuoso, "query", "--sparql", "ASK { kge:hts kg:captured kge:homs }"])
    assert ask.stdout == "true\n"
    # non-ASCII text the query itself writes (the neighbourhood's arrows) arrives intact
    hood = CliRunner().invoke(
        cli, ["--store", virtuoso, "query", "neighbourhood", "-p", "entity=Homs", "--format", "csv"]
    )
    assert hood.exit_code == 0 and "→" in hood.stdout and "←" in hood.stdout and "?" not in hood.stdout


def test_the_projection_is_the_same_on_virtuoso(virtuoso: str, falls_store: kg.Store) -> None:
    """The same edges with the same attributes: the computed ``inferred`` flag, which Virtuoso answers
    as 1 or 0, read as a boolean; a node's aliases (a GROUP_CONCAT) in any order."""
    here, there = to_networkx(falls_store, inferred=True), to_networkx(kg.open_store(virtuoso), inferred=True)
    assert sorted(there.edges(keys=True, data=True)) == sorted(here.edges(keys=True, data=True))
    assert {data["inferred"] for *_, data in here.edges(keys=True, data=True)} == {True, False}

    def nodes(graph: nx.MultiDiGraph) -> dict:
        return {n: data | {"aliases": sorted(data["aliases"].split("|"))} for n, data in graph.nodes(data=True)}

    assert nodes(there) == nodes(here)


@pytest.fixture(scope="module")
def acled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed with an ACLED export imported: event rows, which the map draws as records."""
    root = tmp_path_factory.mktemp("acled")
    shutil.copytree(ROOT / "data", root / "data")
    kg.build([ROOT / "ontology", root / "data"], store_path=root / "store")
    import_events("acled", ACLED, store_path=root / "store", data_dir=root / "data")
    return root / "store"


@pytest.fixture(scope="module")
def acled_virtuoso(tmp_path_factory: pytest.TempPathFactory, acled_store: Path) -> str:
    """A second Virtuoso, loaded with that store's dump; yields kg's store URL."""
    directory = tmp_path_factory.mktemp("virtuoso-acled")
    with virtuoso_server(directory) as server:
        dump = directory / "kg.nq"
        exported = CliRunner().invoke(cli, ["--store", str(acled_store), "export", "--format", "nq", "-o", str(dump)])
        assert exported.exit_code == 0, exported.output
        server.bulk_load(dump)
        yield server.url


@pytest.mark.parametrize("scope", [{}, {"place": "Syria"}, {"actor": "HTS"}], ids=["all", "place", "actor"])
def test_the_map_is_the_same_on_virtuoso(acled_virtuoso: str, acled_store: Path, scope: dict[str, str]) -> None:
    """kg map reads event-places' computed ``record`` flag, which Virtuoso answers as 1 or 0: a dataset's
    rows are events of their type (``y``) on both stores, not claims; a place or an actor to centre on
    is found on the remote store; and the places a place lies in (a GROUP_CONCAT) may come in any order."""
    here, there = map_data(kg.open_store(acled_store), **scope), map_data(kg.open_store(acled_virtuoso), **scope)
    assert any("y" in event for event in here["events"]) and here["places"]
    for places in (here["places"], there["places"]):  # a GROUP_CONCAT: its parts in any order
        for place in places:
            place["within"] = sorted(place["within"])
    assert there == here


def test_errors_from_virtuoso_are_one_line(virtuoso: str) -> None:
    bad = CliRunner().invoke(cli, ["--store", virtuoso, "query", "--sparql", "SELECT * WHERE { ?s ?p }"])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: ") and bad.stderr.count("\n") == 1
    assert "Traceback" not in bad.output


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_an_ask_is_yes_or_no_in_every_format_on_virtuoso(fmt: str, virtuoso: str, falls_store: kg.Store) -> None:
    """Virtuoso answers an ASK as a table (``__ASK_RETVAL``: a row with 1 for yes, no row for no); kg writes
    what the embedded store writes, in each format, streamed (``kg query``) or read whole (``Store.results``)."""
    questions = {"ASK { kge:hts kg:captured kge:homs }": "true", "ASK { kge:homs kg:captured kge:hts }": "false"}
    for question, answer in questions.items():
        there = CliRunner().invoke(cli, ["--store", virtuoso, "query", "--sparql", question, "--format", fmt])
        here = CliRunner().invoke(
            cli, ["--store", str(falls_store.path), "query", "--sparql", question, "--format", fmt]
        )
        assert there.exit_code == 0 and here.exit_code == 0, (there.output, here.output)
        assert there.stdout == here.stdout and answer in there.stdout and "ASK_RETVAL" not in there.stdout
        if fmt == "table":
            continue
        format = getattr(kg.ResultFormat, fmt.upper())
        assert kg.open_store(virtuoso).results(question, format=format) == falls_store.results(question, format=format)


def test_a_lateral_virtuoso_cannot_do_without_is_refused_in_one_line(virtuoso: str) -> None:
    """A LATERAL whose group is not a plain join (here a subquery with a LIMIT) is refused before it is sent,
    naming the query, not left for Virtuoso to misread."""
    lateral = "SELECT * WHERE { ?c a kg:Claim LATERAL { SELECT ?c ?o WHERE { ?c rdf:object ?o } LIMIT 1 } }"
    result = CliRunner().invoke(cli, ["--store", virtuoso, "query", "--sparql", lateral])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("Error: <query>: it needs LATERAL") and "(Virtuoso/" in result.stderr


def test_a_parameter_the_query_assigns_is_refused_in_one_line_on_virtuoso(
    virtuoso: str, falls_store: kg.Store, tmp_path: Path
) -> None:
    """Virtuoso takes parameters as a BIND, and a query that BINDs the same variable would be an error there:
    kg refuses it in one line naming the query file, where the embedded store keeps the matching rows."""
    saved = tmp_path / "named.rq"
    saved.write_text(
        "# param name (string, required): a label\n"
        "SELECT ?entity ?name WHERE { ?entity rdfs:label ?label BIND(STR(?label) AS ?name) }\n",
        encoding="utf-8",
    )
    here = CliRunner().invoke(
        cli, ["--store", str(falls_store.path), "query", str(saved), "-p", "name=Homs", "--format", "csv"]
    )
    assert here.exit_code == 0 and here.stdout.splitlines()[1:] == ["https://w3id.org/conflict-kg/id/homs,Homs"], (
        here.output
    )
    there = CliRunner().invoke(cli, ["--store", virtuoso, "query", str(saved), "-p", "name=Homs"])
    assert there.exit_code == 1 and there.stderr.count("\n") == 1 and "Traceback" not in there.output
    assert there.stderr.startswith("Error: named: parameter name is also assigned by the query (AS ?name)")
