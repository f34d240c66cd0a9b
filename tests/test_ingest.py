"""Adding a report: annotation -> checks -> data folder and store in one step; re-ingest; drop; bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.formats import annotation as annotations
from kg.ingest.apply import drop, ingest
from kg.project import to_networkx
from tests.helpers import ROOT

FIXTURES = ROOT / "tests" / "data"
TEXT = FIXTURES / "second-report.txt"
ANNOTATION = FIXTURES / "second-report.yaml"


def make_project(root: Path) -> tuple[Path, Path]:
    data = root / "data"
    shutil.copytree(ROOT / "data", data)
    store = root / "store"
    kg.build([ROOT / "ontology", data], store_path=store)
    return data, store


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder and a store built from it, for a test that changes them."""
    return make_project(tmp_path)


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A data folder and store shared by tests whose ingest must fail without changing anything."""
    return make_project(tmp_path_factory.mktemp("untouched"))


def sources(store: Path) -> list[str]:
    result = kg.open_store(store).query("sources")
    assert isinstance(result, kg.SelectResult)
    return [r["source"] for r in result.records()]


def test_ingest_end_to_end(project: tuple[Path, Path]) -> None:
    data, store = project
    report = ingest(TEXT, ANNOTATION, store_path=store, data_dir=data)
    assert (report.source, report.claims, report.replaced) == ("second-report", 4, False)
    assert sources(store) == ["kgs:syrian-rebels-advance", "kgs:second-report"]
    opened = kg.open_store(store)
    claims = opened.query("claims-by-source", source="kgs:second-report")
    assert isinstance(claims, kg.SelectResult)
    assert [r["quote"] for r in claims.records()][0] == "Bashar al-Assad has fled Damascus for Moscow"
    graph = to_networkx(opened)  # the new source reaches the graph a viz draws
    edge = graph.get_edge_data("https://w3id.org/conflict-kg/id/homs", "https://w3id.org/conflict-kg/id/damascus")
    assert edge["kg:northOf"]["claims"] == "kgc:second-report-04"
    assert opened.query("ASK { kge:local-monitor a kg:MonitoringGroup }") is True
    assert (data / "second-report.yaml").read_bytes() == ANNOTATION.read_bytes()
    assert (data / "second-report.txt").read_bytes() == TEXT.read_bytes()


def inferred(store: Path) -> set[tuple[str, str, str]]:
    result = kg.open_store(store).query("SELECT ?s ?p ?o WHERE { GRAPH kgg:inferred { ?s ?p ?o } }")
    assert isinstance(result, kg.SelectResult)
    return {(r["s"], r["p"], str(r["o"])) for r in result.records()}


def test_inference_follows_an_ingest_and_a_drop_exactly(project: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = project
    before, graphs = inferred(store), set(kg.open_store(store).inner.named_graphs())
    ingest(TEXT, ANNOTATION, store_path=store, data_dir=data)
    after = inferred(store)
    assert ("kge:syrian-government", "kg:opposes", "kge:hezbollah") in after - before
    fresh = tmp_path / "fresh"
    kg.build([ROOT / "ontology", data], store_path=fresh)
    assert after == inferred(fresh)  # updating in place gives what a full build gives
    drop("second-report", store_path=store, data_dir=data)
    assert inferred(store) == before
    assert set(kg.open_store(store).inner.named_graphs()) == graphs  # the report's graph is gone, not left empty


def test_reingest_is_idempotent_and_a_rebuild_agrees(project: tuple[Path, Path]) -> None:
    data, store = project
    ingest(TEXT, ANNOTATION, store_path=store, data_dir=data)
    first = len(kg.open_store(store))
    again = ingest(TEXT, ANNOTATION, store_path=store, data_dir=data)
    assert again.replaced and len(kg.open_store(store)) == first
    rebuilt = kg.build([ROOT / "ontology", data], store_path=store)
    assert rebuilt.quads == first and rebuilt.claims == 66


def test_drop_removes_the_graph_and_shelves_the_files(project: tuple[Path, Path]) -> None:
    data, store = project
    before = len(kg.open_store(store))
    ingest(TEXT, ANNOTATION, store_path=store, data_dir=data)
    report = drop("second-report", store_path=store, data_dir=data)
    assert report.quads > 0 and len(kg.open_store(store)) == before
    assert sorted(p.name for p in report.moved) == ["second-report.txt", "second-report.yaml"]
    assert all(".dropped" in p.parts for p in report.moved)
    assert kg.build([ROOT / "ontology", data], store_path=store).quads == before  # dropped stays dropped
    with pytest.raises(kg.DataError, match="no source is called 'second-report'"):
        drop("second-report", store_path=store, data_dir=data)
    ingest(TEXT, ANNOTATION, store_path=store, data_dir=data)  # back, and dropped again at once
    again = drop("second-report", store_path=store, data_dir=data)
    assert {p.parent for p in again.moved}.isdisjoint({p.parent for p in report.moved})
    assert all(p.exists() for p in [*report.moved, *again.moved])  # the first drop's files are still shelved


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = ANNOTATION.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "subject: Hezbollah",
            "subject: Hezbolah",
            r"bad\.yaml:\d+: claims\[2\]\.subject: no entity is called 'Hezbolah'; did you mean: Hezbollah",
        ),
        (
            "predicate: captured",
            "predicate: capturd",
            r"bad\.yaml:26: claims\[1\]\.predicate: unknown predicate 'capturd'; did you mean captured",
        ),
        (
            "quote: rebels entered Homs on Friday night",
            "quote: rebels entered Homs on Friday evening",
            r"bad\.yaml:28: claims\[1\]\.quote: the quote is not in the text; "
            r"the closest passage is 'rebels entered Homs on Friday night",
        ),
        ("date: 2024-12-06", "date: 2024-12-36", r"bad\.yaml:30: claims\[1\]\.date: Input should be a valid date"),
        ("reliability: E5", "reliability: G5", r"bad\.yaml:\d+: claims\[2\]\.reliability: String should match pattern"),
        (
            "type: MediaOutlet",
            "type: MediaOutlt",
            r"bad\.yaml:13: entities\[0\]\.type: unknown entity type 'MediaOutlt'; did you mean MediaOutlet",
        ),
        ("kind: [news-article]", "kind: [blog]", r"bad\.yaml:9: source\.kind\[0\]: Input should be"),
    ],
)
def test_bad_annotations_name_file_line_and_field_and_change_nothing(
    untouched: tuple[Path, Path], tmp_path: Path, old: str, new: str, message: str
) -> None:
    data, store = untouched
    live = (store / "live").read_text()
    files = sorted(data.rglob("*"))
    with pytest.raises(kg.DataError, match=message):
        ingest(TEXT, broken(tmp_path, old, new), store_path=store, data_dir=data)
    assert (store / "live").read_text() == live
    assert sorted(data.rglob("*")) == files


def test_a_validation_problem_is_reported_and_nothing_changes(untouched: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = untouched
    live = (store / "live").read_text()
    bad = broken(
        tmp_path,
        "    predicate: opposes\n    object: Syrian government",
        "    predicate: captured\n    object: Syrian government",
    )
    with pytest.raises(kg.ValidationError) as caught:
        ingest(TEXT, bad, store_path=store, data_dir=data)
    assert [str(p) for p in caught.value.problems] == [  # the line of the claim that names it
        f"{bad}:34: kge:syrian-government: kge:syrian-government is the object of kg:captured, which expects a "
        "kg:Place, but it is not one"
    ]
    assert (store / "live").read_text() == live


def test_every_problem_of_an_annotation_is_reported_at_once(untouched: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = untouched
    text = ANNOTATION.read_text(encoding="utf-8")
    for old, new in (
        ("predicate: captured", "predicate: capturd"),
        ("subject: Hezbollah", "subject: Hezbolah"),
        ("type: MediaOutlet", "type: MediaOutlt"),
        ("quote: rebels entered Homs on Friday night", "quote: rebels entered Homs at dawn"),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(kg.DataError) as caught:
        ingest(TEXT, bad, store_path=store, data_dir=data)
    problems = [(p.where.rpartition(":")[2], p.focus) for p in caught.value.problems]  # type: ignore[attr-defined]
    assert problems == [
        ("13", "entities[0].type"),
        ("26", "claims[1].predicate"),
        ("28", "claims[1].quote"),
        (problems[3][0], "claims[2].subject"),
    ]
    assert str(caught.value).endswith("(and 3 more: see above)")
    result = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(TEXT), str(bad), "--data", str(data)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 5  # each problem, then the summary line


def test_an_unknown_predicate_lists_the_known_ones(untouched: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = untouched
    with pytest.raises(
        kg.DataError, match=r"unknown predicate 'bombarded'; did you mean .*\bshelled\b|known: .*shelled"
    ):
        ingest(TEXT, broken(tmp_path, "predicate: captured", "predicate: bombarded"), store_path=store, data_dir=data)
    with pytest.raises(kg.DataError, match=r"unknown predicate 'xyz'; known: advancedOn, alliedWith, .*, withdrewTo"):
        ingest(TEXT, broken(tmp_path, "predicate: captured", "predicate: xyz"), store_path=store, data_dir=data)


def test_the_cli_ingests_in_one_line(project: tuple[Path, Path]) -> None:
    data, store = project
    result = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(TEXT), str(ANNOTATION), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Added kgs:second-report: 4 claims, ")
    bad = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(TEXT), str(ROOT / "README.md")])
    assert bad.exit_code == 1 and bad.stderr.count("\n") == 1


def test_the_seed_is_expressible_in_the_annotation_format(store: kg.Store, tmp_path: Path) -> None:
    data = annotations.from_graph(store, "syrian-rebels-advance")
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    _, quads = annotations.convert(
        store, path, text_path=ROOT / "data" / "sources" / "syrian-rebels-advance-on-damascus.txt"
    )
    graph = ox.NamedNode("https://w3id.org/conflict-kg/graph/syrian-rebels-advance")
    content = ox.NamedNode("https://w3id.org/conflict-kg/ontology#content")
    original = [q for q in store.inner.quads_for_pattern(None, None, None, graph) if q.predicate != content]
    converted = ox.Store()
    converted.extend(quads)  # stored, so literals are normalised the same way

    def canonical(quads: list[ox.Quad]) -> set[ox.Quad]:
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        return set(dataset)

    assert canonical(list(converted)) == canonical(original)
    assert len(data["claims"]) == 62 and len(data["notes"]) == 13


def test_the_schema_is_printed() -> None:
    result = CliRunner().invoke(cli, ["annotation-schema"])
    schema = yaml.safe_load(result.stdout)
    assert schema["title"] == "Annotation" and set(schema["required"]) == {"source", "claims"}


@pytest.mark.parametrize("seed", [3, 4])
def test_replacing_a_graph_in_place_infers_what_a_build_infers(tmp_path: Path, seed: int) -> None:
    """Synthetic reporting has chains of kg:locatedIn and kg:partOf (transitive) across its sources: taking
    one source out and putting it back re-infers, in place, exactly what full builds infer."""
    from kg import synth
    from kg.ingest.apply import replace_graph
    from kg.namespaces import GRAPH

    data = tmp_path / "data"
    report = synth.generate(data, relations=900, seed=seed)
    assert report.sources >= 2
    store, fresh = tmp_path / "store", tmp_path / "fresh"
    kg.build([ROOT / "ontology", data], store_path=store)
    whole = inferred(store)
    source = sorted(data.glob("synth-*.trig"))[0]
    graph = GRAPH + source.stem
    quads = list(kg.open_store(store).inner.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    assert any("locatedIn" in q.predicate.value or "partOf" in q.predicate.value for q in quads)
    replace_graph(store, graph, [])
    source.rename(tmp_path / source.name)  # what a build without that source reads
    kg.build([ROOT / "ontology", data], store_path=fresh)
    assert inferred(store) == inferred(fresh) != whole
    replace_graph(store, graph, quads)
    assert inferred(store) == whole


def ingest_made_up(folder: Path, name: str, text: str, annotation: str, *, data: Path, store: Path) -> None:
    """Write a made-up report's text and annotation as NAME.txt and NAME.yaml in ``folder``, and ingest them."""
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.yaml").write_text(annotation, encoding="utf-8")
    ingest(folder / f"{name}.txt", folder / f"{name}.yaml", store_path=store, data_dir=data)


