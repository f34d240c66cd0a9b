"""The annotation format: a source document and its claims in YAML, turned into one named graph.

A person writes what a report says (who, what relation, to whom, the exact words, who claims
it, when, how reliable) and kg computes the rest: the offsets of every quote (``occurrence``
picks among repeats), the claim and note IRIs, the selectors, and whether each claim is
asserted. The models below are the format's definition; ``kg annotation-schema`` prints them
as JSON Schema. Example::

    source:
      id: second-report                    # kgs:second-report in graph kgg:second-report
      title: Synthetic second report
      kind: [news-article]
      date: 2024-12-09
      text: sources/second-report.txt      # relative to this file
    entities:                              # new ones only; known ones are found by name
      - {id: russian-state-media, type: MediaOutlet, label: Russian state media}
    claims:
      - subject: Bashar al-Assad           # a label, alias, CURIE, IRI or Wikidata id
        predicate: fledFrom
        object: Damascus
        quote: Bashar al-Assad has fled Damascus for Moscow
        claimant: russian-state-media
        date: 2024-12-08
        precision: day
        reliability: C3
        reason: State media of an ally of the government.

Everything is checked before anything is written; each error names the file, the line and
the field, and says what would be accepted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from kg.errors import AnnotationError, DataError, Problem
from kg.namespaces import CLAIM, DCT, ENTITY, GRAPH, NOTE, OA, ONTOLOGY, OWL, PROV, RDF, RDFS, SKOS, SOURCE, WD, XSD
from kg.queries import Runner
from kg.results import SelectResult

__all__ = [
    "Annotation",
    "Claim",
    "Entity",
    "Note",
    "Source",
    "convert",
    "from_graph",
    "load",
    "record_lines",
    "claim_iri",
    "locate",
    "to_quads",
    "vocabulary",
]

MAX_CHARACTERS = 10_000_000
"""The largest annotation read; anything bigger is refused before it is parsed."""

CONTEXT = 32
"""Characters of text kept before and after each quote (oa:prefix, oa:suffix)."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Grade = Annotated[str, StringConstraints(pattern=r"^[A-F][1-6]$")]
Precision = Literal["day", "week", "month", "year"]
SourceKindName = Literal["news-article", "official-statement", "interview", "event-record"]
IssueKindName = Literal["factual-error", "contradiction", "garbled", "truncated", "ambiguous", "unverifiable"]
QualifierName = Literal["exactly", "about", "more-than", "less-than"]

NOT_ASSERTED_BY_DEFAULT = {"factual-error", "contradiction"}
"""A claim resting on a passage noted as one of these is recorded but not asserted, unless it says otherwise."""


def _camel(name: str) -> str:
    """``news-article`` -> ``NewsArticle``: the ontology's individual for a YAML keyword."""
    return "".join(part.capitalize() for part in name.split("-"))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reporter(_Model):
    """A voice of the document itself (its author, an interviewer), usable as a claimant by its key."""

    label: str
    comment: str | None = None


class Source(_Model):
    """The document: what it is, when, and where its verbatim text is."""

    id: Slug
    title: str
    description: str | None = None
    kind: list[SourceKindName] = Field(min_length=1)
    language: str = "en"
    publisher: str | None = None
    url: str | None = None
    date: dt.date | None = None
    estimated_date: dt.date | None = None
    not_before: dt.date | None = None
    precision: Precision | None = None
    comment: str | None = None
    text: str | None = None
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    reporters: dict[Slug, Reporter] = {}


class Entity(_Model):
    """An actor, place, event or weapon the gazetteer does not have yet."""

    id: Slug
    type: str
    label: str
    aliases: list[str] = []
    wikidata: Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]*$")] | None = None
    close_match: Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]*$")] | None = None
    comment: str | None = None


class Note(_Model):
    """An editor's note on a passage that is wrong, garbled, ambiguous or unverifiable."""

    kind: IssueKindName
    quote: str = Field(min_length=1)
    occurrence: int = Field(default=1, ge=1)
    comment: str


