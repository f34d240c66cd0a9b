"""The seed article's graph answers the questions an analyst asks, with evidence for every answer."""

from __future__ import annotations

import hashlib

import pytest

import kg
from kg.results import SelectResult
from tests.helpers import SEED_TEXT


def select(store: kg.Store, query: str, **params: str) -> SelectResult:
    result = store.query(query, **params)
    assert isinstance(result, SelectResult)
    return result


def column(result: SelectResult, name: str) -> set[object]:
    return {row[name] for row in result.records()}


def test_who_captured_homs(store: kg.Store) -> None:
    result = select(store, "who-captured", place="Homs")
    assert column(result, "actorLabel") == {"Hayat Tahrir al-Sham", "Syrian rebels"}
    # four claims back it: two by the report, one photo caption, one by SOHR's head
    assert len(result) == 4
    assert column(result, "claimant") == {"author of the seed article", "Rami Abdel-Rahman"}
    assert {str(d) for d in column(result, "when")} == {"2024-12-07"}


def test_where_hezbollah_withdrew(store: kg.Store) -> None:
    result = select(store, "withdrew-to", actor="Hezbollah")
    assert column(result, "placeLabel") == {"Latakia", "Hermel region"}
    assert column(result, "reliability") == {"C3"}  # both from unnamed reports


def test_whom_iraq_sheltered(store: kg.Store) -> None:
    result = select(store, "sheltered", host="Iraq")
    assert column(result, "guestLabel") == {"fleeing Syrian soldiers"}
    assert column(result, "count") == {2000}
    assert column(result, "qualifier") == {"more than"}
    assert column(result, "claimant") == {"Iraqi state media", "Rami Abdel-Rahman"}


@pytest.mark.parametrize(
    ("actor", "allies", "stated"),
    [
        ("Assad", {"Russia", "Iran"}, {"inferred"}),  # the article names Russia and Iran first
        ("Russia", {"Bashar al-Assad", "Syrian government"}, {"asserted"}),
        ("Syrian government", {"Russia", "Iran", "Hezbollah"}, {"inferred"}),
        ("Hezbollah", {"Syrian government"}, {"asserted"}),
    ],
)
def test_allies_from_either_side(store: kg.Store, actor: str, allies: set[str], stated: set[str]) -> None:
    result = select(store, "allies", actor=actor)
    assert column(result, "allyLabel") == allies
    assert column(result, "stated") == stated
    assert all(row["quote"] and row["claim"] for row in result.records())


def test_alliance_is_stored_in_both_directions(store: kg.Store) -> None:
    asserted = store.query("ASK { GRAPH kgg:syrian-rebels-advance { kge:russia kg:alliedWith kge:bashar-al-assad } }")
    inferred = store.query("ASK { GRAPH kgg:inferred { kge:bashar-al-assad kg:alliedWith kge:russia } }")
    not_in_source = store.query(
        "ASK { GRAPH kgg:syrian-rebels-advance { kge:bashar-al-assad kg:alliedWith kge:russia } }"
    )
    assert (asserted, inferred, not_in_source) == (True, True, False)


def test_every_quote_is_the_source_text_at_its_offsets(store: kg.Store) -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    rows = select(store, "claims").records()
    assert len(rows) >= 25
    for row in rows:
        assert text[row["start"] : row["end"]] == row["quote"], row["claim"]


def test_every_claim_has_source_claimant_and_grade(store: kg.Store) -> None:
    for row in select(store, "claims").records():
        assert row["source"] == "kgs:syrian-rebels-advance"
        assert row["claimant"], row["claim"]
        assert len(row["reliability"]) == 2 and row["reliability"][0] in "ABCDEF" and row["reliability"][1] in "123456"
        assert row["reason"], row["claim"]


def test_every_asserted_relation_has_a_claim(store: kg.Store) -> None:
    orphans = store.query("""
        SELECT ?s ?p ?o WHERE {
          ?p a kg:Relation .
          GRAPH kgg:syrian-rebels-advance { ?s ?p ?o }
          FILTER NOT EXISTS { GRAPH kgg:syrian-rebels-advance {
            ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:asserted true } }
        }""")
    assert isinstance(orphans, SelectResult) and len(orphans) == 0