HOLD = """\
source: {id: hold-report, title: A capture, kind: [news-article], date: 2024-12-11, text: hold-report.txt}
entities:
  - {id: hold-monitor, type: MonitoringGroup, label: the hold monitor}
claims:
  - {subject: HTS, predicate: captured, object: Latakia, quote: HTS captured Latakia, claimant: hold-monitor,
     date: 2024-12-10, precision: day, reliability: C3, reason: Test claim.}
"""
ALLIANCE = """\
source: {id: alliance-report, title: An alliance, kind: [news-article], date: 2024-12-12, text: alliance-report.txt}
entities:
  - {id: alliance-monitor, type: MonitoringGroup, label: the alliance monitor}
claims:
  - {subject: HTS, predicate: alliedWith, object: Hezbollah, quote: HTS is allied with Hezbollah,
     claimant: alliance-monitor, reliability: C3, reason: Test claim.}
"""


def test_an_alliance_ingested_from_another_report_changes_when_a_hold_ended(
    project: tuple[Path, Path], tmp_path: Path
) -> None:
    """An ingest writes again only the ends of holds in the places it may concern; a new alliance concerns
    every place its actors hold or take, though the report that states it names none of them."""
    data, store = project
    ended = ("kgc:syrian-rebels-advance-30", "kg:endedBy", "kgc:hold-report-01")  # Hezbollah's, in Latakia
    for name, text, annotation in [
        ("hold-report", "On Tuesday HTS captured Latakia.", HOLD),
        ("alliance-report", "HTS is allied with Hezbollah, a made-up report says.", ALLIANCE),
    ]:
        ingest_made_up(tmp_path, name, text, annotation, data=data, store=store)
        fresh = tmp_path / f"fresh-{name}"
        kg.build([ROOT / "ontology", data], store_path=fresh)
        assert inferred(store) == inferred(fresh)
        assert (ended in inferred(store)) == (name == "hold-report")  # allies hold jointly: the capture ends nothing


