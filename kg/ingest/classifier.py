"""A learned complement to the rules: pairs of names in one sentence that no frame related, scored by a linear model.

The rules (:mod:`kg.ingest.frames`, :mod:`kg.ingest.patterns`) read a relation only where the parse hands its
arguments to a lexicon frame; on the development half more than a third of the misses have both names in the
sentence that states them. This module proposes, for each such pair and each predicate whose domain and range
the pair can fill, a probability from a logistic regression trained on the development half only
(``benchmarks/train_classifier.py``, scikit-learn at training time; see its docstring for the figures). The
weights are data (``classifier.json``, feature -> weight), so prediction here is a sum of weights and a logistic
function: no scikit-learn at run time.

Features are meant to generalise beyond the training text, never a name: the lemmas on the parser's path between
the two names and the predicates the lexicon gives those lemmas, the lemmas between them in the text, the links on
the path, the names' kinds and how they were found, their order and distance, passive and negation markers. Each
feature is also conjoined with the candidate predicate, so the model learns which words state which relation.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from kg.ingest.frames import noun_lemma, surface, tag, verb_lemma
from kg.ingest.lexicon import by_lemma
from kg.ingest.linkgrammar import Parse

if TYPE_CHECKING:
    from kg.ingest.mentions import Mention

__all__ = ["MODEL_PATH", "Model", "Pair", "features", "load", "probability", "propose"]

MODEL_PATH = Path(__file__).with_name("classifier.json")

PREDICATES = (
    "locatedIn", "headOf", "captured", "attacked", "alliedWith", "partOf", "killed", "fledTo", "fledFrom",
    "struckFromAir", "controls", "opposes", "operatesIn", "advancedOn", "withdrewFrom", "supplied", "basedIn",
    "shelled",
)  # fmt: skip
"""The predicates pairs are scored for: those with at least ten gold relations in the development half (fewer
give the model nothing to learn from)."""

_NEGATION = frozenset({"not", "n't", "never", "no", "denied", "deny", "denies"})
_WORD = re.compile(r"[A-Za-z][\w'-]*")


@dataclass(frozen=True)
class Model:
    """A linear model: a weight per feature (absent features weigh nothing), the predicates it scores, and the
    probability from which a pair is proposed (chosen by cross-validation on the development half)."""

    name: str
    weights: Mapping[str, float]
    predicates: frozenset[str]
    threshold: float


class Proposal(Protocol):
    """What this module reads of a candidate (:class:`kg.ingest.extract.Candidate`, a frozen dataclass; not
    imported here, as extraction imports this module)."""

    @property
    def subject(self) -> str: ...
    @property
    def predicate(self) -> str: ...
    @property
    def object(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


C = TypeVar("C", bound=Proposal)


@dataclass(frozen=True)
class Pair(Generic[C]):
    """A pair of names in one sentence that the rules left unrelated, as one predicate would relate them: the
    candidate it would be (confidence and why not yet set) and the features that describe it."""

    candidate: C
    features: tuple[str, ...]


@cache
def load(path: Path = MODEL_PATH) -> Model | None:
    """The packaged model, or None when there is none (the rules alone then propose)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(data["name"], data["weights"], frozenset(data["predicates"]), float(data["threshold"]))


