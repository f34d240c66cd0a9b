"""The extraction assistant: candidate entities and claims in a new report, for a person to review.

It never asserts anything: ``kg extract`` writes a draft annotation whose claims have no grade,
so ``kg ingest`` refuses it until someone has read each candidate, fixed or deleted it and
graded it. All offline, and general rather than tuned to one article:

1. sentences, headlines kept apart (:mod:`kg.ingest.mentions` treats their capitals with care);
2. names: the store's entities, countries and demonyms, unknown capitalised names, titles;
3. each name replaced by a placeholder proper noun, so the parser sees "Rapid Support Forces"
   as one word, then parsed by link-grammar (:mod:`kg.ingest.linkgrammar`);
4. frames from the lexicon (:mod:`kg.ingest.lexicon`, ``lexicon.tsv``: verbs, nouns and
   "X-backed" compounds with their provenance) read off the parse (:mod:`kg.ingest.frames`),
   pronouns and descriptions ("the group", "the city") resolved to the last fitting name;
5. each candidate kept only if its arguments fit the predicate's domain and range, and given the
   clause that states it (verbatim, with offsets), its date as the text gives it
   (:mod:`kg.ingest.dates`), a confidence and the lexicon entry that proposed it.

:mod:`kg.ingest.gold` scores candidates against hand-written gold relations.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.formats.records import slug
from kg.ingest import frames as frame_reader
from kg.ingest import linkgrammar, patterns
from kg.ingest.attribution import TURN, Attribution, attributions
from kg.ingest.coreference import BETWEEN_SIDES, Document, side
from kg.ingest.dates import adverbials, dates_in
from kg.ingest.mentions import (
    Gazetteer,
    Mention,
    capital_of,
    find_mentions,
    gazetteer_from,
    is_headline,
    normal,
    organisational,
)
from kg.namespaces import ONTOLOGY, compact

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["Candidate", "ExtractionError", "MAX_CHARS", "as_json", "draft", "extract", "gazetteer", "read_report"]

MAX_CHARS = 300_000
"""How much text one run reads (about 50,000 words, a few minutes); longer input is refused with advice."""

MAX_SENTENCE = 2000
"""Longer "sentences" (a list or a table pasted as text) are not parsed, only read by the word patterns:
the parser's time grows steeply with length and such text states few relations in clauses."""

LINKAGES = 10
"""How many of the parser's best linkages are read: a relation the best one misattaches is often in the next."""
VOTES = 3
"""How many of them must agree on a relation the best linkage does not give (measured on the development half:
10 and 3 gave recall 0.43 at precision 0.77, against 0.39 and 0.79 with the best linkage alone)."""

SYMMETRIC = frozenset({"alliedWith", "opposes", "ceasefireWith", "negotiatedWith", "linkedTo"})
"""Predicates the ontology declares symmetric: scored and deduplicated without regard to direction."""

_COMMON_ENGLISH = frozenset(
    "the of and to in a is that for on was with as by at from has have were are it be its said their after".split()
)
_COMMON_OTHER = frozenset(
    """der das und ist nicht ein eine mit von zu dem des sich auf für le la les du et est une un que qui dans pour
    pas sur au aux el los las y por con para una del se lo il che di della per sono non het een van en dat ook niet
    voor""".split()
)
"""Function words of German, French, Spanish, Italian, Portuguese and Dutch that English does not use: a short
note with few English function words ("Orna warplanes struck Kasi overnight, killing 12 people") is still
English unless it has more of these."""


class ExtractionError(KGError):
    """Text that extraction cannot read: empty, binary, not English, or too long."""


@dataclass(frozen=True)
class Candidate:
    """A proposed claim, for review: who, what, whom, the words that say it, when, how sure, and why."""

    subject: str
    predicate: str
    object: str
    subject_iri: str | None
    object_iri: str | None
    quote: str
    """The clause that states it, verbatim: from the first to the last word of trigger and arguments."""
    start: int
    end: int
    trigger: str
    """The word that states it ("withdrew", "ally")."""
    why: str
    """The frame and lexicon entry that proposed it, and how each argument was found."""
    confidence: float
    date: str | None = None
    precision: str | None = None
    date_text: str | None = None
    subject_type: str | None = None
    object_type: str | None = None
    subject_keys: tuple[str, ...] = ()
    object_keys: tuple[str, ...] = ()
    claimant: str | None = None
    """Who the sentence gives the statement to ("X said", "according to X"), when it names them; else the
    reporter's own (None)."""
    claimant_iri: str | None = None
    said: str | None = None
    """The words that give it away ("residents said", "according to the UN"), named speaker or not."""
    claimant_type: str | None = None

    def triple(self) -> tuple[str | None, str, str | None]:
        return self.subject_iri, self.predicate, self.object_iri


def gazetteer(store: Store | None) -> tuple[Gazetteer, dict[str, tuple[str | None, str | None]]]:
    """The store's names (label and aliases -> IRI, label, kinds) and each relation's (domain, range) kind."""
    if store is None:
        return Gazetteer(), _ontology_relations()
    from kg.project import nodes_frame

    nodes = nodes_frame(store)
    tops = {"kg:Actor": "actor", "kg:Place": "place", "kg:Event": "event", "kg:Weapon": "weapon", "kg:Person": "person"}
    rows = []
    for iri, row in nodes.iterrows():
        classes = row["classes"].split("|")
        kinds = {kind for cls, kind in tops.items() if cls in classes}
        rows.append((str(iri), row["label"], [a for a in row["aliases"].split("|") if a], kinds))
    return gazetteer_from(rows), _relation_kinds(store)


def _relation_kinds(store: Store) -> dict[str, tuple[str | None, str | None]]:
    """Each relation's (domain, range) kind: actor, place, event or weapon."""
    from kg import queries
    from kg.results import SelectResult

    result = store.run(queries.internal_query("internal/relation-kinds"))
    assert isinstance(result, SelectResult)
    return {r["predicate"].removeprefix("kg:"): (r["domainKind"], r["rangeKind"]) for r in result.records()}


@cache
def _ontology_relations() -> dict[str, tuple[str | None, str | None]]:
    """The relations' kinds read from the project's ontology file, for a draft made before any build.

    Without them no candidate was checked against its predicate's domain and range, so the same report
    gave wrong claims without a store that it does not give with one ("Moscow withdrew from more than
    120,000 people"): 0.72 precision on the development reports against 0.75.
    """
    import pyoxigraph as ox

    from kg import config
    from kg.store import Store

    ontology = config.project_root() / "ontology" / "kg.ttl"
    if not ontology.is_file():  # installed without the checkout: nothing to check against, as before
        return {}
    graph = ox.Store()
    graph.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE)
    return _relation_kinds(Store(graph))


def read_report(path: Path) -> str:
    """A report's text, or a one-line reason it cannot be one (binary, not UTF-8); then :func:`check_text`."""
    data = path.read_bytes()
    if b"\x00" in data[:20_000]:
        raise ExtractionError(f"{path}: the file looks binary, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ExtractionError(f"{path}: not UTF-8 text (byte {error.start})") from None
    check_text(text)
    return text


def check_text(text: str) -> None:
    """Refuse what cannot be a report, with the reason: empty, binary, too long, or not English."""
    if not text.strip():
        raise ExtractionError("the text is empty")
    sample = text[:20_000]
    control = sum(1 for c in sample if unicodedata.category(c) in {"Cc", "Cs", "Co", "Cn"} and c not in "\n\r\t")
    if "\x00" in sample or control > len(sample) * 0.01:
        raise ExtractionError("the file looks binary, not text")
    if len(text) > MAX_CHARS:
        raise ExtractionError(
            f"the text has {len(text):,} characters; extraction reads at most {MAX_CHARS:,} at a time "
            "(split it into reports)"
        )
    if not _looks_english(re.findall(r"[^\W\d_]+", sample.lower())):
        raise ExtractionError("the text does not look like English; kg extract reads English reports")


def _looks_english(words: list[str]) -> bool:
    """Whether a text's words are English: mostly Latin letters, and English function words not rare, or, in a
    short text (under 40 words, where one "the" more or less decides), no rarer than another language's."""
    if len(words) < 8:
        return True  # too little to tell; reading it costs nothing
    if sum(1 for w in words if re.search("[a-z]", w)) < len(words) / 2:
        return False  # another script
    english = sum(w in _COMMON_ENGLISH for w in words)
    if english >= len(words) * 0.08:
        return True
    return len(words) < 40 and sum(w in _COMMON_OTHER for w in words) <= english


_ABBREVIATIONS = frozenset(
    "gen lt col maj capt mr mrs ms dr st no sen rep gov brig sgt jan feb mar apr jun jul aug sep sept oct nov dec "
    "u.s u.n u.k vs approx e.g i.e".split()
)
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


def _ends(text: str, start: int, end: int) -> Iterable[re.Match[str]]:
    """Sentence ends in ``text[start:end]``, not after an abbreviation ("Gen.", "U.S.", "H.E.") or an initial."""
    for match in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"([\w.]+)$", text[max(start, match.start() - 60) : match.start()])  # not the whole line
        before = word.group(1).lower() if word else ""
        if before in _ABBREVIATIONS or len(before) == 1 or re.fullmatch(r"(?:[a-z]\.)+[a-z]", before):
            continue  # "Gen.", an initial, "H.E." or any dotted initialism
        yield match


