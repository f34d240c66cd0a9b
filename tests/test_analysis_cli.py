"""kg analyze and kg export from the command line: exact output, measures saved for SPARQL, round-trips."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.project import save_measures
from kg.store import writer_lock
from tests.helpers import ROOT


@pytest.fixture
def run(built_store: Path):
    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--store", str(built_store), *args])

    return invoke


@pytest.fixture
def store_copy(built_store: Path, tmp_path: Path) -> Path:
    """A private copy of the built store that a test may write to."""
    path = tmp_path / "store"
    shutil.copytree(built_store, path)
    return path


def test_path_prints_each_step_with_its_quote(run) -> None:
    result = run("analyze", "path", "Iran", "Hayat Tahrir al-Sham", "--format", "md")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "",
        "**path 1: Iran -> Syrian government -> Hayat Tahrir al-Sham**",
        "",
        "| step | subjectLabel | predicateLabel | objectLabel | quote | claimant | reliability | claim |",
        "|---|---|---|---|---|---|---|---|",
        "| 1 | Iran | allied with | Syrian government | Russia and Iran, who are Syria’s most powerful foreign allies "
        "| author of the seed article | C1 | kgc:syrian-rebels-advance-50 |",
        "| 2 | Hayat Tahrir al-Sham | opposes | Syrian government | The insurgent Islamist militia Hayat Tahrir "
        "al-Sham (HTS) | author of the seed article | C2 | kgc:syrian-rebels-advance-08 |",
    ]


def test_path_table_and_json(run) -> None:
    table = run("analyze", "path", "Iran", "HTS")
    assert table.exit_code == 0 and "opposes" in table.stdout and "The insurgent Islamist militia" in table.stdout
    steps = json.loads(run("analyze", "path", "Iran", "HTS", "--format", "json").stdout)
    assert [(s["step"], s["predicate"], s["source"]) for s in steps] == [
        (1, "kg:alliedWith", "kgs:syrian-rebels-advance"),
        (2, "kg:opposes", "kgs:syrian-rebels-advance"),
    ]


def test_control_shows_hts_holding_homs_from_its_capture(run) -> None:
    result = run("analyze", "control", "--place", "Homs", "--format", "md")
    assert result.exit_code == 0, result.output
    assert (
        "| Homs | Hayat Tahrir al-Sham | held | 2024-12-07 | start |  | captured |  |  | B2 | "
        "kgc:syrian-rebels-advance-15\\|kgc:syrian-rebels-advance-57 |"
    ) in result.stdout.splitlines()
    rows = list(
        csv.DictReader(run("analyze", "control", "--as-of", "2024-12-06", "--format", "csv").stdout.splitlines())
    )
    homs = [r for r in rows if r["placeLabel"] == "Homs"]
    assert [(r["actorLabel"], r["until"], r["ended_by"]) for r in homs] == [
        ("Syrian government forces", "2024-12-07", "its end date")
    ]
    assert homs[0]["quote"] == "the three-year dominion of the Saddama loyalist army"


def test_blocs_and_summary(run) -> None:
    blocs = run("analyze", "blocs", "--format", "md")
    assert blocs.exit_code == 0, blocs.output
    assert "| 2 | 1b | 2 | Hayat Tahrir al-Sham | Hayat Tahrir al-Sham \\| Syrian rebels |" in blocs.stdout
    assert "3 of 3 signed triads balanced; camps split cleanly in two" in blocs.stdout
    data = json.loads(run("analyze", "blocs", "--format", "json").stdout)
    assert data["balance"] == 1.0 and {b["leader"] for b in data["blocs"]} >= {"Syrian government"}
    summary = run("analyze", "summary")
    assert summary.stdout.startswith("31 entities (22 actors, 7 places, 1 weapon, 1 event), 50 relations.\n")


def test_centrality_and_kcore_formats(run) -> None:
    rows = list(csv.DictReader(run("analyze", "centrality", "--format", "csv").stdout.splitlines()))
    assert len(rows) == 31 and set(rows[0]) >= {"node", "label", "betweenness", "pagerank", "eigenvector", "degree"}
    md = run("analyze", "centrality", "--limit", "2", "--format", "md").stdout.splitlines()
    assert md[0] == "| label | type | relations | degree | betweenness | pagerank | eigenvector |" and len(md) == 4
    core = json.loads(run("analyze", "kcore", "--k", "3", "--format", "json").stdout)
    assert len(core) == 9 and {c["core"] for c in core} == {3}


def test_filters_reach_the_analyses(run) -> None:
    allies = run("analyze", "ego", "Assad", "--predicate", "kg:alliedWith", "--inferred", "--format", "json")
    labels = {n["label"] for n in json.loads(allies.stdout)["nodes"]}
    assert labels == {"Bashar al-Assad", "Russia", "Iran"}
    early = run("analyze", "control", "--as-of", "2024-12-01", "--dated-only", "--format", "json")
    assert {r["actorLabel"] for r in json.loads(early.stdout)} == {"Syrian government forces"}
    # holdings the article reports on 8 December without a start count "since before" that day
    reported = json.loads(run("analyze", "control", "--as-of", "2024-12-01", "--format", "json").stdout)
    assert {r["actorLabel"] for r in reported if r["from_kind"] == "reported"} == {"Hezbollah", "Syrian government"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "path", "Iran", "Narnia"], "Error: no entity is called 'Narnia'\n"),
        (
            ["analyze", "path", "Iran", "Syrian state television"],
            "Error: no connection between Iran and Syrian state television in the projected graph\n",
        ),
        (
            ["analyze", "centrality", "--min-reliability", "Z9"],
            "Error: minimum reliability 'Z9' is not an Admiralty grade such as B2\n",
        ),
        (["analyze", "ego", "HTS", "--type", "kg:Place"], None),
    ],
)
def test_analysis_errors_are_one_line(run, args: list[str], message: str | None) -> None:
    result = run(*args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1
    if message:
        assert result.stderr == message


def test_saved_measures_are_queryable_and_replaced(store_copy: Path) -> None:
    runner = CliRunner()
    saved = runner.invoke(cli, ["--store", str(store_copy), "analyze", "centrality", "--save", "--format", "csv"])
    assert saved.exit_code == 0, saved.output
    assert saved.stderr == "saved 124 values (degree, betweenness, pagerank, eigenvector) into kgg:analysis\n"
    runner.invoke(cli, ["--store", str(store_copy), "analyze", "kcore", "--save", "--format", "csv"])
    runner.invoke(cli, ["--store", str(store_copy), "analyze", "centrality", "--save", "--format", "csv"])
    query = """SELECT ?rank ?core WHERE { GRAPH kgg:analysis { kge:syrian-government kg:pageRank ?rank ;
               kg:coreNumber ?core } }"""
    rows = kg.open_store(store_copy).query(query).records()
    assert len(rows) == 1 and rows[0]["core"] == 3 and 0 < rows[0]["rank"] < 1
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgg:analysis { ?s kg:pageRank ?o } }"
    assert kg.open_store(store_copy).query(count).records() == [{"n": 31}]


def test_a_failed_save_leaves_the_store_as_it_was(store_copy: Path) -> None:
    import pandas as pd

    good = pd.DataFrame({"pagerank": [0.5]}, index=["https://w3id.org/conflict-kg/id/hts"])
    save_measures(good, path=store_copy)
    before = len(kg.open_store(store_copy))
    bad = pd.DataFrame({"pagerank": [0.1, 0.2]}, index=["https://w3id.org/conflict-kg/id/iran", "not an IRI"])
    with pytest.raises(ValueError):
        save_measures(bad, path=store_copy)
    after = kg.open_store(store_copy)
    assert len(after) == before
    assert after.query("SELECT ?r WHERE { kge:hts kg:pageRank ?r }").records() == [{"r": 0.5}]
    with writer_lock(store_copy):
        busy = CliRunner().invoke(cli, ["--store", str(store_copy), "analyze", "centrality", "--save"])
    assert busy.exit_code == 1 and "is busy" in busy.stderr and len(kg.open_store(store_copy)) == before


SCHEMAS = ROOT / "tests" / "data" / "schemas"


def valid(path: Path, schema: str) -> None:
    """``path`` is valid against ``schema`` (tests/data/schemas: kg's XSDs after the GraphML and GEXF specs)."""
    from lxml import etree

    checker = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
    assert checker.validate(etree.parse(str(path))), checker.error_log.last_error


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_exports_load_back_with_counts_and_attributes(run, store: kg.Store, tmp_path: Path, fmt: str) -> None:
    from kg.project import to_networkx

    out = tmp_path / f"seed.{fmt}"
    result = run("export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    valid(out, f"{fmt}.xsd")
    original = to_networkx(store)
    loaded = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert (loaded.number_of_nodes(), loaded.number_of_edges()) == (
        original.number_of_nodes(),
        original.number_of_edges(),
    )
    hts = "https://w3id.org/conflict-kg/id/hts"
    assert loaded.nodes[hts]["label"] == "Hayat Tahrir al-Sham" and loaded.nodes[hts]["type"] == "kg:ArmedGroup"
    between = loaded.get_edge_data(hts, "https://w3id.org/conflict-kg/id/damascus")
    assert {data["predicate"] for data in between.values()} == {"kg:advancedOn", "kg:encircled"}
    encircled = next(d for d in between.values() if d["predicate"] == "kg:encircled")
    assert (encircled["claims"], encircled["reliability"], encircled["claim_count"]) == (
        "kgc:syrian-rebels-advance-58",
        "B2",
        1,
    )
    # what Gephi, Cytoscape and yEd show without help: a label, the evidence as plain attributes
    assert encircled["label"] == "encircled" and encircled["since"] == "2024-12-08"
    assert encircled["quote"] == "effectively encircling Damascus" and encircled["claimants"] == "Rami Abdel-Rahman"
    assert encircled["sources"] == "Syrian Rebels Advance on Damascus as Government Forces Retreat"
    text = out.read_text(encoding="utf-8")
    if fmt == "gexf":
        assert 'mode="static"' in text and " start=" not in text and " end=" not in text
    else:
        ids = [edge.get("id") for edge in ElementTree.parse(out).iter() if edge.tag.endswith("}edge")]
        assert len(ids) == len(set(ids)) == original.number_of_edges()


def test_graphml_reads_in_igraph_and_gexf_dates_play_in_gephi(run, tmp_path: Path) -> None:
    import igraph as ig

    graphml = tmp_path / "seed.graphml"
    assert run("export", "--format", "graphml", "-o", str(graphml)).exit_code == 0
    read = ig.Graph.Read_GraphML(str(graphml))
    assert read.ecount() == 50 and "label" in read.es.attributes() and "quote" in read.es.attributes()
    timeline = tmp_path / "timeline.gexf"
    assert run("export", "--format", "gexf", "--dates", "-o", str(timeline)).exit_code == 0
    valid(timeline, "gexf.xsd")
    text = timeline.read_text(encoding="utf-8")
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text and 'end=""' not in text
    dated = nx.read_gexf(timeline)
    homs = dated.get_edge_data(
        "https://w3id.org/conflict-kg/id/syrian-government-forces", "https://w3id.org/conflict-kg/id/homs"
    )
    (control,) = homs.values()
    assert (control["start"], control["end"]) == ("2021-12-07", "2024-12-07")
    # a state known only "since before" the report has an end at most, never a made-up start
    assad = dated.get_edge_data(
        "https://w3id.org/conflict-kg/id/russia", "https://w3id.org/conflict-kg/id/bashar-al-assad"
    )
    assert all("start" not in data for data in assad.values())


def test_csv_and_json_exports(run, tmp_path: Path) -> None:
    folder = tmp_path / "gephi"
    assert run("export", "--format", "csv", "-o", str(folder)).exit_code == 0
    nodes = list(csv.DictReader((folder / "nodes.csv").read_text(encoding="utf-8").splitlines()))
    edges = list(csv.DictReader((folder / "edges.csv").read_text(encoding="utf-8").splitlines()))
    assert len(nodes) == 31 and len(edges) == 50
    assert {"Id", "Label", "type", "wikidata"} <= set(nodes[0])
    assert {"Source", "Target", "Type", "Id", "Label", "predicate", "claims", "reliability"} <= set(edges[0])
    assert run("export", "--format", "csv", "-o", str(folder)).exit_code == 0  # replacing its own files is fine
    node_link = tmp_path / "graph.json"
    assert run("export", "--format", "json", "-o", str(node_link), "--predicate", "kg:alliedWith").exit_code == 0
    graph = nx.node_link_graph(json.loads(node_link.read_text(encoding="utf-8")), edges="edges")
    assert graph.number_of_edges() == 5 and graph.is_multigraph()


@pytest.mark.parametrize(
    ("fmt", "quads"), [("trig", True), ("nq", True), ("jsonld", True), ("ttl", False), ("nt", False)]
)
def test_rdf_exports_dump_the_store(run, store: kg.Store, tmp_path: Path, fmt: str, quads: bool) -> None:
    out = tmp_path / f"dump.{fmt}"
    assert run("export", "--format", fmt, "-o", str(out)).exit_code == 0
    formats = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
    formats |= {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
    loaded = list(ox.parse(path=str(out), format=formats[fmt]))
    if quads:
        assert len(loaded) == len(store)
    else:
        distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        assert len(loaded) == store.query(distinct).records()[0]["n"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "graphml", "-o", "{tmp}"], "is a directory; give a file name"),
        (["--format", "csv", "-o", "{tmp}"], "holds other files (keep.txt); give a new or empty directory"),
        (["--format", "ttl", "-o", "{tmp}/x.ttl", "--as-of", "2024-12-01"], "--as-of: only for network formats"),
        (["--format", "gexf", "-o", "{tmp}/missing/x.gexf"], "does not exist; create it first"),
    ],
)
def test_export_refuses_to_overwrite_by_accident(run, tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = run("export", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code != 0 and message in result.stderr and "Traceback" not in result.output
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