RIVALS = """\
source: {id: rival-report, title: Two holders, kind: [news-article], date: 2024-12-11, text: rival-report.txt}
entities:
  - {id: rival-monitor, type: MonitoringGroup, label: the rival monitor}
claims:
  - {subject: HTS, predicate: controls, object: Latakia, quote: HTS controls Latakia, claimant: rival-monitor,
     date: 2024-12-10, precision: day, reliability: C3, reason: Test claim.}
  - {subject: Russia, predicate: controls, object: Latakia, quote: Russia controls Latakia, claimant: rival-monitor,
     date: 2024-12-10, precision: day, reliability: C3, reason: Test claim.}
"""


def test_two_holders_ingested_are_contested_until_dropped(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A report that two rivals control one place makes them two holders at once (kg:heldAtOnceWith, inferred
    for the places the ingest concerns, as a full build infers it); dropping the report takes the pair away."""
    data, store = project
    text = "HTS controls Latakia. Russia controls Latakia."
    ingest_made_up(tmp_path, "rival-report", text, RIVALS, data=data, store=store)
    kg.build([ROOT / "ontology", data], store_path=tmp_path / "fresh")
    assert inferred(store) == inferred(tmp_path / "fresh")
    pairs = kg.open_store(store).query("contested").records()
    rivals = [r for r in pairs if r["kind"] == "two holders at once" and r["objectLabel"] == "Latakia"]
    assert {(r["quoteA"], r["quoteB"]) for r in rivals} >= {("HTS controls Latakia", "Russia controls Latakia")}
    drop("rival-report", store_path=store, data_dir=data)
    assert not any(p.endswith("#heldAtOnceWith") and "rival-report" in s for s, p, _ in inferred(store))
    assert not [r for r in kg.open_store(store).query("contested").records() if "rival-report" in r["claimA"]]


def test_a_short_or_common_alias_is_ingested_with_a_warning(project: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = project
    bad = broken(tmp_path, "label: Russian state media}", "label: Russian state media, aliases: [RT, Many, Sputnik]}")
    report = ingest(TEXT, bad, store_path=store, data_dir=data)
    assert [w.split(": ", 2)[2] for w in report.warnings] == [  # an acronym ("RT") is matched as written, silently
        "the name 'Many' is also a common English word, so kg matches it in texts only as written "
        "(same case, whole words)",
    ]
    assert report.warnings[0].startswith(f"{bad}:13: entities[0]")
    result = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(TEXT), str(bad), "--data", str(data)])
    assert result.exit_code == 0 and result.stderr.count("Warning: ") == 1