_BULLET = re.compile(r"\s*(?:[-–—•*]|\d{1,2}[.)])\s+")
_DATELINE = re.compile(
    r"\s*(?:[A-Z][A-Z .'-]+(?:,[\w ,.]{0,30})?(?:\s*\([\w .]+\))?"
    r"|\d{1,2}[:.]?\d{2}(?:\s*(?:GMT|UTC|local(?: time)?|[AaPp]\.?[Mm]\.?))?)\s*[-–—:]+\s*"
)
"""A wire story's opening "CAIRO, Dec 19 (Reuters) - " or a live blog's "06:30 - ": not part of the first sentence."""


def sentences(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_headline) of each sentence: lines first (headlines have no full stop), then sentence ends."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().strip():
            continue
        bullet = _BULLET.match(line.group())  # a list item ("- Maj. Gen. X, Chief of ...;") is never a headline
        headline = (
            not bullet
            and not line.group().rstrip().endswith((";", ":", ","))
            and bool(text[line.end() :].strip())  # a headline heads something: a sentence alone is no headline
            and not TURN.match(line.group())  # nor a speaker's turn in a transcript ("**Mira Tavos:** The VLF ...")
            and is_headline(line.group())
        )
        dateline = _DATELINE.match(line.group())
        at = line.start() + (dateline.end() if dateline else bullet.end() if bullet else 0)
        for end in _ends(text, line.start(), line.end()):
            spans.append((at, end.start() + 1, headline))
            at = end.end()
        spans.append((at, line.end(), headline))
    return [(s, e, h) for s, e, h in spans if text[s:e].strip()]


def _seen_names(text: str, spans: list[tuple[int, int, bool]]) -> set[str]:
    """Capitalised words and phrases inside running text (not opening it): what a headline may call a name."""
    seen = set()
    for start, end, headline in spans:
        if headline:
            continue
        for match in re.finditer(r"(?<=[a-z,;] )([A-Z][\w'-]*(?: (?:al-|of |the )?[A-Z][\w'-]*)*)", text[start:end]):
            seen.add(normal(match.group()))
            seen.update(normal(w) for w in match.group().split())
    return seen


def _placeholder(n: int) -> str:
    """A capitalised word the parser cannot know, so it reads it as a proper noun: Zqa, Zqb ..."""
    letters = "abcdefghijklmnoprstuvwy"
    word = ""
    n += 1
    while n:
        n, r = divmod(n - 1, len(letters))
        word = letters[r] + word
    return "Zq" + word


_ASIDE = re.compile(r"\s*\([^()]{0,120}\)")
"""A parenthesis: an alias ("(RSF)"), a conversion ("(105 miles)"), an aside. The parser reads better without."""


_PLURALS = frozenset({"aircraft", "personnel", "police", "people", "children", "cattle"})
"""Plural nouns without an "s": a name ending in one takes a plural verb ("Russian aircraft bomb the base")."""


def _substitute(
    text: str, start: int, end: int, mentions: list[Mention], *, headline: bool = False
) -> tuple[str, dict[int, Mention], list[int]]:
    """The sentence with each name replaced by a placeholder; placeholder char offset -> mention; char map.

    Parentheses are left out (their names are still known to the report: an alias such as "(RSF)"
    was recorded by :meth:`kg.ingest.coreference.Document.typed`), and so are date phrases ("On
    3 January 2021,"), which the parser misreads and :func:`kg.ingest.dates.dates_in` reads from the
    text; a headline's other words are lower-cased, so that "Forces Strike Targets" parses as a sentence.
    """
    asides = sorted(
        [(m.start(), m.end()) for m in _ASIDE.finditer(text, start, end)]
        + adverbials(text, start, end)
        + _approximations(text, start, mentions)
        + _compound_heads(text, start, end, mentions)
    )
    out: list[str] = []
    where: dict[int, Mention] = {}
    chars: list[int] = []
    length = 0

    def emit(a: int, b: int) -> None:
        nonlocal length
        for s0, e0 in asides:  # the plain text from a to b, without parentheses
            if e0 <= a or s0 >= b:
                continue
            emit(a, s0)
            a = max(a, e0)
        if a < b:
            piece = text[a:b]
            out.append(piece.lower() if headline else piece)
            chars.extend(range(a, b))
            length += b - a

    at = start
    for n, m in enumerate(mentions):
        if any(s0 <= m.start < e0 for s0, e0 in asides):
            continue
        emit(at, m.start)
        word = _placeholder(n)
        words = text[m.start : m.end]  # "CPC fighters" (patterns.forces) is plural, as "Houthis" is
        last = words.split()[-1].lower() if words.split() else ""
        plural = words.endswith("s") and not words.endswith(("ss", "us")) and "place" not in m.kinds
        plural = plural or (" " in words and (last in _PLURALS or last.endswith("men")))  # "Russian aircraft bomb"
        if plural and m.source != "country":
            word += "s"  # "the Houthis were": keep the number the verb agrees with
        where[length] = m
        out.append(word)
        chars.extend([m.start] * len(word))
        length += len(word)
        at = m.end
    emit(at, end)
    return _articles("".join(out), where, chars)


_A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=[aeiou])")


def _articles(
    substituted: str, where: dict[int, Mention], chars: list[int]
) -> tuple[str, dict[int, Mention], list[int]]:
    """ "a counter-offensive" parsed as "an offensive": where words were left out between "a" and a word that
    begins with a vowel, the article becomes "an" (the parser leaves "a offensive" unlinked and misreads the rest)."""
    for match in reversed(list(_A_BEFORE_VOWEL.finditer(substituted))):
        at, after = match.end(1), match.end()
        if chars[after] == chars[at] + 1:
            continue  # the text itself says "a" there
        substituted = substituted[:at] + "n" + substituted[at:]
        chars = chars[:at] + [chars[at - 1]] + chars[at:]
        where = {k + (k >= at): m for k, m in where.items()}
    return substituted, where, chars


_HYPHENATED = re.compile(r"(?<![\w-])((?:[a-z]+-)+)([a-z]{3,})(?![\w-])")
_NOT_HEADS = re.compile(r"(?:north|south|east|west)|.*-(?:out|off|down|over|back|away)$")
"""Compounds whose last part is not their head: "north-west" is no kind of west, "fall-back" no kind of back."""


def _compound_heads(text: str, start: int, end: int, mentions: list[Mention]) -> list[tuple[int, int]]:
    """ "launched a counter-offensive, retaking Dakra": a lower-case hyphenated word the parser's dictionary
    does not list is parsed as its last part, its head ("offensive"), by leaving out what comes before it.

    The parser guesses such a word's part of speech from its shape ("counter-offensive" an adjective), and the
    wrong guess misattaches the rest of the sentence; the quote keeps the whole word."""
    spans = []
    for match in _HYPHENATED.finditer(text, start, end):
        if _NOT_HEADS.match(match.group()) or any(m.start < match.end() and match.start() < m.end for m in mentions):
            continue
        if not linkgrammar.known(match.group()):
            spans.append(match.span(1))
    return spans


_APPROXIMATELY = re.compile(
    r"\b(?:around|about|some|nearly|almost|roughly|approximately|at least|more than|over|up to|an estimated)\s+"
    r"(?=\d[\d,.]*\s+$)",
    re.I,
)


_NEIGHBOURING = re.compile(r"\b(?:neighbou?ring|nearby)\s+$", re.I)
"""Before a name ("fled to neighbouring Chad"): read by the parser as a verb taking the name as its object."""


def _approximations(text: str, start: int, mentions: list[Mention]) -> list[tuple[int, int]]:
    """ "around" in "around 200 CPC fighters attacked": the parser reads it as a preposition and loses the
    subject; the number alone parses as the determiner it is (the quote keeps the words). "neighbouring" in "fled
    to neighbouring Chad", which the parser reads as a verb, is left out too."""
    spans = []
    for m in mentions:
        before = text[max(start, m.start - 40) : m.start]
        match = _APPROXIMATELY.search(before) or _NEIGHBOURING.search(before)
        if match:
            offset = m.start - len(before)
            spans.append((offset + match.start(), offset + match.end()))
    return spans


