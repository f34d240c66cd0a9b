"""Scoring extraction: candidates against gold relations written by hand before the extractor saw the report.

A gold file (``tests/data/extraction/*.gold.yaml``; see the README there) lists a report's
entities with every name the text uses for them, and the relations the text states. A candidate
is correct when its predicate matches and its subject and object each match a gold entity by any
of its names (its words in the report, its store label, or its country); symmetric predicates
match in either direction. Recall counts gold relations found; precision counts candidates that
match some gold relation. Nothing else is compared: dates, quotes and confidence are for the
reviewer, not for the score.

Each file says which half it belongs to: ``development`` (read while writing the lexicon and
the rules) or ``held-out`` (never used to change them), reported separately.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg import progress
from kg.errors import KGError
from kg.ingest.extract import SYMMETRIC, Candidate
from kg.ingest.mentions import normal

__all__ = ["Gold", "GoldError", "Score", "claim_triples", "evaluate", "load", "score", "score_triples", "total"]


class GoldError(KGError):
    """A gold file that cannot be read or does not match its report."""


@dataclass(frozen=True)
class Gold:
    """One report's gold: its text, date, half, and relations as (subject names, predicate, object names)."""

    name: str
    half: str
    published: dt.date | None
    text: str
    relations: tuple[tuple[frozenset[str], str, frozenset[str]], ...]
    path: Path


@dataclass(frozen=True)
class Score:
    report: str
    half: str
    gold: int
    candidates: int
    correct: int
    found: int

    @property
    def precision(self) -> float:
        return self.correct / self.candidates if self.candidates else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    def row(self) -> dict[str, Any]:
        return {
            "report": self.report,
            "half": self.half,
            "gold": self.gold,
            "candidates": self.candidates,
            "correct": self.correct,
            "found": self.found,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
        }


def load(path: Path, text_path: Path | None = None) -> Gold:
    """A gold file and its report's text (``NAME.txt`` next to it unless given)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise GoldError(f"{path}: cannot read the gold file ({error})") from None
    if not isinstance(data, dict) or "relations" not in data or "entities" not in data:
        raise GoldError(f"{path}: a gold file needs 'entities' and 'relations'")
    name = str(data.get("report") or path.name.removesuffix(".gold.yaml"))
    text_path = text_path or path.with_name(f"{name}.txt")
    try:
        text = text_path.read_text(encoding="utf-8")
    except OSError as error:
        raise GoldError(f"{path}: cannot read its report {text_path} ({error.strerror})") from None
    for key, value in (data["entities"] or {}).items():
        missing = [str(n) for n in (value or {}).get("names", []) if not _whole(str(n), text)]
        if missing:  # often YAML's doing: [About 110,000 people] is two names, "About 110" and "000 people"
            raise GoldError(
                f"{path}: entity {key}: names not in the report: {', '.join(map(repr, missing))} "
                "(quote a name that has a comma)"
            )
    entities = {key: _names(key, value) for key, value in (data["entities"] or {}).items()}
    relations = []
    for n, relation in enumerate(data["relations"] or [], 1):
        try:
            subject, obj = entities[relation["subject"]], entities[relation["object"]]
        except KeyError as error:
            raise GoldError(f"{path}: relation {n} names an entity not listed: {error.args[0]}") from None
        relations.append((subject, relation["predicate"], obj))
    published = data.get("published")
    return Gold(
        name,
        str(data.get("half", "development")),
        published if isinstance(published, dt.date) else None,
        text,
        tuple(relations),
        path,
    )


def _whole(name: str, text: str) -> bool:
    """Whether ``name`` occurs in ``text`` as whole words, not as a piece of a number ("000 people" of "110,000")."""
    return re.search(rf"(?<!\w)(?<!\d,){re.escape(name)}(?!\w)(?!,\d)", text) is not None


def _names(key: str, entity: dict[str, Any]) -> frozenset[str]:
    names = {normal(str(n)) for n in entity.get("names", [])}
    names.add(normal(str(entity.get("label", key))))
    return frozenset(n for n in names if n)


def _matches(keys: Iterable[str], names: frozenset[str]) -> bool:
    return any(k in names for k in keys)


def _keys(candidate: Candidate, role: str) -> set[str]:
    label = candidate.subject if role == "subject" else candidate.object
    keys = candidate.subject_keys if role == "subject" else candidate.object_keys
    return {normal(label), *keys}


def score(candidates: list[Candidate], gold: Gold) -> Score:
    """Precision and recall of ``candidates`` against one report's gold relations."""
    unique = {}
    for c in candidates:
        s, o = min(_keys(c, "subject")), min(_keys(c, "object"))
        key = (tuple(sorted((s, o))), c.predicate) if c.predicate in SYMMETRIC else ((s, o), c.predicate)
        unique.setdefault(key, c)
    found: set[int] = set()
    correct = 0
    for c in unique.values():
        hit = False
        for n, (subject, predicate, obj) in enumerate(gold.relations):
            if predicate != c.predicate:
                continue
            straight = _matches(_keys(c, "subject"), subject) and _matches(_keys(c, "object"), obj)
            turned = (
                predicate in SYMMETRIC and _matches(_keys(c, "subject"), obj) and _matches(_keys(c, "object"), subject)
            )
            if straight or turned:
                found.add(n)
                hit = True
        correct += hit
    return Score(gold.name, gold.half, len(gold.relations), len(unique), correct, len(found))


