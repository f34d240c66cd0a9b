"""The big listings (``claims``, ``claims-below-grade``, ``neighbourhood``) answered from derived tables.

Why: a row of the claims listings joins about twenty patterns, and Oxigraph 0.5 evaluates them as
a lookup per pattern per row, so every claim of a million-triple store streamed at 2,700-9,800
rows a second (issue 18; benchmarks/RESULTS.md). The same rows read from a table that holds each
claim's row ready-made stream at well over 100,000 rows a second. The 2-hop neighbourhood of a
busy actor at 1M is 85,524 rows out of 194,638 raw two-hop paths, a DISTINCT and a sort on
labels: 12,000 rows a second by SPARQL. Its table holds the relation triples as an adjacency
list of term numbers, each term's cells as Oxigraph writes them and each label's place in
Oxigraph's ORDER BY, so the two hops, the DISTINCT and the sort are a walk over integers.

What stays true:

- The store is the truth and the ``.rq`` files the interface. Each served listing has its own
  table (:func:`table_path`), derived from one generation of the store, inside that generation's
  directory, stamped with the generation's name, the query's name, a hash of its text and of the
  internal query that reads its rows, and the pyoxigraph that wrote its cells; a table that does
  not match (another generation, a changed query, another version of this module or of Oxigraph)
  is never read: it is built again. A table damaged past its stamp is an error of one line, and
  is removed, so the next listing builds it again. A query text other than the saved one, a
  remote endpoint, or a parameter bound to a term the table cannot compare the way SPARQL would
  go to SPARQL.
- The answer is the SPARQL answer: the same rows, in the same order, as the same terms. The
  claims rows are the engine's: ``queries/internal/listing-NAME.rq`` is the listing's own pattern written
  as single-predicate subqueries that Oxigraph joins by hash (one scan per predicate instead of
  twenty lookups per claim), without the listing's FILTER and ORDER BY, which this module applies
  (the as-of and grade comparisons in SQL, the order in Python). Where that is not exact (a claim
  in two rows, which would tie in the ORDER BY: two English labels on an entity, a claim in two
  graphs; an offset that is not an xsd:integer, a date that is not a plain xsd:date, a blank node
  in a cell ...), the table records that it cannot serve and the listing goes to SPARQL.
  The neighbourhood's parts are the engine's too (its edges, English labels and CONCATenated
  arrows, ``queries/internal/listing-neighbourhood-*.rq``); the hops, the MINUS, the DISTINCT
  and the ORDER BY are applied here, labels ordered as Oxigraph orders literals (by value, then
  datatype, then language). Two rows that would tie in its ORDER BY (two neighbours with the
  same English label, or none, by the same relation) come out in an order only the engine
  knows, and a blank node's label is the engine's: that entity's neighbourhood goes to SPARQL.
  ``tests/test_listings.py`` compares both paths on the seed and a synthetic store, for every
  served query, parameter and format.
- Each row is stored as Oxigraph's own TSV and CSV serialisers wrote it when the table was built;
  CSV and TSV answers are copied from there, JSON, XML and Python rows parsed off the TSV by
  Oxigraph and written by the same serialiser as the SPARQL answer.

Built lazily, by the first served listing of a generation, not at publish time: building a
table at 1M triples took 7-11 s on a loaded machine, about 0.6x of one SPARQL listing there
(benchmarks/RESULTS.md, 2026-11-30): a ``kg ingest`` of one article (well under a second) should
not pay that for tables nobody may read, while every listing after the first takes a fraction
of a second. The file is written beside and then renamed into
place, so a reader never sees half a table; a generation that cannot be written to (a read-only
copy) answers by SPARQL. The file beside is locked while it is written (``flock``, released by
the kernel when its writer dies), so a table build removes what a killed one left, and never a
file another process is still writing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg import queries
from kg.errors import StoreError
from kg.namespaces import PREFIXES, XSD
from kg.terms import Term

__all__ = ["SERVED", "Listing", "Unservable", "build", "remove_stale", "solutions", "table_path", "temporary"]

log = logging.getLogger(__name__)

VERSION = "4"
"""Raised whenever the rows this module computes change, so older tables are rebuilt."""

SERVED = ("claims", "claims-below-grade", "neighbourhood")
"""The saved queries answered from a derived table, each from its own."""

_INTERNAL = {
    "claims": ("listing-claims",),
    "claims-below-grade": ("listing-claims-below-grade",),
    "neighbourhood": ("listing-neighbourhood-edges", "listing-neighbourhood-labels", "listing-neighbourhood-relations"),
}
"""The internal queries (in ``queries/internal/``) whose rows each table holds."""

_CLAIMS_VARIABLES = (
    "claim subject subjectLabel predicate predicateLabel object objectLabel asserted polarity quote start end "
    "source claimant date until ended_on precision reliability reason since as_of dated_only"
).split()
_NEIGHBOURHOOD_VARIABLES = "entity hops neighbour neighbourLabel first viaLabel second".split()
_BELOW_VARIABLES = (
    "grade claim subjectLabel predicateLabel objectLabel asserted polarity when claimant reliability quote reason "
    "since as_of dated_only"
).split()

_XSD_DATE = XSD + "date"
_XSD_BOOLEAN = XSD + "boolean"
_XSD_STRING = XSD + "string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CHUNK_ROWS = 2000
_CSV = ox.QueryResultsFormat.CSV
_TSV = ox.QueryResultsFormat.TSV


class Unservable(Exception):
    """The store holds claims whose rows this module cannot reproduce exactly; SPARQL answers instead."""


# ---------------------------------------------------------------------------------------------
# Answering


class Listing:
    """A served listing's answer, read from its table when it is written or iterated.

    CSV and TSV are copied from the table, where each cell is stored as Oxigraph's own serialiser
    wrote it when the table was built (the parameters' cells written by it too, per query); JSON,
    XML and Python rows come from Oxigraph solutions parsed off those TSV rows. So the bytes are
    Oxigraph's either way, and the two formats a listing is streamed in skip a parse of every
    term (at 1M that parse and serialisation took 0.5 s of the 0.8 s for every claim).
    """

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
        raise NotImplementedError


class _Claims(Listing):
    """``claims`` or ``claims-below-grade``: the rows read from the table in order, filtered in SQL."""

    def __init__(self, path: Path, name: str, values: Mapping[str, object], bindings: Mapping[str, Term]) -> None:
        self._path, self._name, self._values = path, name, values
        self._variables = _CLAIMS_VARIABLES if name == "claims" else _BELOW_VARIABLES
        self._cells = _written(self._variables, bindings)

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
        try:
            with contextlib.closing(sqlite3.connect(_uri(self._path), uri=True, check_same_thread=False)) as connection:
                cursor = connection.execute(f"SELECT {column} FROM rows{where} ORDER BY position", arguments)
                while rows := cursor.fetchmany(_CHUNK_ROWS):
                    yield b"".join(head + row + tail for (row,) in rows)
        except sqlite3.Error as exc:
            raise _damaged(self._path, self._name, exc) from None


def _damaged(path: Path, name: str, exc: sqlite3.Error) -> StoreError:
    """The error for a table damaged past its stamp (the stamp is read first, so a truncated file is
    rebuilt before this), or removed with its generation: derived, so removed here and built again by
    the next listing."""
    try:
        path.unlink(missing_ok=True)
        remedy = "it was removed: run the listing again to rebuild it"
    except OSError:
        remedy = "remove it to have it rebuilt"
    return StoreError(
        f"the table of {name} at {path} could not be read ({exc}); {remedy}, or answer by SPARQL (kg query --no-table)"
    )


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
    """``row`` cut at ``separator`` (a row's cells, or an answer's rows); in CSV a quoted cell may hold the
    separator or a line break (and doubled quotes), so a cut inside one is not made."""
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
    cannot be written, or records that this store's claims are beyond it; for the neighbourhood,
    also when this entity's rows would tie in its ORDER BY or show a blank node.
    """
    if saved.name not in SERVED or saved.text != queries.get(saved.name).text:
        return None
    if saved.name == "neighbourhood":
        entity = bindings.get("entity")
        if set(bindings) != {"entity"} or not isinstance(entity, ox.NamedNode):
            return None
    else:
        values = _parameters(saved.name, bindings)
        if values is None:
            return None
    try:
        path = _open_table(saved.name, generation, inner)
    except (OSError, sqlite3.Error) as exc:
        log.info("the listings table of %s is unavailable (%s); answering by SPARQL", generation.name, exc)
        return None
    if path is None:
        return None
    if saved.name == "neighbourhood":
        return _neighbourhood(path, entity)
    return _Claims(path, saved.name, values, bindings)


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


def _open_table(name: str, generation: Path, inner: ox.Store) -> Path | None:
    """The table of ``name`` in this generation, built first if it is missing or stamped for something
    else; None if it records that it cannot serve."""
    path = table_path(generation, name)
    connection = _stamped(path, generation, name)
    if connection is None:
        build(inner, generation, name)
        connection = _stamped(path, generation, name)
        if connection is None:
            raise OSError(f"{path} was replaced while it was read")
    with contextlib.closing(connection):
        return path if _meta(connection).get("servable") == "1" else None


def _uri(path: Path) -> str:
    # read-only, so a reader never creates an empty file where the table went; immutable: the file is
    # never changed in place, only replaced whole
    return f"{path.absolute().as_uri()}?mode=ro&immutable=1"


def _stamped(path: Path, generation: Path, name: str) -> sqlite3.Connection | None:
    """The table at ``path`` if it belongs to ``generation`` and to the current queries and module."""
    try:
        connection = sqlite3.connect(_uri(path), uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None  # missing (or removed since): built again
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
    """What a table's rows depend on: the generation, this module, the saved query and the internal ones
    that read the rows (either may change without VERSION), and the Oxigraph that wrote the cells."""
    text = queries.get(name).text + "".join(queries.internal(f"internal/{query}") for query in _INTERNAL[name])
    return {
        "generation": generation.name,
        "version": VERSION,
        "oxigraph": ox.__version__,
        "query": name,
        "sha256": _sha256(text),
    }


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
    What killed writers left beside the tables of this generation is removed first.
    """
    path = table_path(generation, name)
    remove_stale(generation)
    # made before the rows are read, so a generation that cannot be written to (a copy shared
    # read-only) fails here at once, not after the whole table was computed in vain
    with temporary(path) as written_to:
        try:
            write = _neighbourhood_writer(inner) if name == "neighbourhood" else _claims_writer(inner, name)
            servable = True
        except Unservable as exc:
            log.info("%s answered by SPARQL for %s: %s", name, generation.name, exc)
            write, servable = _write_meta, False
        connection = sqlite3.connect(written_to)
        try:
            with connection:
                connection.execute("PRAGMA journal_mode = OFF")
                connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                meta = _stamp(generation, name) | {"servable": "1" if servable else "0"}
                connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
                write(connection)
        finally:
            connection.close()
        os.replace(written_to, path)
    return servable


@contextlib.contextmanager
def temporary(path: Path) -> Iterator[Path]:
    """A new file beside ``path`` to write its next version in, locked while this context lasts.

    The lock (``flock``, which the kernel releases when its holder dies, however it dies) is what
    tells :func:`remove_stale` a live writer from a killed one, with no guess from file ages or
    process ids, which another process may have taken since. The file is made, then locked, then
    checked to be still there: a cleaner that removed it before the lock was taken cannot have
    removed a file being written. What is left at the end (a failed write) is removed.
    """
    name = f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"  # one per writer
    written_to = path.with_name(name)
    while True:
        written_to.unlink(missing_ok=True)  # only this thread writes under this name: left by a dead one
        descriptor = os.open(written_to, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.stat(written_to), os.fstat(descriptor)):
                break
        except FileNotFoundError:
            pass
        os.close(descriptor)  # removed by a cleaner before it was locked: made again
    try:
        yield written_to
    finally:
        try:
            if os.path.samestat(os.stat(written_to), os.fstat(descriptor)):
                written_to.unlink()
        except FileNotFoundError:
            pass  # renamed into place
        finally:
            os.close(descriptor)


def remove_stale(generation: Path) -> list[Path]:
    """Remove the files a killed writer left beside the tables of ``generation``; the ones removed.

    A file is stale when no one holds its lock (see :func:`temporary`): its writer died before it
    could rename or remove it. A file still locked is being written and stays; so does anything
    this process cannot remove (a read-only generation).
    """
    removed = []
    for candidate in sorted(generation.glob(".listing-*.tmp")):
        try:
            descriptor = os.open(candidate, os.O_RDONLY)
        except OSError:
            continue  # gone since, or unreadable
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # still the file that was opened (not renamed into place, nor removed, since)
            if os.path.samestat(os.stat(candidate), os.fstat(descriptor)):
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue  # locked: a live writer (BlockingIOError); or gone, or not ours to remove
        finally:
            os.close(descriptor)
    if removed:
        log.info("removed %d temporary table file(s) left by killed writers in %s", len(removed), generation.name)
    return removed


def _write_meta(connection: sqlite3.Connection) -> None:
    """An unservable table: its stamp alone."""


def _claims_writer(inner: ox.Store, name: str) -> Callable[[sqlite3.Connection], None]:
    """The rows of a claims listing computed, and what writes them into a new table."""
    variables = _CLAIMS_VARIABLES[:-2] if name == "claims" else _BELOW_VARIABLES[1:-2]
    rows = (_claims_rows if name == "claims" else _below_rows)(inner)
    written = _as_written(rows, variables)
    return lambda connection: _write(connection, rows, written)


def _write(connection: sqlite3.Connection, rows: list[_Row], written: tuple[list[bytes], list[bytes]]) -> None:
    # begun: kg:effectiveDate; open: kg:openStart; ended: the kg:eventEnd the query compares;
    # letter and digit: the grade's two characters, which claims-below-grade compares
    connection.execute(
        "CREATE TABLE rows (position INTEGER PRIMARY KEY, tsv BLOB NOT NULL, csv BLOB NOT NULL,"
        " begun TEXT, open INTEGER, ended TEXT, letter TEXT NOT NULL, digit TEXT NOT NULL)"
    )
    tsv, csv = written
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
    written = ox.parse_query_results(text, format=_TSV).serialize(format=_CSV)
    csv = _split_cells(written, b"\r\n", csv=True)[1:-1]
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


_IRI_CELL = re.compile(rb"<([^<>]*)>")
_INTEGER_CELL = re.compile(rb"-?(?:0|[1-9][0-9]*)")
_DATE_CELL = re.compile(rb'"([0-9]{4}-[0-9]{2}-[0-9]{2})"\^\^<http://www\.w3\.org/2001/XMLSchema#date>')
_STRING_CELL = re.compile(rb'"([^"\\]*)"')


def _raw_rows(inner: ox.Store, name: str, width: int) -> Iterator[list[bytes]]:
    """The rows of ``internal/listing-NAME.rq`` as Oxigraph writes them in TSV, cut into cells.

    The query is the listing's own pattern, written as single-predicate subqueries Oxigraph joins
    by hash, without the listing's FILTER and ORDER BY: its rows are the listing's rows for
    every parameter value, as the engine itself evaluates them (which graph each pattern reads,
    OPTIONAL, LANGMATCHES, GROUP_CONCAT and its order). A claim in two rows (two labels, two
    graphs ...) would tie in the ORDER BY in an order only the engine knows: unservable. So is a
    blank node in a cell, whose label Oxigraph may write differently another time.
    """
    data = inner.query(
        queries.internal(f"internal/listing-{name}"), prefixes=PREFIXES, use_default_graph_as_union=True
    ).serialize(format=_TSV)
    seen: set[bytes] = set()
    for line in data.split(b"\n")[1:-1]:
        cells = line.split(b"\t")
        if cells[0] in seen:
            raise Unservable(f"{cells[0]!r} is more than one row of {name}")
        seen.add(cells[0])
        if any(cell.startswith(b"_:") for cell in cells[:width]):
            raise Unservable(f"a blank node would be a cell of {name}: {line[:200]!r}")
        yield cells


def _match(pattern: re.Pattern[bytes], cell: bytes, what: str) -> bytes:
    match = pattern.fullmatch(cell)
    if match is None:
        raise Unservable(f"{what} {cell[:100]!r} is not a term the table can order or compare as SPARQL does")
    return match[1] if pattern.groups else match[0]


def _date(cell: bytes, what: str) -> str | None:
    """A date the as-of FILTER compares (text that sorts as the date does); only a plain xsd:date is."""
    return _match(_DATE_CELL, cell, what).decode() if cell else None


def _flag(cell: bytes) -> int | None:
    if not cell:
        return None
    if cell not in (b"true", b"false"):
        raise Unservable(f"kg:openStart {cell[:100]!r} is not true or false")
    return 1 if cell == b"true" else 0


def _claims_rows(inner: ox.Store) -> list[_Row]:
    """``claims.rq``'s rows in its order: ``ORDER BY ?source ?start ?claim`` for IRIs and xsd:integer offsets."""
    width = len(_CLAIMS_VARIABLES) - 2
    keyed = []
    for cells in _raw_rows(inner, "claims", width):
        claim, start, source, until, when, open_ = (cells[i] for i in (0, 10, 12, 15, 21, 22))
        key = (_match(_IRI_CELL, source, "source"), int(_match(_INTEGER_CELL, start, "offset")))
        row = _Row(
            b"\t".join(cells[:width]), _date(when, "kg:effectiveDate"), _flag(open_), _date(until, "kg:eventEnd")
        )
        keyed.append(((*key, _match(_IRI_CELL, claim, "claim")), row))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


def _below_rows(inner: ox.Store) -> list[_Row]:
    """``claims-below-grade.rq``'s rows for every grade in its order: ``ORDER BY DESC(?reliability) ?claim``
    for plain-string grades and IRIs."""
    width = len(_BELOW_VARIABLES) - 3
    keyed = []
    for cells in _raw_rows(inner, "claims-below-grade", width):
        claim, when, grade, ended, open_ = (cells[i] for i in (0, 6, 8, 12, 13))
        reliability = _match(_STRING_CELL, grade, "kg:reliability").decode()
        row = _Row(
            b"\t".join(cells[:width]),
            _date(when, "kg:effectiveDate"),
            _flag(open_),
            _date(ended, "kg:eventEnd"),
            reliability,
        )
        keyed.append((reliability, _match(_IRI_CELL, claim, "claim"), row))
    keyed.sort(key=lambda item: item[1])
    keyed.sort(key=lambda item: item[0], reverse=True)  # stable: by grade descending, then by claim
    return [row for _, _, row in keyed]


# ---------------------------------------------------------------------------------------------
# The neighbourhood: an adjacency list of term numbers, walked two hops from the entity

_ARROWS = {"→": 0, "←": 1}
"""neighbourhood.rq's directions: "→" the entity (or the one in between) is the subject, "←" the object."""


class _Neighbourhood(Listing):
    """One entity's two-hop neighbourhood, already walked, deduplicated and sorted: each row is one
    integer (see :func:`_walk`), written through the cells the table holds for its terms."""

    def __init__(
        self,
        header: dict[ox.QueryResultsFormat, bytes],
        fixed: list[tuple[bytes, bytes]],
        rows: list[int],
        width: int,
        nodes: dict[int, tuple[bytes, bytes]],
        labels: dict[int, tuple[bytes, bytes]],
        texts: dict[int, tuple[bytes, bytes]],
    ) -> None:
        self._header, self._fixed, self._rows, self._width = header, fixed, rows, width
        self._nodes, self._labels, self._texts = nodes, labels, texts

    def _chunks(self, format: ox.QueryResultsFormat) -> Iterator[bytes]:
        column = 1 if format == _CSV else 0
        separator, end = (b",", b"\r\n") if format == _CSV else (b"\t", b"\n")
        entity, one, two, empty = (cells[column] for cells in self._fixed)
        # each cell with the separator that follows it; place 0 is an unbound label, or the "" ?second of one hop
        starts = {1: entity + separator + one + separator, 2: entity + separator + two + separator}
        nodes = {n: cells[column] + separator for n, cells in self._nodes.items()}
        labels = {p: cells[column] + separator for p, cells in self._labels.items()} | {0: separator}
        firsts = {p: cells[column] + separator for p, cells in self._texts.items()}
        seconds = {p: cells[column] + end for p, cells in self._texts.items()} | {0: empty + end}
        w = self._width
        mask = (1 << w) - 1
        yield self._header[format]
        for start in range(0, len(self._rows), _CHUNK_ROWS):
            yield b"".join(
                starts[row >> 5 * w]
                + nodes[row & mask]
                + labels[row >> 4 * w & mask]
                + firsts[row >> 3 * w & mask]
                + labels[row >> 2 * w & mask]
                + seconds[row >> w & mask]
                for row in self._rows[start : start + _CHUNK_ROWS]
            )


def _neighbourhood(path: Path, entity: ox.NamedNode) -> _Neighbourhood | None:
    """``neighbourhood.rq``'s answer for ``entity`` from its table, or None when SPARQL must answer it.

    The query's own steps, on term numbers: the relations at one hop (each labelled relation's
    triples, in both directions, with each of its labels' arrow words), the relations of those
    neighbours at two hops, less the entity and less every neighbour it has at one hop by any
    kg:Relation (its MINUS, which reads no label), each with every English label (or none) of the
    neighbour and of the one in between; DISTINCT, then ORDER BY ?hops ?neighbourLabel ?first
    ?viaLabel ?second on each term's place in Oxigraph's order. None when two rows tie in that
    order (the engine's sort is not stable, so only it knows theirs) or a neighbour is a blank node.
    """
    header, fixed = _neighbourhood_cells(entity)
    try:
        with contextlib.closing(sqlite3.connect(_uri(path), uri=True, check_same_thread=False)) as connection:
            return _walk(connection, header, fixed)
    except sqlite3.Error as exc:
        raise _damaged(path, "neighbourhood", exc) from None


def _walk(
    connection: sqlite3.Connection, header: dict[ox.QueryResultsFormat, bytes], fixed: list[tuple[bytes, bytes]]
) -> _Neighbourhood | None:
    """The walk of :func:`_neighbourhood`. A row is one integer, its fields side by side from the most
    significant: hops, the places (1-based; 0 for unbound or "") of ?neighbourLabel, ?first, ?viaLabel,
    ?second, then the neighbour's number; so DISTINCT is a set of integers, ORDER BY their sort, and
    a tie two integers equal but for the neighbour. (The places name the terms: one place, one term.)"""
    found = connection.execute("SELECT id FROM terms WHERE tsv = ?", (fixed[0][0],)).fetchone()
    if found is None:  # in no relation: no rows
        return _Neighbourhood(header, fixed, [], 1, {}, {}, {})
    entity = found[0]
    (terms,) = connection.execute("SELECT count(*) FROM terms").fetchone()
    width = (terms + 1).bit_length()
    texts: dict[tuple[int, int], list[int]] = {}  # (relation, arrow) -> its words' places
    text_cells: dict[int, tuple[bytes, bytes]] = {}
    for relation, arrow, place, tsv, csv in connection.execute(
        "SELECT relation, arrow, rank, tsv, csv FROM texts JOIN terms ON terms.id = texts.text"
    ):
        texts.setdefault((relation, arrow), []).append(place + 1)
        text_cells[place + 1] = (tsv, csv)
    labels: dict[int, list[int]] = {}  # node -> its English labels' places
    label_cells: dict[int, tuple[bytes, bytes]] = {}
    for node, place, tsv, csv in connection.execute(
        "SELECT node, rank, tsv, csv FROM labels JOIN terms ON terms.id = labels.label"
    ):
        labels.setdefault(node, []).append(place + 1)
        label_cells[place + 1] = (tsv, csv)
    unlabelled = [0]

    near = connection.execute("SELECT arrow, relation, other FROM adjacency WHERE node = ?", (entity,)).fetchall()
    minus = {other for _, _, other in near}
    rows: set[int] = set()
    firsts: dict[int, set[int]] = {}  # the one in between -> the places of its ?first words
    for arrow, relation, other in near:
        for first in texts.get((relation, arrow), ()):
            firsts.setdefault(other, set()).add(first)  # also the neighbours at one hop
            for label in labels.get(other, unlabelled):
                rows.add((((((1 << width | label) << width | first) << width) << width) << width) | other)
    # the one in between's part of a two-hop row: hops, ?first and ?viaLabel
    via_parts = {
        via: [
            (((2 << width) << width | first) << width | label) << (2 * width)
            for first in words
            for label in labels.get(via, unlabelled)
        ]
        for via, words in firsts.items()
    }
    neighbour_parts: dict[int, list[int]] = {}  # the neighbour's: ?neighbourLabel and itself
    far = connection.execute(
        "SELECT node, arrow, relation, other FROM adjacency WHERE node IN (SELECT value FROM json_each(?))",
        (json.dumps(list(firsts)),),
    )
    for via, arrow, relation, other in far:
        if other == entity or other in minus:
            continue
        seconds = texts.get((relation, arrow))
        if not seconds:
            continue
        parts = neighbour_parts.get(other)
        if parts is None:
            parts = neighbour_parts[other] = [label << (4 * width) | other for label in labels.get(other, unlabelled)]
        for second in seconds:
            for near_part in via_parts[via]:
                for part in parts:
                    rows.add(near_part | part | second << width)
    ordered = sorted(rows)
    if len({row >> width for row in ordered}) < len(ordered):
        return None  # a tie in ORDER BY: two neighbours with the same labels and words
    neighbours = firsts.keys() | neighbour_parts.keys()
    nodes: dict[int, tuple[bytes, bytes]] = {}
    for number, tsv, csv in connection.execute(
        "SELECT id, tsv, csv FROM terms WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(neighbours)),)
    ):
        if tsv.startswith(b"_:"):
            return None  # a blank node's label is the engine's to write
        nodes[number] = (tsv, csv)
    return _Neighbourhood(header, fixed, ordered, width, nodes, label_cells, text_cells)


def _neighbourhood_cells(entity: ox.NamedNode) -> tuple[dict[ox.QueryResultsFormat, bytes], list[tuple[bytes, bytes]]]:
    """The header, and the cells every answer needs (the entity, hops 1 and 2, the empty ?second of one
    hop) as Oxigraph writes them in TSV and CSV."""
    header_text = "\t".join(f"?{v}" for v in _NEIGHBOURHOOD_VARIABLES).encode("utf-8") + b"\n"
    header = {
        format: ox.parse_query_results(header_text, format=_TSV).serialize(format=format) for format in (_CSV, _TSV)
    }
    tsv, csv = _term_cells([str(entity).encode("utf-8"), b"1", b"2", b'""'])
    return header, list(zip(tsv, csv, strict=True))


def _term_cells(terms: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """Each term (written as a TSV cell) as Oxigraph's TSV and CSV serialisers write it."""
    text = b"?t\n" + b"".join(term + b"\n" for term in terms)
    tsv = ox.parse_query_results(text, format=_TSV).serialize(format=_TSV).split(b"\n")[1:-1]
    csv = _split_cells(ox.parse_query_results(text, format=_TSV).serialize(format=_CSV), b"\r\n", csv=True)[1:-1]
    if not len(tsv) == len(csv) == len(terms):
        raise Unservable(f"{len(terms)} terms were written as {len(tsv)} in TSV and {len(csv)} in CSV")
    return tsv, csv


def _tsv_rows(inner: ox.Store, name: str) -> list[list[bytes]]:
    """The rows of an internal query as Oxigraph writes them in TSV, cut into cells."""
    data = inner.query(queries.internal(f"internal/{name}"), prefixes=PREFIXES, use_default_graph_as_union=True)
    return [line.split(b"\t") for line in data.serialize(format=_TSV).split(b"\n")[1:-1]]


def _string_key(term: ox.Literal) -> tuple[str, str, str]:
    """A string literal's place in Oxigraph's ORDER BY: by value, then datatype, then language (two
    strings of one language, or two simple ones, by value alone: the same order)."""
    if not isinstance(term, ox.Literal) or term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
        raise Unservable(f"{term} is not a string: the table cannot order it as SPARQL does")
    return (term.value, term.datatype.value, term.language or "")


def _neighbourhood_writer(inner: ox.Store) -> Callable[[sqlite3.Connection], None]:
    """The neighbourhood's table computed from the store, and what writes it into a new file.

    Every term gets a number; the relation triples are stored from both ends (the node, the
    arrow as seen from it, the relation, the other end); each labelled relation's ?first/?second
    words per arrow, and each node's English labels, with their rank in Oxigraph's order.
    """
    numbers: dict[bytes, int] = {}

    def number(cell: bytes) -> int:
        found = numbers.get(cell)
        if found is None:
            found = numbers[cell] = len(numbers)
        return found

    adjacency = set()
    for subject, relation, object_ in _tsv_rows(inner, "listing-neighbourhood-edges"):
        s, p, o = number(subject), number(relation), number(object_)
        adjacency.add((s, 0, p, o))
        adjacency.add((o, 1, p, s))
    texts = []
    arrows = {_term_cells([f'"{arrow}"'.encode()])[0][0]: value for arrow, value in _ARROWS.items()}
    for relation, arrow, text in _tsv_rows(inner, "listing-neighbourhood-relations"):
        if not arrow:
            continue  # no label: in the MINUS (its triples are in the adjacency), in no row
        if not text:
            raise Unservable(f"a label of {relation[:100]!r} makes no ?first (CONCAT fails on it)")
        texts.append((number(relation), arrows[arrow], number(text)))
    labels = {(number(node), number(label)) for node, label in _tsv_rows(inner, "listing-neighbourhood-labels")}
    cells = list(numbers)
    tsv, csv = _term_cells(cells)
    terms = [
        solution[0] for solution in ox.parse_query_results(b"?t\n" + b"".join(c + b"\n" for c in cells), format=_TSV)
    ]
    rank: dict[int, int] = {}
    for group in ({t for _, _, t in texts}, {label for _, label in labels}):
        for place, term_number in enumerate(sorted(group, key=lambda n: _string_key(terms[n]))):
            rank[term_number] = place

    def write(connection: sqlite3.Connection) -> None:
        connection.execute("CREATE TABLE terms (id INTEGER PRIMARY KEY, tsv BLOB NOT NULL, csv BLOB NOT NULL)")
        connection.execute(
            "CREATE TABLE adjacency (node INTEGER, arrow INTEGER, relation INTEGER, other INTEGER,"
            " PRIMARY KEY (node, arrow, relation, other)) WITHOUT ROWID"
        )
        connection.execute(
            "CREATE TABLE texts (relation INTEGER, arrow INTEGER, text INTEGER, rank INTEGER NOT NULL,"
            " PRIMARY KEY (relation, arrow, text)) WITHOUT ROWID"
        )
        connection.execute(
            "CREATE TABLE labels (node INTEGER, label INTEGER, rank INTEGER NOT NULL, PRIMARY KEY (node, label))"
            " WITHOUT ROWID"
        )
        connection.executemany("INSERT INTO terms VALUES (?, ?, ?)", zip(range(len(cells)), tsv, csv, strict=True))
        connection.execute("CREATE INDEX terms_by_cell ON terms (tsv)")
        connection.executemany("INSERT INTO adjacency VALUES (?, ?, ?, ?)", sorted(adjacency))
        connection.executemany("INSERT OR IGNORE INTO texts VALUES (?, ?, ?, ?)", ((*t, rank[t[2]]) for t in texts))
        connection.executemany("INSERT INTO labels VALUES (?, ?, ?)", ((n, la, rank[la]) for n, la in sorted(labels)))

    return write