def _slots(parse: linkgrammar.Parse, substituted: str, where: dict[int, Mention], chars: list[int]):  # type: ignore[no-untyped-def]
    """Parse word index -> its mention, and parse word index -> offset in the original text."""
    encoded = substituted.encode("utf-8")
    byte_to_char = {}
    position = 0
    for i, ch in enumerate(substituted):
        byte_to_char[position] = i
        position += len(ch.encode("utf-8"))
    byte_to_char[len(encoded)] = len(substituted)
    slots, offsets = {}, {}
    for i, (b, _) in enumerate(parse.spans):
        c = byte_to_char.get(b)
        if c is None or i == 0:
            continue
        offsets[i] = chars[c] if c < len(chars) else (chars[-1] if chars else 0)
        if c in where:
            slots[i] = where[c]
    return slots, offsets


def extract(
    store: Store | None, text: str, *, published: dt.date | None = None
) -> tuple[list[Candidate], list[Mention]]:
    """Candidate claims and the unknown names (candidate entities) in ``text``, read against ``published``."""
    check_text(text)
    names, relations = gazetteer(store)
    spans = sentences(text)
    seen = _seen_names(text, spans)
    document = Document(text)
    found = [find_mentions(text, a, b, names, headline=h, seen=seen, known_word=_known_word) for a, b, h in spans]
    document.country = _main_country(m for mentions in found for m in mentions)
    document.everyone, document.gazetteer = [m for mentions in found for m in mentions], names
    candidates: list[Candidate] = []
    unknown: dict[str, Mention] = {}
    for (start, end, headline), spotted in zip(spans, found, strict=True):
        mentions = document.typed(spotted)
        for m in mentions:
            if m.entity is None and m.source in {"name", "title"}:
                unknown.setdefault(normal(m.label), m)  # "Petrova" after "Vanya Petrova" is no second new name
        document.count_people(start, end)
        if mentions or _REFERRING.search(text, start, end):
            read = _sentence(text, start, end, mentions, document, relations, published, headline)
            said = attributions(text, start, end, mentions, document.history, document.last)
            candidates += _attributed(read, said, document)
        document.history += mentions
        document.last = mentions or document.last  # "They retook the town. They then ...": the last names
    candidates = _merge(candidates)
    return candidates, list(unknown.values())


def _attributed(candidates: list[Candidate], given: list[Attribution], document: Document) -> list[Candidate]:
    """Each candidate with the speaker of the part of its sentence its quote ends in (a speaker's own act, "X said it
    withdrew", may be quoted from X on)."""
    out = []
    for c in candidates:
        if any(a.phrase and c.start < a.phrase[0] < c.end <= a.phrase[1] for a in given):
            continue  # an argument taken from the speaking phrase: "supplied drones to X, according to the UN"
        by = next((a for a in given if a.start < c.end <= a.end), None)
        if by is None:
            out.append(c)
            continue
        speaker = _governing(by.speaker, "actor", document) if by.speaker else None  # "Moscow said": Russia
        out.append(
            replace(
                c,
                claimant=speaker.label if speaker else None,
                claimant_iri=speaker.entity if speaker else None,
                said=by.words,
                claimant_type=_speaker_type(speaker) if speaker else None,
            )
        )
    return out


_REFERRING = re.compile(r"\b(?:it|its|they|their|he|she|his|the)\b", re.IGNORECASE)
"""Words that can stand for a name met earlier ("they retook the town"): a sentence with one of them and no name
of its own is read too."""


def _known_word(word: str) -> bool:
    from lemminflect import getAllLemmas

    return bool(getAllLemmas(word))


def _sentence(
    text: str,
    start: int,
    end: int,
    mentions: list[Mention],
    document: Document,
    relations: dict[str, tuple[str | None, str | None]],
    published: dt.date | None,
    headline: bool = False,
) -> list[Candidate]:
    compounds, mentions = patterns.compounds(text, mentions)
    mentions = patterns.forces(text, mentions)
    substituted, where, chars = _substitute(text, start, end, mentions, headline=headline)
    findings: list[patterns.Found] = list(compounds)
    clauses = _clauses(substituted)
    pieces = []
    for n in range(1, len(clauses)):
        pieces += _voted(_frames(*_clause(substituted, where, chars, clauses, n), mentions, document))
    said = _complement(substituted, where, chars)
    if said is not None:
        pieces += _voted(_frames(*said, mentions, document))
    for bare in (_without_appositions(substituted, where, chars), _second_participle(substituted, where, chars)):
        if bare is not None:
            pieces += _voted(_frames(*bare, mentions, document))
    read_alone = {(offsets.get(f.trigger), f.predicate) for _, _, offsets, f in pieces}
    bounds = [(chars[a], chars[b - 1] + 1) for a, b in clauses[1:]]
    whole = _voted(_frames(substituted, where, chars, mentions, document))
    frames = [x for x in whole if not _overruled(x[3], x[2].get(x[3].trigger), read_alone, bounds)] + pieces
    for rank, parse, offsets, f in frames:
        words = [offsets[w] for w in f.words if w in offsets]
        ends = [_word_end(text, offsets[w], end) for w in f.words if w in offsets]
        lo, hi = (
            min([*words, *(_arg_span(f.subject, start, end)), *(_arg_span(f.object, start, end))]),
            max([*ends, *(_arg_end(f.subject, start, end)), *(_arg_end(f.object, start, end))]),
        )
        confidence = 0.85 - 0.1 * bool(parse.null_count) - 0.1 * (f.entry.pos == "noun") - 0.1 * bool(rank)
        confidence -= 0.2 * bool(f.subject.resolved_from or f.object.resolved_from)
        why = f.entry.describe() + (" (passive)" if f.passive else "")
        trigger = frame_reader.surface(parse.words[f.trigger])
        findings.append((f.predicate, f.subject, f.object, trigger, why, (lo, hi), confidence))
    findings += patterns.locations(text, mentions)
    findings += patterns.facilities(text, start, mentions)
    findings += patterns.memberships(text, mentions)
    findings += patterns.loyal(text, mentions)
    findings += patterns.directions(text, mentions)
    findings += patterns.truces(text, mentions)
    findings += patterns.under_fire(text, mentions)
    findings += patterns.offices(text, mentions, document.country, document.named)
    findings += patterns.installed(text, mentions)
    findings += patterns.troops_in(text, mentions)
    findings += patterns.and_allied(text, mentions)
    titled = patterns.titles(text, mentions, document.forces_of)
    titled += patterns.pronoun_titles(text, start, mentions, document.owner())
    parts = {(f[1].start, f[2].start) for f in titled if f[0] == "partOf"}  # "intelligence chief": not the head
    findings = [f for f in findings if not (f[0] == "headOf" and (f[1].start, f[2].start) in parts)] + titled
    findings += _fled_onward(text, start, end, findings, mentions, document)
    findings += _between_the_two_sides(text, start, end, findings, mentions, document)
    listed = patterns.lists(text, mentions)
    findings = patterns.among_them(text, patterns.across_lists(text, findings, listed), mentions, listed)
    respective = patterns.respective(text, mentions)  # after the lists: its pairs are each other's alone
    paired = {f[1].start for f in respective}  # "the presidents of A and B, X and Y": X heads A, and not B
    findings = [f for f in findings if not (f[0] in {"headOf", "partOf"} and f[1].start in paired)] + respective
    findings = _led_by_what(text, patterns.killed_in_attacks(text, findings, mentions), mentions)
    findings = [_overran_a_post(text, f) for f in findings]
    findings = [f for f in findings if not (f[0] == "supplied" and _given_up(text, *f[5]))]
    findings += _fled_homes(findings, mentions)
    findings += _fled_to_hosts(findings)
    findings += _named_by_place(mentions, document)
    findings += _the_countrys(text, mentions, document)
    findings += _the_capital(text, mentions, document.country)
    air_report = document.air  # a report on an air campaign: its "strikes" are air strikes
    findings = [
        (("struckFromAir",) + f[1:])
        if f[0] == "attacked" and (_by_air(text, f) or (air_report and f[3].lower().startswith(("strik", "struck"))))
        else f
        for f in findings
    ]
    dates = dates_in(text, start, end, published)
    placed = {f[1].start for f in findings if f[0] in _PLACED and not f[1].kinds}  # "Geidam, Yobe state": a place
    placed |= {  # "Orna troops, backed by Russian aircraft, retook Bira": Bira, taken, backs no one
        f[2].start
        for f in findings
        if relations.get(f[0], (None, None))[1] == "place" and f[2].entity is None and f[2].source == "name"
    }
    found = []
    acted: list[tuple[int, Mention]] = []
    for predicate, subject, obj, trigger, why, (lo, hi), confidence in findings:
        if not _fits(subject, obj, predicate, relations) or normal(_named(subject)) == normal(_named(obj)):
            continue  # no relation holds between a name and itself ("SDF members killed by ... the SDF")
        domain, range_ = relations.get(predicate, (None, None))
        if (subject.start in placed and domain == "actor") or (obj.start in placed and range_ == "actor"):
            continue  # a new name this sentence places somewhere is a place, not who killed or was killed
        if (domain == "actor" and _settled(subject)) or (range_ == "actor" and _settled(obj)):
            continue  # "retook the villages of Bira and Sela": whatever a misparse says, they are places
        if domain == "actor" and document.only_place(subject) and not why.startswith("adj "):
            continue  # nor one the report showed to be a place ("Mindanao, which signed"); "X-controlled": X acts
        if predicate not in _PLACED and (patterns.landmark(text, subject) or patterns.landmark(text, obj)):
            continue  # "captured Nyabibwe, about 100 km north of Bukavu": Bukavu only says where Nyabibwe is
        if predicate in {"withdrewFrom", "fledFrom"} and not obj.entity and organisational(obj.text):
            continue  # "the brigade left the Orna Liberation Movement": a body left, not a place
        if predicate == "partOf" and ("person" in obj.kinds or subject.source in {"demonym", "country"}):
            continue  # no one is part of a person ("had joined him"); "Russian instructors belong to X": not Russia
        if predicate not in _SUPPORTING and _supporting(text, start, subject, lo, hi):
            continue  # "X forces, with support from A and B, conducted strikes": A and B did not strike
        subject, obj = _governing(subject, domain, document), _governing(obj, range_, document)
        if normal(_named(subject)) == normal(_named(obj)):
            continue  # "Ankara ... the state's control over the whole country": Turkey twice
        document.learn(subject, domain)
        document.learn(obj, range_)
        document.fought(predicate, subject, obj)
        if predicate not in _PLACED | _DESCRIBING:
            acted.append((lo, subject))
        lo, hi = max(lo, start), min(hi, end)
        when = min(dates, key=lambda d: abs(d.start - lo)) if dates else None
        found.append(
            Candidate(
                _named(subject),
                predicate,
                _named(obj),
                subject.entity,
                obj.entity,
                text[lo:hi],
                lo,
                hi,
                trigger,
                why + _how(subject, "subject") + _how(obj, "object"),
                round(max(0.1, min(confidence - 0.1 * (not subject.kinds or not obj.kinds), 0.95)), 2),
                when.date.isoformat() if when else None,
                when.precision if when else None,
                when.text if when else None,
                _proposed_type(subject, predicate, "subject"),
                _proposed_type(obj, predicate, "object"),
                tuple(sorted(subject.keys())),
                tuple(sorted(obj.keys())),
            )
        )
    document.acted = [m for _, m in sorted(acted, key=lambda x: x[0])]
    return _most_specific(found)


