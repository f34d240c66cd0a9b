"""ACLED and GDELT files imported beside the seed: provenance per row, names joined, bad files refused.

ACLED's terms do not allow its data to be passed on, so the ACLED fixtures are synthetic rows
written byte for byte in each real layout (tests/data/events/README.md says which file each
copies); GDELT is open data, so its fixtures are excerpts of real files.
"""

from __future__ import annotations

import codecs
import logging
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg import analysis
from kg.cli import cli
from kg.entities import duplicates, merge
from kg.ingest.apply import drop, import_events
from kg.namespaces import ENTITY, GRAPH
from kg.project import to_networkx
from tests.helpers import ROOT

ACLED = ROOT / "tests" / "data" / "syria-dec-2024.acled.csv"
GDELT = ROOT / "tests" / "data" / "syria-dec-2024.gdelt.tsv"
EVENTS = ROOT / "tests" / "data" / "events"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("events")
    data = root / "data"
    shutil.copytree(ROOT / "data", data)
    store = root / "store"
    kg.build([ROOT / "ontology", data], store_path=store)
    import_events("acled", ACLED, store_path=store, data_dir=data)
    import_events("gdelt", GDELT, store_path=store, data_dir=data)
    return data, store


@pytest.fixture
def seed(tmp_path: Path) -> tuple[Path, Path]:
    """A fresh data folder (the seed) and the store built from it, for a test that imports and drops."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    store = tmp_path / "store"
    kg.build([ROOT / "ontology", data], store_path=store)
    return data, store


@pytest.fixture(params=["whole", "streamed"])
def streamed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Each import of the test once as a small file is imported (read whole, the store revised in place) and
    once as a large one is (streamed a row at a time, two rows a chunk, into a copy of the rest)."""
    from kg.formats import textfile
    from kg.ingest import apply

    if request.param == "streamed":
        monkeypatch.setattr(apply, "STREAM_ABOVE", 0)
        monkeypatch.setattr(apply, "CHUNK_ROWS", 2)
        monkeypatch.setattr(textfile, "STREAM_ABOVE", 0)  # every file decoded from disk on each pass
    return request.param == "streamed"


def records(store: Path, query: str, **params: str) -> list[dict]:
    result = kg.open_store(store).query(query, **params)
    assert isinstance(result, kg.SelectResult)
    return result.records()


def canonical(store: Path) -> set[ox.Quad]:
    """Every quad of the store, blank nodes named canonically, so two stores can be compared."""
    dataset = ox.Dataset(list(kg.open_store(store).inner))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def assert_rebuilds_to_the_same_store(data: Path, store: Path, tmp_path: Path) -> None:
    rebuilt = tmp_path / f"rebuilt-{len(list(tmp_path.iterdir()))}"
    kg.build([ROOT / "ontology", data], store_path=rebuilt)
    imported, built = canonical(store), canonical(rebuilt)
    assert imported == built, (
        f"only after imports: {list(imported - built)[:3]}; only after a build: {list(built - imported)[:3]}"
    )


def test_captures_from_all_three_sources_answer_together(imported: tuple[Path, Path]) -> None:
    _, store = imported
    homs = records(store, "who-captured", place="Homs")
    assert {r["claimant"] for r in homs} == {"ACLED", "GDELT", "author of the seed article", "Rami Abdel-Rahman"}
    acled = next(r for r in homs if r["claimant"] == "ACLED")
    assert (acled["actorLabel"], str(acled["when"]), acled["reliability"]) == (
        "Hayat Tahrir al-Sham",
        "2024-12-07",
        "B2",
    )
    assert acled["quote"] == "[synthetic test row] HTS and allied factions took control of Homs city."
    gdelt = next(r for r in homs if r["claimant"] == "GDELT")
    assert (gdelt["actorLabel"], gdelt["quote"], gdelt["reliability"]) == ("Syrian rebels", "192", "F3")


def test_each_row_is_a_source_quoting_itself(imported: tuple[Path, Path]) -> None:
    _, store = imported
    rows = ACLED.read_text(encoding="utf-8").splitlines()
    sources = {r["source"]: r for r in records(store, "sources")}
    assert sources["kgs:acled-syr1004"]["claims"] == 0  # a protest: a record, no relation
    claims = records(store, "claims-by-source", source="kgs:acled-syr1003")
    [claim] = claims
    assert (
        claim["quote"]
        == '[synthetic test row] Rebels entered Damascus; state TV said ""the regime has fallen"", per reports.'
    )
    content = records(store, "SELECT ?text WHERE { kgs:acled-syr1003 kg:content ?text }")[0]["text"]
    assert content == rows[3] and claim["quote"] in content
    event_type = records(store, "SELECT ?t ?n WHERE { kgs:acled-syr1001 kg:eventType ?t ; kg:fatalities ?n }")
    assert event_type == [{"t": "Battles / Armed clash", "n": 12}]


def test_every_event_keeps_its_place_its_point_and_its_actors(imported: tuple[Path, Path]) -> None:
    _, store = imported
    protest = records(
        store,
        """SELECT ?place ?lat ?long ?precision ?actor ?version WHERE {
             kgs:acled-syr1004 kg:eventPlace/rdfs:label ?place ; geo:lat ?lat ; geo:long ?long ;
               kg:geoPrecision ?precision ; kg:eventActor/rdfs:label ?actor ; kg:recordVersion ?version }""",
    )
    assert protest == [
        {
            "place": "Idleb",
            "lat": Decimal("35.9306"),
            "long": Decimal("36.6339"),
            "precision": "kg:AtPlace",
            "actor": "Protesters (Syria)",
            "version": "1733700000",
        }
    ]
    placed = records(
        store,
        """SELECT (COUNT(?record) AS ?n) WHERE {
             ?record kg:sourceKind kg:EventRecord ; kg:eventPlace ?p ; geo:lat ?lat }""",
    )
    assert placed == [{"n": 4 + 3}]
    iraq = records(store, "SELECT ?precision WHERE { ?r dct:identifier '1210000002' ; kg:geoPrecision ?precision }")
    assert iraq == [{"precision": "kg:CountryLevel"}]


def test_names_join_the_gazetteer(imported: tuple[Path, Path]) -> None:
    _, store = imported
    sheltered = records(store, "sheltered", host="Iraq")
    assert {(r["guestLabel"], r["claimant"]) for r in sheltered} >= {("fleeing Syrian soldiers", "GDELT")}
    withdrew = records(
        store, "SELECT ?place ?label WHERE { kge:hezbollah kg:withdrewFrom ?place . ?place rdfs:label ?label }"
    )
    assert [r["label"] for r in withdrew] == ["Qusayr"]
    position = records(store, "SELECT ?lat ?long WHERE { ?p rdfs:label 'Qusayr'@en ; geo:lat ?lat ; geo:long ?long }")
    assert [(float(p["lat"]), float(p["long"])) for p in position] == [(34.51, 36.58)]  # a place's point, to ~100 m
    event = records(store, "SELECT ?lat ?long WHERE { kgs:gdelt-1210000003 geo:lat ?lat ; geo:long ?long }")
    assert [(float(p["lat"]), float(p["long"])) for p in event] == [(34.5095, 36.5797)]  # the event's, as given
    allies = records(store, "allies", actor="HTS")
    assert [r["allyLabel"] for r in allies] == ["Military Operations Command"]


