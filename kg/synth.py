"""Synthetic kg data of any size: valid TriG that ``kg build`` accepts, for benchmarks and scale tests.

:func:`generate` writes a directory that looks like ``data/``: a gazetteer, then one TriG file
and one verbatim text per source document. Every relation is a plain triple backed by an
asserted claim in the same graph, with a quote that is the text at its offsets, a claimant,
a date with its precision and an Admiralty grade, so the data passes ``kg validate`` and
exercises the same paths as real reporting (evidence look-ups, dates, grades, inference)::

    kg.synth.generate(Path("/tmp/synth"), relations=100_000)
    kg.build([Path("ontology"), Path("/tmp/synth")], validate=False)

The shape is made to give the analyses something to find: entities are picked with a
Zipf-like weight (a few hubs, a long tail); actors belong to hidden camps, allied mostly
within their camp and opposed mostly across camps, with some noise so a few triads are
unbalanced; ``locatedIn`` and ``partOf`` form shallow trees so inference stays linear; some
relations are reported by a second source and a few claims are denials. The same ``seed``
gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kg import progress
from kg.errors import ParameterError

__all__ = ["TRIPLES_PER_RELATION", "SynthReport", "generate", "relations_for"]

log = logging.getLogger(__name__)

_START = dt.date(2024, 1, 1)
_DAYS = 366

_PREFIXES = """@prefix kg:   <https://w3id.org/conflict-kg/ontology#> .
@prefix kge:  <https://w3id.org/conflict-kg/id/> .
@prefix kgs:  <https://w3id.org/conflict-kg/source/> .
@prefix kgc:  <https://w3id.org/conflict-kg/claim/> .
@prefix kgg:  <https://w3id.org/conflict-kg/graph/> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .
@prefix dct:  <http://purl.org/dc/terms/> .
"""

# Entity kinds: (class, slug, label, share of its group). Actors come first, then places.
_ACTORS = (
    ("ArmedGroup", "armed-group", "Armed Group", 0.40),
    ("MilitaryUnit", "unit", "Military Unit", 0.20),
    ("Person", "person", "Person", 0.20),
    ("Government", "government", "Government", 0.10),
    ("Organisation", "organisation", "Organisation", 0.10),
)
_PLACES = (
    ("Region", "region", "Region", 0.15),
    ("City", "city", "City", 0.70),
    ("Facility", "facility", "Facility", 0.15),
)

# Relations drawn at random: (predicate, verb in the text, subject pool, object pool, weight).
# Pools: "actor" (not a person), "place". Tree-shaped relations (locatedIn, partOf, headOf) are
# drawn separately so transitive closure stays small.
_RANDOM = (
    ("alliedWith", "is allied with", "actor", "actor", 0.12),
    ("opposes", "opposes", "actor", "actor", 0.10),
    ("sheltered", "sheltered", "actor", "actor", 0.02),
    ("captured", "captured", "actor", "place", 0.12),
    ("controls", "controls", "actor", "place", 0.10),
    ("encircled", "encircled", "actor", "place", 0.05),
    ("advancedOn", "advanced on", "actor", "place", 0.07),
    ("withdrewTo", "withdrew to", "actor", "place", 0.04),
    ("withdrewFrom", "withdrew from", "actor", "place", 0.03),
    ("basedIn", "is based in", "actor", "place", 0.04),
    ("operatesIn", "operates in", "actor", "place", 0.06),
    ("fledTo", "fled to", "actor", "place", 0.02),
    ("linkedTo", "is linked to", "place", "place", 0.05),
)
_VERBS = {name: verb for name, verb, *_ in _RANDOM} | {
    "locatedIn": "lies in",
    "partOf": "is part of",
    "headOf": "heads",
}
TRIPLES_PER_RELATION = 22.9
"""Quads the generator writes per relation (the relation, its claim with quote, selectors, date and
grade, a share of the entities and sources), measured from 400 to 40,000 relations; it lets
``kg synth --triples N`` aim at a size in triples."""


def relations_for(triples: int) -> int:
    """The relation count whose dataset holds about ``triples`` quads (before inference).

    >>> relations_for(1_000_000)
    43668
    """
    if triples < 1:
        raise ParameterError("the number of triples must be at least 1")
    return max(1, round(triples / TRIPLES_PER_RELATION))


_SYMMETRIC = frozenset({"alliedWith", "opposes", "linkedTo"})
_GRADES = np.array([f"{letter}{digit}" for letter in "ABCDEF" for digit in "123456"])
_GRADE_WEIGHTS = np.outer([0.10, 0.30, 0.30, 0.15, 0.05, 0.10], [0.15, 0.30, 0.30, 0.10, 0.05, 0.10]).ravel()


@dataclass(frozen=True)
class SynthReport:
    """What :func:`generate` wrote."""

    directory: Path
    entities: int
    relations: int
    """Distinct asserted relation triples: the edge count of the projection without inferred edges."""
    claims: int
    sources: int
    files: list[Path]


@dataclass
class _Entities:
    iri: np.ndarray  # local names under kge:
    label: np.ndarray
    cls: np.ndarray
    actors: np.ndarray  # indices of non-person actors
    persons: np.ndarray
    places: np.ndarray
    camp: np.ndarray  # per entity; -1 for places and persons
    weight: np.ndarray  # Zipf-like pick weight per entity


_Drawn = tuple[np.ndarray, np.ndarray, str]
"""Subjects, objects (entity indices) and the predicate they are drawn for."""


def _entities(rng: np.random.Generator, count: int) -> _Entities:
    n_actors = max(4, int(count * 0.6))
    n_places = max(3, count - n_actors)
    iris: list[str] = []
    labels: list[str] = []
    classes: list[str] = []
    for group, total in ((_ACTORS, n_actors), (_PLACES, n_places)):
        sizes = [max(1, round(total * share)) for *_, share in group]
        largest = max(range(len(sizes)), key=sizes.__getitem__)
        sizes[largest] += total - sum(sizes)
        for (cls, slug, label, _), size in zip(group, sizes, strict=True):
            iris += [f"synth-{slug}-{i}" for i in range(1, size + 1)]
            labels += [f"{label} {i}" for i in range(1, size + 1)]
            classes += [cls] * size
    cls_array = np.array(classes)
    is_place = np.isin(cls_array, [c for c, *_ in _PLACES])
    persons = np.flatnonzero(cls_array == "Person")
    actors = np.flatnonzero(~is_place & (cls_array != "Person"))
    camps = max(2, len(actors) // 150)
    camp = np.full(len(classes), -1)
    camp[actors] = rng.integers(0, camps, size=len(actors))
    rank = rng.permutation(len(classes))
    weight = 1.0 / (rank + 1.0) ** 0.8
    return _Entities(
        np.array(iris), np.array(labels), cls_array, actors, persons, np.flatnonzero(is_place), camp, weight
    )


def _pick(rng: np.random.Generator, ents: _Entities, pool: np.ndarray, size: int) -> np.ndarray:
    """``size`` entities from ``pool``, hubs more often than the tail."""
    weights = ents.weight[pool]
    return rng.choice(pool, size=size, p=weights / weights.sum())


def _trees(rng: np.random.Generator, ents: _Entities, budget: int) -> list[_Drawn]:
    """``locatedIn``, ``partOf`` and ``headOf`` as forests one level deep (facility in city in region)."""
    by_class = {c: np.flatnonzero(ents.cls == c) for c in ("Region", "City", "Facility", "MilitaryUnit")}
    parents = np.flatnonzero(np.isin(ents.cls, ["ArmedGroup", "Government"]))
    trees = []
    for child, parent, predicate, share in (
        (by_class["City"], by_class["Region"], "locatedIn", 0.06),
        (by_class["Facility"], by_class["City"], "locatedIn", 0.02),
        (by_class["MilitaryUnit"], parents, "partOf", 0.04),
        (ents.persons, ents.actors, "headOf", 0.03),
    ):
        take = min(len(child), int(budget * share))
        if take == 0 or len(parent) == 0:
            continue
        subjects = rng.choice(child, size=take, replace=False)
        trees.append((subjects, _pick(rng, ents, parent, take), predicate))
    return trees


def _camp_partner(rng: np.random.Generator, ents: _Entities, subjects: np.ndarray) -> np.ndarray:
    """For each subject, a random actor of the same camp."""
    order = ents.actors[np.argsort(ents.camp[ents.actors], kind="stable")]
    camps = ents.camp[order]
    start = np.searchsorted(camps, ents.camp[subjects], side="left")
    stop = np.searchsorted(camps, ents.camp[subjects], side="right")
    return order[start + (rng.random(len(subjects)) * (stop - start)).astype(int)]


def _random_relations(rng: np.random.Generator, ents: _Entities, draws: int) -> list[_Drawn]:
    weights = np.array([w for *_, w in _RANDOM])
    counts = rng.multinomial(draws, weights / weights.sum())
    pools = {"actor": ents.actors, "place": ents.places}
    drawn = []
    for (predicate, _, subject_pool, object_pool, _), count in zip(_RANDOM, counts, strict=True):
        subjects = _pick(rng, ents, pools[subject_pool], count)
        objects = _pick(rng, ents, pools[object_pool], count)
        if predicate == "alliedWith":  # mostly within a camp
            objects = np.where(rng.random(count) < 0.9, _camp_partner(rng, ents, subjects), objects)
        elif predicate == "opposes":  # mostly across camps
            keep = (ents.camp[subjects] != ents.camp[objects]) | (rng.random(count) < 0.05)
            subjects, objects = subjects[keep], objects[keep]
        drawn.append((subjects, objects, predicate))
    return drawn


def _distinct(rows):  # pandas.DataFrame -> pandas.DataFrame
    """Drop self-loops and repeats; a symmetric relation counts once whichever way round it is drawn."""
    rows = rows[rows["s"] != rows["o"]]
    symmetric = rows["p"].isin(_SYMMETRIC)
    low, high = np.minimum(rows["s"], rows["o"]), np.maximum(rows["s"], rows["o"])
    keys = rows.assign(a=np.where(symmetric, low, rows["s"]), b=np.where(symmetric, high, rows["o"]))
    return rows[~keys.duplicated(["a", "p", "b"])]


def _relations(rng: np.random.Generator, ents: _Entities, count: int):  # -> pandas.DataFrame
    """Exactly ``count`` distinct relation triples (subject, predicate, object as entity indices)."""
    import pandas as pd

    trees = [pd.DataFrame({"s": s, "p": p, "o": o}) for s, o, p in _trees(rng, ents, count)]
    rows = pd.concat(trees, ignore_index=True) if trees else pd.DataFrame({"s": [], "p": [], "o": []})
    draws = int(count * 1.3) + 20
    for _ in range(8):  # small graphs repeat themselves: draw again until there are enough distinct ones
        drawn = [pd.DataFrame({"s": s, "p": p, "o": o}) for s, o, p in _random_relations(rng, ents, draws)]
        rows = _distinct(pd.concat([rows, *drawn], ignore_index=True))
        if len(rows) >= count:
            break
        draws *= 2
    else:
        raise ParameterError(f"{len(ents.iri)} entities cannot carry {count} distinct relations; ask for more entities")
    # Keep the tree relations whole, then fill up with random ones in a seeded order.
    trees = rows["p"].isin(["locatedIn", "partOf", "headOf"])
    rest = rows[~trees].sample(frac=1.0, random_state=rng.integers(2**31))
    rows = pd.concat([rows[trees], rest]).head(count)
    return rows[["s", "p", "o"]].reset_index(drop=True)


def _claims(rng: np.random.Generator, relations, per_source: int):  # -> pandas.DataFrame
    """One asserted claim per relation, a second one for 10% (another source), and 2% denials."""
    import pandas as pd

    first = relations.assign(asserted=True)
    again = relations.sample(frac=0.10, random_state=rng.integers(2**31)).assign(asserted=True)
    denied = relations.sample(frac=0.02, random_state=rng.integers(2**31)).assign(asserted=False)
    sources = max(1, -(-(len(first) + len(again) + len(denied)) // per_source))
    first["source"] = rng.integers(0, sources, size=len(first))
    denied["source"] = rng.integers(0, sources, size=len(denied))
    # A relation reported again is reported by another source (where there is one).
    again["source"] = (first.loc[again.index, "source"] + rng.integers(1, max(2, sources), size=len(again))) % sources
    claims = pd.concat([first, again, denied], ignore_index=True)
    claims["day"] = rng.integers(0, _DAYS, size=len(claims))
    period = (claims["p"] == "controls") & (rng.random(len(claims)) < 0.3)
    claims["until"] = np.where(period, claims["day"] + rng.integers(1, 90, size=len(claims)), -1)
    claims["grade"] = rng.choice(_GRADES, size=len(claims), p=_GRADE_WEIGHTS / _GRADE_WEIGHTS.sum())
    return claims.sort_values(["source", "day"], kind="stable").reset_index(drop=True)


def _date(day: int) -> str:
    return (_START + dt.timedelta(days=int(day))).isoformat()


def _source_files(directory: Path, number: int, claims, ents: _Entities) -> list[Path]:
    """One source: its text (the claims' sentences) and its TriG graph (record, triples, claims)."""
    name = f"synth-{number:04d}"
    title = f"Synthetic report {number}"
    lines = [title]
    offset = len(title) + 1
    entries = []
    for index, row in enumerate(claims.itertuples(index=False), 1):
        subject, obj = ents.label[row.s], ents.label[row.o]
        verb = _VERBS[row.p]
        when = f"from {_date(row.day)} to {_date(row.until)}" if row.until >= 0 else f"on {_date(row.day)}"
        quote = f"{subject} {verb} {obj} {when}"
        if not row.asserted:
            quote = f"The author of {title} denies that {quote}"
        lines.append(quote + ".")
        entries.append(_claim(name, index, row, ents, quote, offset))
        offset += len(quote) + 2
    text = "\n".join(lines) + "\n"
    text_path = directory / "sources" / f"{name}.txt"
    text_path.write_text(text, encoding="utf-8")
    latest = _date(int(max(claims["day"].max(), claims["until"].max())))
    asserted = claims[claims["asserted"]]
    columns = (asserted["s"], asserted["p"], asserted["o"])
    triples = sorted({(ents.iri[s], p, ents.iri[o]) for s, p, o in zip(*columns, strict=True)})
    record = f"""kgg:{name} {{
  kgs:{name} a kg:SourceDocument ;
      dct:title "{title}"@en ;
      kg:sourceKind kg:NewsArticle ;
      dct:language "en"^^xsd:language ;
      kg:text <sources/{name}.txt> ;
      kg:sha256 "{hashlib.sha256(text.encode("utf-8")).hexdigest()}" ;
      kg:estimatedDate "{latest}"^^xsd:date ;
      kg:datePrecision kg:Day .

  kgs:{name}-author a kg:Reporter ;
      rdfs:label "author of {title}"@en .

"""
    body = "".join(f"  kge:{s} kg:{p} kge:{o} .\n" for s, p, o in triples)
    trig_path = directory / f"{name}.trig"
    trig_path.write_text(_PREFIXES + "\n" + record + body + "\n" + "".join(entries) + "}\n", encoding="utf-8")
    return [trig_path, text_path]


def _claim(name: str, index: int, row, ents: _Entities, quote: str, offset: int) -> str:
    dates = (
        f'kg:eventStart "{_date(row.day)}"^^xsd:date ; kg:eventEnd "{_date(row.until)}"^^xsd:date'
        if row.until >= 0
        else f'kg:eventDate "{_date(row.day)}"^^xsd:date'
    )
    asserted, polarity = ("true", "Affirmed") if row.asserted else ("false", "Denied")
    return f"""  kgc:{name}-{index:05d} a kg:Claim ;
      rdf:subject kge:{ents.iri[row.s]} ; rdf:predicate kg:{row.p} ; rdf:object kge:{ents.iri[row.o]} ;
      kg:asserted {asserted} ; kg:polarity kg:{polarity} ;
      prov:wasDerivedFrom kgs:{name} ; prov:wasAttributedTo kgs:{name}-author ;
      {dates} ; kg:datePrecision kg:Day ;
      kg:reliability "{row.grade}" ; kg:gradeReason "Synthetic grade."@en ;
      oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{quote}" ] ,
                     [ a oa:TextPositionSelector ; oa:start {offset} ; oa:end {offset + len(quote)} ] .

"""


def _gazetteer(path: Path, ents: _Entities) -> None:
    lines = [_PREFIXES, "kgg:synth-entities {"]
    for iri, label, cls in zip(ents.iri, ents.label, ents.cls, strict=True):
        alias = f' ; skos:altLabel "{label.replace(" ", "")}"@en' if cls == "ArmedGroup" else ""
        lines.append(f'  kge:{iri} a kg:{cls} ; rdfs:label "{label}"@en{alias} .')
    lines.append("}\n")
    path.write_text("\n".join(lines), encoding="utf-8")


def generate(
    directory: Path | str,
    *,
    relations: int = 1000,
    entities: int | None = None,
    seed: int = 0,
    per_source: int = 1000,
) -> SynthReport:
    """Write a synthetic dataset with ``relations`` distinct relation triples into ``directory``.

    ``entities`` defaults to one per five relations (mean degree ten); ``per_source`` is the
    number of claims per source document. The directory must be empty or not exist yet.

    >>> import tempfile
    >>> report = generate(tempfile.mkdtemp(), relations=50, seed=1)
    >>> report.relations, report.entities, report.sources
    (50, 20, 1)
    """
    directory = Path(directory)
    if relations < 1 or per_source < 1:
        raise ParameterError("relations and per_source must be at least 1")
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ParameterError(f"{directory} exists and is not an empty directory; give a new one")
    count = entities if entities is not None else max(20, relations // 5)
    if count < 7:
        raise ParameterError("a synthetic graph needs at least 7 entities")
    rng = np.random.default_rng(seed)
    with progress.task(f"drawing {relations:,} relations among {count:,} entities"):
        ents = _entities(rng, count)
        rows = _relations(rng, ents, relations)
        claims = _claims(rng, rows, per_source)
    (directory / "sources").mkdir(parents=True, exist_ok=True)
    gazetteer = directory / "entities.trig"
    _gazetteer(gazetteer, ents)
    files = [gazetteer]
    groups = claims.groupby("source", sort=True)
    with progress.task("writing sources", total=groups.ngroups) as step:
        for number, (_, group) in enumerate(groups, 1):
            files += _source_files(directory, number, group, ents)
            step.advance()
    log.info("wrote %d relations, %d claims into %s", len(rows), len(claims), directory)
    sources = claims["source"].nunique()
    return SynthReport(directory, len(ents.iri), len(rows), len(claims), int(sources), files)