_SPECIFIC_ATTACKS = frozenset({"shelled", "struckFromAir"})


def _most_specific(found: list[Candidate]) -> list[Candidate]:
    """Without an attack that one reading of the same words calls shelling or an air strike ("its rockets hit Lumo":
    "hit" read with "rockets" for subject is shelling, with "its" an attack)."""
    specific = {(c.subject, c.object, c.trigger) for c in found if c.predicate in _SPECIFIC_ATTACKS}
    return [c for c in found if c.predicate != "attacked" or (c.subject, c.object, c.trigger) not in specific]


def _frames(
    substituted: str, where: dict[int, Mention], chars: list[int], mentions: list[Mention], document: Document
) -> list[tuple[int, linkgrammar.Parse, dict[int, int], frame_reader.Finding]]:
    """Every frame read off each of the parser's best linkages of one (substituted) clause, with its rank."""
    linkages = _sentences_first(linkgrammar.parses(substituted, LINKAGES) if len(substituted) < MAX_SENTENCE else [])
    read = [(rank, parse, *_slots(parse, substituted, where, chars)) for rank, parse in enumerate(linkages)]
    return [
        (rank, parse, offsets, f)
        for rank, parse, slots, offsets in read
        for f in frame_reader.read_frames(parse, slots, document.resolver(mentions, offsets))
    ]


_PEOPLE_OF = re.compile(r"\b(?:of|in|from) (.+)$")


_SITE_KINDS = frozenset(
    "airport airbase base crossing hospital prison plant refinery port harbour bridge stadium market camp".split()
)


def _named_by_place(mentions: list[Mention], document: Document) -> list[patterns.Found]:
    """ "the Rafah crossing", "Bentiu hospital", "Mosul airport": a site named by the place it is in lies there,
    when the report names that place on its own too (not "the MINUSCA base": a group's)."""

    def kinds(m: Mention) -> set[str]:
        return set(m.kinds) | document.kinds.get(normal(m.label), set())

    sites = [
        m for m in mentions if m.source == "name" and len(w := m.text.split()) > 1 and w[-1].lower() in _SITE_KINDS
    ]
    if not sites:  # most sentences: the places named so far are not gathered (a long report has thousands)
        return []
    places = {normal(m.label): m for m in document.history if m.source != "demonym" and kinds(m) == {"place"}}
    found = []
    for m in sites:
        words = m.text.split()
        place = places.get(normal(" ".join(words[:-1])))
        if place is not None:
            where = replace(place, start=m.start, end=m.start + len(" ".join(words[:-1])), resolved_from=None)
            found.append(("locatedIn", m, where, words[-1], "pattern: PLACE SITE", (m.start, m.end), 0.7))
    return found


_COUNTRYS_CITY = re.compile(
    r",\s+the\s+(country|nation)['’]s\s+(?:[\w-]+\s+){0,2}(?:city|town|port|capital|province|region)\b"
)


def _the_countrys(text: str, mentions: list[Mention], document: Document) -> list[patterns.Found]:
    """ "Ganja, the country's second city": the place lies in the country the report names most, the first named
    among equals (the one it is about: Russia, named for its instructors, is not "the country")."""
    found = []
    for n, m in enumerate(mentions):
        match = _COUNTRYS_CITY.match(text, m.end)
        if match is None or m.source in {"demonym", "country"} or (m.kinds and "place" not in m.kinds):
            continue
        country = _main_country(document.history + mentions[:n])  # of those named so far
        if country is not None and normal(country.label) != normal(m.label):
            where = (match.start(1), match.end(1))
            country = replace(country, text=country.label, start=where[0], end=where[1], resolved_from=match.group(1))
            why = "pattern: PLACE, the country's city"
            found.append(("locatedIn", m, country, match.group(1), why, (m.start, match.end()), 0.7))
    return found


def _main_country(mentions: Iterable[Mention]) -> Mention | None:
    """The country ``mentions`` name most, by name or a lone demonym (not "Russian instructors"), the first named
    among equals."""
    named = [m for m in mentions if m.source == "country" or (m.source == "demonym" and " " not in m.text)]
    counts = Counter(normal(m.label) for m in named)
    return max(named, key=lambda m: counts[normal(m.label)], default=None)


_THE_CAPITAL = re.compile(r"\bthe\s+capital,?\s+$", re.IGNORECASE)


def _the_capital(text: str, mentions: list[Mention], country: Mention | None) -> list[patterns.Found]:
    """ "closing in on the capital, Damascus": with no country said, the capital of the country the report names
    most (``country``, found before the report is read: it may be named only later)."""
    found = []
    for m in mentions:
        before = _THE_CAPITAL.search(text, max(0, m.start - 20), m.start)
        if before is None or country is None or (m.kinds and "place" not in m.kinds) or m.source == "country":
            continue
        if normal(country.label) != normal(m.label):
            standing = replace(country, text=country.label, start=before.start(), end=m.start)  # why says whence
            why = f"pattern: the capital, PLACE (of {country.label}, the country the report names most)"
            found.append(("capitalOf", m, standing, "capital", why, (before.start(), m.end), 0.55))
    return found


_ONWARD = re.compile(
    r",\s+(?:most|many|some|half|the rest|others)(?:\s+of\s+them)?\s+(?:[a-z]+ing\s+)?(?:to|towards?|into)\s+"
    r"(?:the\s+)?"
)
_FLED = re.compile(r"\b(?:fled|flee|fleeing|flees|escaped|displaced)\b")


def _fled_onward(
    text: str, start: int, end: int, findings: list[patterns.Found], mentions: list[Mention], document: Document
) -> list[patterns.Found]:
    """ "up to 65,000 people fled Damasak, most of them towards Maiduguri", "around 200,000 people fled, most of them
    to Iligan": where part of a group went, the group fled to (the parser reads no verb there).

    The group is the subject of the sentence's flight before it, else the first group of people its clause counts
    before a verb of flight ("around 200,000 people, most of the town's population, fled": the 200,000)."""
    found = []
    for match in _ONWARD.finditer(text, start, end):
        place = next((m for m in mentions if m.start == match.end()), None)
        if place is None or (place.kinds and "place" not in place.kinds):
            continue
        fled = [
            f for f in findings if f[0] in {"fledFrom", "fledTo"} and f[1].source == "group" and f[5][0] < match.start()
        ]
        if fled:
            group, trigger, why = fled[-1][1], fled[-1][3], fled[-1][4]
        else:
            verb = next(reversed(list(_FLED.finditer(text, start, match.start()))), None)
            clause = max(start, text.rfind(";", start, verb.start()) + 1) if verb else start
            counted = sorted(
                (m for m in document.people if verb and clause <= m.start < verb.start()), key=lambda m: m.start
            )
            if not counted:
                continue
            group, trigger, why = counted[0], verb.group(), f'verb "{verb.group()}"'  # "X, most of the town, fled": X
        why += '; where part of the group went ("most of them to")'
        found.append(("fledTo", group, place, trigger, why, (min(group.start, match.start()), place.end), 0.6))
    return found


