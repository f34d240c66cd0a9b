"""Constants and small helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.config import project_root

ROOT = project_root()
SEED_TEXT = ROOT / "data" / "sources" / "syrian-rebels-advance-on-damascus.txt"
SECOND_REPORT = ROOT / "tests" / "data" / "damascus-falls"
"""The second hand-annotated report (``.txt`` and ``.yaml``): Damascus falls, Manbij contested."""


def add_second_report(data: Path) -> None:
    """Put the second report's text and annotation into the data folder ``data``."""
    import shutil

    for suffix in (".yaml", ".txt"):
        shutil.copy(SECOND_REPORT.with_suffix(suffix), data)


def build_synthetic(root: Path, *, triples: int, seed: int) -> Path:
    """A store of ``triples`` synthetic triples (``kg synth``) and the project's data, built as ``kg build``
    builds them, at ``root / "store"`` (the inputs in ``root / "data"``)."""
    import shutil

    import kg
    from kg import synth

    synth.generate(root / "data" / "synthetic", relations=synth.relations_for(triples), seed=seed)
    shutil.copytree(ROOT / "data", root / "data", dirs_exist_ok=True)
    kg.build([ROOT / "ontology", root / "data"], store_path=root / "store")
    return root / "store"


def rows(store: Any, name: str, **values: Any) -> list[dict]:
    """A saved query's answer as records (a SELECT query)."""
    import kg

    result = store.query(name, **values)
    assert isinstance(result, kg.SelectResult)
    return result.records()


def input_paths(root: Path) -> list[Path]:
    """The ontology and data folders of a copied project."""
    return [root / "ontology", root / "data"]


def shapes_of(root: Path) -> Path:
    """The SHACL shapes of a copied project (kept out of the data it validates)."""
    return root / "ontology" / "shapes.ttl"


PREFIXES = """@prefix kg: <https://w3id.org/conflict-kg/ontology#> . @prefix kge: <https://w3id.org/conflict-kg/id/> .
@prefix kgs: <https://w3id.org/conflict-kg/source/> . @prefix kgc: <https://w3id.org/conflict-kg/claim/> .
@prefix kgg: <https://w3id.org/conflict-kg/graph/> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dct: <http://purl.org/dc/terms/> .
"""


def write_report(
    directory: Path, name: str, entities: dict[str, tuple[str, str]], statements: list[tuple[str, str, str, str]]
) -> Path:
    """A small valid source (TriG + text) of fictional ``statements``: (subject, predicate, object, date).

    ``entities`` maps a local name under kge: to (class, label). Each statement becomes one
    sentence of the text, one plain triple and one claim whose quote is that sentence.
    """
    import hashlib

    directory.mkdir(parents=True, exist_ok=True)
    lines, claims, triples, offset = [], [], [], 0
    for number, (subject, predicate, obj, date) in enumerate(statements, 1):
        quote = f"{entities[subject][1]} {predicate} {entities[obj][1]} on {date}"
        lines.append(quote + ".")
        triples.append(f"  kge:{subject} kg:{predicate} kge:{obj} .")
        claims.append(
            f"""  kgc:{name}-{number} a kg:Claim ; rdf:subject kge:{subject} ; rdf:predicate kg:{predicate} ;
      rdf:object kge:{obj} ; kg:asserted true ; kg:polarity kg:Affirmed ;
      prov:wasDerivedFrom kgs:{name} ; prov:wasAttributedTo kgs:{name}-author ;
      kg:eventDate "{date}"^^xsd:date ; kg:datePrecision kg:Day ; kg:reliability "B2" ; kg:gradeReason "Test."@en ;
      oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{quote}" ] ,
                     [ a oa:TextPositionSelector ; oa:start {offset} ; oa:end {offset + len(quote)} ] ."""
        )
        offset += len(quote) + 2
    text = "\n".join(lines) + "\n"
    (directory / f"{name}.txt").write_text(text, encoding="utf-8")
    declared = [f'  kge:{local} a kg:{cls} ; rdfs:label "{label}"@en .' for local, (cls, label) in entities.items()]
    trig = directory / f"{name}.trig"
    trig.write_text(
        PREFIXES
        + f"""kgg:{name} {{
  kgs:{name} a kg:SourceDocument ; dct:title "Fictional report {name}"@en ; kg:sourceKind kg:NewsArticle ;
      dct:language "en"^^xsd:language ; kg:text <{name}.txt> ;
      kg:sha256 "{hashlib.sha256(text.encode()).hexdigest()}" .
  kgs:{name}-author a kg:Reporter ; rdfs:label "author of {name}"@en .
"""
        + "\n".join(declared + triples + claims)
        + "\n}\n",
        encoding="utf-8",
    )
    return trig


SEED_EXAMPLES = {
    "actor": "Hezbollah",
    "place": "Homs",
    "host": "Iraq",
    "entity": "HTS",
    "claimant": "SOHR",
    "source": "Syrian Rebels Advance on Damascus as Government Forces Retreat",
    "grade": "B2",
    "type": "kg:Actor",
    "since": "2024-11-01",
    "until": "2024-12-31",
    "as_of": "2024-12-08",
    "dated_only": "true",
    "relation": "kg:opposes",
    "from": "2024-12-01",
    "to": "2024-12-08",
}
"""One value for every saved query's parameter that finds something in the seed."""
