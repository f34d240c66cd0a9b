"""Event datasets (ACLED, GDELT) as sources: one source document per event, claims quoting its record.

A row of an event dataset is evidence in its own right, so each event becomes a
``kg:SourceDocument`` (kind ``kg:EventRecord``) whose verbatim text (``kg:content``) is the row
exactly as it stands in the file, and each relation the row supports becomes a claim whose
quote is a span of that row (ACLED's notes, GDELT's event code) with its offsets. The dataset
itself is the claimant, and the row's identifier and date keep it traceable. The record also
keeps what the dataset says about the event beyond relations: where (``kg:eventPlace``, the
row's own point as ``geo:lat``/``geo:long`` and ``kg:geoPrecision``), who took part
(``kg:eventActor``), how many died, and the dataset's version stamp (``kg:recordVersion``);
an earlier version that a newer export replaced is kept beside it (``prov:wasRevisionOf`` a
``kg:SupersededRecord``).

An event is one thing whichever file it came in: its source and claims are named by dataset
and event id (``kgs:acled-syr1001``, ``kgc:acled-syr1001-1``; with the date for a row without
a version stamp, ``kgs:acled-9902rta-20151230``), and :mod:`kg.formats.events` decides which
file's version of it is kept. The entities a dataset names are named by dataset and name
(``kge:acled-actor-military-forces-of-syria-2000``), or join a known entity, so the files of
one dataset share them; each file's graph declares the ones it uses with the same label,
classes and point, chosen from all the files, and the names its own rows give as alternatives.

The readers in :mod:`kg.formats.acled` and :mod:`kg.formats.gdelt` turn rows into
:class:`Record` objects; :func:`write_graphs` turns the records of each file into its quads.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.formats.names import Country, Directory, identity
from kg.namespaces import CLAIM, DCT, ENTITY, GEO, GRAPH, OA, ONTOLOGY, PROV, RDF, RDFS, SKOS, SOURCE, XSD

__all__ = [
    "Actor",
    "Claimant",
    "Entities",
    "Location",
    "Record",
    "Relation",
    "Superseded",
    "decimal",
    "slug",
    "write_chunks",
    "write_graphs",
]


def slug(text: str) -> str:
    """A lower-case IRI-safe name.

    >>> slug("Military Forces of Syria (2000-2024)")
    'military-forces-of-syria-2000-2024'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def decimal(value: float) -> ox.Literal:
    """A coordinate as an ``xsd:decimal`` literal (never in exponent form, which xsd:decimal does not allow).

    >>> decimal(36.15).value, decimal(-0.00001).value, decimal(-0.0000001).value
    ('36.15', '-0.00001', '0')
    """
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return ox.Literal("0" if text in ("-0", "") else text, datatype=ox.NamedNode(XSD + "decimal"))


@dataclass(frozen=True)
class Actor:
    """An actor as a dataset names it, with the ontology class its coding implies."""

    name: str
    """The label kg gives it (the dataset's name, in a sensible case)."""
    cls: str
    key: str = ""
    """Its identity within the dataset; by default :func:`kg.formats.names.identity` of the name."""
    lookup: tuple[str, ...] = ()
    """Names to look for among the known entities before ``name`` (a plain name before a qualified one)."""
    country: Country | None = None
    """Set when the actor is a country itself, as a state: it is then the same entity as the country as a place."""

    @property
    def identity(self) -> str:
        return f"country:{self.country.code}" if self.country else f"actor:{identity(self.key or self.name)}"


@dataclass(frozen=True)
class Location:
    """Where an event happened, as the dataset gives it."""

    name: str
    cls: str
    latitude: float | None = None
    longitude: float | None = None
    regions: tuple[str, ...] = ()
    key: str = ""
    """Its identity within the dataset: a place name with the areas that tell it from its namesakes."""
    precision: str | None = None
    """How precise the point is: a ``kg:GeoPrecision`` individual's local name (``AtPlace`` .. ``CountryLevel``)."""
    country: Country | None = None
    """Set when the place is a country as a whole."""

    @property
    def identity(self) -> str:
        return f"country:{self.country.code}" if self.country else f"place:{identity(self.key or self.name)}"


@dataclass(frozen=True)
class Relation:
    """One relation a record supports; ``target`` is an Actor or the record's Location."""

    subject: Actor
    predicate: str
    target: Actor | Location
    quote: tuple[int, int]


