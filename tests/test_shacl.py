"""kg's SPARQL validation finds what pyshacl finds, on the real shapes and deliberately broken data."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import dataset
from kg.shacl import compile_shapes
from kg.validation import check_shapes, check_shapes_pyshacl
from tests.helpers import ROOT

SHAPES = ROOT / "ontology" / "shapes.ttl"
SEED = "syrian-rebels-advance.trig"
BREAKAGES = {
    "grade": (SEED, 'kg:reliability "C1" ;', 'kg:reliability "C9" ;'),
    "claimant": (SEED, "prov:wasAttributedTo kge:iraqi-state-media ;", ""),
    "label language": ("entities.trig", 'rdfs:label "Homs"@en ;', 'rdfs:label "Homs"@fr ;'),
    "two English labels": ("entities.trig", 'rdfs:label "Homs"@en ;', 'rdfs:label "Homs"@en , "Hims"@en ;'),
    "alias without language": ("entities.trig", 'skos:altLabel "Hims"@en ;', 'skos:altLabel "Hims" ;'),
    "not a Wikidata id": ("entities.trig", "owl:sameAs wd:Q131301 .", "owl:sameAs <https://example.org/homs> ."),
    "second subject": (SEED, "rdf:subject kge:syrian-rebels ;", "rdf:subject kge:syrian-rebels , kge:hts ;"),
    "start after end": (SEED, "oa:start 63 ;", "oa:start 9999 ;"),
    "date without precision": (
        SEED,
        '      kg:eventDate "2024-11-27"^^xsd:date ;\n      kg:datePrecision kg:Day ;\n',
        '      kg:eventDate "2024-11-27"^^xsd:date ;\n',
    ),
    "polarity": (SEED, "kg:polarity kg:Denied ;", "kg:polarity kg:Maybe ;"),
    "source kind": (SEED, "kg:sourceKind kg:NewsArticle , kg:Interview ;", "kg:sourceKind kge:homs ;"),
    "source without text": (SEED, "      kg:text <sources/syrian-rebels-advance-on-damascus.txt> ;\n", ""),
    "note kind": (SEED, "kg:issueKind kg:Garbled ;", "kg:issueKind kg:Odd ;"),
    "empty reason": (SEED, 'kg:gradeReason "Uncontested geography."@en ;', 'kg:gradeReason ""@en ;'),
    "event point off the globe": (
        SEED,
        "kgs:syrian-rebels-advance a kg:SourceDocument ;",
        "kgs:syrian-rebels-advance a kg:SourceDocument ; <http://www.w3.org/2003/01/geo/wgs84_pos#lat> 95.0 , 91.5 ;"
        " <http://www.w3.org/2003/01/geo/wgs84_pos#long> -180.5 ; kg:geoPrecision kg:Day ;",
    ),
    "event place not a place": (
        SEED,
        "kgs:syrian-rebels-advance a kg:SourceDocument ;",
        "kgs:syrian-rebels-advance a kg:SourceDocument ; kg:eventPlace kge:hts ; kg:eventActor kge:homs ;"
        ' kg:recordVersion "1" , "2" .\n  kge:old-version a kg:SupersededRecord .\n  kgs:syrian-rebels-advance',
    ),
}


def store_with(tmp_path: Path, file: str, old: str, new: str) -> ox.Store:
    data = tmp_path / "data"
    import shutil

    shutil.copytree(ROOT / "data", data)
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    store = ox.Store()
    dataset.load(store, dataset.split_shapes(dataset.find_files([ROOT / "ontology", data]))[0])
    return store


def test_every_shape_compiles() -> None:
    checks = compile_shapes(SHAPES)
    assert len(checks) > 50 and all(check.text.startswith("SELECT DISTINCT ?focus") for check in checks)


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_sparql_finds_what_pyshacl_finds(tmp_path: Path, case: str) -> None:
    store = store_with(tmp_path, *BREAKAGES[case])
    ours = {(p.focus, p.message.split(":")[0]) for p in check_shapes(store, SHAPES, {})}
    theirs = {(p.focus, p.message.split(":")[0]) for p in check_shapes_pyshacl(store, SHAPES, {})}
    assert ours, f"{case}: nothing found"
    assert {focus for focus, _ in ours} == {focus for focus, _ in theirs}, case


SCREENED = {
    "two quote selectors": (
        SEED,
        "          oa:start 63 ;",
        '          a oa:TextQuoteSelector ; oa:exact "x" ] , [ a oa:TextPositionSelector ;\n          oa:start 63 ;',
    ),
    "no position selector": (SEED, "a oa:TextPositionSelector ;\n          oa:start 63 ;", "oa:start 63 ;"),
    "two grades": (SEED, 'kg:reliability "C1" ;', 'kg:reliability "C1" , "B2" ;'),
    "derived from an entity": (
        SEED,
        "prov:wasDerivedFrom kgs:syrian-rebels-advance ;",
        "prov:wasDerivedFrom kge:homs ;",
    ),
    "a date that is not a date": (SEED, 'kg:eventDate "2024-12-08"^^xsd:date ;', 'kg:eventDate "soon" ;'),
    "a start that is not a number": (SEED, "oa:start 63 ;", 'oa:start "sixty-three" ;'),
    "no subject, no grade": (SEED, "rdf:subject kge:syrian-rebels ;", 'kg:reliability "A1" ;'),
}


@pytest.mark.parametrize("case", sorted(BREAKAGES | SCREENED))
def test_the_screens_let_through_every_check_that_finds_something(tmp_path: Path, case: str) -> None:
    """Screened (a query per set of focus nodes, then only the checks it lets through) is every check run alone."""
    store = store_with(tmp_path, *(BREAKAGES | SCREENED)[case])
    screened = check_shapes(store, SHAPES, {})
    assert screened, f"{case}: nothing found"
    assert screened == check_shapes(store, SHAPES, {}, screen=False), case


def test_the_seed_passes_both(tmp_path: Path) -> None:
    store = ox.Store()
    dataset.load(store, dataset.split_shapes(dataset.find_files([ROOT / "ontology", ROOT / "data"]))[0])
    assert check_shapes(store, SHAPES, {}) == check_shapes_pyshacl(store, SHAPES, {}) == []


def test_a_shapes_file_edited_in_place_is_read_again(tmp_path: Path) -> None:
    """The compiled shapes are kept per content: an edit that leaves the modification time as it was
    (a copy tool, a coarse clock) still takes effect."""
    store = ox.Store()
    dataset.load(store, dataset.split_shapes(dataset.find_files([ROOT / "ontology", ROOT / "data"]))[0])
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES.read_text(encoding="utf-8"), encoding="utf-8")
    assert check_shapes(store, SHAPES, {}) == []
    assert check_shapes(store, shapes, {}) == []
    stamp = shapes.stat()
    with shapes.open("a", encoding="utf-8") as out:
        out.write("\nkgsh:EveryClaimNamesAnEditor a sh:NodeShape ; sh:targetClass kg:Claim ;\n")
        out.write('    sh:property [ sh:path kg:editor ; sh:minCount 1 ; sh:message "no editor" ] .\n')
    os.utime(shapes, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    problems = check_shapes(store, shapes, {})
    assert problems and all("no editor" in p.message for p in problems)
