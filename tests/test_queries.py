"""Every saved query, with its expected answer on the seed graph (and a second, contradicting source)."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

import kg
from kg import params, queries
from tests.helpers import ROOT, SEED_EXAMPLES, rows

SECOND = ROOT / "tests" / "data" / "second-report.yaml"


def column(records: list[dict], name: str) -> list:
    return [r[name] for r in records]


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory: pytest.TempPathFactory) -> kg.Store:
    """The seed plus a synthetic second report that disagrees with it."""
    data = tmp_path_factory.mktemp("two") / "inputs"
    shutil.copytree(ROOT / "data", data / "data")
    shutil.copy(SECOND, data / "data")
    shutil.copy(SECOND.with_suffix(".txt"), data / "data")
    store = data / "store"
    kg.build([ROOT / "ontology", data / "data"], store_path=store)
    return kg.open_store(store)


def test_the_library_is_documented_and_complete() -> None:
    catalog = queries.catalog()
    assert len(catalog) >= 12
    for saved in catalog.values():
        assert saved.title and saved.description, saved.name
        for param in saved.params:
            assert param.description, (saved.name, param.name)


def test_every_saved_query_runs_with_its_parameters(store: kg.Store) -> None:
    examples = SEED_EXAMPLES
    for saved in queries.catalog().values():
        values = {p.name: examples[p.name] for p in saved.params}
        assert isinstance(store.query(saved.name, **values), kg.SelectResult), saved.name
    bound = [saved for saved in queries.catalog().values() if saved.binding == "values"]
    assert bound, "some saved queries bind their parameters with VALUES"
    for saved in bound:  # either way of binding gives the same answer; the header only picks the faster
        values = params.bind(store, saved, {p.name: examples[p.name] for p in saved.params})
        substituted = store.run(dataclasses.replace(saved, binding="substitutions"), values)
        assert sorted(map(str, store.run(saved, values).rows)) == sorted(map(str, substituted.rows)), saved.name


def test_an_unknown_binding_is_refused() -> None:
    with pytest.raises(kg.QueryError, match="unknown binding 'value'; use one of substitutions, values"):
        queries.parse("# binding: value\nSELECT * WHERE { ?s ?p ?o }", name="q")


def test_allies(store: kg.Store) -> None:
    assert set(column(rows(store, "allies", actor="Assad"), "allyLabel")) == {"Russia", "Iran"}


def test_who_captured(store: kg.Store) -> None:
    records = rows(store, "who-captured")
    assert {(r["actorLabel"], r["placeLabel"]) for r in records} == {
        ("Hayat Tahrir al-Sham", "Homs"),
        ("Syrian rebels", "Homs"),
    }


def test_holdings_as_of(store: kg.Store) -> None:
    before = rows(store, "holdings", place="Homs", as_of="2024-12-01")
    assert [(r["holderLabel"], r["how"], str(r["since"]), str(r["until"])) for r in before] == [
        ("Syrian government forces", "controls", "2021-12-07", "2024-12-07")
    ]
    after = rows(store, "holdings", place="Homs", as_of="2024-12-10")
    assert set(column(after, "holderLabel")) == {"Hayat Tahrir al-Sham", "Syrian rebels"}
    assert len(rows(store, "holdings", place="Homs")) == 5


def test_withdrew_to(store: kg.Store) -> None:
    assert column(rows(store, "withdrew-to"), "placeLabel") == ["Hermel region", "Latakia"]


def test_sheltered(store: kg.Store) -> None:
    records = rows(store, "sheltered")
    assert {(r["hostLabel"], r["guestLabel"], r["count"], r["qualifier"]) for r in records} == {
        ("Iraq", "fleeing Syrian soldiers", 2000, "more than")
    }


def test_actors_by_type(store: kg.Store) -> None:
    armed = rows(store, "actors-by-type", type="kg:ArmedGroup")
    assert column(armed, "entityLabel") == ["Hayat Tahrir al-Sham", "Hezbollah", "Syrian rebels"]
    assert len(rows(store, "actors-by-type")) == 31
    assert len(rows(store, "actors-by-type", type="kg:Place")) == 13


def test_entity(store: kg.Store) -> None:
    records = rows(store, "entity", entity="Iraq")
    assert {(r["role"], r["predicateLabel"]) for r in records} == {("subject", "sheltered"), ("object", "fled to")}
    assert len(records) == 3


def test_claims_by_claimant_includes_what_its_head_says(store: kg.Store) -> None:
    records = rows(store, "claims-by-claimant", claimant="SOHR")
    assert len(records) == 5 and set(column(records, "speakerLabel")) == {"Rami Abdel-Rahman"}
    state_tv = rows(store, "claims-by-claimant", claimant="Syrian state television")
    assert column(state_tv, "reliability") == ["D4"]


def test_claims_by_source_by_title(store: kg.Store) -> None:
    records = rows(store, "claims-by-source", source="Syrian Rebels Advance on Damascus as Government Forces Retreat")
    assert len(records) == 62
    assert column(records, "start") == sorted(column(records, "start"))


def test_claims_below_grade(store: kg.Store) -> None:
    records = rows(store, "claims-below-grade", grade="C2")
    assert {r["reliability"] for r in records} == {"B3", "C3", "C5", "D4", "D6"}  # B3: weaker information
    assert all(r["reason"] for r in records)


def test_places_in(store: kg.Store) -> None:
    records = rows(store, "places-in", place="Syria")
    assert {(r["insideLabel"], r["stated"]) for r in records} == {
        ("Homs", "asserted"),
        ("Latakia", "asserted"),
        ("Syrian coast", "asserted"),
        ("Tartus", "inferred"),
    }


def test_neighbourhood(store: kg.Store) -> None:
    records = rows(store, "neighbourhood", entity="Iraq")
    assert {(r["hops"], r["neighbourLabel"]) for r in records} == {(1, "fleeing Syrian soldiers"), (2, "Syria")}
    assert {r["first"] for r in records if r["hops"] == 1} == {"→ sheltered", "← fled to", "← sheltered by"}


def test_timeline(store: kg.Store) -> None:
    records = rows(store, "timeline", since="2024-11-01", until="2024-12-07")
    assert [str(d) for d in column(records, "day")] == ["2024-11-27"] + ["2024-12-07"] * 4
    assert records[0]["predicateLabel"] == "launched"


def test_source_issues(store: kg.Store) -> None:
    records = rows(store, "source-issues")
    assert len(records) == 13
    assert column(records, "start") == sorted(column(records, "start"))
    error = next(r for r in records if r["kind"] == "factual error")
    assert error["passage"] == "located approximately 160 kilometers north"


def test_sources(store: kg.Store) -> None:
    [source] = rows(store, "sources")
    kinds = set(source.pop("kinds").split(", "))
    assert kinds == {"news article", "interview"}
    assert source == {
        "source": "kgs:syrian-rebels-advance",
        "claims": 62,
        "asserted": 58,
        "notes": 13,
        "title": "Syrian Rebels Advance on Damascus as Government Forces Retreat",
        "date": __import__("datetime").date(2024, 12, 8),
    }


def test_claims_as_of(store: kg.Store) -> None:
    dated = rows(store, "claims", as_of="2024-11-30", dated_only="true")
    assert column(dated, "claim") == ["kgc:syrian-rebels-advance-14", "kgc:syrian-rebels-advance-38"]
    assert column(dated, "since") == ["2024-11-27", "2021-12-07"]
    early = rows(store, "claims", as_of="2024-11-30")
    since_before = [r for r in early if r["claim"] not in column(dated, "claim")]
    # states the article reports on 8 December with no start: in effect "since before" that day
    assert len(since_before) == 33 and {r["since"] for r in since_before} == {"before 2024-12-08"}
    assert {"kgc:syrian-rebels-advance-47", "kgc:syrian-rebels-advance-49"} <= set(column(since_before, "claim"))
    assert not any(r["predicateLabel"] in ("captured", "withdrew to", "fled to") for r in since_before)


def test_the_seed_alone_contests_nothing(store: kg.Store) -> None:
    assert rows(store, "contested") == []


def test_contested_finds_each_kind_of_disagreement(two_sources: kg.Store) -> None:
    records = rows(two_sources, "contested")
    kinds = {(r["kind"], r["claimA"], r["claimB"]) for r in records}
    assert kinds == {
        ("affirmed and denied", "kgc:second-report-01", "kgc:syrian-rebels-advance-07"),
        ("affirmed and denied", "kgc:second-report-01", "kgc:syrian-rebels-advance-60"),
        ("different dates", "kgc:second-report-02", "kgc:syrian-rebels-advance-05"),
        ("different dates", "kgc:second-report-02", "kgc:syrian-rebels-advance-35"),
        ("disjoint relations", "kgc:second-report-03", "kgc:syrian-rebels-advance-29"),
        ("both directions of an asymmetric relation", "kgc:second-report-04", "kgc:syrian-rebels-advance-51"),
    }
    flight = next(r for r in records if r["kind"] == "affirmed and denied")
    assert (flight["claimantA"], flight["claimantB"]) == ("Russian state media", "Syrian government")
    assert flight["quoteA"] == "Bashar al-Assad has fled Damascus for Moscow"


def test_contested_as_of_leaves_out_later_claims(two_sources: kg.Store) -> None:
    # the second report's undated events count from its publication, 9 December; its undated states
    # (Hezbollah opposes the government, Homs north of Damascus) are "since before" that day
    kinds = {r["kind"] for r in rows(two_sources, "contested", as_of="2024-12-08", dated_only="true")}
    assert kinds == {"affirmed and denied", "different dates"}
    kinds = {r["kind"] for r in rows(two_sources, "contested", as_of="2024-12-08")}
    assert kinds == {
        "affirmed and denied",
        "different dates",
        "disjoint relations",
        "both directions of an asymmetric relation",
    }


@pytest.mark.parametrize(
    "reference",
    [
        "syrian-rebels-advance",
        "kgs:syrian-rebels-advance",
        "kgg:syrian-rebels-advance",
        "https://w3id.org/conflict-kg/source/syrian-rebels-advance",
        "<https://w3id.org/conflict-kg/graph/syrian-rebels-advance>",
        "syrian rebels advance on damascus as government forces retreat",
    ],
)
def test_a_source_is_named_one_way_everywhere(store: kg.Store, reference: str) -> None:
    assert len(rows(store, "claims-by-source", source=reference)) == 62


def test_a_misnamed_source_gets_suggestions(store: kg.Store) -> None:
    with pytest.raises(kg.ParameterError, match=r"no source is called 'syrian-rebel-advance'; did you mean: kgs:"):
        store.query("claims-by-source", source="syrian-rebel-advance")
    with pytest.raises(kg.ParameterError, match=r"no source is called 'x'; `kg query sources` lists the 1 source$"):
        store.query("claims-by-source", source="x")