@dataclass(frozen=True)
class Superseded:
    """An earlier version of an event that a newer one replaced: where it stood and what it said."""

    version: str | None
    line: str
    file: str
    line_no: int


@dataclass
class Record:
    """One event as one row gives it, ready to be written: identity, text, date, grade, place, actors, relations."""

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
    actors: list[Actor] = field(default_factory=list)
    """Every actor the row codes as taking part, related or not."""
    version: int | None = None
    """The dataset's version stamp as a number (ACLED ``timestamp``, GDELT ``DATEADDED``): higher is newer."""
    version_text: str | None = None
    file: str = ""
    """The name of the data file the row is in."""
    line_no: int = 0
    fingerprint: tuple = ()
    """What the row says, as values: two rows with the same fingerprint say the same."""
    coding: Any = None
    """What a reader needs to relate rows once the whole dataset is read (:func:`kg.formats.acled.relate`)."""
    supersedes: list[Superseded] = field(default_factory=list)

    @property
    def key(self) -> str:
        """What makes two rows one event: the dataset's event id, and its date when the row has no version stamp.

        ACLED's older exports (no ``timestamp``) numbered events per release, so one id names
        different events in different years' files; with a version stamp the id is the event's.
        """
        return self.identifier if self.version is not None else f"{self.identifier}@{self.date.isoformat()}"

    @property
    def local_name(self) -> str:
        """The event's name under ``kgs:`` (and its claims' under ``kgc:``): ``acled-syr1001``."""
        base = f"{self.dataset}-{slug(self.identifier)}"
        return base if self.version is not None else f"{base}-{self.date:%Y%m%d}"


_PRECISE = {"AtPlace": 0, "NearPlace": 1, "RegionLevel": 2, "CountryLevel": 3}


def _preferred_label(names: Iterable[str]) -> str:
    """The one name an entity's graphs all give it, whichever files are read: the newest regime date ("(2000-2024)"
    over "(2000-)"), then a name not in capitals, then the first in order.

    >>> _preferred_label(["Military Forces of Syria (2000-)", "Military Forces of Syria (2000-2024)"])
    'Military Forces of Syria (2000-2024)'
    >>> _preferred_label(["Al Qaeda", "Al-Qaeda"])
    'Al Qaeda'
    """

    def rank(name: str) -> tuple[int, bool, str]:
        ended = re.search(r"\(\s*\d{4}\s*-\s*(\d{4})\s*\)", name)
        return (-int(ended[1]) if ended else 0, name.isupper(), name)

    return min(names, key=rank)


