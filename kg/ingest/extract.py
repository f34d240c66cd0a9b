"""The extraction assistant: candidate entities and claims in a new report, for a person to review.

It never asserts anything: ``kg extract`` writes a draft annotation whose claims have no
grade, so ``kg ingest`` refuses it until someone has read each candidate, fixed or deleted it
and graded it. How it finds candidates, all offline (a blank spaCy pipeline, no model):

- known entities: a gazetteer of every label and alias in the store (spaCy PhraseMatcher,
  case-insensitive);
- unknown names: runs of capitalised words the gazetteer does not cover, not at the start of
  a sentence on their own;
- relations: trigger phrases per predicate ("fell to", "withdrew", "took in", "standing by"
  ...); the subject is the nearest fitting entity before the trigger and the object the
  nearest fitting one after it ("fitting" = of the kind the predicate's domain and range
  ask for; passive triggers such as "fell to" swap the two). The quote is the sentence, with
  its offsets.

:func:`score` compares candidates with a source's hand-built claims (precision and recall of
subject-predicate-object triples), which is how the trigger list is judged.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.names import exact_only
from kg.namespaces import ONTOLOGY, compact
from kg.terms import to_python

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["TRIGGERS", "Candidate", "Mention", "as_json", "claim_triples", "draft", "extract", "score"]

TRIGGERS: dict[str, list[str]] = {
    "captured": [
        "captured",
        "capturing",
        "capture of",
        "seized",
        "seizing control of",
        "took control of",
        "fell to",
        "overran",
        "victory in",
    ],
    "withdrewTo": ["withdrew to", "withdraw", "pulled out to", "heading to", "retreated to", "journeying to"],
    "withdrewFrom": ["withdrew from", "pulled out of", "retreated from"],
    "sheltered": ["welcomed", "welcoming", "took in", "granted asylum", "sheltered"],
    "alliedWith": ["allied with", "standing firmly by", "standing by", "stands by", "backed by", "allies"],
    "fledTo": ["fled to", "refuge in", "took refuge in", "seeking refuge"],
    "fledFrom": ["fled", "fleeing", "exodus"],
    "encircled": ["encircling", "encircled", "surrounded", "besieged", "siege of"],
    "advancedOn": ["closing in on", "advance on", "converged on", "converge", "entry into", "advancing on"],
    "opposes": ["fighting against", "against", "insurgent"],
    "headOf": ["head of", "leader of"],
    "basedIn": ["based in"],
    "releasedFrom": ["liberation of", "freed from", "released from"],
    "heldIn": ["prisoners"],
    "renounced": ["will not employ", "will not use", "rejecting"],
    "controls": ["strongholds", "security ring", "stronghold"],
    "operatesIn": ["informants within", "network of informants", "operates in"],
    "launched": ["offensive", "launched"],
    "locatedIn": ["city in", "region of", "located in", "town in"],
    "struckFromAir": ["air strikes on", "airstrikes on", "air strike on", "airstrike on", "bombed", "drone strike on"],
    "shelled": ["shelled", "shelling of", "bombarded"],
    "attacked": ["attacked", "struck", "raided", "attack on", "attacks on"],
    "killed": ["killed", "killing"],
    "occupied": ["occupied", "occupation of", "moved into"],
    "appointed": ["appointed", "named as"],
    "negotiatedWith": ["negotiated with", "talks with", "met with"],
    "ceasefireWith": ["ceasefire with", "truce with"],
    "supplied": ["supplied", "armed by", "weapons to"],
    "trained": ["trained"],
    "sanctioned": ["sanctioned", "sanctions on", "sanctions against"],
}
"""Phrases that signal each predicate, matched case-insensitively on whole words."""

PASSIVE = {"fell to", "backed by", "armed by"}
"""Triggers whose grammatical subject is the relation's object ("Homs fell to the rebels")."""

_NOT_NAMES = {
    "the",
    "a",
    "an",
    "it",
    "this",
    "these",
    "those",
    "there",
    "what",
    "we",
    "our",
    "many",
    "while",
    "knowing",
    "standing",
    "joining",
    "thank",
    "fall",
    "interview",
    "interviewer",
    "rebels",
    "rebel",
    "president",
    "minister",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "syrian",
    "lebanese",
    "iraqi",
    "iranian",
    "russian",
    "turkish",
    "israeli",
    "kurdish",
    "islamist",
    "sunni",
    "shia",
    "interior",
    "defense",
    "defence",
    "foreign",
}
"""Capitalised words that are not names on their own: function words, titles, days, months, adjectives."""

SYMMETRIC = {"alliedWith", "opposes", "linkedTo"}
"""Predicates scored without regard to direction (the ontology declares them symmetric)."""


@dataclass(frozen=True)
class Mention:
    """A name found in the text: a known entity (with its IRI) or a candidate new one."""

    text: str
    start: int
    end: int
    entity: str | None
    label: str
    kinds: frozenset[str]
    """actor, place, event, weapon: all that apply (Syria is a state and a country); empty when unknown."""


