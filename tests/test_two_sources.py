"""Right answers when the graph holds more than the seed: the seed plus a second report (Damascus falls).

tests/data/damascus-falls.yaml is annotated by hand on a text written for these tests from the
events of 8 to 11 December 2024: the capture of Damascus, Assad in Moscow, Israel's strikes and
its move into the Golan buffer zone, a transitional government, and the fight for Manbij.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import kg
from kg import analysis
from kg.cli import cli
from kg.ingest.apply import ingest
from kg.project import to_networkx
from tests.helpers import ROOT, SECOND_REPORT, rows


def test_a_state_without_a_start_holds_since_before_its_report(falls_store: kg.Store) -> None:
    allies = rows(falls_store, "allies", actor="Russia", as_of="2024-12-01")
    assad = [r for r in allies if r["allyLabel"] == "Bashar al-Assad"]
    assert sorted(r["since"] for r in assad) == ["before 2024-12-08", "before 2024-12-11"]  # one per source
    assert rows(falls_store, "allies", actor="Russia", as_of="2024-12-01", dated_only="true") == []
    # an event reported without a date of its own still counts only from the report's day
    assert rows(falls_store, "who-captured", place="Damascus", as_of="2024-12-07") == []


def test_damascus_has_one_side_holding_it_after_its_capture(falls_store: kg.Store) -> None:
    after = analysis.control(falls_store, place="Damascus", as_of=dt.date(2024, 12, 11))
    assert set(after["actorLabel"]) == {"Hayat Tahrir al-Sham", "Syrian rebels"}  # HTS is part of the rebels
    assert set(after["status"]) == {"held"}
    every = analysis.control(falls_store, place="Damascus")
    government = every[every["actorLabel"] == "Syrian government"].iloc[0]
    assert (government["until"], government["ended_by"]) == ("2024-12-08", "captured by kgc:damascus-falls-01")
    siege = every[(every["actorLabel"] == "Hayat Tahrir al-Sham") & (every["status"] == "encircled")].iloc[0]
    assert siege["until"] == "2024-12-08"  # a siege ends when the besieger takes the place
    holders = {r["holderLabel"] for r in rows(falls_store, "holdings", place="Damascus", as_of="2024-12-11")}
    assert holders == {"Hayat Tahrir al-Sham", "Syrian rebels"}
    assert not any(
        r["kind"] == "two holders at once" and r["objectLabel"] == "Damascus" for r in rows(falls_store, "contested")
    )


def test_two_holders_with_no_capture_between_them_are_contested(falls_store: kg.Store) -> None:
    manbij = analysis.control(falls_store, place="Manbij")
    assert set(manbij["status"]) == {"contested"}
    assert set(manbij["contested_with"]) == {"kge:syrian-democratic-forces", "kge:syrian-national-army"}
    pairs = [r for r in rows(falls_store, "contested") if r["kind"] == "two holders at once"]
    assert [(r["objectLabel"], r["claimA"], r["claimB"]) for r in pairs] == [
        ("Manbij", "kgc:damascus-falls-13", "kgc:damascus-falls-14")
    ]


def test_a_strike_is_a_relation_queries_paths_and_pages_show(falls_store: kg.Store) -> None:
    assert falls_store.query("ASK { kge:israel kg:struckFromAir kge:latakia . kge:israel kg:attacked kge:latakia }")
    struck = rows(falls_store, "relations-on", relation="kg:struckFromAir", as_of="2024-12-09")
    assert {(r["subjectLabel"], r["objectLabel"]) for r in struck} == {
        ("Israel", "Syria"),
        ("Israel", "Latakia"),
        ("United States", "Islamic State"),
    }
    # Israel's strikes are a period that ended on the 10th; the United States' strike an event of the 8th,
    # which stays on the record as something that has happened
    later = rows(falls_store, "relations-on", relation="kg:struckFromAir", as_of="2024-12-11")
    assert {(r["subjectLabel"], r["objectLabel"]) for r in later} == {("United States", "Islamic State")}
    count = falls_store.query(
        "SELECT ?n WHERE { ?c rdf:predicate kg:struckFromAir ; rdf:object kge:syria ; kg:reportedCount ?n }"
    )
    assert count.records() == [{"n": 480}]
    graph = to_networkx(falls_store)
    path = analysis.path(graph, falls_store, "Israel", "HTS")
    assert not path.empty and "kg:struckFromAir" in set(path["predicate"])
    assert any(k == "kg:struckFromAir" for _, _, k in graph.edges(keys=True))


def test_saved_queries_for_many_sources(falls_store: kg.Store) -> None:
    changes = rows(falls_store, "changes", **{"from": "2024-12-08", "to": "2024-12-11"})
    assert {(r["change"], r["subjectLabel"], r["predicateLabel"], r["objectLabel"]) for r in changes} >= {
        ("began", "Syrian National Army", "captured", "Manbij"),
        ("ended", "Israel", "struck from the air", "Syria"),
        ("began", "Mohammed al-Bashir", "head of", "Syrian transitional government"),
    }
    leaders = rows(falls_store, "leaders", actor="Syrian transitional government")
    assert [(r["leaderLabel"], str(r["since"])) for r in leaders] == [("Mohammed al-Bashir", "2024-12-10")]
    versions = rows(falls_store, "versions", entity="Russia")
    told = {(r["objectLabel"], r["sourceTitle"], r["reliability"]) for r in versions}
    assert told == {
        ("Bashar al-Assad", "Syrian Rebels Advance on Damascus as Government Forces Retreat", "C1"),
        ("Bashar al-Assad", "Damascus falls, Israel strikes, fighting for Manbij (test report)", "A1"),
    }


def test_blocs_show_the_claims_behind_each_tie_and_drop_weak_ones(falls_store: kg.Store) -> None:
    loose = analysis.blocs(to_networkx(falls_store))
    us = loose.members.loc[loose.members["label"] == "United States", "bloc"].item()
    assert "Kurdistan Workers' Party" in set(loose.members.loc[loose.members["bloc"] == us, "label"])
    tie = loose.ties[(loose.ties["aLabel"] + loose.ties["bLabel"]).str.contains("Kurdistan")].iloc[0]
    assert (tie["via"], tie["reliability"], tie["claims"]) == ("kg:partOf", "C3", "kgc:damascus-falls-18")
    strict = analysis.blocs(to_networkx(falls_store, min_reliability="C2"))
    assert "Kurdistan Workers' Party" not in set(strict.members["label"])  # one C3 claim no longer makes a bloc


def test_exports_of_both_sources_validate(falls_store: kg.Store, falls: Path, tmp_path: Path) -> None:
    from lxml import etree

    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"falls_store.{fmt}"
        result = CliRunner().invoke(cli, ["--store", str(falls / "store"), "export", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        schema = etree.XMLSchema(etree.parse(str(ROOT / "tests" / "data" / "schemas" / f"{fmt}.xsd")))
        assert schema.validate(etree.parse(str(out))), schema.error_log.last_error
        read = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
        assert read.number_of_edges() == to_networkx(falls_store).number_of_edges()


def test_an_ingested_report_ends_holdings_as_a_rebuild_does(falls: Path, tmp_path: Path) -> None:
    """The capture rule reads across sources, so an ingest must re-run it over the whole store."""
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(ROOT / "data", data)
    kg.build([ROOT / "ontology", data], store_path=store)
    ingest(SECOND_REPORT.with_suffix(".txt"), SECOND_REPORT.with_suffix(".yaml"), store_path=store, data_dir=data)
    ends = "SELECT ?claim ?day ?by WHERE { ?claim kg:endedOn ?day ; kg:endedBy ?by } ORDER BY ?claim"
    ingested = kg.open_store(store).query(ends).records()
    rebuilt = kg.open_store(falls / "store").query(ends).records()
    assert ingested == rebuilt and len(ingested) == 4


def test_the_walkthrough_says_which_source_each_finding_comes_from(
    falls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbclient
    import nbformat

    monkeypatch.setenv("KG_STORE", str(falls / "store"))
    notebook = nbformat.read(ROOT / "notebooks" / "01-seed-walkthrough.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    shown = "\n".join(
        output.get("data", {}).get("text/plain", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "kgs:damascus-falls" in shown and "kgs:syrian-rebels-advance" in shown  # a source column
    wrong = next(c for c in notebook.cells if c.cell_type == "code" and '~claims["asserted"] & seed' in c.source)
    assert "damascus-falls" not in wrong.outputs[0]["data"]["text/plain"]  # the seed's own errors only
    page = notebook.cells[-1].outputs[0]["data"]["text/html"]
    assert "Damascus falls, Israel strikes" in page and "Syrian Rebels Advance on Damascus" in page
