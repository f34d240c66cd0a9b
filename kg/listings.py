"""The big listings (``claims``, ``claims-below-grade``) answered from a derived table of claims.

Why: a row of these listings joins about twenty patterns, and Oxigraph 0.5 evaluates them as a
lookup per pattern per row, so every claim of a million-triple store streamed at 2,700-9,800
rows a second (issue 18; benchmarks/RESULTS.md). The same rows read from a table that holds each
claim's row ready-made stream at well over 100,000 rows a second.

What stays true:

- The store is the truth and the ``.rq`` files the interface. Each served listing has its own
  table (:func:`table_path`), derived from one generation of the store, inside that generation's
  directory, stamped with the generation's name, the query's name and a hash of its text; a table
  that does not match (another generation, a changed query, another version of this module) is
  never read: it is built again. A query text other than the saved one, a remote endpoint, or a
  parameter bound to a term the table cannot compare the way SPARQL would go to SPARQL.
- The answer is the SPARQL answer: the same rows, in the same order, as the same terms. The
  rows are computed from single-predicate scans by the query's own semantics (which graph each
  pattern reads, OPTIONAL, LANGMATCHES, the claimant's GROUP_CONCAT in the engine's index order,
  the as-of FILTER, the ORDER BY). Where that semantics is not a single row per claim or an order
  this module can reproduce exactly (a claim matched twice, two English labels on an entity, an
  offset that is not an xsd:integer, a date that is not a plain xsd:date ...), the table records
  that it cannot serve and the listing goes to SPARQL. ``tests/test_listings.py`` compares both
  paths on the seed and a synthetic store, for every served query, parameter and format.
- Each row is stored as Oxigraph's own TSV and CSV serialisers wrote it when the table was built;
  CSV and TSV answers are copied from there, JSON, XML and Python rows parsed off the TSV by
  Oxigraph and written by the same serialiser as the SPARQL answer.

Built lazily, by the first served listing of a generation, not at publish time: building reads
about 850,000 quads at 1M triples, which took 23-32 s on a loaded machine, so the first listing
took 1.0-1.2x what one SPARQL listing took there (benchmarks/RESULTS.md, 2026-11-30): a ``kg
ingest`` of one article (well under a second) should not pay that for a table nobody may read,
while every listing after the first takes a fraction of a second. The file is written beside and then renamed into
place, so a reader never sees half a table; a generation that cannot be written to (a read-only
copy) answers by SPARQL.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg import queries
from kg.namespaces import OA, ONTOLOGY, PROV, RDF, RDFS, XSD
from kg.terms import Term

__all__ = ["SERVED", "Listing", "Unservable", "build", "solutions", "table_path"]

log = logging.getLogger(__name__)

VERSION = "3"
"""Raised whenever the rows this module computes change, so older tables are rebuilt."""

SERVED = ("claims", "claims-below-grade")
"""The saved queries answered from the table. ``neighbourhood`` is not: its rows are relations two
hops from one entity, not claims, with a DISTINCT and a sort on labels."""

_CLAIMS_VARIABLES = (
    "claim subject subjectLabel predicate predicateLabel object objectLabel asserted polarity quote start end "
    "source claimant date until ended_on precision reliability reason since as_of dated_only"
).split()
_BELOW_VARIABLES = (
    "grade claim subjectLabel predicateLabel objectLabel asserted polarity when claimant reliability quote reason "
    "since as_of dated_only"
).split()

_XSD_DATE = XSD + "date"
_XSD_INTEGER = XSD + "integer"
_XSD_BOOLEAN = XSD + "boolean"
_XSD_STRING = XSD + "string"
_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CANONICAL_INTEGER = re.compile(r"-?(?:0|[1-9]\d*)")
_CHUNK_ROWS = 2000
_CSV = ox.QueryResultsFormat.CSV
_TSV = ox.QueryResultsFormat.TSV


class Unservable(Exception):
    """The store holds claims whose rows this module cannot reproduce exactly; SPARQL answers instead."""


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


# ---------------------------------------------------------------------------------------------
# Answering


class Listing:
    """A served listing's answer, read from the table when it is written or iterated.

    CSV and TSV are copied from the table, where each row is stored as Oxigraph's own serialiser
    wrote it when the table was built (the parameters' cells written by it too, per query); JSON,
    XML and Python rows come from Oxigraph solutions parsed off the stored TSV. So the bytes are
    Oxigraph's either way, and the two formats a listing is streamed in skip a parse of every
    term (at 1M that parse and serialisation took 0.5 s of the 0.8 s for every claim).
    """

    def __init__(self, uri: str, name: str, values: Mapping[str, object], bindings: Mapping[str, Term]) -> None:
        self._uri, self._name, self._values = uri, name, values
        self._variables = _CLAIMS_VARIABLES if name == "claims" else _BELOW_VARIABLES
        self._cells = _written(self._variables, bindings)

    def solutions(self) -> ox.QuerySolutions:
        """The rows as pyoxigraph solutions, parsed as they are read."""
        reader = io.BufferedReader(_ChunkReader(self._chunks(_TSV)), 1 << 16)
        return ox.parse_query_results(reader, format=_TSV)

    def serialize(self, output: BinaryIO | None = None, *, format: ox.QueryResultsFormat) -> bytes | None:
        """Like ``QuerySolutions.serialize``: into ``output``, or as bytes when there is none."""
        if format not in (_CSV, _TSV):
            return self.solutions().serialize(output, format=format)
        if output is None:
            return b"".join(self._chunks(format))
        for chunk in self._chunks(format):
            output.write(chunk)
        return None

    def _chunks(self, format: ox.QueryResultsFormat) -> Iterator[bytes]:
        """The answer in CSV or TSV, a chunk of rows at a time: the header, then each row in order."""
        header, cells = self._cells[format]
        csv = format == _CSV
        separator, end = (b",", b"\r\n") if csv else (b"\t", b"\n")
        tail = separator + cells["as_of"] + separator + cells["dated_only"] + end
        head = cells["grade"] + separator if self._name == "claims-below-grade" else b""
        yield header
        values = self._values
        # in effect on as_of, as the FILTER of both queries has it (kg/queries/__init__.py); without as_of
        # every row passes (the FILTER's comparisons are errors, and COALESCE(..., true) keeps the row)
        conditions, arguments = [], {}
        if values["as_of"] is not None:
            conditions.append(
                "(COALESCE(begun, '9999-12-31') <= :as_of OR (open AND NOT :dated_only))"
                " AND (ended IS NULL OR ended >= :as_of)"
            )
            arguments |= {"as_of": values["as_of"], "dated_only": bool(values["dated_only"])}
        if self._name == "claims-below-grade":
            # SUBSTR(STR(?reliability), 1, 1) > SUBSTR(STR(?grade), 1, 1) || the same for the second character
            grade = str(values["grade"])
            conditions.append("(letter > :letter OR digit > :digit)")
            arguments |= {"letter": grade[:1], "digit": grade[1:2]}
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        column = "csv" if csv else "tsv"
        with contextlib.closing(sqlite3.connect(self._uri, uri=True, check_same_thread=False)) as connection:
            cursor = connection.execute(f"SELECT {column} FROM rows{where} ORDER BY position", arguments)
            while rows := cursor.fetchmany(_CHUNK_ROWS):
                yield b"".join(head + row + tail for (row,) in rows)


_Written = dict[ox.QueryResultsFormat, tuple[bytes, dict[str, bytes]]]


def _written(variables: list[str], bindings: Mapping[str, Term]) -> _Written:
    """The header and each parameter's cell (empty when unbound) as Oxigraph writes them in CSV and TSV."""
    names = [name for name in ("grade", "as_of", "dated_only") if name in bindings]
    text = "\t".join(f"?{v}" for v in variables) + "\n"
    if names:
        text += "\t".join(str(bindings[name]) if name in bindings else "" for name in variables) + "\n"
    written = {}
    for format, separator, end in ((_CSV, b",", b"\r\n"), (_TSV, b"\t", b"\n")):
        data = ox.parse_query_results(text.encode("utf-8"), format=_TSV).serialize(format=format)
        header, _, row = data.partition(end)
        cells = dict.fromkeys(("grade", "as_of", "dated_only"), b"")
        if names:
            # the parameters' cells are where the row has them; every other cell of that row is empty
            pieces = _split_cells(row[: -len(end)], separator, csv=format == _CSV)
            cells |= {name: pieces[variables.index(name)] for name in names}
        written[format] = (header + end, cells)
    return written


def _split_cells(row: bytes, separator: bytes, *, csv: bool) -> list[bytes]:
    """One row's cells; in CSV a quoted cell may hold the separator (and doubled quotes)."""
    pieces = row.split(separator)
    if not csv:
        return pieces
    cells: list[bytes] = []
    for piece in pieces:
        if cells and cells[-1].count(b'"') % 2 == 1:
            cells[-1] += separator + piece
        else:
            cells.append(piece)
    return cells


def solutions(
    generation: Path, inner: ox.Store, saved: queries.SavedQuery, bindings: Mapping[str, Term]
) -> Listing | None:
    """The answer to ``saved`` from the generation's table, or None when SPARQL must answer.

    None when the query is not a served one as saved (same name, same text), when a parameter is
    bound to a term the table cannot compare as SPARQL does, or when the table cannot be built,
    cannot be written, or records that this store's claims are beyond it.
    """
    if saved.name not in SERVED or saved.text != queries.get(saved.name).text:
        return None
    values = _parameters(saved.name, bindings)
    if values is None:
        return None
    try:
        uri = _open_table(saved.name, generation, inner)
    except (OSError, sqlite3.Error) as exc:
        log.info("the listings table of %s is unavailable (%s); answering by SPARQL", generation.name, exc)
        return None
    if uri is None:
        return None
    return Listing(uri, saved.name, values, bindings)


def _parameters(name: str, bindings: Mapping[str, Term]) -> dict[str, str | bool | None] | None:
    """The parameter values as the table compares them, or None if one is a term it cannot."""
    allowed = {"as_of", "dated_only"} | ({"grade"} if name == "claims-below-grade" else set())
    if set(bindings) - allowed:
        return None
    values: dict[str, str | bool | None] = {"as_of": None, "dated_only": None, "grade": None}
    as_of = bindings.get("as_of")
    if as_of is not None:
        if not (_is_literal(as_of, _XSD_DATE) and _PLAIN_DATE.fullmatch(as_of.value)):
            return None
        values["as_of"] = as_of.value
    dated_only = bindings.get("dated_only")
    if dated_only is not None:
        if not (_is_literal(dated_only, _XSD_BOOLEAN) and dated_only.value in ("true", "false")):
            return None
        values["dated_only"] = dated_only.value == "true"
    grade = bindings.get("grade")
    if grade is not None:
        if not _is_literal(grade, _XSD_STRING):
            return None
        values["grade"] = grade.value
    elif name == "claims-below-grade":
        return None  # required: SPARQL says so
    return values


def _is_literal(term: Term, datatype: str) -> bool:
    return isinstance(term, ox.Literal) and term.language is None and term.datatype.value == datatype


def table_path(generation: Path, name: str) -> Path:
    """Where the table of the served listing ``name`` lives: one file per listing, inside the generation,
    so a listing's first use builds only its own rows."""
    return generation / f"listing-{name}.sqlite"


def _open_table(name: str, generation: Path, inner: ox.Store) -> str | None:
    """The table of ``name`` in this generation (a URI to open it by), built first if it is missing
    or stamped for something else; None if it records that it cannot serve."""
    path = table_path(generation, name)
    connection = _stamped(path, generation, name)
    if connection is None:
        build(inner, generation, name)
        connection = _stamped(path, generation, name)
        if connection is None:
            raise OSError(f"{path} was replaced while it was read")
    with contextlib.closing(connection):
        return _uri(path) if _meta(connection).get("servable") == "1" else None


def _uri(path: Path) -> str:
    # immutable: the file is never changed in place, only replaced whole
    return f"{path.as_uri()}?immutable=1"


def _stamped(path: Path, generation: Path, name: str) -> sqlite3.Connection | None:
    """The table at ``path`` if it belongs to ``generation`` and to the current queries and module."""
    if not path.exists():
        return None
    connection = sqlite3.connect(_uri(path), uri=True, check_same_thread=False)
    try:
        meta = _meta(connection)
        if "servable" in meta and {k: v for k, v in meta.items() if k != "servable"} == _stamp(generation, name):
            return connection
    except sqlite3.Error:
        pass
    connection.close()
    return None


def _meta(connection: sqlite3.Connection) -> dict[str, str]:
    return dict(connection.execute("SELECT key, value FROM meta"))


def _stamp(generation: Path, name: str) -> dict[str, str]:
    text = queries.get(name).text
    return {"generation": generation.name, "version": VERSION, "query": name, "sha256": _sha256(text)}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _ChunkReader(io.RawIOBase):
    """A binary file over an iterator of byte chunks, for Oxigraph's parser to read as it goes."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()


# ---------------------------------------------------------------------------------------------
# Building


def build(inner: ox.Store, generation: Path, name: str) -> bool:
    """Write the table of listing ``name`` for ``generation`` (whose store is ``inner``); whether it can serve.

    Written to a file beside the table and renamed over it, so readers see the old table or the
    new one, never part of one. A store whose claims are beyond the table gets a table that says
    so (and nothing else), so the next listing goes straight to SPARQL instead of trying again.
    """
    path = table_path(generation, name)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # one per writer
    temporary.unlink(missing_ok=True)
    try:
        try:
            rows = (_claims_rows if name == "claims" else _below_rows)(_Scans(inner))
            servable = True
        except Unservable as exc:
            log.info("%s answered by SPARQL for %s: %s", name, generation.name, exc)
            rows, servable = [], False
        variables = _CLAIMS_VARIABLES[:-2] if name == "claims" else _BELOW_VARIABLES[1:-2]
        connection = sqlite3.connect(temporary)
        try:
            _write(connection, rows, variables, _stamp(generation, name) | {"servable": "1" if servable else "0"})
        finally:
            connection.close()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return servable


def _write(connection: sqlite3.Connection, rows: list[_Row], variables: list[str], meta: dict[str, str]) -> None:
    with connection:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        # begun: kg:effectiveDate; open: kg:openStart; ended: the kg:eventEnd the query compares;
        # letter and digit: the grade's two characters, which claims-below-grade compares
        connection.execute(
            "CREATE TABLE rows (position INTEGER PRIMARY KEY, tsv BLOB NOT NULL, csv BLOB NOT NULL,"
            " begun TEXT, open INTEGER, ended TEXT, letter TEXT NOT NULL, digit TEXT NOT NULL)"
        )
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        tsv, csv = _as_written(rows, variables)
        connection.executemany(
            "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (i, tsv[i], csv[i], r.begun, r.open, r.ended, r.reliability[:1], r.reliability[1:2])
                for i, r in enumerate(rows)
            ),
        )


def _as_written(rows: list[_Row], variables: list[str]) -> tuple[list[bytes], list[bytes]]:
    """Each row's cells as Oxigraph's TSV and CSV serialisers write them: the rows are parsed once and
    written once in each format, then cut into rows (in CSV, at line ends outside quoted cells)."""
    header = "\t".join(f"?{v}" for v in variables).encode("utf-8")
    text = b"\n".join([header, *(row.cells for row in rows)]) + b"\n"
    tsv = ox.parse_query_results(text, format=_TSV).serialize(format=_TSV).split(b"\n")[1:-1]
    csv: list[bytes] = []
    for line in ox.parse_query_results(text, format=_TSV).serialize(format=_CSV).split(b"\r\n")[1:-1]:
        if csv and csv[-1].count(b'"') % 2 == 1:
            csv[-1] += b"\r\n" + line
        else:
            csv.append(line)
    if not len(tsv) == len(csv) == len(rows):
        raise Unservable(f"{len(rows)} rows were written as {len(tsv)} in TSV and {len(csv)} in CSV")
    return tsv, csv


@dataclass(frozen=True)
class _Row:
    cells: bytes
    begun: str | None
    open: int | None
    ended: str | None
    reliability: str = ""


class _Scans:
    """The quads the two listings read, one scan per predicate, indexed by the subject's value.

    Each entry keeps the graph (its IRI, "" for the default graph) and the object, with
    multiplicity: the union default graph Oxigraph queries repeats a triple held in two graphs,
    and a pattern inside ``GRAPH ?g`` sees only the named graphs. Keys are strings, not
    pyoxigraph terms, whose hashing cost more than the scans (an IRI and a blank node cannot
    share a value: an IRI has a scheme, a blank node label no colon).
    """

    def __init__(self, inner: ox.Store) -> None:
        self.inner = inner
        self._indexes: dict[str, dict[str, list[tuple[str, Term]]]] = {}
        self._typed: dict[str, set[tuple[str, str]]] = {}
        self.claimants: dict[str, Term | None] = {}
        """Each claim's claimant, computed for one listing and read again by the other."""
        self.labels: dict[tuple[Term, Term, Term], list[Term | None]] = {}

    def __call__(self, predicate: str) -> dict[str, list[tuple[str, Term]]]:
        if predicate not in self._indexes:
            index: dict[str, list[tuple[str, Term]]] = defaultdict(list)
            for quad in self.inner.quads_for_pattern(None, _n(predicate), None, None):
                graph = quad.graph_name
                index[quad.subject.value].append(
                    ("" if isinstance(graph, ox.DefaultGraph) else graph.value, quad.object)
                )
            self._indexes[predicate] = index
        return self._indexes[predicate]

    def union(self, predicate: str, subject: str) -> list[Term]:
        """The objects of ``subject``'s ``predicate`` in every graph (the union default graph)."""
        entries = self(predicate).get(subject)
        if not entries:
            return []
        return [entries[0][1]] if len(entries) == 1 else [value for _, value in entries]

    @property
    def core(self) -> list[dict[str, list[tuple[str, Term]]]]:
        """The indexes of the predicates every claim has once in its graph, in ``_CORE``'s order."""
        return [self(p) for p in _CORE]

    def typed_as(self, cls: str) -> set[tuple[str, str]]:
        """``(node, graph)`` for each quad typing a node as ``cls``."""
        if cls not in self._typed:
            self._typed[cls] = {
                (q.subject.value, "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value)
                for q in self.inner.quads_for_pattern(None, _n(RDF + "type"), _n(cls), None)
            }
        return self._typed[cls]


def _in(entries: list[tuple[str, Term]], graph: str) -> list[Term]:
    """The objects of ``entries`` in the named graph ``graph``."""
    return [value for where, value in entries if where == graph]


def _one(values: list[Term], what: str, claim: str) -> Term | None:
    """The one value of an OPTIONAL pattern, None if there is none; two would be two rows."""
    if len(values) > 1:
        raise Unservable(f"<{claim}> has {len(values)} values of {what}")
    return values[0] if values else None


def _line(cells: list[Term | None]) -> bytes:
    """A row as TSV of N-Triples terms; a blank node as a cell (``_:`` starts no other term) is unservable:
    whether Oxigraph would write it under the same label is not known here."""
    line = "\t".join(["" if term is None else str(term) for term in cells])
    if line.startswith("_:") or "\t_:" in line:
        raise Unservable(f"a blank node would be a cell of {line[:200]}")
    return line.encode("utf-8")


def _english(labels: list[Term]) -> list[Term]:
    """The labels that pass ``FILTER(LANGMATCHES(LANG(?label), "en"))``."""
    return [
        label
        for label in labels
        if isinstance(label, ox.Literal)
        and label.language is not None
        and (label.language.lower() == "en" or label.language.lower().startswith("en-"))
    ]


def _claimant(scans: _Scans, claim: str) -> Term | None:
    """``GROUP_CONCAT(DISTINCT COALESCE(?agentLabel, STR(?agent)); separator="; ")`` over the claim's agents.

    None when the claim has no agent (the grouped subquery has no row for it). Names are joined
    in the order Oxigraph meets them: its index order, agent by agent and label by label, which
    is the order its scans give them here too (the tests hold a claim with two claimants to it);
    the language tag stays when every name has the same one.
    """
    if claim in scans.claimants:
        return scans.claimants[claim]
    scans.claimants[claim] = name = _concatenated(scans, claim)
    return name


def _concatenated(scans: _Scans, claim: str) -> Term | None:
    agents = scans.union(PROV + "wasAttributedTo", claim)
    if not agents:
        return None
    names: dict[Term, None] = {}
    for agent in agents:
        found = scans.union(RDFS + "label", agent.value) if not isinstance(agent, ox.Literal) else []
        if found:
            names.update(dict.fromkeys(found))
        elif isinstance(agent, ox.NamedNode):
            names[ox.Literal(agent.value)] = None
        else:
            raise Unservable(f"<{claim}> is attributed to {agent}, which has no label")
    if len(names) == 1:
        (name,) = names
        if isinstance(name, ox.Literal) and (name.language is not None or name.datatype.value == _XSD_STRING):
            return name
    for name in names:
        if not isinstance(name, ox.Literal) or (name.language is None and name.datatype.value != _XSD_STRING):
            raise Unservable(f"<{claim}> has a claimant name that is not a string: {name}")
    languages = {name.language for name in names}  # type: ignore[union-attr]
    text = "; ".join(name.value for name in names)  # type: ignore[union-attr]
    language = languages.pop() if len(languages) == 1 else None
    return ox.Literal(text, language=language) if language else ox.Literal(text)


def _date(term: Term | None, what: str, claim: str) -> str | None:
    """A date the as-of FILTER compares, as text that sorts as the date does; other terms are unservable."""
    if term is None:
        return None
    if _is_literal(term, _XSD_DATE) and _PLAIN_DATE.fullmatch(term.value):
        return term.value
    raise Unservable(f"<{claim}> has a {what} that is not a plain xsd:date: {term}")


def _flag(term: Term | None, claim: str) -> int | None:
    if term is None:
        return None
    if _is_literal(term, _XSD_BOOLEAN) and term.value in ("true", "false"):
        return 1 if term.value == "true" else 0
    raise Unservable(f"<{claim}> has a kg:openStart that is not true or false: {term}")


def _since(when: Term | None, open_: int | None) -> ox.Literal | None:
    """``IF(COALESCE(?open, false), CONCAT("before ", STR(?when)), STR(?when))``: unbound without a date."""
    if when is None:
        return None
    assert isinstance(when, ox.Literal)
    return ox.Literal(f"before {when.value}" if open_ else when.value)


def _labels(scans: _Scans, claim: str, subject: Term, predicate: Term, object_: Term) -> list[Term | None]:
    """The three OPTIONAL labels: English for subject and object, any for the predicate."""
    key = (subject, predicate, object_)
    if key in scans.labels:
        return scans.labels[key]

    def labels(term: Term) -> list[Term]:
        return [] if isinstance(term, ox.Literal) else scans.union(RDFS + "label", term.value)

    scans.labels[key] = found = [
        _one(_english(labels(subject)), "English subject labels", claim),
        _one(labels(predicate), "predicate labels", claim),
        _one(_english(labels(object_)), "English object labels", claim),
    ]
    return found


_CORE = [
    RDF + "subject",
    RDF + "predicate",
    RDF + "object",
    ONTOLOGY + "asserted",
    ONTOLOGY + "polarity",
    ONTOLOGY + "reliability",
    ONTOLOGY + "gradeReason",
    PROV + "wasDerivedFrom",
]


def _graph_matches(scans: _Scans, claim: str, *, positions: bool, typed: bool, grade: Term | None = None) -> list:
    """The solutions of the claim's ``GRAPH ?g { ... }`` block: its core values, quote and offsets per graph.

    ``positions``: the block reads the offsets (``claims``); ``typed``: it holds ``?claim a
    kg:Claim`` (``claims-below-grade``), whose ``grade`` is already bound. More than one solution
    is unservable; none means the claim is not in the listing.
    """
    core = [index.get(claim, ()) for index in scans.core]
    graphs = dict.fromkeys(where for where, _ in core[0] if where)
    # the common case, read without filtering each list: one value of each, all in one graph
    single = len(graphs) == 1 and all(len(entries) == 1 and entries[0][0] in graphs for entries in core)
    exact, start, end = (scans(OA + p) for p in ("exact", "start", "end"))
    matches = []
    for graph in graphs:
        if typed and (claim, graph) not in scans.typed_as(ONTOLOGY + "Claim"):
            continue
        values = [[entries[0][1]] for entries in core] if single else [_in(entries, graph) for entries in core]
        if grade is not None:
            values[5] = [value for value in values[5] if value == grade]
        selectors = _in(scans(OA + "hasSelector").get(claim, []), graph)
        quoted = scans.typed_as(OA + "TextQuoteSelector")
        quotes = [q for s in selectors if (s.value, graph) in quoted for q in _in(exact.get(s.value, []), graph)]
        count = len(quotes)
        offsets: list[tuple[Term, Term]] = []
        if positions:
            placed = scans.typed_as(OA + "TextPositionSelector")
            offsets = [
                (a, b)
                for s in selectors
                if (s.value, graph) in placed
                for a in _in(start.get(s.value, []), graph)
                for b in _in(end.get(s.value, []), graph)
            ]
            count *= len(offsets)
        for found in values:
            count *= len(found)
        if count > 1:
            raise Unservable(f"<{claim}> matches {count} times in <{graph}>")
        if count == 1:
            matches.append((graph, [found[0] for found in values], quotes[0], offsets[0] if positions else None))
    if len(matches) > 1:
        raise Unservable(f"<{claim}> matches in {len(matches)} graphs")
    return matches


def _claims_rows(scans: _Scans) -> list[_Row]:
    """``claims.rq``: a claimant subquery over claims typed kg:Claim, joined with the claim's own graph."""
    typed_claims = {node for node, _ in scans.typed_as(ONTOLOGY + "Claim")}
    keyed: list[tuple[tuple[str, int, str], _Row]] = []
    for claim in scans(RDF + "subject"):
        if claim not in typed_claims:
            continue
        matches = _graph_matches(scans, claim, positions=True, typed=False)
        if not matches:
            continue
        claimant = _claimant(scans, claim)
        if claimant is None:
            continue
        graph, core, quote, (start, end) = matches[0]
        subject, predicate, object_, asserted, polarity, reliability, reason, source = core
        event_date, event_start, until = (
            _one(_in(scans(ONTOLOGY + p).get(claim, []), graph), p, claim)
            for p in ("eventDate", "eventStart", "eventEnd")
        )
        when = _one(scans.union(ONTOLOGY + "effectiveDate", claim), "kg:effectiveDate", claim)
        open_ = _flag(_one(scans.union(ONTOLOGY + "openStart", claim), "kg:openStart", claim), claim)
        ended_on = _one(scans.union(ONTOLOGY + "endedOn", claim), "kg:endedOn", claim)
        polarity_label = _one(scans.union(RDFS + "label", polarity.value), "polarity labels", claim)
        precision = _one(
            [
                label
                for level in scans.union(ONTOLOGY + "datePrecision", claim)
                if not isinstance(level, ox.Literal)
                for label in scans.union(RDFS + "label", level.value)
            ],
            "date precision labels",
            claim,
        )
        subject_label, predicate_label, object_label = _labels(scans, claim, subject, predicate, object_)
        cells = [
            ox.NamedNode(claim), subject, subject_label, predicate, predicate_label, object_, object_label, asserted,
            polarity_label, quote, start, end, source, claimant, event_date or event_start, until, ended_on,
            precision, reliability, reason, _since(when, open_),
        ]  # fmt: skip
        row = _Row(
            _line(cells),
            _date(when, "kg:effectiveDate", claim),
            open_,
            _date(until, "kg:eventEnd", claim),
        )
        keyed.append((_claims_key(claim, source, start), row))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


def _claims_key(claim: str, source: Term, start: Term) -> tuple[str, int, str]:
    """``ORDER BY ?source ?start ?claim`` for IRIs and xsd:integer offsets; other terms are unservable."""
    if not isinstance(source, ox.NamedNode) or ":" not in claim:
        raise Unservable(f"<{claim}> or its source {source} is not an IRI")
    if not (_is_literal(start, _XSD_INTEGER) and _CANONICAL_INTEGER.fullmatch(start.value)):
        raise Unservable(f"<{claim}> has an offset that is not a canonical xsd:integer: {start}")
    return source.value, int(start.value), claim


def _below_rows(scans: _Scans) -> list[_Row]:
    """``claims-below-grade.rq`` for every grade: each graded claim with its graph part, polarity and claimant."""
    keyed: list[tuple[str, str, _Row]] = []
    for claim, entries in scans(ONTOLOGY + "reliability").items():
        if len(entries) > 1:
            raise Unservable(f"<{claim}> has {len(entries)} kg:reliability values")
        ((_, reliability),) = entries
        if not _is_literal(reliability, _XSD_STRING) or ":" not in claim:
            raise Unservable(f"<{claim}> or its grade {reliability} is not an IRI and a plain string")
        matches = _graph_matches(scans, claim, positions=False, typed=True, grade=reliability)
        if not matches:
            continue
        _, (subject, predicate, object_, asserted, polarity, _, reason, _), quote, _ = matches[0]
        polarity_labels = scans.union(RDFS + "label", polarity.value) if not isinstance(polarity, ox.Literal) else []
        if not polarity_labels:
            continue
        polarity_label = _one(polarity_labels, "polarity labels", claim)
        claimant = _claimant(scans, claim)
        if claimant is None:
            continue
        when = _one(scans.union(ONTOLOGY + "effectiveDate", claim), "kg:effectiveDate", claim)
        ended = _one(scans.union(ONTOLOGY + "eventEnd", claim), "kg:eventEnd", claim)
        open_ = _flag(_one(scans.union(ONTOLOGY + "openStart", claim), "kg:openStart", claim), claim)
        cells = [
            ox.NamedNode(claim), *_labels(scans, claim, subject, predicate, object_), asserted, polarity_label, when,
            claimant, reliability, quote, reason, _since(when, open_),
        ]  # fmt: skip
        row = _Row(
            _line(cells),
            _date(when, "kg:effectiveDate", claim),
            open_,
            _date(ended, "kg:eventEnd", claim),
            reliability.value,
        )
        keyed.append((reliability.value, claim, row))
    # ORDER BY DESC(?reliability) ?claim: by claim, then (stably) by grade descending
    keyed.sort(key=lambda item: item[1])
    keyed.sort(key=lambda item: item[0], reverse=True)
    return [row for _, _, row in keyed]