_TWO_SIDES = re.compile(
    r"\b(?:the\s+two|both)\s+(?:sides|parties|groups|forces|armies|factions|rivals|militaries|countries|belligerents)"
    r"\b|\bthe\s+warring\s+(?:sides|parties|factions)\b",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    r"\b(?P<noun>talks|negotiations|war|fighting|clashes|hostilities|battles|conflict)\s+(?:\w+\s+){0,2}?between\s+$",
    re.IGNORECASE,
)
_SIDES_DO = re.compile(
    r"\s+(?:(?:are|were|have|had|has)\s+(?:now\s+|also\s+|been\s+|still\s+){0,2})?"
    r"(?P<verb>fighting|fought|clashed|clashing|negotiating|negotiated|held\s+talks|hold\s+talks)\b",
    re.IGNORECASE,
)
_SIDES_RELATION = {
    "talks": "negotiatedWith", "negotiations": "negotiatedWith", "negotiating": "negotiatedWith",
    "negotiated": "negotiatedWith", "held talks": "negotiatedWith", "hold talks": "negotiatedWith",
}  # fmt: skip
"""What "the two sides" do to each other, when it is not fighting (opposes)."""


def _between_the_two_sides(
    text: str, start: int, end: int, findings: list[patterns.Found], mentions: list[Mention], document: Document
) -> list[patterns.Found]:
    """ "Talks between the two sides stalled", "eight months of war between the two forces", "The two groups are now
    fighting for the coca crops": a relation between the two sides a report's war has, the last two seen fighting
    each other (this sentence first), else the two sides it names most.

    Only fighting (opposes) and talks (negotiatedWith): a ceasefire or an agreement "the two sides" may yet sign is
    no fact."""
    found = []
    for match in _TWO_SIDES.finditer(text, start, end):
        before = max(start, match.start() - 60)
        between = _BETWEEN.search(text[before : match.start()])
        doing = _SIDES_DO.match(text, match.end())
        word = (between.group("noun") if between else doing.group("verb") if doing else "").lower()
        if not word:
            continue
        predicate = _SIDES_RELATION.get(" ".join(word.split()), "opposes")
        here = [f for f in findings if f[0] in BETWEEN_SIDES and f[5][0] < match.start() and side(f[1]) and side(f[2])]
        pair = (
            (here[-1][1], here[-1][2]) if here else document.two_sides([m for m in mentions if m.end <= match.start()])
        )
        if pair is None or normal(pair[0].label) == normal(pair[1].label):
            continue
        words = match.group()
        a, b = (replace(m, start=match.start(), end=match.end(), resolved_from=words) for m in pair)
        said = f"{word} between {words}" if between else f"{words} {word}"
        why = f"pattern: {said} (the last two sides seen fighting, else the two the report names most)"
        lo = before + between.start("noun") if between else match.start()
        hi = doing.end() if doing and not between else match.end()
        found.append((predicate, a, b, word, why, (lo, hi), 0.55))
    return found


_POST = re.compile(r"\b(?:bases?|checkpoints?|positions?|outposts?|barracks|garrisons?|posts?|camps?)\b", re.IGNORECASE)
"""Words for a military post ("overran the army base in Mainok"), which an overrun attacks rather than takes."""


def _overran_a_post(text: str, finding: patterns.Found) -> patterns.Found:
    """Overrunning a base or a checkpoint is an attack on it, and on the place it is in, not the place's capture
    ("ISWAP overran the army base in Mainok"; the gold set's convention)."""
    predicate, subject, obj, trigger = finding[:4]
    if predicate != "captured" or not trigger.lower().startswith("overr"):
        return finding
    at = text.find(trigger, finding[5][0], finding[5][1])
    if at < 0 or not _POST.search(text, at + len(trigger), obj.end):
        return finding
    return ("attacked", *finding[1:])


_GIVEN_UP = re.compile(
    r"\b(?:hand(?:s|ed|ing)?(?:\s+over|\s+in)?|surrender(?:s|ed|ing)?|turn(?:s|ed|ing)?\s+(?:over|in)|"
    r"(?:give|gave|giving|gives)\s+up|(?:lay|laid|laying|lays)\s+down)\s+(?:[\w'’-]+\s+){0,3}(?:weapons|arms)\b",
    re.IGNORECASE,
)
"""Weapons given up ("the NLA handed its weapons to a NATO task force", "handed over their declared weapons to
X"), not supplied."""


def _given_up(text: str, lo: int, hi: int) -> bool:
    """Whether the weapons a candidate quotes (``lo``-``hi``) were given up, by a verb at most 40 characters before its
    quote ("the NLA handed its weapons to X": the quote starts at "its"); not weapons given up in an earlier clause."""
    return any(match.end() > lo for match in _GIVEN_UP.finditer(text, max(0, lo - 40), hi))


_LED_BY = re.compile(r"\b(?:led|headed|commanded|chaired)\s+by\s+", re.IGNORECASE)
"""The participle that says who heads the phrase before it."""


def _led_by_what(text: str, findings: list[patterns.Found], mentions: list[Mention]) -> list[patterns.Found]:
    """What "led by X" says X heads is the phrase right before it: "an Arab mission led by President X" (no name: no
    candidate), "the LNA and the forces of the GNA, headed by X" (the GNA), where the parse may attach the participle
    to the clause's subject or the first of a list ("Arafat left Amman with an Arab mission led by X")."""
    out = []
    for f in findings:
        predicate, leader, led = f[0], f[1], f[2]
        passive = predicate == "headOf" and "(passive)" in f[4] and not led.resolved_from
        matches = list(_LED_BY.finditer(text, max(0, leader.start - 60), leader.start)) if passive else []
        match = matches[-1] if matches else None
        if (
            match is None
            or text[match.end() : leader.start].strip(" ,")
            and not _TITLE_RUN.fullmatch(text[match.end() : leader.start])
        ):
            out.append(f)
            continue
        before = text[: match.start()].rstrip()
        if not before or before[-1] in '.!?:;"“':  # "Led by X, the Front took Dakra": the clause's own subject
            out.append(f)
            continue
        before = before[:-1].rstrip() if before.endswith(",") else before
        before = re.sub(r"\s*\([^()]{1,40}\)\Z", "", before)  # "the Government of National Accord (GNA), led by"
        if led.end <= len(before) and (
            _IS_LED.search(before)
            or _APPOSED.fullmatch(text, led.end, len(before))
            or _OWN.fullmatch(text, led.end, len(before))
        ):
            out.append(f)  # "rebels led by X", "the army is led by X", "Ansar Dine, the group led by X", "its fighters"
            continue
        named = next((m for m in mentions if m.end == len(before) and m is not leader), None)
        if named is not None:
            out.append((predicate, leader, named, *f[3:]))  # else a thing with no name of its own
    return out


_IS_LED = re.compile(r"\b(?:is|are|was|were|been|being|be)(?:\s+\w+ly)?\Z", re.IGNORECASE)
"""A clause's own "is led by" ("which is jointly commanded by X"), which the parse reads right."""
_APPOSED = re.compile(r",\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}[\w-]+")
"""A description set after the name the frame read ("Ansar Dine, the group led by X")."""
_OWN = re.compile(r"(?:['’]s)?(?:\s+[a-z][\w-]*){0,2}")
"""Nothing, or the noun for a group's people after its name ("the Velen Front's fighters, led by X")."""
_TITLE_RUN = re.compile(r"(?:(?:the\s+)?[A-Z][\w.-]*\s+){1,3}")
"""Titles between "led by" and a name ("President", "Prime Minister", "Maj. Gen.")."""


_SUPPORTING = frozenset({"alliedWith", "supplied", "trained", "locatedIn", "operatesIn", "basedIn"})
_ASIDE_OPENER = re.compile(
    r",\s+(?:in\s+coordination\s+with|with\s+(?:the\s+)?(?:support|help|backing|assistance)\s+(?:of|from)|"
    r"backed\s+by|supported\s+by|assisted\s+by|helped\s+by)\s"
)


