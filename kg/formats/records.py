"""Event datasets (ACLED, GDELT) as sources: one source document per record, claims quoting the record.

A row of an event dataset is evidence in its own right, so each row becomes a
``kg:SourceDocument`` (kind ``kg:EventRecord``) whose verbatim text (``kg:content``) is the
row exactly as it stands in the file, and each relation the row supports becomes a claim
whose quote is a span of that row (ACLED's notes, GDELT's event code) with its offsets. The
dataset itself is the claimant, and the row's identifier and its date keep it traceable.
All rows of one file form one named graph, so an import is replaced or dropped whole.

The readers in :mod:`kg.formats.acled` and :mod:`kg.formats.gdelt` turn rows into
:class:`Record` objects; :class:`GraphWriter` turns records into quads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import CLAIM, DCT, ENTITY, GEO, GRAPH, OA, ONTOLOGY, PROV, RDF, RDFS, SOURCE, XSD

__all__ = ["Actor", "GraphWriter", "Location", "Record", "Relation", "slug"]


def slug(text: str) -> str:
    """A lower-case IRI-safe name.

    >>> slug("Military Forces of Syria (2000-2024)")
    'military-forces-of-syria-2000-2024'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


@dataclass(frozen=True)
class Actor:
    """An actor as a dataset names it, with the ontology class its coding implies."""

    name: str
    cls: str


@dataclass(frozen=True)
class Location:
    """Where an event happened, as the dataset gives it."""

    name: str
    cls: str
    latitude: float | None = None
    longitude: float | None = None
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Relation:
    """One relation a record supports; ``target`` is an Actor or the record's Location."""

    subject: Actor
    predicate: str
    target: Actor | Location
    quote: tuple[int, int]


@dataclass
class Record:
    """One row, ready to be written: its identity, text, date, grade and relations."""

    dataset: str
    identifier: str
    line: str
    title: str
    date: dt.date
    precision: str
    reliability: str
    reason: str
    event_type: str
    location: Location | None = None
    relations: list[Relation] = field(default_factory=list)
    url: str | None = None
    cites: str | None = None
    fatalities: int | None = None
    mentions: int | None = None