@dataclass
class _Named:
    """Everything a dataset says of one entity (one identity), gathered before anything is written.

    Every choice is made from all of it, never from the order of the files, so a graph changes
    only when what it says changes: the entity joins a known one if any of its names does (tried
    in order), its label is the preferred name, its classes are all its rows imply, its point is
    the most precise one to about 100 m (then the first by value), its regions all those named.
    """

    kind: str
    local: str
    lookups: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    points: set[tuple[int, float, float]] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    fixed_label: str | None = None
    by_graph: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Per graph, the names its records give the entity: its alternative labels there, other than the label."""
    node: ox.NamedNode | None = None
    minted: bool = False

    @property
    def label(self) -> str:
        return self.fixed_label or _preferred_label(self.names)

    @property
    def point(self) -> tuple[float, float] | None:
        return min(self.points)[1:] if self.points else None


class Entities:
    """Which IRI each actor and place of a dataset stands for, decided once for the whole dataset."""

    def __init__(self, dataset: str, directory: Directory) -> None:
        self.dataset = dataset
        self.directory = directory
        self.named: dict[str, _Named] = {}
        self.minted: dict[ox.NamedNode, _Named] = {}

    def _entry(self, key: str, kind: str, local: str) -> _Named:
        if key not in self.named:
            self.named[key] = _Named(kind, local)
        return self.named[key]

    def _country(self, country: Country) -> _Named:
        entry = self._entry(f"country:{country.code}", "country", f"country-{country.code.lower()}")
        entry.fixed_label = country.name
        entry.lookups.update((country.name, *country.names))
        entry.classes.update(("Country", "State") if country.state else ("Region",))
        return entry

    def note(self, record: Record, graph_id: str) -> None:
        """Gather what one record says of the actors and places it names."""
        for actor in record.actors:
            self.note_actor(actor, graph_id)
        for relation in record.relations:
            self.note_actor(relation.subject, graph_id)
            if isinstance(relation.target, Actor):
                self.note_actor(relation.target, graph_id)
            else:
                self.note_place(relation.target, graph_id)
        if record.location is not None and record.location.name:
            self.note_place(record.location, graph_id)

    def note_actor(self, actor: Actor, graph: str) -> None:
        """Gather what this row says of an actor."""
        if actor.country is not None:
            self._country(actor.country).classes.add(actor.cls)  # a territory acting: its administration
            return
        key = actor.identity
        entry = self._entry(key, "actor", f"{self.dataset}-actor-{key.split(':', 1)[1]}")
        entry.lookups.update(actor.lookup)
        entry.names.add(actor.name)
        entry.classes.add(actor.cls)
        entry.by_graph[graph].add(actor.name)

    def note_place(self, location: Location, graph: str) -> None:
        """Gather what this row says of a place."""
        if location.country is not None:
            entry = self._country(location.country)
        else:
            key = location.identity
            entry = self._entry(key, "place", f"{self.dataset}-place-{key.split(':', 1)[1]}")
            entry.names.add(location.name)
            entry.classes.add(location.cls)
            entry.regions.update(location.regions)
            entry.by_graph[graph].add(location.name)
        if location.latitude is not None and location.longitude is not None:
            # to 3 decimals (about 100 m): exports differ in how many digits they give one place's point
            entry.points.add(
                (_PRECISE.get(location.precision or "", 4), round(location.latitude, 3), round(location.longitude, 3))
            )

    def settle(self) -> None:
        """Join each entity to a known one where one of its names (its lookups first) names one; mint the rest."""
        for entry in self.named.values():
            names = [*sorted(entry.lookups), *sorted(entry.names)]
            if entry.kind == "country":
                known = self.directory.find(names, "actor") or self.directory.find(names, "place")
            else:
                known = self.directory.find(names, entry.kind)
            entry.node = ox.NamedNode(known or ENTITY + entry.local)
            entry.minted = not known
            if entry.minted:
                self.minted[entry.node] = entry

    def actor(self, actor: Actor) -> ox.NamedNode:
        node = self.named[f"country:{actor.country.code}" if actor.country else actor.identity].node
        assert node is not None
        return node

    def place(self, location: Location) -> ox.NamedNode:
        node = self.named[f"country:{location.country.code}" if location.country else location.identity].node
        assert node is not None
        return node


def _literal(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
    return ox.Literal(value, language=language) if language else ox.Literal(value)


@functools.lru_cache(maxsize=1024)
def _node(iri: str) -> ox.NamedNode:
    """The node of a predicate or class: made once, since every record names the same few."""
    return ox.NamedNode(iri)


class _Graph:
    """The quads of one file's graph."""

    def __init__(self, graph_id: str) -> None:
        self.graph = ox.NamedNode(GRAPH + graph_id)
        self.quads: list[ox.Quad] = []
        self.used: set[ox.NamedNode] = set()
        self.claims = 0

    def add(self, subject: ox.NamedNode | ox.BlankNode, predicate: str, obj: ox.NamedNode | ox.Literal | ox.BlankNode):
        self.quads.append(ox.Quad(subject, _node(predicate), obj, self.graph))


@dataclass(frozen=True)
class Written:
    """The quads of one file's graph and how many claims they hold."""

    quads: list[ox.Quad]
    claims: int
    records: int = 0
    """How many records the quads are of."""


def write_graphs(
    dataset: str,
    claimant_label: str,
    records: Mapping[str, Sequence[Record]],
    directory: Directory,
) -> Iterator[tuple[str, Written]]:
    """The quads of each graph (by graph id) from its records, with the entities they name decided dataset-wide.

    Graph by graph, so a caller can compare or store one before the next is made.
    """
    entities = Entities(dataset, directory)
    for graph_id, graph_records in records.items():
        for record in graph_records:
            entities.note(record, graph_id)
    entities.settle()
    claimant = Claimant.of(claimant_label, directory)
    for graph_id, graph_records in records.items():
        for written in write_chunks(graph_id, sorted(graph_records, key=lambda r: r.line_no), entities, claimant):
            yield graph_id, written