def probability(model: Model, features: Iterable[str]) -> float:
    """The model's probability that the pair stands in the relation: the logistic of the summed weights."""
    z = model.weights.get("bias", 0.0) + sum(model.weights.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def propose(pairs: Iterable[Pair[C]], model: Model) -> list[C]:
    """Each pair's most probable predicate, when its probability reaches the model's threshold, as a candidate
    whose confidence is that probability and whose ``why`` names the model and the features that weighed most."""
    best: dict[tuple[int, int], tuple[float, Pair[C]]] = {}
    for pair in pairs:
        if pair.candidate.predicate not in model.predicates:
            continue
        p = probability(model, pair.features)
        key = _pair_key(pair)
        if p >= model.threshold and (key not in best or p > best[key][0]):
            best[key] = (p, pair)
    return [_candidate(model, p, pair) for p, pair in best.values()]


def _pair_key(pair: Pair[C]) -> tuple[int, int]:
    """A pair of names in one place, in either order: one proposal per pair and sentence."""
    c = pair.candidate
    return (c.start, c.end) if c.subject <= c.object else (c.start, c.end + 1)


def _candidate(model: Model, p: float, pair: Pair[C]) -> C:
    weighed = sorted(((model.weights.get(f, 0.0), f) for f in pair.features), reverse=True)
    top = ", ".join(f"{f} {w:+.2f}" for w, f in weighed[:3] if w > 0)
    why = f"model {model.name}: probability {p:.2f} (features: {top or 'none above zero'})"
    return replace(pair.candidate, confidence=round(min(p, 0.95), 2), why=why)  # type: ignore[type-var]


@cache
def _lexicon_predicates() -> dict[str, frozenset[str]]:
    """A lemma -> the predicates the lexicon's entries that begin with it state ("take" -> captured, ...)."""
    found: dict[str, set[str]] = {}
    for (_, lemma), entries in by_lemma().items():
        found.setdefault(lemma.split()[0], set()).update(e.predicate for e in entries)
    return {k: frozenset(v) for k, v in found.items()}


def _lemma(word: str) -> str:
    """A parse word's lemma by its tag ("withdrew.v-d" -> withdraw); a placeholder name -> NAME, any other
    capitalised word -> CAPITAL."""
    plain = surface(word)
    if plain.startswith("Zq"):
        return "NAME"
    if plain[:1].isupper():
        return "CAPITAL"  # a name the spotter did not take, or a sentence's first word: never remembered
    kind = tag(word)
    if kind.startswith("v"):
        return verb_lemma(plain)
    if kind.startswith("n"):
        return noun_lemma(plain)
    return plain.lower()


def _link(label: str) -> str:
    """A link's kind without its subscripts ("Ss*b" -> S, "MVp" -> MV), but the passive's "Pv" kept whole."""
    if label.startswith("Pv"):
        return "Pv"
    head = re.match(r"[A-Z]+", label)
    return head.group() if head else label


def path(parse: Parse, a: int, b: int) -> list[tuple[int, str]] | None:
    """The shortest path of links from word ``a`` to word ``b``: (word reached, link kind with its direction)."""
    graph: dict[int, list[tuple[int, str]]] = {}
    for link in parse.links:
        kind = _link(link.label)
        graph.setdefault(link.left, []).append((link.right, kind + ">"))
        graph.setdefault(link.right, []).append((link.left, "<" + kind))
    before: dict[int, tuple[int, str]] = {}
    queue, seen = deque([a]), {a}
    while queue:
        at = queue.popleft()
        if at == b:
            steps = []
            while at != a:
                previous, kind = before[at]
                steps.append((at, kind))
                at = previous
            return steps[::-1]
        for nxt, kind in graph.get(at, []):
            if nxt not in seen and nxt != 0:  # not through the left wall
                seen.add(nxt)
                before[nxt] = (at, kind)
                queue.append(nxt)
    return None


def _word(word: str) -> str:
    """A word of the text as a feature: lower case, but a capitalised word (a name the spotter did not take, a
    month, a sentence's first word) is only CAPITAL, so that no feature remembers a name."""
    return "CAPITAL" if word[:1].isupper() else word.lower()


def _bucket(n: int) -> str:
    return str(n) if n < 3 else "3-5" if n < 6 else "6-10" if n < 11 else "11+"


def _kinds(m: Mention) -> str:
    return "+".join(sorted(m.kinds)) or "unknown"


def features(
    text: str,
    subject: Mention,
    obj: Mention,
    predicate: str,
    parse: Parse | None,
    words: Mapping[int, int],
    *,
    headline: bool = False,
) -> tuple[str, ...]:
    """What describes ``subject`` and ``obj`` standing in ``predicate`` in one sentence, each feature alone and
    conjoined with the predicate. ``words``: mention start offset -> its word in ``parse`` (when it has one)."""
    plain: set[str] = set()
    lexicon = _lexicon_predicates()
    first, second = sorted((subject, obj), key=lambda m: m.start)
    plain.add("order:subject-first" if first is subject else "order:object-first")
    plain.add(f"kind:s:{_kinds(subject)}")
    plain.add(f"kind:o:{_kinds(obj)}")
    plain.add(f"source:s:{subject.source}")
    plain.add(f"source:o:{obj.source}")
    between = text[first.end : second.start]
    tokens = [_word(w) for w in _WORD.findall(between)]
    plain.add(f"distance:{_bucket(len(tokens))}")
    for w in tokens[:12]:
        lemma = verb_lemma(w) if w.endswith(("ed", "ing", "s")) else w
        plain.add(f"between:{lemma}")
        for p in lexicon.get(lemma, ()):
            plain.add("between-lexicon:same" if p == predicate else f"between-lexicon:{p}")
    if not tokens:
        plain.add("between:nothing")
    if tokens and tokens[-1] in {"of", "from", "to", "in", "into", "by", "on", "with", "near", "towards", "at"}:
        plain.add(f"before-second:{tokens[-1]}")
    before = _WORD.findall(text[max(0, first.start - 30) : first.start])
    if before:
        plain.add(f"before-first:{_word(before[-1])}")
    after = _WORD.findall(text[second.end : second.end + 30])
    if after:
        plain.add(f"after-second:{_word(after[0])}")
    if _NEGATION & set(tokens):
        plain.add("negation")
    if re.search(r"\b(?:was|were|been|being|is|are)\s+\w+ed\s+by\b", between):
        plain.add("passive-by")
    if headline:
        plain.add("headline")
    steps = None
    if parse is not None and subject.start in words and obj.start in words:
        steps = path(parse, words[subject.start], words[obj.start])
        if parse.null_count:
            plain.add("parse:incomplete")
    if steps is None:
        plain.add("path:none")
    else:
        plain.add(f"path:length:{_bucket(len(steps))}")
        if len(steps) <= 4:
            plain.add("path:" + " ".join(kind for _, kind in steps))
        for at, _ in steps[:-1]:
            lemma = _lemma(parse.words[at])  # type: ignore[union-attr]
            plain.add(f"path-lemma:{lemma}")
            if lemma in _NEGATION:
                plain.add("negation")
            for p in lexicon.get(lemma, ()):
                plain.add("path-lexicon:same" if p == predicate else f"path-lexicon:{p}")
        if any(kind.strip("<>") == "Pv" for _, kind in steps):
            plain.add("path:passive")
    return tuple(sorted({f"predicate:{predicate}", *plain, *(f"{predicate}|{f}" for f in plain)}))