def _supporting(text: str, start: int, subject: Mention, lo: int, hi: int) -> bool:
    """Whether the subject is named only in an aside that says who supported the clause's subject ("U.S. forces,
    in coordination with the UK and with support from Australia and Canada, conducted strikes"), before the
    words that state the relation: a supporter is not the one who acted."""
    if subject.resolved_from or not lo <= subject.start < hi:
        return False
    opener = None
    for match in _ASIDE_OPENER.finditer(text, start, subject.start):
        opener = match
    if opener is None or re.search(r"[.;]", text[opener.end() : subject.start]):
        return False
    trigger_after = hi > subject.end and "," in text[subject.end : hi]  # the aside closes before the verb
    return trigger_after


def _fled_to_hosts(findings: list[patterns.Found]) -> list[patterns.Found]:
    """ "Iraqi authorities welcomed over 2,000 Syrian soldiers", "Sudan has taken in 60,000 refugees": people a
    country takes in fled to it (a base or a camp that shelters people says nothing of where they came from)."""
    fled_to = {(f[1].start, f[2].start) for f in findings if f[0] == "fledTo"}
    found = []
    for predicate, host, people, trigger, why, span, confidence in findings:
        country = host.source in {"country", "demonym"} or {"actor", "place"} <= host.kinds  # a country is both
        if predicate == "sheltered" and country and (people.start, host.start) not in fled_to:
            to = replace(host, kinds=host.kinds | {"place"})  # "Iraqi authorities" took them in: to Iraq
            found.append(
                ("fledTo", people, to, trigger, f"{why}; taken in by a country, so fled to it", span, confidence - 0.1)
            )
    return found


def _fled_homes(findings: list[patterns.Found], mentions: list[Mention]) -> list[patterns.Found]:
    """ "Residents of Tarna fled to Kasi": people named by where they live fled from there, when the sentence says
    nothing else about where they fled from."""
    fled_from = {f[1].start for f in findings if f[0] == "fledFrom"}
    places = {m.text: m for m in mentions if "place" in m.kinds or not m.kinds}
    found = []
    for predicate, subject, _, trigger, why, span, confidence in findings:
        home = _PEOPLE_OF.search(subject.text) if subject.source == "group" and predicate == "fledTo" else None
        if home and home.group(1) in places and subject.start not in fled_from:
            fled_from.add(subject.start)
            home_place = places[home.group(1)]
            found.append(("fledFrom", subject, home_place, trigger, f"{why}; fled from home", span, confidence))
    return found


def _sentences_first(linkages: list[linkgrammar.Parse]) -> list[linkgrammar.Parse]:
    """The linkages that read a sentence with a verb before those that read a bare noun phrase, whatever their cost.

    "Zqas attacked Zqb." (for "JNIM fighters attacked Barsalogho") is best read by the parser as a noun phrase
    ("attacked" an adjective); a report's sentence has a verb, and a headline with none has no verb reading.
    """
    finite = [p for p in linkages if not any(link.label.startswith("Wa") for link in p.links)]
    return finite + [p for p in linkages if p not in finite] if finite else linkages


def _voted(frames: list[tuple[int, linkgrammar.Parse, dict[int, int], frame_reader.Finding]]) -> list[Any]:
    """The best linkage's frames, and a lesser linkage's only when several linkages agree on it."""
    votes = Counter((f.predicate, f.subject.start, f.object.start) for _, _, _, f in frames)
    return [x for x in frames if not x[0] or votes[(x[3].predicate, x[3].subject.start, x[3].object.start)] >= VOTES]


def _overruled(
    f: frame_reader.Finding, at: int | None, read_alone: set[tuple[int | None, str]], bounds: list[tuple[int, int]]
) -> bool:
    """Whether the whole sentence's reading takes an argument from another clause than its trigger's, where
    the trigger's clause alone was read otherwise."""
    if (at, f.predicate) not in read_alone or at is None:
        return False
    clause = next(((lo, hi) for lo, hi in bounds if lo <= at < hi), None)
    outside = [
        m for m in (f.subject, f.object) if not m.resolved_from and clause and not clause[0] <= m.start < clause[1]
    ]
    return bool(outside)


_SAYING = "said|says|claimed|claims|announced|announces|reported|reports|stated|states|confirmed"
"""Verbs of saying: after a named speaker (:data:`_SAID_THAT`, with "confirms") and before a clause split off a
long sentence (:data:`_SAYS`, with "added")."""

_SAID_THAT = re.compile(
    rf"\b(Zq[a-z]+s?)\s+(?:has\s+|had\s+)?(?:{_SAYING}|confirms)\s+(?:that\s+)?(?:(its|their)\s+|(it|they)\s+)?"
)


_TRAILING = re.compile(r",\s+(?:[\w-]+\s+){0,3}?(?:after|before|when|while|as|since|until|which|who|where)\b")


def _complement(
    substituted: str, where: dict[int, Mention], chars: list[int]
) -> tuple[str, dict[int, Mention], list[int]] | None:
    """What a named speaker said, as a clause of its own, its first pronoun standing for the speaker.

    "Islamic State said that its fighters had seized the town of Palma" is read again as "Zqa's fighters had
    seized the town of Zqb": the parser misreads the long whole, and "its" is the speaker's, not the last name's.
    """
    match = _SAID_THAT.search(substituted)
    if match is None or match.start(1) not in where or len(substituted[match.end() :].split()) < 4:
        return None
    speaker = match.group(1)
    pronoun = match.group(2) or match.group(3)
    stand_in = (speaker + "'s " if match.group(2) else speaker + " ") if pronoun else ""
    at = match.start(2) if match.group(2) else match.start(3) if match.group(3) else match.end()
    rest = substituted[match.end() :]
    tail = _TRAILING.search(rest)  # "..., five days after insurgents stormed the town": read apart already
    if tail and len(rest[: tail.start()].split()) >= 4:
        rest = rest[: tail.start()] + "."
    text = stand_in + rest
    piece = {k - match.end() + len(stand_in): m for k, m in where.items() if k >= match.end()}
    if stand_in:
        piece[0] = where[match.start(1)]
    return text, piece, [chars[at]] * len(stand_in) + chars[match.end() : match.end() + len(rest)]


_CLAUSE_BREAK = re.compile(r"(?:,\s+(?:and|but|while|whereas)|;)\s+")
_SUBORDINATE = re.compile(
    r"(?:since|after|as|when|while|although|though|because|before|once|following)\b[^,;]{8,}?,\s+", re.I
)
"""An opening subordinate clause, up to its comma."""
CLAUSE_WORDS = 8
"""From how many words a sentence is also parsed clause by clause, split at "; ", ", and", ", but" and after an
opening subordinate clause: the parser misattaches most in long sentences, and each clause alone is read far
better. From 16 words, "Orna troops pulled out of Kasi on Sunday, and Velen fighters entered the town hours later"
(15) had Orna capture Kasi; on the development reports 8 and 16 give the same candidates."""


def _clauses(substituted: str) -> list[tuple[int, int]]:
    """The whole sentence, and for a long one each of its coordinated clauses of four words or more.

    A trigger read in its clause alone is read from there only: the whole sentence's parse gives it the
    arguments of another clause ("bombed Dakra and Mabru, and the VFF captured Kasi": "Mabru captured").
    The whole sentence still gives what crosses clauses ("X seized A, and then withdrew from B")."""
    spans = [(0, len(substituted))]
    if len(substituted.split()) < CLAUSE_WORDS:
        return spans
    breaks = [m.span() for m in _CLAUSE_BREAK.finditer(substituted)]
    opening = _SUBORDINATE.match(substituted)  # "Since the offensive began ..., the army has liberated ..."
    if opening:
        comma = substituted.rindex(",", 0, opening.end())
        breaks = [(comma, opening.end()), *((a, b) for a, b in breaks if a >= opening.end())]
    starts = [0, *(b for _, b in breaks)]
    ends = [*(a for a, _ in breaks), len(substituted)]
    pieces = [(a, b) for a, b in zip(starts, ends, strict=True) if len(substituted[a:b].split()) >= 4]
    return spans + pieces if len(pieces) > 1 else spans


_SAYS = re.compile(rf"\b(?:{_SAYING}|added)\b")


def _clause(
    substituted: str, where: dict[int, Mention], chars: list[int], clauses: list[tuple[int, int]], n: int
) -> tuple[str, dict[int, Mention], list[int]]:
    """The ``n``-th clause of a long sentence as a text of its own; a "that" clause after ", and" with who said it.

    In "the army said its troops withdrew to Kasi, and that they retook the town", the clause "that they retook
    the town" alone has no speaker for "they" to stand for: it is read as "the army said that they retook the town"
    (the previous clause up to its verb of saying)."""
    a, b = clauses[n]
    said = next(_SAYS.finditer(substituted, *clauses[n - 1]), None) if n > 1 else None
    if said is None or not substituted.startswith("that ", a):
        return substituted[a:b], {k - a: m for k, m in where.items() if a <= k < b}, chars[a:b]
    start, head = clauses[n - 1][0], said.end()
    shift = head - start + 1
    piece = {k - start: m for k, m in where.items() if start <= k < head}
    piece |= {k - a + shift: m for k, m in where.items() if a <= k < b}
    return substituted[start:head] + " " + substituted[a:b], piece, chars[start:head] + [chars[a]] + chars[a:b]