@dataclass(frozen=True)
class Claimant:
    """The dataset as the claimant of its records: a known entity, or one each graph with claims declares."""

    node: ox.NamedNode
    label: str
    known: bool

    @classmethod
    def of(cls, label: str, directory: Directory) -> Claimant:
        known = directory.find((label,), "actor")
        return cls(ox.NamedNode(known or ENTITY + slug(label)), label, bool(known))


def write_chunks(
    graph_id: str, records: Iterable[Record], entities: Entities, claimant: Claimant, *, size: int | None = None
) -> Iterator[Written]:
    """The quads of one graph's records (related, entities settled), ``size`` records at a time (all at once: None).

    Each chunk declares the minted entities its records name (and the claimant, when it has
    claims), so a chunk can be checked and inferred on its own; a graph is a set, so the
    declarations repeated across chunks are one in the store.
    """
    graph = _Graph(graph_id)
    count = 0

    def flush() -> Written:
        if graph.claims and not claimant.known:
            graph.add(claimant.node, RDF + "type", ox.NamedNode(ONTOLOGY + "MonitoringGroup"))
            graph.add(claimant.node, RDFS + "label", ox.Literal(claimant.label, language="en"))
        _declare(graph, entities)
        return Written(graph.quads, graph.claims, count - done)

    done = 0
    for record in records:
        _record(graph, entities, record, claimant.node)
        count += 1
        if size is not None and count % size == 0:
            yield flush()
            done = count
            graph = _Graph(graph_id)
    if graph.quads or size is None or not count:
        yield flush()


def _declare(graph: _Graph, entities: Entities) -> None:
    """Type, label and position of every minted entity the graph's records name."""
    graph_id = graph.graph.value.removeprefix(GRAPH)
    for node in sorted(graph.used, key=lambda n: n.value):
        minted = entities.minted.get(node)
        if minted is None:
            continue  # a known entity: its own file declares it
        for cls in sorted(minted.classes):
            graph.add(node, RDF + "type", ox.NamedNode(ONTOLOGY + cls))
        label = minted.label
        graph.add(node, RDFS + "label", ox.Literal(label, language="en"))
        for name in sorted(minted.by_graph.get(graph_id, set()) - {label}):
            graph.add(node, SKOS + "altLabel", ox.Literal(name, language="en"))
        if minted.point is not None:
            graph.add(node, GEO + "lat", decimal(minted.point[0]))
            graph.add(node, GEO + "long", decimal(minted.point[1]))
        for region in sorted(minted.regions):
            graph.add(node, ONTOLOGY + "region", ox.Literal(region))