def total(scores: list[Score], half: str) -> Score:
    """The scores of one half summed (micro-averaged: every relation counts once)."""
    chosen = [s for s in scores if s.half == half]
    return Score(
        f"all {half}",
        half,
        sum(s.gold for s in chosen),
        sum(s.candidates for s in chosen),
        sum(s.correct for s in chosen),
        sum(s.found for s in chosen),
    )


def evaluate(store: Any, gold: Path, text: Path | None = None, *, min_confidence: float = 0.0) -> list[dict[str, Any]]:
    """Extract from each report of ``gold`` (a gold file, or a folder of them) and score it: one row per report,
    then one per half (development, held-out); only the candidates at least ``min_confidence`` confident count."""
    from kg.ingest.extract import extract

    paths = sorted(gold.glob("*.gold.yaml")) if gold.is_dir() else [gold]
    if not paths:
        raise GoldError(f"no *.gold.yaml files in {gold}")
    scores = []
    with progress.task("extracting from the gold reports", total=len(paths)) as step:  # ~1 s a report
        for path in paths:
            step.update(description=f"extracting from {path.name.removesuffix('.gold.yaml')}")
            report = load(path, None if gold.is_dir() else text)
            candidates, _ = extract(store, report.text, published=report.published)
            scores.append(score([c for c in candidates if c.confidence >= min_confidence], report))
            step.advance()
    halves = sorted({s.half for s in scores})
    return [s.row() for s in scores] + [total(scores, half).row() for half in halves]


def score_triples(candidates: list[Candidate], claims: set[tuple[Any, str, Any]]) -> dict[str, float]:
    """Precision and recall of candidate (subject IRI, predicate, object IRI) triples against a source's claims."""

    def unordered(triple: tuple[Any, str, Any]) -> tuple[Any, str, Any]:
        s, p, o = triple
        return (min(s, o, key=str), p, max(s, o, key=str)) if p in SYMMETRIC else triple

    proposed = {unordered(c.triple()) for c in candidates}
    wanted = {unordered(t) for t in claims}
    right = proposed & wanted
    return {
        "candidates": len(proposed),
        "correct": len(right),
        "claims": len(wanted),
        "precision": round(len(right) / len(proposed), 3) if proposed else 0.0,
        "recall": round(len(right) / len(wanted), 3) if wanted else 0.0,
    }


def claim_triples(store: Any, source: str) -> set[tuple[str, str, object]]:
    """(subject IRI, predicate name, object IRI or value) of every claim of ``source``: the answers to score against."""
    import pyoxigraph as ox

    from kg import queries
    from kg.namespaces import ONTOLOGY
    from kg.params import resolve_source
    from kg.results import SelectResult
    from kg.terms import to_python

    query = queries.internal_query("internal/source-claim-triples")
    result = store.run(query, {"source": resolve_source(store, source)})
    assert isinstance(result, SelectResult)
    triples = set()
    for _, subject, predicate, obj in result.rows:
        value = obj.value if isinstance(obj, ox.NamedNode) else to_python(obj)
        triples.add((subject.value, predicate.value.removeprefix(ONTOLOGY), value))
    return triples