def test_a_streamed_import_settles_every_inferred_triple_another_graph_asserts(imported: tuple[Path, Path]) -> None:
    """A chunk infers from its own quads, so it can infer what another graph asserts; the import removes those at
    the end, asking predicate by predicate: the same triples as the one query over the whole inferred graph, here
    over the imported store with an inferred type, date and alliance asserted again in a graph of their own."""
    from kg import queries
    from kg.ingest.apply import _inferred_and_asserted
    from kg.namespaces import INFERRED_GRAPH, ONTOLOGY, RDF

    _, path = imported
    store = ox.Store()
    store.extend(kg.open_store(path).inner.quads_for_pattern(None, None, None))  # type: ignore[attr-defined]
    inferred, other = ox.NamedNode(INFERRED_GRAPH), ox.NamedNode(GRAPH + "asserted-again")
    for predicate in (RDF + "type", ONTOLOGY + "effectiveDate", ONTOLOGY + "alliedWith"):
        quad = next(iter(store.quads_for_pattern(None, ox.NamedNode(predicate), None, inferred)))
        store.add(ox.Quad(quad.subject, quad.predicate, quad.object, other))
    whole = {
        ox.Quad(row["s"], row["p"], row["o"], inferred)
        for row in store.query(queries.internal("internal/inferred-asserted"))
    }
    assert {q.predicate.value for q in whole} == {RDF + "type", ONTOLOGY + "effectiveDate", ONTOLOGY + "alliedWith"}
    found = _inferred_and_asserted(store)
    assert set(found) == whole and len(found) == len(whole)