@dataclass(frozen=True)
class Candidate:
    """A proposed claim: labels for reading, IRIs where known, the sentence as quote with its offsets."""

    subject: str
    predicate: str
    object: str
    subject_iri: str | None
    object_iri: str | None
    quote: str
    start: int
    end: int
    trigger: str

    def triple(self) -> tuple[str | None, str, str | None]:
        return self.subject_iri, self.predicate, self.object_iri


def _sentences(text: str, nlp: Any) -> list[tuple[int, int]]:
    """Sentence spans: lines first (headlines and speaker turns have no full stop), then spaCy's sentencizer."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        doc = nlp(line.group())
        for sentence in doc.sents:
            start = line.start() + sentence.start_char
            end = line.start() + sentence.end_char
            if text[start:end].strip():
                spans.append((start, end))
    return spans


def _gazetteer(store: Store) -> tuple[dict[str, tuple[str, str, frozenset[str]]], dict[str, tuple[str, str]]]:
    """Names to (entity IRI, label, kinds), and each relation's (domain kind, range kind).

    A name is keyed by its lower case, except a short or common one ("IS", "US"), which is kept
    as written and matched only so (:mod:`kg.names`).
    """
    from kg import queries
    from kg.project import nodes_frame
    from kg.results import SelectResult

    nodes = nodes_frame(store)
    tops = {"kg:Actor": "actor", "kg:Place": "place", "kg:Event": "event", "kg:Weapon": "weapon"}
    names: dict[str, tuple[str, str, frozenset[str]]] = {}
    for iri, row in nodes.iterrows():
        kinds = frozenset(kind for cls, kind in tops.items() if cls in row["classes"].split("|"))
        for name in [row["label"], *filter(None, row["aliases"].split("|"))]:
            names.setdefault(name if exact_only(name) else name.lower(), (str(iri), row["label"], kinds))
    kinds = store.run(queries.internal_query("internal/relation-kinds"))
    assert isinstance(kinds, SelectResult)
    relations = {row["predicate"].removeprefix("kg:"): (row["domainKind"], row["rangeKind"]) for row in kinds.records()}
    return names, relations


def _headline(doc: Any) -> bool:
    """Title Case Lines Have Every Word Capitalised, so capitals say nothing about names there."""
    words = [t for t in doc if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.is_title for t in words) / len(words) > 0.6


def _mentions(text: str, start: int, end: int, nlp: Any, matcher: Any, names: dict) -> list[Mention]:
    """Known entities (longest match wins) and capitalised unknown names in one sentence."""
    doc = nlp.make_doc(text[start:end])
    headline = _headline(doc)
    spans = sorted(((s, e) for s, e in matcher(doc)), key=lambda span: (span[0], -(span[1] - span[0])))
    mentions, taken = [], set()
    for s, e in spans:
        if taken & set(range(s, e)):
            continue
        taken |= set(range(s, e))
        span = doc[s:e]
        iri, label, kinds = names.get(span.text) or names[span.text.lower()]
        mentions.append(Mention(span.text, start + span.start_char, start + span.end_char, iri, label, kinds))
    i = 0
    while i < len(doc):
        if i in taken or not doc[i].is_title or doc[i].lower_ in _NOT_NAMES:
            i += 1
            continue
        j = i
        while j + 1 < len(doc) and j + 1 not in taken and (doc[j + 1].is_title or doc[j + 1].lower_ in ("al", "of")):
            j += 1
        while j > i and not doc[j].is_title:
            j -= 1
        span = doc[i : j + 1]
        if not headline and not (i == 0 and j == 0):  # a lone capitalised opening word is usually just that
            mentions.append(
                Mention(span.text, start + span.start_char, start + span.end_char, None, span.text, frozenset())
            )
        i = j + 1
    return sorted(mentions, key=lambda m: m.start)


def _nearest(mentions: list[Mention], kind: str | None, exclude: Mention | None = None) -> Mention | None:
    """The nearest known entity of the right kind; an unknown name only if it is the nearest mention of all."""
    candidates = [m for m in mentions if m is not exclude]
    known = next((m for m in candidates if m.entity and (kind is None or kind in m.kinds)), None)
    if known is not None:
        return known
    return candidates[0] if candidates and candidates[0].entity is None else None


def _with_conjuncts(chosen: Mention, mentions: list[Mention], text: str) -> list[Mention]:
    """``chosen`` and the entities coordinated with it ("Russia and Iran", "HTS, SOHR and ...")."""
    group = [chosen]
    ordered = sorted(mentions, key=lambda m: m.start)
    index = ordered.index(chosen)
    for step in (1, -1):
        i = index
        while 0 <= i + step < len(ordered):
            left, right = sorted((ordered[i], ordered[i + step]), key=lambda m: m.start)
            joined = text[left.end : right.start].strip() in (",", "and", ", and")
            if not joined or ordered[i + step].kinds != chosen.kinds:
                break
            i += step
            group.append(ordered[i])
    return group


def _candidates(sentence: tuple[int, int], text: str, mentions: list[Mention], relations: dict) -> list[Candidate]:
    start, end = sentence
    lowered = text[start:end].lower()
    found = []
    for predicate, phrases in TRIGGERS.items():
        domain, range_ = relations.get(predicate, (None, None))
        for phrase in phrases:
            for hit in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
                at, after = start + hit.start(), start + hit.end()
                before = [m for m in reversed(mentions) if m.end <= at]
                later = [m for m in mentions if m.start >= after]
                if phrase in PASSIVE:  # the object is the sentence's grammatical subject, its first name
                    subject, obj = _nearest(later, domain), _nearest(list(reversed(before)), range_)
                else:
                    subject = _nearest(before, domain)
                    obj = _nearest(later, range_, exclude=subject)
                    if subject is None and predicate in SYMMETRIC and obj is not None:  # "standing by X are Y and Z"
                        subject = _nearest([m for m in later if m.start > obj.end], domain)
                if not (subject and obj):
                    continue
                for s in _with_conjuncts(subject, mentions, text):
                    if s.label != obj.label:
                        found.append(
                            Candidate(
                                s.label, predicate, obj.label, s.entity, obj.entity, text[start:end], start, end, phrase
                            )
                        )
    return list({c.triple() + (c.start,): c for c in found}.values())


def extract(store: Store, text: str) -> tuple[list[Candidate], list[Mention]]:
    """Candidate claims and the unknown names (candidate entities) in ``text``."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    names, relations = _gazetteer(store)
    # long names whatever their case; short and common ones ("IS", "US") only as written
    anycase, written = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH")
    anycase.add("ENTITY", list(nlp.tokenizer.pipe(n for n in names if not exact_only(n))))
    written.add("ENTITY", list(nlp.tokenizer.pipe(n for n in names if exact_only(n))))

    def matcher(doc: Any) -> list[tuple[int, int]]:
        return [(s, e) for _, s, e in [*anycase(doc), *written(doc)]]

    candidates, unknown = [], {}
    for sentence in _sentences(text, nlp):
        mentions = _mentions(text, *sentence, nlp, matcher, names)
        candidates += _candidates(sentence, text, mentions, relations)
        for mention in mentions:
            if mention.entity is None:
                unknown.setdefault(mention.text, mention)
    return candidates, list(unknown.values())


