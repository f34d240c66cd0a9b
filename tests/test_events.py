"""ACLED and GDELT files imported beside the seed: provenance per row, names joined, bad files refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.ingest.apply import drop, import_events
from tests.helpers import ROOT

ACLED = ROOT / "tests" / "data" / "syria-dec-2024.acled.csv"
GDELT = ROOT / "tests" / "data" / "syria-dec-2024.gdelt.tsv"


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


def records(store: Path, query: str, **params: str) -> list[dict]:
    result = kg.open_store(store).query(query, **params)
    assert isinstance(result, kg.SelectResult)
    return result.records()


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


def test_names_join_the_gazetteer(imported: tuple[Path, Path]) -> None:
    _, store = imported
    sheltered = records(store, "sheltered", host="Iraq")
    assert {(r["guestLabel"], r["claimant"]) for r in sheltered} >= {("fleeing Syrian soldiers", "GDELT")}
    withdrew = records(
        store, "SELECT ?place ?label WHERE { kge:hezbollah kg:withdrewFrom ?place . ?place rdfs:label ?label }"
    )
    assert [r["label"] for r in withdrew] == ["Qusayr"]
    position = records(store, "SELECT ?lat ?long WHERE { ?p rdfs:label 'Qusayr'@en ; geo:lat ?lat ; geo:long ?long }")
    assert [(float(p["lat"]), float(p["long"])) for p in position] == [(34.5095, 36.5797)]
    allies = records(store, "allies", actor="HTS")
    assert [r["allyLabel"] for r in allies] == ["Military Operations Command"]


def test_reimport_replaces_and_drop_removes(imported: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = imported
    scratch = tmp_path / "store"
    shutil.copytree(store, scratch)
    before = len(kg.open_store(scratch))
    again = import_events("gdelt", GDELT, store_path=scratch, data_dir=data)
    assert again.replaced and len(kg.open_store(scratch)) == before
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


@pytest.mark.parametrize(
    ("kind", "edit", "message"),
    [
        (
            "acled",
            lambda t: t.replace(",notes,", ",remarks,"),
            r"x\.acled\.csv:1: missing column notes; an ACLED export has",
        ),
        (
            "acled",
            lambda t: t.replace("2024-12-07", "2024-13-07"),
            r"x\.acled\.csv:3: event_date '2024-13-07' is not a date",
        ),
        (
            "gdelt",
            lambda t: t.replace("\t192\t", "\t192\t\t", 1),
            r"x\.gdelt\.tsv:1: 62 tab-separated fields; a GDELT 2.0 event has 61",
        ),
        ("gdelt", lambda t: t.replace("20241208", "2024128", 1), r"x\.gdelt\.tsv:2: SQLDATE '2024128' is not a date"),
    ],
)
def test_bad_files_name_file_and_line(
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


def test_the_cli_imports_in_one_line(imported: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = imported
    scratch = tmp_path / "store"
    shutil.copytree(store, scratch)
    result = CliRunner().invoke(cli, ["--store", str(scratch), "import", "acled", str(ACLED), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Replaced kgg:acled-syria-dec-2024: 4 claims, ")