class GraphWriter:
    """Quads for the records of one file, in its own named graph; entities are declared once.

    ``resolve`` maps an actor or place name to a known entity IRI (or None), so a dataset's
    "HEZBOLLAH" or "Syria" joins the gazetteer's entity instead of starting a new one.
    """

    def __init__(self, graph_id: str, dataset_label: str, resolve: Callable[[str], str | None]) -> None:
        self.graph = ox.NamedNode(GRAPH + graph_id)
        self.resolve = resolve
        self.claimant = ox.NamedNode(ENTITY + slug(dataset_label))
        self.quads: list[ox.Quad] = []
        self.declared: dict[str, ox.NamedNode] = {}
        self.claims = 0
        known = resolve(dataset_label)
        if known:
            self.claimant = ox.NamedNode(known)
        else:
            self._add(self.claimant, RDF + "type", ox.NamedNode(ONTOLOGY + "MonitoringGroup"))
            self._add(self.claimant, RDFS + "label", ox.Literal(dataset_label, language="en"))

    def _add(self, subject: ox.NamedNode | ox.BlankNode, predicate: str, obj: ox.NamedNode | ox.Literal | ox.BlankNode):
        self.quads.append(ox.Quad(subject, ox.NamedNode(predicate), obj, self.graph))

    def _entity(self, kind: str, name: str, cls: str) -> ox.NamedNode:
        key = f"{kind}:{name}"
        if key in self.declared:
            return self.declared[key]
        known = self.resolve(name)
        node = (
            ox.NamedNode(known)
            if known
            else ox.NamedNode(f"{ENTITY}{self.graph.value.rsplit('/', 1)[-1]}-{kind}-{slug(name)}")
        )
        if not known:
            self._add(node, RDF + "type", ox.NamedNode(ONTOLOGY + cls))
            self._add(node, RDFS + "label", ox.Literal(name, language="en"))
        self.declared[key] = node
        return node

    def _place(self, location: Location) -> ox.NamedNode:
        node = self._entity("place", location.name, location.cls)
        if f"geo:{node.value}" not in self.declared and node.value.startswith(
            ENTITY + self.graph.value.rsplit("/", 1)[-1]
        ):
            self.declared[f"geo:{node.value}"] = node
            if location.latitude is not None and location.longitude is not None:
                self._add(
                    node, GEO + "lat", ox.Literal(repr(location.latitude), datatype=ox.NamedNode(XSD + "decimal"))
                )
                self._add(
                    node, GEO + "long", ox.Literal(repr(location.longitude), datatype=ox.NamedNode(XSD + "decimal"))
                )
            for region in location.regions:
                self._add(node, ONTOLOGY + "region", ox.Literal(region))
        return node

    def write(self, records: Iterable[Record]) -> list[ox.Quad]:
        """Add every record; returns all quads so far."""
        for record in records:
            self._record(record)
        return self.quads

    def _record(self, r: Record) -> None:
        source = ox.NamedNode(f"{SOURCE}{r.dataset}-{slug(r.identifier)}")
        day = ox.Literal(r.date.isoformat(), datatype=ox.NamedNode(XSD + "date"))
        self._add(source, RDF + "type", ox.NamedNode(ONTOLOGY + "SourceDocument"))
        self._add(source, DCT + "title", ox.Literal(r.title, language="en"))
        self._add(source, DCT + "identifier", ox.Literal(r.identifier))
        self._add(source, ONTOLOGY + "sourceKind", ox.NamedNode(ONTOLOGY + "EventRecord"))
        self._add(source, DCT + "language", ox.Literal("en", datatype=ox.NamedNode(XSD + "language")))
        self._add(source, DCT + "date", day)
        self._add(source, ONTOLOGY + "content", ox.Literal(r.line))
        self._add(source, ONTOLOGY + "eventType", ox.Literal(r.event_type))
        if r.url:
            self._add(source, DCT + "source", ox.NamedNode(r.url))
        if r.cites:
            self._add(source, DCT + "bibliographicCitation", ox.Literal(r.cites))
        if r.fatalities is not None:
            self._add(
                source, ONTOLOGY + "fatalities", ox.Literal(str(r.fatalities), datatype=ox.NamedNode(XSD + "integer"))
            )
        for number, relation in enumerate(r.relations, 1):
            self._claim(r, source, day, relation, number)

    def _claim(self, r: Record, source: ox.NamedNode, day: ox.Literal, relation: Relation, number: int) -> None:
        subject = self._entity("actor", relation.subject.name, relation.subject.cls)
        target = relation.target
        obj = self._place(target) if isinstance(target, Location) else self._entity("actor", target.name, target.cls)
        if subject == obj:
            return
        self.claims += 1
        claim = ox.NamedNode(f"{CLAIM}{r.dataset}-{slug(r.identifier)}-{number}")
        predicate = ox.NamedNode(ONTOLOGY + relation.predicate)
        self.quads.append(ox.Quad(subject, predicate, obj, self.graph))
        self._add(claim, RDF + "type", ox.NamedNode(ONTOLOGY + "Claim"))
        self._add(claim, RDF + "subject", subject)
        self._add(claim, RDF + "predicate", predicate)
        self._add(claim, RDF + "object", obj)
        self._add(claim, ONTOLOGY + "asserted", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")))
        self._add(claim, ONTOLOGY + "polarity", ox.NamedNode(ONTOLOGY + "Affirmed"))
        self._add(claim, PROV + "wasDerivedFrom", source)
        self._add(claim, PROV + "wasAttributedTo", self.claimant)
        self._add(claim, ONTOLOGY + "eventDate", day)
        self._add(claim, ONTOLOGY + "datePrecision", ox.NamedNode(ONTOLOGY + r.precision))
        self._add(claim, ONTOLOGY + "reliability", ox.Literal(r.reliability))
        self._add(claim, ONTOLOGY + "gradeReason", ox.Literal(r.reason, language="en"))
        if r.mentions is not None:
            self._add(claim, ONTOLOGY + "mentions", ox.Literal(str(r.mentions), datatype=ox.NamedNode(XSD + "integer")))
        start, end = relation.quote
        quote, position = ox.BlankNode(), ox.BlankNode()
        self._add(claim, OA + "hasSelector", quote)
        self._add(quote, RDF + "type", ox.NamedNode(OA + "TextQuoteSelector"))
        self._add(quote, OA + "exact", ox.Literal(r.line[start:end]))
        self._add(claim, OA + "hasSelector", position)
        self._add(position, RDF + "type", ox.NamedNode(OA + "TextPositionSelector"))
        self._add(position, OA + "start", ox.Literal(str(start), datatype=ox.NamedNode(XSD + "integer")))
        self._add(position, OA + "end", ox.Literal(str(end), datatype=ox.NamedNode(XSD + "integer")))