def _record(graph: _Graph, entities: Entities, r: Record, claimant: ox.NamedNode) -> None:
    local = r.local_name
    source = ox.NamedNode(SOURCE + local)
    day = _literal(r.date.isoformat(), "date")
    graph.add(source, RDF + "type", ox.NamedNode(ONTOLOGY + "SourceDocument"))
    graph.add(source, DCT + "title", ox.Literal(r.title, language="en"))
    graph.add(source, DCT + "identifier", ox.Literal(r.identifier))
    graph.add(source, ONTOLOGY + "sourceKind", ox.NamedNode(ONTOLOGY + "EventRecord"))
    graph.add(source, DCT + "language", _literal("en", "language"))
    graph.add(source, DCT + "date", day)
    graph.add(source, ONTOLOGY + "datePrecision", ox.NamedNode(ONTOLOGY + r.precision))
    graph.add(source, ONTOLOGY + "content", ox.Literal(r.line))
    graph.add(source, ONTOLOGY + "eventType", ox.Literal(r.event_type))
    if r.version_text:
        graph.add(source, ONTOLOGY + "recordVersion", ox.Literal(r.version_text))
    if r.url:
        graph.add(source, DCT + "source", ox.NamedNode(r.url))
    if r.cites:
        graph.add(source, DCT + "bibliographicCitation", ox.Literal(r.cites))
    if r.fatalities is not None:
        graph.add(source, ONTOLOGY + "fatalities", _literal(str(r.fatalities), "integer"))
    place = r.location
    if place is not None and place.name:
        node = entities.place(place)
        graph.used.add(node)
        graph.add(source, ONTOLOGY + "eventPlace", node)
    if place is not None and place.latitude is not None and place.longitude is not None:
        graph.add(source, GEO + "lat", decimal(place.latitude))
        graph.add(source, GEO + "long", decimal(place.longitude))
    if place is not None and place.precision:
        graph.add(source, ONTOLOGY + "geoPrecision", ox.NamedNode(ONTOLOGY + place.precision))
    for node in dict.fromkeys(entities.actor(a) for a in r.actors):
        graph.used.add(node)
        graph.add(source, ONTOLOGY + "eventActor", node)
    for old in r.supersedes:
        stamp = old.version or hashlib.sha1(f"{old.file}\n{old.line}".encode()).hexdigest()[:12]
        earlier = ox.NamedNode(f"{SOURCE}{local}-{slug(stamp)}")
        graph.add(source, PROV + "wasRevisionOf", earlier)
        graph.add(earlier, RDF + "type", ox.NamedNode(ONTOLOGY + "SupersededRecord"))
        graph.add(earlier, DCT + "identifier", ox.Literal(r.identifier))
        if old.version:
            graph.add(earlier, ONTOLOGY + "recordVersion", ox.Literal(old.version))
        graph.add(earlier, ONTOLOGY + "rowText", ox.Literal(old.line))
        graph.add(earlier, ONTOLOGY + "dataFile", ox.Literal(f"{old.file}:{old.line_no}"))
    for number, relation in enumerate(r.relations, 1):
        _claim(graph, entities, r, source, day, relation, f"{local}-{number}", claimant)


def _claim(
    graph: _Graph,
    entities: Entities,
    r: Record,
    source: ox.NamedNode,
    day: ox.Literal,
    relation: Relation,
    local: str,
    claimant: ox.NamedNode,
) -> None:
    subject = entities.actor(relation.subject)
    target = relation.target
    obj = entities.place(target) if isinstance(target, Location) else entities.actor(target)
    if subject == obj:
        return
    graph.used.update((subject, obj))
    graph.claims += 1
    claim = ox.NamedNode(CLAIM + local)
    predicate = ox.NamedNode(ONTOLOGY + relation.predicate)
    graph.quads.append(ox.Quad(subject, predicate, obj, graph.graph))
    graph.add(claim, RDF + "type", ox.NamedNode(ONTOLOGY + "Claim"))
    graph.add(claim, RDF + "subject", subject)
    graph.add(claim, RDF + "predicate", predicate)
    graph.add(claim, RDF + "object", obj)
    graph.add(claim, ONTOLOGY + "asserted", _literal("true", "boolean"))
    graph.add(claim, ONTOLOGY + "polarity", ox.NamedNode(ONTOLOGY + "Affirmed"))
    graph.add(claim, PROV + "wasDerivedFrom", source)
    graph.add(claim, PROV + "wasAttributedTo", claimant)
    graph.add(claim, ONTOLOGY + "eventDate", day)
    graph.add(claim, ONTOLOGY + "datePrecision", ox.NamedNode(ONTOLOGY + r.precision))
    graph.add(claim, ONTOLOGY + "reliability", ox.Literal(r.reliability))
    graph.add(claim, ONTOLOGY + "gradeReason", ox.Literal(r.reason, language="en"))
    if r.mentions is not None:
        graph.add(claim, ONTOLOGY + "mentions", _literal(str(r.mentions), "integer"))
    start, end = relation.quote
    # Blank nodes named after the claim: the same row always gives the same quads, so an import can
    # tell which graphs it changed, and a rebuild can be compared with the store an import left
    quote, position = ox.BlankNode(f"{local}-quote"), ox.BlankNode(f"{local}-position")
    graph.add(claim, OA + "hasSelector", quote)
    graph.add(quote, RDF + "type", ox.NamedNode(OA + "TextQuoteSelector"))
    graph.add(quote, OA + "exact", ox.Literal(r.line[start:end]))
    graph.add(claim, OA + "hasSelector", position)
    graph.add(position, RDF + "type", ox.NamedNode(OA + "TextPositionSelector"))
    graph.add(position, OA + "start", _literal(str(start), "integer"))
    graph.add(position, OA + "end", _literal(str(end), "integer"))