class Claim(_Model):
    """One attributed statement of a relation, with the exact words behind it."""

    subject: str
    predicate: str
    object: str | int | float
    quote: str = Field(min_length=1)
    occurrence: int = Field(default=1, ge=1)
    claimant: list[str] = Field(min_length=1)
    cites: list[str] = []
    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    precision: Precision | None = None
    polarity: Literal["affirmed", "denied"] = "affirmed"
    asserted: bool | None = None
    reliability: Grade
    reason: str = Field(min_length=3)
    count: int | None = Field(default=None, ge=0)
    distance_km: float | None = Field(default=None, ge=0)
    qualifier: QualifierName | None = None
    comment: str | None = None
    notes: list[str] = []

    @field_validator("claimant", "cites", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def model_post_init(self, _context: Any) -> None:
        if (self.date or self.start) and self.precision is None:
            raise ValueError("a date needs its precision: day, week, month or year")
        if self.precision and not (self.date or self.start):
            raise ValueError("a precision needs a date (or a start)")
        if self.end and not self.start:
            raise ValueError("an end needs a start")


class Annotation(_Model):
    """A whole annotation file."""

    source: Source
    entities: list[Entity] = []
    claims: list[Claim] = Field(min_length=1)
    notes: dict[str, Note] = {}

    def model_post_init(self, _context: Any) -> None:
        unknown = sorted({n for c in self.claims for n in c.notes} - set(self.notes))
        if unknown:
            raise ValueError(f"claims refer to notes that are not defined: {', '.join(unknown)}")


# --- reading YAML with line numbers -------------------------------------------------------------


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at a pydantic error location."""
    import yaml

    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line


def _where(path: Path | None, line: int | None) -> str:
    from kg.config import display_path

    name = display_path(path) if path else "<annotation>"
    return f"{name}:{line}" if line else name


def _field(loc: tuple[Any, ...]) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else (f".{k}" if i else str(k)) for i, k in enumerate(loc))


@functools.cache
def _loader() -> type:
    """PyYAML's safe loader without implicit timestamps: dates stay text until pydantic checks them,
    so a bad date is reported with its line instead of crashing the reader."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def parse(text: str, *, path: Path | None = None) -> tuple[Annotation, Any]:
    """The annotation in ``text`` and its YAML node tree (for line numbers later); errors name file:line."""
    import yaml

    if len(text) > MAX_CHARACTERS:
        raise DataError(
            f"{_where(path, None)}: {len(text):,} characters is more than an annotation may have "
            f"({MAX_CHARACTERS:,}); split the source or use an event import"
        )
    try:
        for event in yaml.parse(text, Loader=_loader()):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                # anchors let a few lines stand for billions of items ("YAML bombs"); annotations need none
                raise DataError(
                    f"{_where(path, event.start_mark.line + 1)}: YAML anchors and aliases (& and *) "
                    "are refused in annotations; write the values out"
                )
        node = yaml.compose(text, Loader=_loader())
        data = yaml.load(text, Loader=_loader())  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError(f"{_where(path, mark.line + 1 if mark else None)}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise DataError(f"{_where(path, 1)}: an annotation is a mapping with source, entities, claims and notes")
    try:
        return Annotation.model_validate(data), node
    except ValidationError as exc:
        problems = [
            _problem(path, node, tuple(error["loc"]), error["msg"].removeprefix("Value error, "))
            for error in exc.errors()
        ]
        raise AnnotationError(problems) from None


def claim_iri(source_id: str, index: int, total: int) -> str:
    """The IRI of the ``index``-th (0-based) of ``total`` claims of a source, numbered to sort in order.

    >>> claim_iri("report", 4, 120)
    'https://w3id.org/conflict-kg/claim/report-005'
    """
    width = max(2, len(str(total)))
    return f"{CLAIM}{source_id}-{index + 1:0{width}d}"


def record_lines(path: Path) -> dict[str, int]:
    """The line of each record in an annotation file, by the IRI of what it becomes (source, entity, note,
    claim): so a problem the store's checks find in the built graph points back to the line to fix."""
    annotation, node = load(path)
    source_id = annotation.source.id
    lines = {SOURCE + source_id: _line_of(node, ("source",))}
    lines |= {ENTITY + e.id: _line_of(node, ("entities", i)) for i, e in enumerate(annotation.entities)}
    lines |= {f"{NOTE}{source_id}-{key}": _line_of(node, ("notes", key)) for key in annotation.notes}
    total = len(annotation.claims)
    lines |= {claim_iri(source_id, i, total): _line_of(node, ("claims", i)) for i in range(total)}
    return {iri: line for iri, line in lines.items() if line}


def _file_order(problem: Problem) -> tuple[int, str]:
    """Problems sort by their line in the file ("file:12" before "file:101"), then by field."""
    line = problem.where.rpartition(":")[2]
    return (int(line) if line.isdigit() else 0, problem.focus)


def _problem(path: Path | None, node: Any, loc: tuple[Any, ...], message: str) -> Problem:
    """One problem of an annotation, at the file, line and field it is about."""
    return Problem(_where(path, _line_of(node, loc)), _field(loc) or "annotation", message, "annotation")


def load(path: Path) -> tuple[Annotation, Any]:
    """Read an annotation file."""
    try:
        return parse(path.read_text(encoding="utf-8"), path=path)
    except OSError as exc:
        raise DataError(f"{_where(path, None)}: cannot read: {exc.strerror or exc}") from None


# --- quotes --------------------------------------------------------------------------------------


def locate(text: str, quote: str, occurrence: int = 1) -> tuple[int, int]:
    """Start and end (code points) of the ``occurrence``-th ``quote`` in ``text``.

    >>> locate("a b a b", "a b", 2)
    (4, 7)
    """
    start = -1
    for _ in range(occurrence):
        start = text.find(quote, start + 1)
        if start < 0:
            break
    if start >= 0:
        return start, start + len(quote)
    found = text.count(quote)
    if found:
        raise ValueError(f"the quote occurs {found} time(s), not {occurrence}")
    raise ValueError(f"the quote is not in the text; the closest passage is {_closest(text, quote)!r}")


def _closest(text: str, quote: str) -> str:
    """The passage of ``text`` most like ``quote``, to show what the annotator probably meant."""
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    match = matcher.find_longest_match(0, len(text), 0, len(quote))
    start = max(0, match.a - match.b)
    return text[start : start + len(quote)]


# --- to RDF ----------------------------------------------------------------------------------------

Resolver = Callable[[str], ox.NamedNode]


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _literal(value: object, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(str(value), language=language)
    return ox.Literal(str(value), datatype=_node(XSD + datatype)) if datatype else ox.Literal(str(value))


def _number(value: float | int) -> ox.Literal:
    if isinstance(value, int) or float(value).is_integer():
        return _literal(int(value), "integer")
    return _literal(value, "decimal")


def _selectors(subject: ox.NamedNode, graph: ox.NamedNode, text: str, start: int, end: int) -> list[ox.Quad]:
    quote, position = ox.BlankNode(), ox.BlankNode()
    quads = [
        ox.Quad(subject, _node(OA + "hasSelector"), quote, graph),
        ox.Quad(quote, _node(RDF + "type"), _node(OA + "TextQuoteSelector"), graph),
        ox.Quad(quote, _node(OA + "exact"), _literal(text[start:end]), graph),
        ox.Quad(subject, _node(OA + "hasSelector"), position, graph),
        ox.Quad(position, _node(RDF + "type"), _node(OA + "TextPositionSelector"), graph),
        ox.Quad(position, _node(OA + "start"), _literal(start, "integer"), graph),
        ox.Quad(position, _node(OA + "end"), _literal(end, "integer"), graph),
    ]
    if prefix := text[max(0, start - CONTEXT) : start]:
        quads.append(ox.Quad(quote, _node(OA + "prefix"), _literal(prefix), graph))
    if suffix := text[end : end + CONTEXT]:
        quads.append(ox.Quad(quote, _node(OA + "suffix"), _literal(suffix), graph))
    return quads


class _Builder:
    """Collects the quads of one source's graph; each method adds one kind of record."""

    def __init__(
        self, annotation: Annotation, text: str, node: Any, path: Path | None, words: Mapping[str, str] | None = None
    ) -> None:
        self.a = annotation
        self.words = dict(words or {})
        self.text = text
        self.node = node
        self.path = path
        self.graph = _node(GRAPH + annotation.source.id)
        self.source = _node(SOURCE + annotation.source.id)
        self.quads: list[ox.Quad] = []
        self.problems: list[Problem] = []

    def fail(self, loc: tuple[Any, ...], message: str) -> AnnotationError:
        return AnnotationError([_problem(self.path, self.node, loc, message)])

    @contextlib.contextmanager
    def each(self) -> Iterator[None]:
        """Go on past a problem in one record (an entity, note or claim), so all are reported at once."""
        try:
            yield
        except AnnotationError as exc:
            self.problems += exc.problems

    def check(self) -> None:
        """Raise every problem found, if any, in the order of the file."""
        if self.problems:
            raise AnnotationError(sorted(self.problems, key=_file_order))

    def add(self, subject: ox.NamedNode | ox.BlankNode, predicate: str, obj: ox.NamedNode | ox.Literal | ox.BlankNode):
        self.quads.append(ox.Quad(subject, _node(predicate), obj, self.graph))

    def span(self, loc: tuple[Any, ...], quote: str, occurrence: int) -> tuple[int, int]:
        try:
            return locate(self.text, quote, occurrence)
        except ValueError as exc:
            raise self.fail(loc, str(exc)) from None

    def source_record(self, text_iri: str, sha256: str) -> None:
        s, meta = self.source, self.a.source
        self.add(s, RDF + "type", _node(ONTOLOGY + "SourceDocument"))
        self.add(s, DCT + "title", _literal(meta.title, language=meta.language))
        if meta.description:
            self.add(s, DCT + "description", _literal(meta.description, language=meta.language))
        for kind in meta.kind:
            self.add(s, ONTOLOGY + "sourceKind", _node(ONTOLOGY + _camel(kind)))
        self.add(s, DCT + "language", _literal(meta.language, "language"))
        self.add(s, DCT + "format", _literal("text/plain; charset=utf-8"))
        self.add(s, ONTOLOGY + "text", _node(text_iri))
        self.add(s, ONTOLOGY + "sha256", _literal(sha256))
        if meta.publisher:
            self.add(s, DCT + "publisher", _literal(meta.publisher))
        if meta.url:
            self.add(s, DCT + "source", _node(meta.url))
        for field, prop in (
            ("date", DCT + "date"),
            ("not_before", ONTOLOGY + "notBefore"),
            ("estimated_date", ONTOLOGY + "estimatedDate"),
        ):
            if value := getattr(meta, field):
                self.add(s, prop, _literal(value.isoformat(), "date"))
        if meta.precision:
            self.add(s, ONTOLOGY + "datePrecision", _node(ONTOLOGY + _camel(meta.precision)))
        if meta.comment:
            self.add(s, RDFS + "comment", _literal(meta.comment, language="en"))
        for key, reporter in meta.reporters.items():
            agent = _node(f"{SOURCE}{meta.id}-{key}")
            self.add(agent, RDF + "type", _node(ONTOLOGY + "Reporter"))
            self.add(agent, RDFS + "label", _literal(reporter.label, language="en"))
            if reporter.comment:
                self.add(agent, RDFS + "comment", _literal(reporter.comment, language="en"))

    def entities(self, classes: set[str]) -> None:
        for i, entity in enumerate(self.a.entities):
            with self.each():
                self.entity(i, entity, classes)

    def entity(self, i: int, entity: Entity, classes: set[str]) -> None:
        if entity.type not in classes:
            close = difflib.get_close_matches(entity.type, sorted(classes), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(sorted(classes))}"
            raise self.fail(("entities", i, "type"), f"unknown entity type {entity.type!r}{hint}")
        e = _node(ENTITY + entity.id)
        self.add(e, RDF + "type", _node(ONTOLOGY + entity.type))
        self.add(e, RDFS + "label", _literal(entity.label, language="en"))
        for alias in entity.aliases:
            self.add(e, SKOS + "altLabel", _literal(alias, language="en"))
        if entity.wikidata:
            self.add(e, OWL + "sameAs", _node(WD + entity.wikidata))
        if entity.close_match:
            self.add(e, SKOS + "closeMatch", _node(WD + entity.close_match))
        if entity.comment:
            self.add(e, RDFS + "comment", _literal(entity.comment, language="en"))

    def notes(self) -> dict[str, ox.NamedNode]:
        iris = {}
        for key, note in self.a.notes.items():
            n = iris[key] = _node(f"{NOTE}{self.a.source.id}-{key}")
            with self.each():
                start, end = self.span(("notes", key, "quote"), note.quote, note.occurrence)
                self.add(n, RDF + "type", _node(ONTOLOGY + "SourceIssue"))
                self.add(n, ONTOLOGY + "issueKind", _node(ONTOLOGY + _camel(note.kind)))
                self.add(n, PROV + "wasDerivedFrom", self.source)
                self.add(n, RDFS + "comment", _literal(note.comment, language="en"))
                self.quads += _selectors(n, self.graph, self.text, start, end)
        return iris

    def claims(self, resolve: Resolver, relations: Mapping[str, str | None], note_iris: Mapping[str, ox.NamedNode]):
        asserted_triples: list[ox.Quad] = []
        for i, claim in enumerate(self.a.claims):
            loc = ("claims", i)
            c = _node(claim_iri(self.a.source.id, i, len(self.a.claims)))
            # the parts of a claim checked one by one, so one pass reports every wrong part
            found = len(self.problems)
            predicate_iri = subject = obj = None
            with self.each():
                predicate_iri = self.predicate(loc, claim.predicate, relations)
            with self.each():
                subject = self.reference(loc + ("subject",), claim.subject, resolve)
            with self.each():
                datatype = relations[predicate_iri] if predicate_iri else None
                obj = self.value(loc + ("object",), claim.object, datatype, resolve)
            with self.each():
                start, end = self.span(loc + ("quote",), claim.quote, claim.occurrence)
            if len(self.problems) > found:
                continue
            assert predicate_iri is not None and subject is not None and obj is not None
            with self.each():
                kinds = {self.a.notes[n].kind for n in claim.notes}
                asserted = (
                    claim.asserted
                    if claim.asserted is not None
                    else (claim.polarity == "affirmed" and not kinds & NOT_ASSERTED_BY_DEFAULT)
                )
                if asserted and claim.polarity == "denied":
                    raise self.fail(loc + ("asserted",), "a denied claim cannot be asserted")
                self.add(c, RDF + "type", _node(ONTOLOGY + "Claim"))
                self.add(c, RDF + "subject", subject)
                self.add(c, RDF + "predicate", _node(predicate_iri))
                self.add(c, RDF + "object", obj)
                self.add(c, ONTOLOGY + "asserted", _literal("true" if asserted else "false", "boolean"))
                self.add(c, ONTOLOGY + "polarity", _node(ONTOLOGY + _camel(claim.polarity)))
                self.add(c, PROV + "wasDerivedFrom", self.source)
                for j, who in enumerate(claim.claimant):
                    self.add(c, PROV + "wasAttributedTo", self.reference(loc + ("claimant", j), who, resolve))
                for j, who in enumerate(claim.cites):
                    self.add(c, ONTOLOGY + "cites", self.reference(loc + ("cites", j), who, resolve))
                if claim.date:
                    self.add(c, ONTOLOGY + "eventDate", _literal(claim.date.isoformat(), "date"))
                if claim.start:
                    self.add(c, ONTOLOGY + "eventStart", _literal(claim.start.isoformat(), "date"))
                if claim.end:
                    self.add(c, ONTOLOGY + "eventEnd", _literal(claim.end.isoformat(), "date"))
                if claim.precision:
                    self.add(c, ONTOLOGY + "datePrecision", _node(ONTOLOGY + _camel(claim.precision)))
                if claim.count is not None:
                    self.add(c, ONTOLOGY + "reportedCount", _literal(claim.count, "integer"))
                if claim.distance_km is not None:
                    self.add(c, ONTOLOGY + "distanceKm", _number(claim.distance_km))
                if claim.qualifier:
                    self.add(c, ONTOLOGY + "quantityQualifier", _node(ONTOLOGY + _camel(claim.qualifier)))
                self.add(c, ONTOLOGY + "reliability", _literal(claim.reliability))
                self.add(c, ONTOLOGY + "gradeReason", _literal(claim.reason, language="en"))
                if claim.comment:
                    self.add(c, RDFS + "comment", _literal(claim.comment, language="en"))
                for key in claim.notes:
                    self.add(c, ONTOLOGY + "hasIssue", note_iris[key])
                self.quads += _selectors(c, self.graph, self.text, start, end)
                if asserted:
                    asserted_triples.append(ox.Quad(subject, _node(predicate_iri), obj, self.graph))
        self.quads += list(dict.fromkeys(asserted_triples))

    def predicate(self, loc: tuple[Any, ...], name: str, relations: Mapping[str, str | None]) -> str:
        iri = name if name.startswith("http") else ONTOLOGY + name.removeprefix("kg:")
        if iri not in relations:
            raise self.fail(loc + ("predicate",), f"unknown predicate {name!r}{self.suggest(name, relations)}")
        return iri

    def suggest(self, name: str, relations: Mapping[str, str | None]) -> str:
        """The known predicates close to ``name`` in spelling or meaning ("bombarded": shelled), else all of them."""
        names = sorted(r.removeprefix(ONTOLOGY) for r in relations)
        wanted = name.removeprefix("kg:")
        close = difflib.get_close_matches(wanted, names, n=4, cutoff=0.6)
        spoken = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", wanted).lower()  # "struckBy" -> "struck by"
        by_word = difflib.get_close_matches(spoken, list(self.words), n=4, cutoff=0.75)
        close += [
            self.words[w].removeprefix(ONTOLOGY) for w in by_word if self.words[w].removeprefix(ONTOLOGY) in names
        ]
        close = list(dict.fromkeys(close))
        return f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(names)}"

    def reference(self, loc: tuple[Any, ...], ref: str, resolve: Resolver) -> ox.NamedNode:
        meta = self.a.source
        if ref in meta.reporters:
            return _node(f"{SOURCE}{meta.id}-{ref}")
        if any(entity.id == ref for entity in self.a.entities):
            return _node(ENTITY + ref)
        try:
            return resolve(ref)
        except DataError as exc:
            raise self.fail(loc, str(exc)) from None

    def value(self, loc: tuple[Any, ...], value: object, datatype: str | None, resolve: Resolver):
        if datatype is None:  # a relation: the object is an entity
            if not isinstance(value, str):
                raise self.fail(loc, f"{value!r} is a number, but this predicate relates two entities")
            return self.reference(loc, value, resolve)
        name = datatype.removeprefix(XSD)
        if name in ("integer", "positiveInteger", "nonNegativeInteger") and not isinstance(value, int):
            raise self.fail(loc, f"{value!r} is not a whole number, as this attribute needs")
        return _literal(value, name)


def to_quads(
    annotation: Annotation,
    *,
    text: str,
    text_iri: str,
    sha256: str,
    resolve: Resolver,
    relations: Mapping[str, str | None],
    classes: set[str],
    node: Any = None,
    path: Path | None = None,
    words: Mapping[str, str] | None = None,
) -> list[ox.Quad]:
    """The named graph of one annotated source.

    ``relations`` maps each predicate IRI the ontology allows to None (relations) or its
    datatype IRI (attributes); ``classes`` holds the entity classes' local names; ``resolve``
    turns a reference into an entity IRI or raises :class:`DataError`; ``words`` maps other
    words for a relation ("bombarded") to its IRI, to suggest the right predicate.
    """
    if annotation.source.sha256 and annotation.source.sha256 != sha256:
        raise DataError(
            f"{_where(path, _line_of(node, ('source', 'sha256')))}: source.sha256: the text has changed "
            "since it was annotated (SHA-256 differs)"
        )
    builder = _Builder(annotation, text, node, path, words)
    builder.source_record(text_iri, sha256)
    builder.entities(classes)
    notes = builder.notes()
    builder.claims(resolve, relations, notes)
    builder.check()
    return builder.quads


# --- with a store: vocabulary, references, files ---------------------------------------------------


def vocabulary(store: Runner) -> tuple[dict[str, str | None], set[str]]:
    """The predicates claims may use (IRI to attribute datatype, None for relations) and the entity classes."""
    from kg import queries

    relations = store.run(queries.internal_query("internal/vocabulary-relations"))
    classes = store.run(queries.internal_query("internal/vocabulary-classes"))
    assert isinstance(relations, SelectResult) and isinstance(classes, SelectResult)
    return (
        {row[0].value: row[1].value if row[1] is not None else None for row in relations.rows},  # type: ignore[union-attr]
        {row[0].value.removeprefix(ONTOLOGY) for row in classes.rows},  # type: ignore[union-attr]
    )


def predicate_words(store: Runner) -> dict[str, str]:
    """Each relation's label and other words for it (lower case) to its IRI, from the ontology."""
    from kg import queries

    result = store.run(queries.internal_query("internal/predicate-words"))
    assert isinstance(result, SelectResult)
    return {row[1].value: row[0].value for row in result.rows}  # type: ignore[union-attr]


def resolver(store: Runner) -> Resolver:
    """Entity references resolved against the store, as :class:`DataError` when they name no single entity."""
    from kg.errors import ParameterError
    from kg.params import resolve_entity

    @functools.cache  # an annotation names the same few entities again and again
    def resolve(reference: str) -> ox.NamedNode:
        try:
            return resolve_entity(store, reference)
        except ParameterError as exc:
            raise DataError(str(exc)) from None

    return resolve


def convert(store: Runner, path: Path, *, text_path: Path | None = None) -> tuple[Annotation, list[ox.Quad]]:
    """Read an annotation file and build its graph against ``store`` (ontology, gazetteer, other sources).

    The text is ``text_path`` if given, else ``source.text`` relative to the annotation file,
    else ``sources/<source id>.txt`` beside it (where ``kg ingest`` puts it).
    """
    annotation, node = load(path)
    if text_path is None:
        text_path = path.parent / (annotation.source.text or f"sources/{annotation.source.id}.txt")
    try:
        raw = text_path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise DataError(
            f"{_where(path, _line_of(node, ('source', 'text')))}: source.text: cannot read "
            f"{text_path}: {exc.strerror or exc}"
        ) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{text_path}: not UTF-8 text (byte {exc.start})") from None
    relations, classes = vocabulary(store)
    quads = to_quads(
        annotation,
        text=text,
        text_iri=text_path.resolve().as_uri(),
        sha256=hashlib.sha256(raw).hexdigest(),
        resolve=resolver(store),
        relations=relations,
        classes=classes,
        node=node,
        path=path,
        words=predicate_words(store),
    )
    return annotation, quads


def _kebab(local: str) -> str:
    """``NewsArticle`` -> ``news-article``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", local).lower()


def from_graph(store: Runner, source_id: str) -> dict[str, Any]:
    """The annotation (as plain data, ready for YAML) that :func:`to_quads` turns back into the source's graph.

    It shows that a source written as RDF is expressible in this format, and gives an editor a
    starting point. Entity references come out as CURIEs; ``text`` is left for the caller.
    """
    from kg import queries
    from kg.namespaces import compact

    result = store.run(queries.internal_query("internal/graph-triples"), {"graph": _node(GRAPH + source_id)})
    assert isinstance(result, SelectResult)
    dump = ox.Store()
    dump.extend(ox.Quad(s, p, o) for s, p, o, _ in result.rows)  # type: ignore[arg-type]
    if not len(dump):
        raise DataError(f"no source graph kgg:{source_id} in the store")

    def values(subject: Any, prop: str) -> list[Any]:
        return [q.object for q in dump.quads_for_pattern(subject, _node(prop), None)]

    def one(subject: Any, prop: str) -> Any:
        found = values(subject, prop)
        return found[0] if found else None

    def of_type(cls: str) -> list[ox.NamedNode]:
        return sorted(
            {q.subject for q in dump.quads_for_pattern(None, _node(RDF + "type"), _node(cls))}, key=lambda n: n.value
        )

    source = _node(SOURCE + source_id)
    text = one(source, ONTOLOGY + "content")
    prefix = f"{SOURCE}{source_id}-"
    reporters = {r.value.removeprefix(prefix): r for r in of_type(ONTOLOGY + "Reporter") if r.value.startswith(prefix)}

    def ref(term: Any) -> Any:
        key = next((k for k, r in reporters.items() if r == term), None)
        if key:
            return key
        if isinstance(term, ox.Literal):
            return (
                int(term.value)
                if term.datatype.value.endswith("Integer") or term.datatype.value == XSD + "integer"
                else term.value
            )
        return compact(term.value)

    def text_of(literal: Any) -> str | None:
        return literal.value if literal is not None else None

    def span(node: Any) -> tuple[str, int]:
        selectors = values(node, OA + "hasSelector")
        quote = next(one(s, OA + "exact").value for s in selectors if one(s, OA + "exact") is not None)
        start = next(int(one(s, OA + "start").value) for s in selectors if one(s, OA + "start") is not None)
        occurrence = text.value[:start].count(quote) + 1 if text is not None else 1
        return quote, occurrence

    meta: dict[str, Any] = {
        "id": source_id,
        "title": text_of(one(source, DCT + "title")),
        "kind": [_kebab(k.value.removeprefix(ONTOLOGY)) for k in values(source, ONTOLOGY + "sourceKind")],
    }
    for key, prop in (
        ("description", DCT + "description"),
        ("language", DCT + "language"),
        ("publisher", DCT + "publisher"),
        ("date", DCT + "date"),
        ("not_before", ONTOLOGY + "notBefore"),
        ("estimated_date", ONTOLOGY + "estimatedDate"),
        ("comment", RDFS + "comment"),
    ):
        if (value := one(source, prop)) is not None:
            meta[key] = value.value
    if (url := one(source, DCT + "source")) is not None:
        meta["url"] = url.value
    if (precision := one(source, ONTOLOGY + "datePrecision")) is not None:
        meta["precision"] = _kebab(precision.value.removeprefix(ONTOLOGY))
    if reporters:
        meta["reporters"] = {
            k: {"label": text_of(one(r, RDFS + "label"))}
            | ({"comment": c.value} if (c := one(r, RDFS + "comment")) is not None else {})
            for k, r in reporters.items()
        }

    notes = {}
    for note in of_type(ONTOLOGY + "SourceIssue"):
        quote, occurrence = span(note)
        notes[note.value.removeprefix(f"{NOTE}{source_id}-")] = {
            "kind": _kebab(one(note, ONTOLOGY + "issueKind").value.removeprefix(ONTOLOGY)),
            "quote": quote,
            **({"occurrence": occurrence} if occurrence > 1 else {}),
            "comment": one(note, RDFS + "comment").value,
        }

    claims = []
    for claim in sorted(of_type(ONTOLOGY + "Claim"), key=lambda c: int(c.value.rsplit("-", 1)[1])):
        quote, occurrence = span(claim)
        entry: dict[str, Any] = {
            "subject": ref(one(claim, RDF + "subject")),
            "predicate": one(claim, RDF + "predicate").value.removeprefix(ONTOLOGY),
            "object": ref(one(claim, RDF + "object")),
            "quote": quote,
        }
        if occurrence > 1:
            entry["occurrence"] = occurrence
        entry["claimant"] = [ref(a) for a in values(claim, PROV + "wasAttributedTo")]
        if cites := values(claim, ONTOLOGY + "cites"):
            entry["cites"] = [ref(a) for a in cites]
        for key, prop in (("date", "eventDate"), ("start", "eventStart"), ("end", "eventEnd")):
            if (value := one(claim, ONTOLOGY + prop)) is not None:
                entry[key] = value.value
        if (precision := one(claim, ONTOLOGY + "datePrecision")) is not None:
            entry["precision"] = _kebab(precision.value.removeprefix(ONTOLOGY))
        entry["polarity"] = _kebab(one(claim, ONTOLOGY + "polarity").value.removeprefix(ONTOLOGY))
        issue_keys = [n.value.removeprefix(f"{NOTE}{source_id}-") for n in values(claim, ONTOLOGY + "hasIssue")]
        asserted = one(claim, ONTOLOGY + "asserted").value == "true"
        default = (
            entry["polarity"] == "affirmed" and not {notes[k]["kind"] for k in issue_keys} & NOT_ASSERTED_BY_DEFAULT
        )
        if asserted != default:
            entry["asserted"] = asserted
        entry["reliability"] = one(claim, ONTOLOGY + "reliability").value
        entry["reason"] = one(claim, ONTOLOGY + "gradeReason").value
        if (count := one(claim, ONTOLOGY + "reportedCount")) is not None:
            entry["count"] = int(count.value)
        if (distance := one(claim, ONTOLOGY + "distanceKm")) is not None:
            entry["distance_km"] = float(distance.value)
        if (qualifier := one(claim, ONTOLOGY + "quantityQualifier")) is not None:
            entry["qualifier"] = _kebab(qualifier.value.removeprefix(ONTOLOGY))
        if (comment := one(claim, RDFS + "comment")) is not None:
            entry["comment"] = comment.value
        if issue_keys:
            entry["notes"] = sorted(issue_keys)
        claims.append(entry)

    entities = []
    _, classes = vocabulary(store)
    declared = {
        q.subject
        for q in dump.quads_for_pattern(None, _node(RDF + "type"), None)
        if isinstance(q.subject, ox.NamedNode)
        and q.subject.value.startswith(ENTITY)
        and q.object.value.removeprefix(ONTOLOGY) in classes
    }
    for entity in sorted(declared, key=lambda e: e.value):
        kind = next(
            q.object.value.removeprefix(ONTOLOGY) for q in dump.quads_for_pattern(entity, _node(RDF + "type"), None)
        )
        record: dict[str, Any] = {
            "id": entity.value.removeprefix(ENTITY),
            "type": kind,
            "label": one(entity, RDFS + "label").value,
        }
        if aliases := values(entity, SKOS + "altLabel"):
            record["aliases"] = sorted(a.value for a in aliases)
        if (same := one(entity, OWL + "sameAs")) is not None:
            record["wikidata"] = same.value.removeprefix(WD)
        if (close := one(entity, SKOS + "closeMatch")) is not None:
            record["close_match"] = close.value.removeprefix(WD)
        if (comment := one(entity, RDFS + "comment")) is not None:
            record["comment"] = comment.value
        entities.append(record)
    return {
        "source": meta,
        **({"entities": entities} if entities else {}),
        "claims": claims,
        **({"notes": notes} if notes else {}),
    }
