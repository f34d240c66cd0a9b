"""The big listings (``claims``, ``claims-below-grade``) answered from a derived table of claims.

Why: a row of these listings joins about twenty patterns, and Oxigraph 0.5 evaluates them as a
lookup per pattern per row, so every claim of a million-triple store streamed at 2,700-9,800
rows a second (issue 18; benchmarks/RESULTS.md). The same rows read from a table that holds each
claim's row ready-made stream at well over 100,000 rows a second.

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
  rows are the engine's: ``queries/internal/listing-NAME.rq`` is the listing's own pattern written
  as single-predicate subqueries that Oxigraph joins by hash (one scan per predicate instead of
  twenty lookups per claim), without the listing's FILTER and ORDER BY, which this module applies
  (the as-of and grade comparisons in SQL, the order in Python). Where that is not exact (a claim
  in two rows, which would tie in the ORDER BY: two English labels on an entity, a claim in two
  graphs; an offset that is not an xsd:integer, a date that is not a plain xsd:date, a blank node
  in a cell ...), the table records that it cannot serve and the listing goes to SPARQL.
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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg import queries
from kg.errors import StoreError
from kg.namespaces import PREFIXES, XSD
from kg.terms import Term

__all__ = ["SERVED", "Listing", "Unservable", "build", "solutions", "table_path"]

log = logging.getLogger(__name__)

VERSION = "4"
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
_XSD_BOOLEAN = XSD + "boolean"
_XSD_STRING = XSD + "string"
_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CHUNK_ROWS = 2000
_CSV = ox.QueryResultsFormat.CSV
_TSV = ox.QueryResultsFormat.TSV


class Unservable(Exception):
    """The store holds claims whose rows this module cannot reproduce exactly; SPARQL answers instead."""


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

    def __init__(self, path: Path, name: str, values: Mapping[str, object], bindings: Mapping[str, Term]) -> None:
        self._path, self._name, self._values = path, name, values
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
        try:
            with contextlib.closing(sqlite3.connect(_uri(self._path), uri=True, check_same_thread=False)) as connection:
                cursor = connection.execute(f"SELECT {column} FROM rows{where} ORDER BY position", arguments)
                while rows := cursor.fetchmany(_CHUNK_ROWS):
                    yield b"".join(head + row + tail for (row,) in rows)
        except sqlite3.Error as exc:
            # damaged past its stamp (the stamp is read first, so a truncated file is rebuilt before this),
            # or removed with its generation: derived, so removed here and built again by the next listing
            try:
                self._path.unlink(missing_ok=True)
                remedy = "it was removed: run the listing again to rebuild it"
            except OSError:
                remedy = "remove it to have it rebuilt"
            raise StoreError(
                f"the table of {self._name} at {self._path} could not be read ({exc}); {remedy}, "
                "or answer by SPARQL (kg query --no-table)"
            ) from None


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
    cannot be written, or records that this store's claims are beyond it.
    """
    if saved.name not in SERVED or saved.text != queries.get(saved.name).text:
        return None
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
    return Listing(path, saved.name, values, bindings)


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
    return f"{path.as_uri()}?mode=ro&immutable=1"


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
    """What a table's rows depend on: the generation, this module, the saved query and the internal one
    that reads the rows (either may change without VERSION), and the Oxigraph that wrote the cells."""
    text = queries.get(name).text + queries.internal(f"internal/listing-{name}")
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
    """
    path = table_path(generation, name)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # one per writer
    temporary.unlink(missing_ok=True)
    try:
        # made before the rows are read, so a generation that cannot be written to (a copy shared
        # read-only) fails here at once, not after the whole table was computed in vain
        temporary.touch(exist_ok=False)
        variables = _CLAIMS_VARIABLES[:-2] if name == "claims" else _BELOW_VARIABLES[1:-2]
        try:
            rows = (_claims_rows if name == "claims" else _below_rows)(inner)
            written = _as_written(rows, variables)
            servable = True
        except Unservable as exc:
            log.info("%s answered by SPARQL for %s: %s", name, generation.name, exc)
            rows, written, servable = [], ([], []), False
        connection = sqlite3.connect(temporary)
        try:
            _write(connection, rows, written, _stamp(generation, name) | {"servable": "1" if servable else "0"})
        finally:
            connection.close()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return servable


def _write(
    connection: sqlite3.Connection, rows: list[_Row], written: tuple[list[bytes], list[bytes]], meta: dict[str, str]
) -> None:
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