_APPOSITION = re.compile(
    r"\bZq[a-z]+s?(, (?:a|an|the)\b(?=[^,;]*\b[a-z]{3,})"
    r"[^,;()\"]{3,90}?,) (?=[a-z])"
)
"""A description set off by commas after a name and before a lower-case word ("Zqa, the former Zqb air base north
of Zqc, have"), a clause of its own inside or not ("Zqa, the force that has kept Zqb in power, bombed")."""


def _without_appositions(
    substituted: str, where: dict[int, Mention], chars: list[int]
) -> tuple[str, dict[int, Mention], list[int]] | None:
    """The sentence without the descriptions set off after its names, as a reading of its own, or None.

    "Most have fled to Zqa, the departmental capital, where ..." and "Zqas at Zqb, the former air base north of Zqc,
    have surrendered to Zqd": the parser hangs what follows on the description's noun; without it the verb reaches
    its arguments. The whole sentence is still read, for what the description itself states (locatedIn, partOf)."""
    return _without(substituted, where, chars, [match.span(1) for match in _APPOSITION.finditer(substituted)])


_FIRST_PARTICIPLE = re.compile(r", (?:[a-z]+ly )?([a-z]{3,}ing\b[^,;()\"]{3,80}? and )(?=(?:[a-z]+ly )?[a-z]{3,}ing )")
"""The first of two participles joined by "and" after a clause ("Zqa made advances, capturing Zqb and effectively
encircling Zqc"), up to the second."""


def _second_participle(
    substituted: str, where: dict[int, Mention], chars: list[int]
) -> tuple[str, dict[int, Mention], list[int]] | None:
    """The sentence without the first of two participles joined by "and", as a reading of its own, or None.

    The parser joins no two participle clauses ("capturing Zqb and effectively encircling Zqc" is read as nouns
    joined by "and", the second with no object): alone after the clause, the second reads as the first does,
    its subject the clause's. The whole sentence still gives the first."""
    return _without(substituted, where, chars, [match.span(1) for match in _FIRST_PARTICIPLE.finditer(substituted)])


def _without(
    substituted: str, where: dict[int, Mention], chars: list[int], cuts: list[tuple[int, int]]
) -> tuple[str, dict[int, Mention], list[int]] | None:
    """The sentence with the spans ``cuts`` left out, its names and offsets kept for the rest; None with no cut."""
    if not cuts:
        return None
    text, piece, kept, at, removed = [], {}, [], 0, 0
    for a, b in cuts:
        text.append(substituted[at:a])
        kept += chars[at:a]
        piece |= {k - removed: m for k, m in where.items() if at <= k < a}
        removed += b - a
        at = b
    text.append(substituted[at:])
    kept += chars[at:]
    piece |= {k - removed: m for k, m in where.items() if k >= at}
    return "".join(text), piece, kept


def _by_air(text: str, finding: patterns.Found) -> bool:
    """Whether the words that state an attack say it came from the air: "jets struck", "strikes hit",
    "the Air Force bombed" (the clause itself, its subject's name; not an air force named elsewhere in the
    sentence); not an aircraft shot down ("shot down a Velen helicopter" is an attack from the ground)."""
    _, subject, _, trigger, _, (lo, hi), _ = finding
    if trigger.lower() in {"shot", "shoot", "shoots", "shooting", "downed", "down", "downs", "downing"}:
        return bool(patterns.AIR.search(subject.label))
    return bool(patterns.AIR.search(text, lo, hi) or patterns.AIR.search(subject.label))


_DESCRIBING = frozenset({"partOf", "headOf", "alliedWith", "linkedTo", "basedIn", "operatesIn", "appointed"})
"""Relations that describe their subject rather than tell what it did: their subject is not who "they" are next."""

_PLACED = frozenset({"locatedIn", "northOf", "southOf", "capitalOf"})
"""Relations only places have as subject: what they say of a new name settles that it is a place."""


def _word_end(text: str, at: int, limit: int) -> int:
    match = re.match(r"[\w'’-]+", text[at:limit])
    return at + (match.end() if match else 1)


def _arg_span(m: Mention, start: int, end: int) -> list[int]:
    return [m.start] if start <= m.start < end and not m.resolved_from else []


def _arg_end(m: Mention, start: int, end: int) -> list[int]:
    return [m.end] if start <= m.start < end and not m.resolved_from else []


def _speaker_type(m: Mention) -> str | None:
    """A new speaker's type, from its own words, or a country's ("Moscow said"); else for the reviewer to say."""
    if m.entity:
        return None
    return "Country" if m.source in {"country", "demonym", "capital"} else _type_from_words(m)


def _governing(m: Mention, kind: str | None, document: Document) -> Mention:
    """A capital in an actor's slot as its country ("Moscow denied", "Tehran-backed militias"), the store's entry for
    it when there is one; in a place's slot, or an attack's, the city.

    Only the claim's name changes (and the name it matches by): reading capitals as actors while the report is read
    made "the town" after "which Moscow ignores" Moscow, and lost three held-out relations."""
    country = capital_of(m.text) if kind == "actor" and m.entity is None and m.source == "name" else None
    if country is None:
        return m
    known = document.gazetteer.lookup(country) if document.gazetteer is not None else None
    entity, label = (known[0], known[1]) if known and "place" in known[2] else (None, country)
    return replace(m, entity=entity, label=label, kinds=m.kinds | {"actor"}, source="capital")


def _named(m: Mention) -> str:
    """How a draft names an argument: the store's label, what a pronoun stands for, a country by its name
    ("the UAE" -> United Arab Emirates) and the country a demonym names ("Russian jets" -> Russia, kg's
    convention for a force with no name of its own), else the words."""
    return m.label if m.entity or m.resolved_from or m.source in {"demonym", "country", "capital"} else m.text


def _how(m: Mention, role: str) -> str:
    if m.resolved_from:
        return f"; {role} '{m.label}' from '{m.resolved_from}' (the last fitting name before it)"
    if m.source == "demonym" or (m.source == "capital" and m.label != m.text):
        return f"; {role} '{m.text}' read as {m.label}"
    return ""


def _fits(subject: Mention, obj: Mention, predicate: str, relations: dict[str, tuple[str | None, str | None]]) -> bool:
    """Whether the arguments can be of the kinds the predicate's domain and range ask for (unknown kinds can)."""
    if normal(subject.label) == normal(obj.label):
        return False
    domain, range_ = relations.get(predicate, (None, None))
    if predicate in {"headOf"} and subject.kinds and "person" not in subject.kinds and not _maybe_person(subject):
        return False
    if predicate in {"appointed"} and obj.kinds and "person" not in obj.kinds:
        return False
    if predicate == "capitalOf" and not {"actor", "place"} <= obj.kinds:  # a country is both; a province is not
        return False
    return _kind_ok(subject, domain) and _kind_ok(obj, range_)


def _maybe_person(m: Mention) -> bool:
    """Whether a new name may still be a person: one that only acted earlier in the report ("Hussein and Arafat
    sign ...", then "Arafat, chairman of the PLO") was learnt to be an actor, which a person is too."""
    own = m.kinds - m.learnt
    return (
        m.entity is None
        and m.source == "name"
        and not own
        and m.learnt <= {"actor"}
        and not m.text.isupper()  # "UPC": an acronym is a group's
        and not organisational(m.text)
    )


def _settled(m: Mention) -> bool:
    """Whether a new name is one a settlement noun's "of" lists ("the town of Kasi", "the villages of Bira and
    Sela"): a place, however the parse reads it."""
    return m.settled and m.entity is None and m.source == "name"


def _kind_ok(m: Mention, kind: str | None) -> bool:
    """Whether a mention can be of ``kind``; a new name's kind is only a guess from its words, so it may."""
    if kind is None or not m.kinds:
        return True
    if kind == "actor" and m.kinds == {"place"} and patterns.ADMIN_UNIT.search(m.text):
        return False  # "Ossa state", "Kalehe territory": the name says it is a place
    if m.entity is None and m.source == "name" and not (kind == "place" and "person" in m.kinds):
        return True
    if kind == "actor":
        return bool(m.kinds & {"actor", "person"})
    return kind in m.kinds