def _unordered(triple: tuple[Any, str, Any]) -> tuple[Any, str, Any]:
    s, p, o = triple
    return (min(s, o, key=str), p, max(s, o, key=str)) if p in SYMMETRIC else triple


def score(candidates: list[Candidate], claims: set[tuple[str, str, str]]) -> dict[str, float]:
    """Precision and recall of candidate triples against hand-built (subject IRI, predicate, object IRI) triples;
    symmetric predicates count in either direction."""
    proposed = {_unordered(c.triple()) for c in candidates}
    claims = {_unordered(t) for t in claims}
    correct = proposed & claims
    precision = len(correct) / len(proposed) if proposed else 0.0
    recall = len(correct) / len(claims) if claims else 0.0
    return {
        "candidates": len(proposed),
        "correct": len(correct),
        "claims": len(claims),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
    }


def claim_triples(store: Store, source: str) -> set[tuple[str, str, object]]:
    """(subject IRI, predicate name, object IRI or value) of every claim of ``source``: the answers to score against."""
    from kg import queries
    from kg.params import resolve_source
    from kg.results import SelectResult

    query = queries.internal_query("internal/source-claim-triples")
    result = store.run(query, {"source": resolve_source(store, source)})
    assert isinstance(result, SelectResult)
    triples = set()
    for _, subject, predicate, obj in result.rows:
        value = obj.value if isinstance(obj, ox.NamedNode) else to_python(obj)  # type: ignore[union-attr]
        triples.add((subject.value, predicate.value.removeprefix(ONTOLOGY), value))  # type: ignore[union-attr]
    return triples


def draft(candidates: list[Candidate], unknown: list[Mention], *, source_id: str, title: str) -> dict[str, Any]:
    """A draft annotation for review: claims without grades, so it cannot be ingested unread."""
    return {
        "source": {
            "id": source_id,
            "title": title,
            "kind": ["news-article"],
            "text": f"sources/{source_id}.txt",
            "reporters": {"author": {"label": f"author of {title}"}},
        },
        "entities": [
            {"id": re.sub(r"[^a-z0-9]+", "-", m.text.lower()).strip("-"), "type": "?", "label": m.text} for m in unknown
        ],
        "claims": [
            {
                "subject": compact(c.subject_iri) if c.subject_iri else c.subject,
                "predicate": c.predicate,
                "object": compact(c.object_iri) if c.object_iri else c.object,
                "quote": c.quote,
                "claimant": "author",
                "reliability": "",
                "reason": "",
                "comment": f"trigger: {c.trigger}",
            }
            for c in candidates
        ],
    }


def as_json(candidates: list[Candidate]) -> list[dict[str, Any]]:
    """The candidates as plain records: labels, IRIs when known, quote, offsets, trigger."""
    return [asdict(c) | {"predicate": ONTOLOGY + c.predicate} for c in candidates]