def test_the_article_errors_are_recorded_but_not_asserted(store: kg.Store) -> None:
    claims = {(r["subject"], r["predicate"], r["object"]): r for r in select(store, "claims").records()}
    north = claims[("kge:damascus", "kg:northOf", "kge:homs")]
    assert north["asserted"] is False and north["quote"].endswith("160 kilometers north")
    syrian = claims[("kge:hezbollah", "kg:basedIn", "kge:syria")]
    assert syrian["asserted"] is False and syrian["quote"] == "the Syrian Hezbollah"
    assert store.query("ASK { kge:damascus kg:northOf kge:homs }") is False
    assert store.query("ASK { kge:homs kg:southOf kge:damascus }") is False
    assert store.query("ASK { kge:hezbollah kg:basedIn kge:syria }") is False
    assert store.query("ASK { kge:hezbollah kg:basedIn kge:lebanon }") is True


def test_the_notes_explain_each_flagged_passage(store: kg.Store) -> None:
    notes = select(
        store,
        """
        SELECT ?note ?kind ?exact ?comment WHERE {
          ?note a kg:SourceIssue ; kg:issueKind ?kind ; rdfs:comment ?comment ;
                oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] }""",
    ).records()
    by_quote = {n["exact"]: n for n in notes}
    assert by_quote["located approximately 160 kilometers north"]["kind"] == "kg:FactualError"
    assert "south" in by_quote["located approximately 160 kilometers north"]["comment"]
    assert by_quote["the Syrian Hezbollah"]["kind"] == "kg:Contradiction"
    assert by_quote["the three-year dominion of the Saddama loyalist army"]["kind"] == "kg:Garbled"
    assert by_quote["HTS fighters have embarked on their own exodus."]["kind"] == "kg:Contradiction"


def test_the_assad_denial_is_a_denied_claim(store: kg.Store) -> None:
    rows = [
        r
        for r in select(store, "claims").records()
        if r["predicate"] == "kg:fledFrom" and r["subject"] == "kge:bashar-al-assad"
    ]
    assert len(rows) == 2
    assert {r["polarity"] for r in rows} == {"denied"}
    assert {r["claimant"] for r in rows} == {"Syrian government"}
    assert store.query("ASK { kge:bashar-al-assad kg:fledFrom ?anywhere }") is False


def test_numbers_and_dates_are_data(store: kg.Store) -> None:
    claims = select(store, "claims").records()
    offensive = next(r for r in claims if r["predicate"] == "kg:launched")
    assert str(offensive["date"]) == "2024-11-27" and offensive["precision"] == "day"
    rank = store.query("SELECT ?rank WHERE { kge:homs kg:populationRank ?rank }")
    assert isinstance(rank, SelectResult) and rank.records() == [{"rank": 3}]


def test_transitive_location_is_inferred(store: kg.Store) -> None:
    assert store.query("ASK { GRAPH kgg:syrian-rebels-advance { kge:latakia kg:locatedIn kge:syrian-coast } }")
    assert store.query("ASK { GRAPH kgg:inferred { kge:tartus kg:locatedIn kge:syria } }")


def test_subclass_types_are_inferred(store: kg.Store) -> None:
    assert store.query("ASK { GRAPH kgg:inferred { kge:hezbollah a kg:Actor , prov:Agent } }")
    assert store.query("ASK { GRAPH kgg:entities { kge:hezbollah a kg:ArmedGroup } }")


def test_entities_have_labels_aliases_and_verified_wikidata(store: kg.Store) -> None:
    hts = select(store, "SELECT ?alt WHERE { kge:hts skos:altLabel ?alt }")
    assert "HTS" in column(hts, "alt")
    wikidata = select(store, "SELECT ?e ?q WHERE { ?e owl:sameAs ?q }").records()
    assert {"e": "kge:hezbollah", "q": "wd:Q41053"} in wikidata
    assert {"e": "kge:homs", "q": "wd:Q131301"} in wikidata


def test_the_source_text_is_the_recorded_bytes(store: kg.Store) -> None:
    recorded = select(store, "SELECT ?sha WHERE { kgs:syrian-rebels-advance kg:sha256 ?sha }").records()
    assert recorded == [{"sha": hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest()}]
    content = select(store, "SELECT ?text WHERE { kgs:syrian-rebels-advance kg:content ?text }").records()
    assert content == [{"text": SEED_TEXT.read_text(encoding="utf-8")}]


def test_one_named_graph_per_source(store: kg.Store) -> None:
    graphs = select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert column(graphs, "g") == {"kgg:syrian-rebels-advance", "kgg:entities", "kgg:inferred"}
