"""Validation names what is wrong, where, and what the text really says."""

from __future__ import annotations

import re
from pathlib import Path

import kg
from tests.helpers import input_paths, shapes_of

TRIG = Path("data") / "syrian-rebels-advance.trig"


def problems_after(inputs: Path, old: str, new: str, *, count: int = 1, file: Path = TRIG) -> list[str]:
    path = inputs / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return [str(p) for p in kg.check(input_paths(inputs), shapes=shapes_of(inputs)).problems]


def test_the_project_data_is_valid() -> None:
    report = kg.check()
    assert report.ok, [str(p) for p in report.problems]
    assert report.claims == 62


def test_a_shifted_offset_names_the_claim_and_where_the_quote_really_is(inputs: Path) -> None:
    problems = problems_after(inputs, "oa:start 63 ;", "oa:start 64 ;")
    offsets = [p for p in problems if "is not the text at" in p]
    assert offsets == [
        'data/syrian-rebels-advance.trig: kgc:syrian-rebels-advance-03: the quote "Syrian rebels are closing in on the '
        'capital, Damascus" is not the text at 64-116, which reads "yrian rebels are closing in on the capital, '
        'Damascus"; the quote is at 63-116'
    ]


def test_a_quote_not_in_the_text_says_so(inputs: Path) -> None:
    problems = problems_after(inputs, 'oa:exact "President Bashar al-Assad"', 'oa:exact "President Bashar al-Asad"')
    assert any("kgc:syrian-rebels-advance-06" in p and "nowhere in the source text" in p for p in problems)


def test_a_quote_context_that_is_not_the_text_beside_it_is_named(inputs: Path) -> None:
    problems = problems_after(
        inputs, 'oa:prefix "n Rebels Advance on Damascus as "', 'oa:prefix "n Rebels Advance on Aleppo as "'
    )
    problems += problems_after(inputs, 'oa:suffix " Retreat\\nSyrian rebels are closi"', 'oa:suffix " Advance"')
    context = sorted({p for p in problems if "of the quote at" in p})
    assert context == [
        'data/syrian-rebels-advance.trig: kgc:syrian-rebels-advance-02: the prefix "n Rebels Advance on Aleppo as " of '
        'the quote at 37-54 is not the text there, which reads "Rebels Advance on Damascus as "',
        'data/syrian-rebels-advance.trig: kgc:syrian-rebels-advance-02: the suffix " Advance" of the quote at 37-54 is '
        'not the text there, which reads " Retreat"',
    ]


def test_a_prefix_longer_than_the_text_before_the_quote_is_named(inputs: Path) -> None:
    problems = problems_after(
        inputs, 'oa:exact "Syrian Rebels Advance', 'oa:prefix "News: " ; oa:exact "Syrian Rebels Advance'
    )
    assert [p for p in problems if "of the quote at" in p] == [
        'data/syrian-rebels-advance.trig: kgc:syrian-rebels-advance-01: the prefix "News: " of the quote at 0-62 is '
        'not the text there, which reads ""'
    ]


def test_a_relation_without_a_claim_is_a_rumour(inputs: Path) -> None:
    problems = problems_after(
        inputs,
        "  kge:hts kg:encircled kge:damascus .\n",
        "  kge:hts kg:encircled kge:damascus .\n  kge:iran kg:captured kge:homs .\n",
    )
    assert problems == [
        "data/syrian-rebels-advance.trig: kge:iran: kge:iran kg:captured kge:homs is stated without "
        "an asserted kg:Claim for it in the same graph"
    ]


def test_a_misspelled_predicate_is_caught(inputs: Path) -> None:
    problems = problems_after(
        inputs, "  kge:hts kg:encircled kge:damascus .\n", "  kge:hts kg:encircles kge:damascus .\n"
    )
    assert (
        "data/syrian-rebels-advance.trig: kge:hts: "
        "kg:encircles is used as a predicate but the ontology does not define it" in problems
    )
    assert any("kge:hts kg:encircled kge:damascus is not in its graph" in p for p in problems)


def test_domain_and_range_are_checked(inputs: Path) -> None:
    problems = problems_after(inputs, "rdf:predicate kg:renounced ;", "rdf:predicate kg:captured ;")
    problems = problems_after(
        inputs, "  kge:hts kg:renounced kge:chemical-weapons .", "  kge:hts kg:captured kge:chemical-weapons ."
    )
    assert problems == [
        "data/syrian-rebels-advance.trig: kge:chemical-weapons: kge:chemical-weapons is the object of "
        "kg:captured, which expects a kg:Place, but it is not one"
    ]


def test_an_undeclared_entity_is_caught(inputs: Path) -> None:
    problems = problems_after(inputs, "rdf:subject kge:hezbollah ;", "rdf:subject kge:hizbollah ;")
    assert any("kge:hizbollah is the subject of a claim but has no rdf:type" in p for p in problems)


def test_shapes_catch_a_bad_grade_and_a_missing_claimant(inputs: Path) -> None:
    problems = problems_after(inputs, 'kg:reliability "C1" ;', 'kg:reliability "c1" ;')
    assert any(
        re.search(r"kgc:syrian-rebels-advance-\d+: kg:reliability: needs one kg:reliability", p) for p in problems
    )
    problems = problems_after(inputs, "prov:wasAttributedTo kge:iraqi-state-media ;", "")
    assert any(
        "kgc:syrian-rebels-advance-20: prov:wasAttributedTo: needs a prov:wasAttributedTo" in p for p in problems
    )


def test_an_entity_needs_an_english_label(inputs: Path) -> None:
    problems = problems_after(
        inputs, 'rdfs:label "Homs"@en ;', 'rdfs:label "Homs"@fr ;', file=Path("data/entities.trig")
    )
    assert problems == ["data/entities.trig: kge:homs: rdfs:label: needs exactly one English rdfs:label (found 'Homs')"]


def test_a_relation_in_the_default_graph_cannot_be_traced(inputs: Path) -> None:
    (inputs / "data" / "loose.ttl").write_text(
        "<https://w3id.org/conflict-kg/id/hts> <https://w3id.org/conflict-kg/ontology#captured> "
        "<https://w3id.org/conflict-kg/id/damascus> .\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in kg.check(input_paths(inputs), shapes=shapes_of(inputs)).problems]
    assert problems == [
        "default graph: kge:hts: kge:hts kg:captured kge:damascus is in the default graph, where no source can back it"
    ]