_TYPES = {
    "army": "ArmedGroup", "forces": "ArmedGroup", "force": "ArmedGroup", "brigade": "ArmedGroup",
    "front": "ArmedGroup", "militia": "ArmedGroup", "movement": "ArmedGroup", "corps": "MilitaryUnit",
    "battalion": "MilitaryUnit", "division": "MilitaryUnit", "regiment": "MilitaryUnit",
    "government": "Government", "ministry": "GovernmentBody", "council": "GovernmentBody",
    "observatory": "MonitoringGroup", "agency": "MediaOutlet", "news": "MediaOutlet",
    "province": "Region", "governorate": "Region", "region": "Region", "district": "Region",
    "oblast": "Region", "city": "City", "town": "City", "village": "City", "airport": "Facility",
    "base": "Facility", "prison": "Prison", "sea": "WaterBody", "river": "WaterBody",
    "state": "Region", "territory": "Region", "department": "Region", "municipality": "Region",
    "prefecture": "Region", "county": "Region", "raion": "Region", "commune": "Region", "canton": "Region",
    "area": "Region", "forest": "Region", "gorge": "Region", "valley": "Region", "desert": "Region",
    "lagoon": "WaterBody", "settlement": "City", "hospital": "Facility", "hotel": "Facility", "camp": "Facility",
    "airbase": "Facility", "group": "ArmedGroup", "faction": "ArmedGroup", "gang": "ArmedGroup",
    "coalition": "ArmedGroup", "alliance": "ArmedGroup", "navy": "MilitaryUnit", "mission": "Organisation",
    "programme": "Organisation", "strip": "Region",
}  # fmt: skip
"""Last words of a name that say what it is ("Borno state", "the Maute group", "Bentiu hospital")."""


def _proposed_type(m: Mention, predicate: str, role: str) -> str | None:
    """A type for a new entity, from its own words, else from the role it fills; None for a known one."""
    if m.entity:
        return None
    if m.source in {"country", "demonym"} or (m.source == "capital" and m.label != m.text):
        return "Country"  # "Russian jets" and "Moscow denied" are named by their country in the draft
    if m.source == "name" and capital_of(m.text):  # "shelled Kyiv": the city
        return "City"
    if m.source == "group" and "people" in m.kinds:  # "more than 2,000 people", "thousands of residents"
        return "PopulationGroup"
    if (own := _type_from_words(m)) is not None:
        return own
    place_object = predicate in {
        "captured", "withdrewFrom", "withdrewTo", "fledFrom", "fledTo", "encircled", "advancedOn",
        "controls", "basedIn", "operatesIn", "occupied", "locatedIn",
    }  # fmt: skip
    if role == "object" and place_object or "place" in m.kinds:
        return "City"
    if predicate == "headOf" and role == "subject":
        return "Person"
    return "ArmedGroup"


def _type_from_words(m: Mention) -> str | None:
    """A new name's type from its own words: the last one that says what it is, or a title before it."""
    for word in reversed(normal(m.text).split()):
        if word in _TYPES:
            return _TYPES[word]
    return "Person" if "person" in m.kinds else None


def _merge(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per claim and clause: the most confident (then the widest) of those proposed with
    overlapping quotes.

    Two readings of one clause ("Hundreds of families crossed ..." and "families crossed ...") are one
    claim for the reviewer; the same claim stated again elsewhere in the report stays a second candidate.
    """
    kept: dict[str, list[tuple[tuple[str, str, str], Candidate]]] = {}  # by predicate: a long report has thousands
    for c in sorted(candidates, key=lambda c: (-c.confidence, c.start)):
        s, o = c.subject_iri or normal(c.subject), c.object_iri or normal(c.object)
        if c.predicate in SYMMETRIC:
            s, o = sorted((s, o))
        key = (s, c.predicate, o)
        same = kept.setdefault(c.predicate, [])
        if not any(
            c.start < other.end and other.start < c.end and (_same_claim(key, k) or _same_names(c, other))
            for k, other in same
        ):
            same.append((key, c))
    return sorted((c for same in kept.values() for _, c in same), key=lambda c: (c.start, c.predicate))


def _same_names(a: Candidate, b: Candidate) -> bool:
    """One claim with its names written two ways the report equates ("the DDF" and "Dura Defence Forces" after
    "Dura Defence Forces (DDF)"): the same predicate, and a name of each side in common."""
    if a.predicate != b.predicate:
        return False

    def same(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
        return bool(set(mine) & set(theirs)) or any(_one(x, y) for x in mine for y in theirs)

    pairs = [(b.subject_keys, b.object_keys)]
    if a.predicate in SYMMETRIC:
        pairs.append((b.object_keys, b.subject_keys))
    return any(same(a.subject_keys, s) and same(a.object_keys, o) for s, o in pairs)


def _same_claim(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """One claim named twice: equal, or an argument named once more fully ("21 civilians in Barda",
    "thousands of residents")."""

    return a[1] == b[1] and _one(a[0], b[0]) and _one(a[2], b[2])


def _one(x: str, y: str) -> bool:
    """One name, or the same named once more fully ("army barracks", "main army barracks")."""
    short, long = sorted((x, y), key=len)
    return short == long or long.startswith(short + " ") or long.endswith(" " + short)


def draft(
    candidates: list[Candidate], unknown: list[Mention], *, source_id: str, title: str, text: str = ""
) -> dict[str, Any]:
    """A draft annotation for review: claims without grades, so it cannot be ingested unread.

    Every name a claim uses is either the store's (its IRI) or an entity of the draft: the new names spotted, and
    the groups, countries and speakers the claims name that the store lacks ("more than 2,000 people", "Ukraine"
    before a store knows it), each with a proposed type, so a reviewed draft ingests without a name added by hand.
    A name the report equates with an entity's ("DDF" after "Dura Defence Forces (DDF)", "Velen fighters" after
    "the Velen Liberation Front") is that entity, and one of its aliases.
    """
    ids = {normal(m.text): slug(normal(m.text)) for m in unknown}
    labels = {normal(m.text): m.text for m in unknown}
    words = {normal(m.text): m for m in unknown}
    types: dict[str, str] = {}
    aliases: dict[str, set[str]] = {}
    chosen: dict[str, str] = {}  # a claim's name -> the key of its entity
    for c in candidates:
        named = [
            (c.subject, c.subject_iri, c.subject_type, c.subject_keys),
            (c.object, c.object_iri, c.object_type, c.object_keys),
            *([(c.claimant, c.claimant_iri, c.claimant_type, ())] if c.claimant else []),
        ]
        for name, iri, kind, keys in named:
            if iri is not None:
                continue
            key = next((k for k in (normal(name), *keys) if k in ids), None)  # "DDF": Dura Defence Forces
            if key is None:
                key = normal(name)
                ids[key], labels[key] = slug(key), name
            elif name != labels[key]:
                aliases.setdefault(key, set()).add(name)
            chosen[normal(name)] = key
            if kind and types.get(key, "ArmedGroup") == "ArmedGroup":
                types[key] = kind  # the fallback gives way: "Lumo" shelled, then encircled, is a place

    def ref(name: str, iri: str | None) -> str:
        return compact(iri) if iri else ids.get(chosen.get(normal(name), normal(name)), name)

    return {
        "source": {
            "id": source_id,
            "title": title,
            "kind": ["news-article"],
            "text": f"sources/{source_id}.txt",
            "reporters": {"author": {"label": f"author of {title}"}},
        },
        "entities": [
            {
                "id": ids[key],
                "type": types.get(key)
                or (_type_from_words(words[key]) if key in words else None)
                or ("City" if capital_of(labels[key]) else "?"),
                "label": labels[key],
                **({"aliases": sorted(aliases[key])} if key in aliases else {}),
            }
            for key in ids
        ],
        "claims": [_draft_claim(c, ref, text) for c in candidates],
    }


def _draft_claim(c: Candidate, ref: Any, text: str) -> dict[str, Any]:
    occurrence = text.count(c.quote, 0, c.start) + 1 if text else 1
    return {
        "subject": ref(c.subject, c.subject_iri),
        "predicate": c.predicate,
        "object": ref(c.object, c.object_iri),
        "quote": c.quote,
        **({"occurrence": occurrence} if occurrence > 1 else {}),
        **({"date": dt.date.fromisoformat(c.date), "precision": c.precision} if c.date else {}),
        "claimant": ref(c.claimant, c.claimant_iri) if c.claimant else "author",
        "reliability": "",
        "reason": "",
        "comment": f"offsets {c.start}-{c.end}; confidence {c.confidence}; {c.why}"
        + (f"; date from '{c.date_text}'" if c.date_text else "")
        + (
            f"; said: '{c.said}'" + ("" if c.claimant else " (no one named: the reporter's until you name them)")
            if c.said
            else ""
        ),
    }


def as_json(candidates: list[Candidate]) -> list[dict[str, Any]]:
    """The candidates as plain records: labels, IRIs when known, quote, offsets, date, confidence, why."""
    records = []
    for c in candidates:
        record = asdict(c) | {"predicate": ONTOLOGY + c.predicate}
        record.pop("subject_keys")
        record.pop("object_keys")
        records.append(record)
    return records