def test_reimport_replaces_and_drop_removes(imported: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = imported
    scratch = tmp_path / "store"
    shutil.copytree(store, scratch)
    before = len(kg.open_store(scratch))
    again = import_events("gdelt", GDELT, store_path=scratch, data_dir=data)
    assert again.replaced and len(kg.open_store(scratch)) == before and again.quads == 0  # nothing changed
    assert (data / "syria-dec-2024.gdelt.tsv").read_bytes() == GDELT.read_bytes()
    shelf = tmp_path / "data"
    shutil.copytree(data, shelf)
    report = drop("gdelt-syria-dec-2024", store_path=scratch, data_dir=shelf)
    assert [p.name for p in report.moved] == ["syria-dec-2024.gdelt.tsv"]
    assert not any(r["claimant"] == "GDELT" for r in records(scratch, "who-captured"))


def test_a_build_reads_the_saved_files(imported: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = imported
    report = kg.build([ROOT / "ontology", data], store_path=tmp_path / "rebuilt")
    assert report.claims == 62 + 4 + 3 and report.quads == len(kg.open_store(store))
    assert canonical(store) == canonical(tmp_path / "rebuilt")


@pytest.mark.parametrize("rows", [3, 100])
def test_an_import_bigger_than_the_store_is_inferred_whole_and_a_rebuild_agrees(
    seed: tuple[Path, Path], tmp_path: Path, rows: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A file that brings more than half as many quads as the store holds is written into a copy inferred whole
    (twice as fast as inferring around 700,000 new quads); a few rows are inferred around the change. Both
    leave the store a build of the data folder makes."""
    from benchmarks.event_files import gdelt_file

    data, store = seed
    path = gdelt_file(tmp_path / "many.gdelt.tsv", rows)
    with caplog.at_level(logging.INFO, logger="kg.ingest.apply"):
        import_events("gdelt", path, store_path=store, data_dir=data)
    assert ("inferred whole" in caplog.text) == (rows == 100)
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def test_a_reimport_of_a_small_file_deletes_in_place_what_it_no_longer_gives_unless_that_is_much_of_the_store(
    seed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """What decides between deleting in place and copying the rest is how much would be deleted against the size
    of the store (COPY_ABOVE), not the size of the graph replaced; either way the store is what a build makes."""
    from kg.ingest import apply

    data, store = seed
    rows = ACLED.read_text(encoding="utf-8").splitlines()[1:]
    import_events("acled", export(tmp_path / "syria.csv", rows[:3]), store_path=store, data_dir=data)
    held, graph = (
        len(kg.open_store(store)),
        records(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgg:acled-syria { ?s ?p ?o } }")[0]["n"],
    )
    monkeypatch.setattr(apply, "COPY_ABOVE", graph / 2 / held)  # the graph is bigger; what the change deletes is not
    revised = rows[1].replace(",0,,1733600000", ",5,,1733650000")
    with caplog.at_level(logging.INFO, logger="kg.ingest.apply"):
        import_events("acled", export(tmp_path / "syria.csv", [revised, rows[2]]), store_path=store, data_dir=data)
    assert "copied instead" not in caplog.text and "inferred whole" not in caplog.text
    assert records(store, "SELECT ?n WHERE { kgs:acled-syr1002 kg:fatalities ?n }") == [{"n": 5}]
    assert records(store, "SELECT ?t WHERE { kgs:acled-syr1001 ?p ?t }") == []
    assert_rebuilds_to_the_same_store(data, store, tmp_path)

    monkeypatch.setattr(apply, "COPY_ABOVE", 0.0)  # any quad to delete is too many: the rest is copied
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="kg.ingest.apply"):
        import_events("acled", export(tmp_path / "syria.csv", rows[2:3]), store_path=store, data_dir=data)
    assert "the rest copied instead" in caplog.text and "inferred whole" in caplog.text
    assert records(store, "SELECT ?n WHERE { kgs:acled-syr1002 kg:fatalities ?n }") == []
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def streaming(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds stream every event file, as they do a data folder of large ones, two rows a chunk."""
    import sys

    from kg.ingest import apply

    monkeypatch.setattr(sys.modules["kg.build"], "STREAM_EVENTS_ABOVE", 0)
    monkeypatch.setattr(apply, "CHUNK_ROWS", 2)


def test_a_build_streams_large_event_files_into_the_store_a_build_in_memory_makes(
    imported: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A data folder that ``kg import`` filled with large exports builds again in bounded memory, to the same store."""
    data, _ = imported
    in_memory = kg.build([ROOT / "ontology", data], store_path=tmp_path / "in-memory")
    checked = kg.check([ROOT / "ontology", data])
    streaming(monkeypatch)
    with caplog.at_level(logging.INFO, logger="kg.build"):
        report = kg.build([ROOT / "ontology", data], store_path=tmp_path / "streamed")
    assert kg.check([ROOT / "ontology", data]) == checked  # kg validate reads the rows a chunk at a time too
    assert "the event files streamed" in caplog.text
    assert (report.quads, report.inferred, report.claims, report.sources, report.files) == (
        in_memory.quads,
        in_memory.inferred,
        in_memory.claims,
        in_memory.sources,
        in_memory.files,
    )
    assert canonical(tmp_path / "streamed") == canonical(tmp_path / "in-memory")
    assert [p.name for p in (tmp_path / "streamed").iterdir() if p.name.startswith(".")] == []  # no staging left


def test_a_streamed_build_checks_the_event_rows_against_the_shapes_it_was_given(
    seed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, store = seed
    shutil.copy(ACLED, data / "x.acled.csv")
    strict = tmp_path / "strict-shapes.ttl"
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    pinned = "sh:path kg:recordVersion ;\n        sh:maxCount 1 ;"
    assert pinned in shapes
    strict.write_text(shapes.replace(pinned, pinned + '\n        sh:pattern "^v" ;'), encoding="utf-8")
    in_memory = sorted((p.focus, p.message) for p in kg.check([ROOT / "ontology", data], shapes=strict).problems)
    assert {focus for focus, _ in in_memory} >= {"kgs:acled-syr1001", "kgs:acled-syr1002"}
    streaming(monkeypatch)
    with pytest.raises(kg.ValidationError) as raised:
        kg.build([ROOT / "ontology", data], store_path=store, shapes=strict)
    # like an import, a streamed build stops at the first chunk of rows with problems; kg validate lists them all
    assert set(in_memory) >= {(p.focus, p.message) for p in raised.value.problems} != set()
    checked = kg.check([ROOT / "ontology", data], shapes=strict)
    assert sorted((p.focus, p.message) for p in checked.problems) == in_memory
    kg.build([ROOT / "ontology", data], store_path=store)  # the project's shapes pass the same rows


BRIGADE = """\
source: {id: brigade-report, title: A capture, kind: [news-article], date: 2024-12-11, text: brigade-report.txt}
entities:
  - {id: brigade-monitor, type: MonitoringGroup, label: the brigade monitor}
claims:
  - {subject: NAME, predicate: captured, object: Latakia, quote: NAME captured Latakia, claimant: brigade-monitor,
     date: 2024-12-10, precision: day, reliability: C3, reason: Test claim.}
"""


def brigade_folder(seed: Path, tmp_path: Path, named: str) -> Path:
    """The seed's data, an ACLED export whose first row's actor no gazetteer knows, and a report naming ``named``."""
    data = tmp_path / "brigade-data"
    shutil.copytree(seed, data)
    rows = ACLED.read_text(encoding="utf-8").replace("Hayat Tahrir al-Sham,,2", "Ninth Made-up Brigade,,2", 1)
    (data / "brigade.acled.csv").write_text(rows, encoding="utf-8")
    (data / "brigade-report.txt").write_text(f"{named} captured Latakia.", encoding="utf-8")
    (data / "brigade-report.yaml").write_text(BRIGADE.replace("NAME", named), encoding="utf-8")
    return data


def test_a_report_naming_an_actor_only_an_event_file_declares_still_builds(
    seed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without the events the report names no one; the build then holds them in memory, as before streaming."""
    data = brigade_folder(seed[0], tmp_path, "Ninth Made-up Brigade")
    kg.build([ROOT / "ontology", data], store_path=tmp_path / "in-memory")
    streaming(monkeypatch)
    with caplog.at_level(logging.INFO, logger="kg.build"):
        kg.build([ROOT / "ontology", data], store_path=tmp_path / "fallen-back")
    assert "building it all in memory" in caplog.text
    assert canonical(tmp_path / "fallen-back") == canonical(tmp_path / "in-memory")
    captured = records(tmp_path / "fallen-back", "who-captured", place="Latakia")
    assert "Ninth Made-up Brigade" in {r["actorLabel"] for r in captured}


def test_a_streamed_build_reports_the_rests_own_problem_at_once_and_keeps_the_store(
    seed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A name that no event file holds is the report's mistake: said at once, with its line, nothing written."""
    _, store = seed
    data = brigade_folder(seed[0], tmp_path, "Tenth Made-up Brigade")
    live = (store / "live").read_text()
    streaming(monkeypatch)
    with caplog.at_level(logging.INFO, logger="kg.build"), pytest.raises(kg.DataError) as raised:
        kg.build([ROOT / "ontology", data], store_path=store)
    assert "brigade-report.yaml:5: claims[0].subject: no entity is called 'Tenth Made-up Brigade'" in str(raised.value)
    assert "building it all in memory" not in caplog.text
    assert (store / "live").read_text() == live
    assert [p.name for p in store.iterdir() if p.name.startswith(".staging")] == []


def test_a_streamed_build_that_meets_a_bad_row_keeps_the_store_and_clears_its_staging(
    seed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, store = seed
    (data / "x.acled.csv").write_text(ACLED.read_text(encoding="utf-8").replace("36.1500", "361.500"), encoding="utf-8")
    stale = store / ".staging-1"  # as a streamed build killed midway leaves it
    stale.mkdir()
    live = (store / "live").read_text()
    streaming(monkeypatch)
    with pytest.raises(kg.DataError, match=r"x\.acled\.csv:2: latitude '361.500' is out of range"):
        kg.build([ROOT / "ontology", data], store_path=store)
    assert (store / "live").read_text() == live
    assert [p.name for p in store.iterdir() if p.name.startswith(".staging")] == []
    assert len(kg.open_store(store)) > 0


# --- an event is one thing, whichever file it came in ---------------------------------------------


def export(path: Path, rows: list[str], header: str | None = None) -> Path:
    lines = ACLED.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header or lines[0], *rows]) + "\n", encoding="utf-8")
    return path


def test_a_reimport_that_changes_a_few_rows_revises_the_store_in_place_to_what_a_build_gives(
    seed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A re-export with one row revised, one gone and one new writes and removes only what changed."""
    from kg.formats import textfile
    from kg.ingest import apply

    data, store = seed
    monkeypatch.setattr(apply, "STREAM_ABOVE", 0)
    monkeypatch.setattr(apply, "CHUNK_ROWS", 2)
    monkeypatch.setattr(textfile, "STREAM_ABOVE", 0)
    monkeypatch.setattr(apply, "REVISE_CHANGED", 1.0)  # three rows of four changed: revised in place all the same
    rows = ACLED.read_text(encoding="utf-8").splitlines()[1:]
    import_events("acled", export(tmp_path / "syria.csv", rows[:3]), store_path=store, data_dir=data)
    revised = rows[1].replace(",0,,1733600000", ",5,,1733650000")  # SYR1002: more fatalities, a later version
    with caplog.at_level(logging.INFO, logger="kg.ingest.apply"):
        report = import_events(
            "acled", export(tmp_path / "syria.csv", [revised, rows[2], rows[3]]), store_path=store, data_dir=data
        )
    assert re.search(r"removed [1-9]\d* quads the files no longer give", caplog.text)  # SYR1001, SYR1002's old version
    assert "copied" not in caplog.text
    graph = records(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgg:acled-syria { ?s ?p ?o } }")[0]["n"]
    assert (report.replaced, report.events, report.quads) == (True, 3, graph)
    assert records(store, "SELECT ?n WHERE { kgs:acled-syr1002 kg:fatalities ?n }") == [{"n": 5}]
    assert records(store, "SELECT ?t WHERE { kgs:acled-syr1001 ?p ?t }") == []
    assert_rebuilds_to_the_same_store(data, store, tmp_path)

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="kg.ingest.apply"):
        again = import_events("acled", data / "syria.acled.csv", store_path=store, data_dir=data)
    assert (again.replaced, again.quads) == (True, 0)  # nothing changed, nothing written
    assert "removed 0 quads" in caplog.text and "inferred around 0 resources" in caplog.text
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def test_a_new_file_small_beside_its_dataset_revises_the_store_in_place_to_what_a_build_gives(
    seed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Next week's export beside last week's: the store is revised, not copied, and the older copy of a revised
    event leaves the first file's graph."""
    from kg.formats import textfile
    from kg.ingest import apply

    data, store = seed
    monkeypatch.setattr(apply, "STREAM_ABOVE", 0)
    monkeypatch.setattr(apply, "CHUNK_ROWS", 2)
    monkeypatch.setattr(textfile, "STREAM_ABOVE", 0)
    rows = ACLED.read_text(encoding="utf-8").splitlines()[1:]
    revised = rows[1].replace(",0,,1733600000", ",5,,1733650000")
    import_events("acled", export(tmp_path / "week1.csv", rows[:3]), store_path=store, data_dir=data)
    second = export(tmp_path / "week2.csv", [revised, rows[2], rows[3]])

    monkeypatch.setattr(apply, "REVISE_CHANGED", 0.5)  # two lines new beside the four of week1 (its header too)
    with caplog.at_level(logging.INFO, logger="kg.ingest.apply"):
        report = import_events("acled", second, store_path=store, data_dir=data)
    assert "copied" not in caplog.text
    assert re.search(r"removed [1-9]\d* quads the files no longer give", caplog.text)  # SYR1002's old version
    assert (report.replaced, report.events, report.updated, report.duplicates) == (False, 2, 1, 1)
    assert report.others == {"week1.acled.csv": ("acled-week1", 2)}
    graph = records(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgg:acled-week2 { ?s ?p ?o } }")[0]["n"]
    assert report.quads >= graph > 0  # the new graph and what changed in week1's
    assert records(store, "SELECT ?g WHERE { GRAPH ?g { kgs:acled-syr1002 kg:fatalities 5 } }") == [
        {"g": "kgg:acled-week2"}
    ]
    assert_rebuilds_to_the_same_store(data, store, tmp_path)

    caplog.clear()
    third = export(tmp_path / "week3.csv", rows[3:4])  # a file whose one row the dataset holds already
    monkeypatch.setattr(apply, "REVISE_CHANGED", 0.0)  # no line new: revised all the same
    with caplog.at_level(logging.INFO, logger="kg.ingest.apply"):
        import_events("acled", third, store_path=store, data_dir=data)
    assert "copied" not in caplog.text
    assert_rebuilds_to_the_same_store(data, store, tmp_path)

    caplog.clear()
    monkeypatch.setattr(apply, "REVISE_CHANGED", 0.5)  # week2 gives one line of six the others do not
    with caplog.at_level(logging.INFO, logger="kg.ingest.apply"):
        dropped = drop("acled-week2", store_path=store, data_dir=data)
    assert "copied" not in caplog.text and [p.name for p in dropped.moved] == ["week2.acled.csv"]
    back = records(store, "SELECT ?n ?g WHERE { GRAPH ?g { kgs:acled-syr1002 kg:fatalities ?n } }")
    assert back == [{"n": 0, "g": "kgg:acled-week1"}]  # the older version back in the first file's graph
    graphs = records(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    assert {"g": "kgg:acled-week2"} not in graphs and {"g": "kgg:acled-week3"} in graphs
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def test_overlapping_and_revised_exports_rebuild_to_the_same_store(
    seed: tuple[Path, Path], tmp_path: Path, streamed: bool
) -> None:
    data, store = seed
    rows = ACLED.read_text(encoding="utf-8").splitlines()[1:]
    # ACLED revised SYR1002 (more fatalities, a later timestamp) in the second export
    revised = rows[1].replace(",0,,1733600000", ",5,,1733650000")
    first = export(tmp_path / "week1.csv", rows[:3])
    second = export(tmp_path / "week2.csv", [revised, rows[2], rows[3]])
    import_events("acled", first, store_path=store, data_dir=data)
    report = import_events("acled", second, store_path=store, data_dir=data)
    assert (report.events, report.updated, report.duplicates) == (2, 1, 1)
    assert report.others == {"week1.acled.csv": ("acled-week1", 2)}
    assert_rebuilds_to_the_same_store(data, store, tmp_path)

    kept = records(
        store,
        """SELECT ?graph ?fatalities ?version ?old ?row ?file WHERE {
             GRAPH ?graph { kgs:acled-syr1002 kg:fatalities ?fatalities ; kg:recordVersion ?version ;
               prov:wasRevisionOf ?old . ?old kg:rowText ?row ; kg:dataFile ?file } }""",
    )
    assert kept == [
        {
            "graph": "kgg:acled-week2",
            "fatalities": 5,
            "version": "1733650000",
            "old": "kgs:acled-syr1002-1733600000",
            "row": rows[1],
            "file": "week1.acled.csv:3",
        }
    ]
    contents = records(store, "SELECT ?g WHERE { GRAPH ?g { kgs:acled-syr1003 kg:content ?c } }")
    assert contents == [{"g": "kgg:acled-week1"}]  # the same version in both files: kept once
    claims = records(store, "claims")
    assert len([c for c in claims if c["claim"].startswith("kgc:acled-")]) == 4  # SYR1001-1003, once each

    # the older export again changes nothing: its copy of SYR1002 is still the older one
    again = import_events("acled", first, store_path=store, data_dir=data)
    assert (again.replaced, again.outdated, again.quads) == (True, 1, 0)
    assert_rebuilds_to_the_same_store(data, store, tmp_path)

    # dropping the newer export brings the older version back
    dropped = drop("acled-week2", store_path=store, data_dir=data)
    assert [p.name for p in dropped.moved] == ["week2.acled.csv"]
    back = records(store, "SELECT ?n ?g WHERE { GRAPH ?g { kgs:acled-syr1002 kg:fatalities ?n } }")
    assert back == [{"n": 0, "g": "kgg:acled-week1"}]
    assert kg.open_store(store).query("ASK { ?s prov:wasRevisionOf ?o }") is False
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def test_a_dataset_read_for_streaming_lets_its_rows_go_before_the_chunks(
    seed: tuple[Path, Path], tmp_path: Path
) -> None:
    """A streamed import keeps a few values of every row while it decides which file keeps each event; once
    decided and related, only the line numbers kept and the versions that were replaced stay, so a million
    rows do not sit in memory under every chunk written. The chunks still carry what a revision replaced."""
    import gc

    from kg.formats import events
    from kg.formats.names import Directory

    data, store = seed
    rows = ACLED.read_text(encoding="utf-8").splitlines()[1:]
    revised = rows[1].replace(",0,,1733600000", ",5,,1733650000")
    files = [
        events.EventFile(path, path.name.replace(".csv", ".acled.csv"), path.name)
        for path in (export(tmp_path / "week1.csv", rows[:3]), export(tmp_path / "week2.csv", [revised, *rows[2:]]))
    ]
    stream = events.DatasetStream("acled", files, Directory.of_store(kg.open_store(store)))
    gc.collect()
    held = [o for o in gc.get_objects() if isinstance(o, events._Row)]
    assert [(row.file, row.line_no) for row in held] == [(0, 3)]  # week1's SYR1002, which week2 revised
    chunks = list(stream.chunks(2))
    written = [q for _, w in chunks for q in w.quads]
    revisions = [q for q in written if q.predicate.value.endswith("wasRevisionOf")]
    assert [(q.subject.value.rsplit("/", 1)[1], q.object.value.rsplit("/", 1)[1]) for q in revisions] == [
        ("acled-syr1002", "acled-syr1002-1733600000")
    ]
    kept = {q.subject.value.rsplit("/", 1)[1] for q in written if q.predicate.value.endswith("#content")}
    assert sum(w.records for _, w in chunks) == len(kept) == 4  # SYR1001-SYR1004, each once


def test_an_old_version_two_files_share_is_recorded_once(
    seed: tuple[Path, Path], tmp_path: Path, streamed: bool
) -> None:
    data, store = seed
    rows = ACLED.read_text(encoding="utf-8").splitlines()[1:]
    import_events("acled", export(tmp_path / "a.csv", rows[:3]), store_path=store, data_dir=data)
    import_events("acled", export(tmp_path / "b.csv", rows[2:]), store_path=store, data_dir=data)
    revised = rows[2].replace(",,,1733700000", ",3,,1733800000")
    report = import_events("acled", export(tmp_path / "c.csv", [revised]), store_path=store, data_dir=data)
    assert (report.events, report.updated) == (1, 1)
    older = records(store, "SELECT ?old WHERE { kgs:acled-syr1003 prov:wasRevisionOf ?old }")
    assert older == [{"old": "kgs:acled-syr1003-1733700000"}]
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def test_a_recorded_merge_holds_through_later_imports(seed: tuple[Path, Path], tmp_path: Path, streamed: bool) -> None:
    data, store = seed
    import_events("acled", ACLED, store_path=store, data_dir=data)
    merge("Syrian government", "Military Forces of Syria (2000-2024)", store_path=store, data_dir=data)
    revised = ACLED.read_text(encoding="utf-8").splitlines()[1].replace("1733000000", "1733000500")
    import_events("acled", export(tmp_path / "update.csv", [revised]), store_path=store, data_dir=data)
    opposed = records(store, "SELECT ?who WHERE { kge:hts kg:opposes ?who }")
    assert {"who": "kge:syrian-government"} in opposed
    merged = kg.open_store(store).query(
        "ASK { kge:acled-actor-military-forces-of-syria-2000 ?p ?o FILTER(?p != owl:sameAs) }"
    )
    assert merged is False
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def test_the_same_event_in_two_layouts_is_kept_once(seed: tuple[Path, Path], tmp_path: Path, streamed: bool) -> None:
    """A country file in the 2020 layout and the same events in a current export: one record each."""
    data, store = seed
    import_events("acled", EVENTS / "burkina-2020.csv", store_path=store, data_dir=data)
    current_header = ACLED.read_text(encoding="utf-8").splitlines()[0]
    row = (
        "BFO9001,09 May 2020,2020,1,Political violence,Battles,Armed clash,"
        "Military Forces of Burkina Faso (2015-2022),VDP: Volunteers for the Defense of the Homeland,State forces,"
        "JNIM: Group for Support of Islam and Muslims,,Rebel group,12,,854,Western Africa,Burkina Faso,Sahel,Soum,"
        "Djibo,Djibo,14.1015,-1.6306,1,Synthetic Source,National,"
        "[synthetic test row] On 9 May 2020 soldiers and VDP fought JNIM near Djibo. 7 fatalities.,7,,1589220519"
    )
    report = import_events(
        "acled", export(tmp_path / "sahel.csv", [row], current_header), store_path=store, data_dir=data
    )
    # the same version of one event: kept once, in the file whose events are older (this one)
    assert (report.events, report.duplicates, report.updated) == (1, 0, 0)
    assert report.others == {"burkina-2020.acled.csv": ("acled-burkina-2020", 7)}
    assert records(store, "SELECT (COUNT(?c) AS ?n) WHERE { kgs:acled-bfo9001 kg:content ?c }") == [{"n": 1}]
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


# --- the layouts people have ----------------------------------------------------------------------


LAYOUTS = {
    "burkina-2020.csv": (
        8,
        {
            ("Military Forces of Burkina Faso (2015-2022)", "opposes", "JNIM: Group for Support of Islam and Muslims"),
            (
                "VDP: Volunteers for the Defense of the Homeland",
                "alliedWith",
                "Military Forces of Burkina Faso (2015-2022)",
            ),
            ("Military Forces of Burkina Faso (2015-2022)", "captured", "Tin-Akoff"),
            ("Military Forces of Burkina Faso (2015-2022)", "opposes", "Islamic State (Greater Sahara)"),
            ("Military Forces of France (2017-)", "opposes", "Islamic State (Greater Sahara)"),
            ("Military Forces of France (2017-)", "struckFromAir", "Islamic State (Greater Sahara)"),
        },
    ),
    "mali-2020-quoted.csv": (
        3,
        {
            ("Military Forces of Mali (2020-2021)", "opposes", "Islamic State (Greater Sahara)"),
            ("Dozo Militia", "alliedWith", "Military Forces of Mali (2020-2021)"),
            ("JNIM: Group for Support of Islam and Muslims", "basedIn", "Boni"),
            ("JNIM: Group for Support of Islam and Muslims", "controls", "Hombori"),
        },
    ),
    "bangladesh-2015.csv": (
        3,
        {
            ("Police Forces of Bangladesh (2009-)", "opposes", "JMB: Jamaat-ul-Mujahideen Bangladesh"),
            ("RAB: Rapid Action Battalion", "alliedWith", "Police Forces of Bangladesh (2009-)"),
        },
    ),
    "algeria-2016.zip": (
        3,
        {
            ("Military Forces of Algeria (1999-)", "captured", "Boumerdes"),
            ("Military Forces of Algeria (1999-)", "opposes", "AQIM: Al Qaeda in the Islamic Maghreb"),
            ("AQIM: Al Qaeda in the Islamic Maghreb", "basedIn", "Tizi Ouzou"),
        },
    ),
    "africa-api-2016.csv": (
        3,
        {
            ("Military Forces of Libya (2016-) Presidential Guard", "captured", "Sirte"),
            ("Military Forces of Libya (2016-) Presidential Guard", "opposes", "Islamic State (Libya)"),
            ("Misratah Communal Militia (Libya)", "alliedWith", "Military Forces of Libya (2016-) Presidential Guard"),
        },
    ),
}


def zipped_algeria(tmp_path: Path) -> Path:
    """The All-Africa layout as ACLED shipped it: Windows-1252 text with CRLF line ends, in a zip."""
    path = tmp_path / "algeria-2016.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(EVENTS / "algeria-2016.cp1252.csv", "ACLED Algeria File_20151229 to 20160105_csv.csv")
    return path


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_acled_layout_imports_with_the_relations_its_codebook_means(
    seed: tuple[Path, Path], tmp_path: Path, name: str
) -> None:
    data, store = seed
    path = zipped_algeria(tmp_path) if name.endswith(".zip") else EVENTS / name
    report = import_events("acled", path, store_path=store, data_dir=data)
    events, relations = LAYOUTS[name]
    assert report.events == events and report.claims == len(relations)
    graph = ox.NamedNode(GRAPH + report.source)
    claimed = records(
        store,
        """SELECT ?graph ?s ?p ?o WHERE { GRAPH ?graph { ?c a kg:Claim ; rdf:subject/rdfs:label ?s ;
             rdf:predicate ?pred ; rdf:object/rdfs:label ?o } BIND(STRAFTER(STR(?pred), "#") AS ?p) }""",
        graph=graph,
    )
    assert {(r["s"], r["p"], r["o"]) for r in claimed} == relations
    placed = records(
        store,
        """SELECT ?graph (COUNT(?r) AS ?n) WHERE { GRAPH ?graph { ?r kg:eventPlace ?p ; geo:lat ?lat ;
             kg:geoPrecision ?q } } GROUP BY ?graph""",
        graph=graph,
    )
    placed = [{"n": row["n"]} for row in placed]
    assert placed == [{"n": events}]
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def test_a_zipped_windows_1252_export_is_read_and_saved_as_utf8(
    seed: tuple[Path, Path], tmp_path: Path, streamed: bool
) -> None:
    data, store = seed
    report = import_events("acled", zipped_algeria(tmp_path), store_path=store, data_dir=data)
    raw = (EVENTS / "algeria-2016.cp1252.csv").read_bytes()
    at = raw.index(b"\x92")
    line, column = raw[:at].count(b"\n") + 1, at - raw[:at].rfind(b"\n")
    assert report.notes == [
        "read ACLED Algeria File_20151229 to 20160105_csv.csv from the archive; read as Windows-1252: not UTF-8 "
        f"(byte 0x92 at byte {at:,} (line {line}, column {column})); if that is wrong, name the encoding with "
        "--encoding",
        "saved as UTF-8 text in " + str(data / "algeria-2016.acled.csv"),
    ]
    saved = (data / "algeria-2016.acled.csv").read_bytes()
    assert saved == (EVENTS / "algeria-2016.cp1252.csv").read_bytes().decode("cp1252").encode("utf-8")
    quote = records(store, "claims-by-source", source="kgs:acled-9902rta-20151230")[0]["quote"]
    assert quote.startswith("[synthetic test row] The People’s National Army (ANP)")


def test_a_byte_order_mark_is_set_aside(seed: tuple[Path, Path], tmp_path: Path, streamed: bool) -> None:
    data, store = seed
    marked = tmp_path / "marked.csv"
    marked.write_bytes(codecs.BOM_UTF8 + ACLED.read_bytes())
    report = import_events("acled", marked, store_path=store, data_dir=data)
    assert report.events == 4 and report.notes[0] == "a UTF-8 byte-order mark was set aside"
    gdelt = tmp_path / "marked.gdelt.tsv"
    gdelt.write_bytes(codecs.BOM_UTF8 + GDELT.read_bytes())
    import_events("gdelt", gdelt, store_path=store, data_dir=data)
    assert records(store, "SELECT ?id WHERE { kgs:gdelt-1210000001 dct:identifier ?id }") == [{"id": "1210000001"}]
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def test_gdelt_excerpts_of_real_files_import(seed: tuple[Path, Path], tmp_path: Path, streamed: bool) -> None:
    data, store = seed
    v2 = import_events("gdelt", EVENTS / "20191024143000.export.CSV", store_path=store, data_dir=data)
    v1 = import_events("gdelt", EVENTS / "gdelt-1.0-events.csv", store_path=store, data_dir=data)
    assert (v2.events, v2.claims, v1.events, v1.claims) == (14, 10, 8, 5)  # Syria shelled Israel (CAMEO 194)
    # the United States as an actor and as the place of the event are one entity
    usa = records(store, "SELECT ?e WHERE { kgs:gdelt-881992713 kg:eventPlace ?e ; kg:eventActor ?e }")
    assert usa == [{"e": "kge:country-usa"}]
    # demonyms are countries, capitals get a sensible case, countryless police are nobody in particular
    labels = {
        r["label"]
        for r in records(
            store,
            "SELECT DISTINCT ?label WHERE { ?r kg:sourceKind kg:EventRecord ; kg:eventActor/rdfs:label ?label }",
        )
    }
    assert {"Syria", "Turkey", "The EU", "Syrian refugees", "American government", "Taliban"} <= labels
    assert not labels & {"Syrian", "Russian", "The Eu", "Police", "Army"}
    withdrawn = records(store, "SELECT ?place WHERE { kge:syria kg:withdrewFrom ?p . ?p rdfs:label ?place }")
    assert {r["place"] for r in withdrawn} == {"Idlib", "Manbij"}
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


# --- relations as the codebook means them ----------------------------------------------------------


def test_associated_actors_are_alliances_only_between_armed_actors(seed: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = seed
    import_events("acled", EVENTS / "burkina-2020.csv", store_path=store, data_dir=data)
    allied = records(
        store,
        """SELECT ?a ?b WHERE { GRAPH kgg:acled-burkina-2020 { ?x kg:alliedWith ?y } ?x rdfs:label ?a .
             ?y rdfs:label ?b }""",
    )
    assert allied == [
        {"a": "VDP: Volunteers for the Defense of the Homeland", "b": "Military Forces of Burkina Faso (2015-2022)"}
    ]
    victims = records(
        store, "SELECT ?label WHERE { kgs:acled-bfo9002 kg:eventActor ?a . ?a rdfs:label ?label } ORDER BY ?label"
    )
    assert [r["label"] for r in victims] == [
        "Civilians (Burkina Faso)",
        "Fulani Ethnic Group (Burkina Faso)",
        "JNIM: Group for Support of Islam and Muslims",
    ]
    blocs = analysis.blocs(to_networkx(kg.open_store(store)))
    members = set(blocs.members["label"])
    assert not {label for label in members if label.startswith(("Civilians", "Protesters", "Rioters", "Unidentified"))}


# --- names -----------------------------------------------------------------------------------------


def test_a_regime_named_with_and_without_its_end_date_is_one_actor(
    seed: tuple[Path, Path], tmp_path: Path, streamed: bool
) -> None:
    data, store = seed
    rows = ACLED.read_text(encoding="utf-8").splitlines()
    older = (
        rows[1]
        .replace("SYR1001", "SYR0901")
        .replace("Military Forces of Syria (2000-2024)", "Military Forces of Syria (2000-)")
    )
    older = older.replace("2024-11-27", "2023-11-27").replace("1733000000", "1701000000")
    import_events("acled", export(tmp_path / "syria-2023.csv", [older]), store_path=store, data_dir=data)
    import_events("acled", ACLED, store_path=store, data_dir=data)
    forces = records(
        store,
        """SELECT DISTINCT ?forces ?label WHERE { kgs:acled-syr0901 kg:eventActor ?forces .
             kgs:acled-syr1001 kg:eventActor ?forces . ?forces rdfs:label ?label
             FILTER(STRSTARTS(?label, "Military")) }""",
    )
    assert forces == [
        {"forces": "kge:acled-actor-military-forces-of-syria-2000", "label": "Military Forces of Syria (2000-2024)"}
    ]
    assert_rebuilds_to_the_same_store(data, store, tmp_path)


def test_duplicates_are_not_proposed_across_countries_or_regimes(seed: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = seed
    rows = ACLED.read_text(encoding="utf-8").splitlines()
    iran = rows[4].replace("SYR1004", "IRN1004").replace("Protesters (Syria)", "Protesters (Iran)")
    iraq = rows[4].replace("SYR1004", "IRQ1004").replace("Protesters (Syria)", "Protesters (Iraq)")
    regime = rows[1].replace("SYR1001", "SYR2001").replace("(2000-2024)", "(2024-)")

    def village(row: str, event: str, province: str, point: str) -> str:
        return row.replace("SYR1004", event).replace(
            "Idleb,Idleb,,Idleb,35.9306,36.6339", f"{province},,,Kafr Nubl,{point}"
        )

    here = village(rows[4], "SYR3001", "Idleb", "35.6136,36.5606")
    namesake = village(rows[4], "SYR3002", "Hama", "35.1000,36.9000")  # about 60 km away: another village
    respelled = village(rows[4], "SYR3003", "Idlib", "35.6140,36.5610")  # the same village, its province respelled
    mix = [iran, iraq, regime, rows[1], here, namesake, respelled]
    import_events("acled", export(tmp_path / "mix.csv", mix), store_path=store, data_dir=data)
    pairs = {(d.first, d.second) for d in duplicates(kg.open_store(store))}
    assert pairs == {(ENTITY + "acled-place-kafr-nubl-idleb-syria", ENTITY + "acled-place-kafr-nubl-idlib-syria")}


# --- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "edit", "message"),
    [
        (
            "acled",
            lambda t: t.replace(",notes,", ",remarks,"),
            r"x\.acled\.csv:1: missing column notes; an ACLED export names its columns in its first row, in any "
            r"order and case, among them event_id_cnty, event_date, event_type, actor1, location, notes; this file's "
            r"first row has 31 fields, of which kg does not know 'remarks'$",
        ),
        (
            "acled",
            lambda t: t.replace("2024-12-07", "2024-13-07"),
            r"x\.acled\.csv:3: event_date \(column 2\) '2024-13-07' is not a date; ACLED writes 2024-12-08, "
            r"08 December 2024, 8-Dec-24 or 08/12/2024$",
        ),
        (
            "acled",
            lambda t: t.replace("36.1500", "361.500"),
            r"x\.acled\.csv:2: latitude '361.500' is out of range \(-90 to 90\)$",
        ),
        ("acled", lambda t: t.splitlines()[0] + "\n", r"x\.acled\.csv: a header and no events; nothing to import$"),
        ("acled", lambda t: "", r"x\.acled\.csv: empty file; an ACLED export starts with a row naming its columns$"),
        (
            "acled",
            lambda t: GDELT.read_text(encoding="utf-8"),
            r"x\.acled\.csv: a GDELT event file, not an ACLED export; import it with `kg import gdelt`$",
        ),
        (
            "gdelt",
            lambda t: t.replace("\t192\t", "\t192\t\t", 1),
            r"x\.gdelt\.tsv:1: 62 tab-separated fields; a GDELT 2.0 event has 61 \(GDELT 1\.0: 58, or 57 without "
            r"SOURCEURL\)$",
        ),
        (
            "gdelt",
            lambda t: t.replace("20241208", "2024128", 1),
            r"x\.gdelt\.tsv:2: SQLDATE \(column 2\) '2024128' is not a date \(YYYYMMDD\)$",
        ),
        ("gdelt", lambda t: "\n", r"x\.gdelt\.tsv: empty file; a GDELT event file has one event per line"),
        (
            "gdelt",
            lambda t: "\t".join(["881990832", "20191024143000", "20191024143000", "1", "example.com"] + ["x"] * 11),
            r"x\.gdelt\.tsv: a GDELT 2\.0 mentions file \(16 fields",
        ),
        (
            "gdelt",
            lambda t: "\t".join(["20191024143000-0", "20191024143000"] + [""] * 25),
            r"x\.gdelt\.tsv: a GDELT 2\.1 Global Knowledge Graph file \(27 fields",
        ),
        (
            "gdelt",
            lambda t: ACLED.read_text(encoding="utf-8"),
            r"x\.gdelt\.tsv: an ACLED export, not a GDELT event file; import it with `kg import acled`$",
        ),
    ],
)
def test_bad_files_are_refused_naming_file_line_and_column(
    imported: tuple[Path, Path], tmp_path: Path, kind: str, edit, message: str
) -> None:
    data, store = imported
    source = ACLED if kind == "acled" else GDELT
    bad = tmp_path / ("x.acled.csv" if kind == "acled" else "x.gdelt.tsv")
    bad.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    live = (store / "live").read_text()
    with pytest.raises(kg.DataError, match=message):
        import_events(kind, bad, store_path=store, data_dir=data)
    assert (store / "live").read_text() == live and not (data / bad.name).exists()
    assert not [p for p in data.iterdir() if p.name.endswith(".tmp")]


def test_bytes_that_are_no_text_are_refused_at_their_position(
    imported: tuple[Path, Path], tmp_path: Path, streamed: bool
) -> None:
    data, store = imported
    text = ACLED.read_bytes()
    at = text.index(b"Urum al-Kubra")
    bad = tmp_path / "x.csv"
    bad.write_bytes(text[:at] + b"\x81" + text[at:])  # 0x81: neither UTF-8 nor Windows-1252
    line = text[:at].count(b"\n") + 1
    column = at - text[:at].rfind(b"\n")
    with pytest.raises(
        kg.DataError,
        match=rf"x\.csv:{line}: neither UTF-8 nor Windows-1252 text: byte 0x81 at byte {at:,} \(column {column}\); "
        r"name its encoding with --encoding",
    ):
        import_events("acled", bad, store_path=store, data_dir=data)
    latin = tmp_path / "y.csv"
    latin.write_bytes(text.replace(b"Idleb", "Idl\u00e8b".encode("latin-1")).replace(b"SYR", b"LAT"))
    report = import_events("acled", latin, store_path=store, data_dir=data, encoding="latin-1", validate=False)
    assert report.notes[0] == "read as latin-1" and report.events == 4
    drop("acled-y", store_path=store, data_dir=data)


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"xl/workbook.xml": "", "xl/sheet1.xml": ""}, r"an Excel workbook \(\.xlsx\), not a table of text"),
        ({"a.csv": "x", "b.csv": "y"}, r"a zip of 2 files \(a\.csv, b\.csv\); kg imports one table at a time"),
    ],
)
def test_zips_that_are_not_one_table_are_refused(
    imported: tuple[Path, Path], tmp_path: Path, members: dict[str, str], message: str
) -> None:
    data, store = imported
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    with pytest.raises(kg.DataError, match=message):
        import_events("acled", path, store_path=store, data_dir=data)


# --- the data folder and the store stay in step ----------------------------------------------------


def test_drop_refuses_a_source_whose_files_are_not_in_the_data_folder(seed: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = seed
    import_events("acled", ACLED, store_path=store, data_dir=data)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(kg.DataError, match=r"kgs:acled-syria-dec-2024 has no file in .*elsewhere, the data folder"):
        drop("acled-syria-dec-2024", store_path=store, data_dir=elsewhere)
    result = CliRunner().invoke(
        cli, ["--store", str(store), "drop", "acled-syria-dec-2024", "--data", str(elsewhere), "--store-only"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Dropped kgs:acled-syria-dec-2024: ")
    assert result.stdout.rstrip().endswith(f"; no files moved (--store-only: a build of {elsewhere} brings it back)")
    assert (data / "syria-dec-2024.acled.csv").exists()


def test_an_import_refuses_a_store_built_from_another_folder(imported: tuple[Path, Path], tmp_path: Path) -> None:
    _, store = imported
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(kg.DataError, match=r"the store holds kgg:acled-syria-dec-2024, whose file is not in"):
        import_events("acled", EVENTS / "burkina-2020.csv", store_path=store, data_dir=other)
    assert not list(other.iterdir())


def test_the_cli_imports_in_one_line(imported: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = imported
    scratch = tmp_path / "store"
    shutil.copytree(store, scratch)
    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    result = CliRunner().invoke(cli, ["--store", str(scratch), "import", "acled", str(ACLED), "--data", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Replaced kgg:acled-syria-dec-2024: 4 events, 4 claims, 0 quads; saved ")
    weekly = export(
        tmp_path / "week.csv",
        [
            ACLED.read_text(encoding="utf-8")
            .splitlines()[1]
            .replace(",12,,", ",14,,")
            .replace("1733000000", "1733100000")
        ],
    )
    result = CliRunner().invoke(cli, ["--store", str(scratch), "import", "acled", str(weekly), "--data", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Imported kgg:acled-week: 1 event, 1 claim, ")
    assert lines[1:] == [
        "  1 event here is a newer version of one in another file; the older is kept beside it",
        "  kgg:acled-syria-dec-2024 (syria-dec-2024.acled.csv) now keeps 3 events",
    ]


def test_the_importers_map_events_to_the_relations_the_ontology_names() -> None:
    """Each relation's kg:acledSubEventType and kg:cameoCode in the ontology is what the importers do."""
    import pyoxigraph as ox

    from kg.formats import acled, gdelt

    ontology = ox.Store()
    ontology.load(path=str(ROOT / "ontology" / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    kg_ = "https://w3id.org/conflict-kg/ontology#"
    named = {
        kind: {
            (q.object.value.lower() if kind == "acled" else q.object.value, q.subject.value.removeprefix(kg_))
            for q in ontology.quads_for_pattern(None, ox.NamedNode(kg_ + prop), None)
        }
        for kind, prop in (("acled", "acledSubEventType"), ("cameo", "cameoCode"))
    }
    acled_map = {**acled.TERRITORY, **acled.STRIKES, **acled.TALKS, "armed clash": "opposes"}
    assert named["acled"] == set(acled_map.items())
    cameo_map = {**gdelt.ACTOR_EVENTS, **gdelt.PLACE_EVENTS}
    assert {(code, p) for code, p in named["cameo"] if p != "opposes"} == set(cameo_map.items())
    assert all(code.startswith("19") for code, p in named["cameo"] if p == "opposes")  # every fight opposes


def test_a_streamed_import_reads_ahead_and_stops_reading_when_the_writer_stops() -> None:
    """The next chunk is read in a thread while this one is written: every chunk arrives, in order; a failure
    while reading reaches the writer; and when the writer stops (a chunk failed its checks) the reading stops
    too, rather than leaving a thread behind."""
    import threading

    from kg.ingest.apply import _ahead

    assert list(_ahead(iter(range(5)))) == [0, 1, 2, 3, 4]

    def failing():
        yield 1
        raise kg.DataError("x.acled.csv:3: broken")

    with pytest.raises(kg.DataError, match="broken"):
        list(_ahead(failing()))

    def endless():
        number = 0
        while True:
            yield number
            number += 1

    reader = _ahead(endless())
    assert next(reader) == 0
    reader.close()  # the writer gives up: the thread is joined before close returns
    assert not any(thread.name == "kg-import-read" for thread in threading.enumerate())


def test_a_streamed_import_reads_one_chunk_ahead_not_two() -> None:
    """While a chunk is written, the next is read, and no more: each chunk of a big import is hundreds of MB
    of quads, so a third one waiting behind the next would add its size to the import's peak memory. The
    reader is asked for a chunk only once the writer has taken the one before it, and a chunk the writer is
    done with is let go (counted with weak references, at the moment the reader is asked for the next)."""
    import threading
    import weakref

    from kg.ingest.apply import _ahead

    class Chunk:
        def __init__(self, number: int) -> None:
            self.number = number

    alive: set[int] = set()
    alive_when_asked: list[tuple[int, set[int]]] = []
    asked = [threading.Event() for _ in range(12)]

    def chunks():
        for number in range(10):
            alive_when_asked.append((number, set(alive)))
            asked[number].set()
            chunk = Chunk(number)
            alive.add(number)
            weakref.finalize(chunk, alive.discard, number)
            yield chunk
            del chunk

    taken = []
    for chunk in _ahead(chunks()):
        taken.append(chunk.number)
        if chunk.number + 1 < 10:
            asked[chunk.number + 1].wait()  # the writer's work on this chunk outlasts the reading of the next
        del chunk
    assert taken == list(range(10))
    for number, others in alive_when_asked:
        assert others <= {number - 1}, f"asked for chunk {number} while {sorted(others)} were still held"
