"""Read the files of an event dataset (ACLED or GDELT) together, one event once, into one named graph per file.

Analysts download overlapping exports: this week's and last week's, a country file and a region
file. An event is one thing whichever file it came in, so the files of a dataset are read as
one: every event (by dataset and event id; for rows without a version stamp, id and date, since
ACLED's older releases reused ids) is kept once, in the graph of the file that has its newest
version (ACLED's ``timestamp``, GDELT's ``DATEADDED``: when the dataset last changed it). The
version it replaced is recorded beside it (``prov:wasRevisionOf`` a ``kg:SupersededRecord``
with its row, file and line). A copy of the same version in another file is kept once, in the
older file. When neither copy carries a version stamp (ACLED's older layouts) and they differ,
the copy in the newer file counts as the newer version. Files are ordered by their newest
version stamp, then their latest event date, then their name, never by when they were imported.

The build and ``kg import`` call the same :func:`read_dataset` with the same files, so the
data folder always builds to the store the imports left. Names join the entities already known
(a :class:`~kg.formats.names.Directory` of the gazetteer, the sources and the annotations,
never another event file), and what a dataset says of the entities it names itself is decided
from all its files at once (:func:`kg.formats.records.write_graphs`), so no graph depends on
the order in which the files came.
"""

from __future__ import annotations

import array
import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import progress
from kg.errors import DataError
from kg.formats import acled, gdelt, textfile
from kg.formats.names import Directory
from kg.formats.records import Claimant, Entities, Record, Superseded, Written, slug, write_chunks
from kg.namespaces import GRAPH

__all__ = [
    "DATASETS",
    "EVENT_SUFFIXES",
    "Dataset",
    "DatasetRead",
    "DatasetStream",
    "EventFile",
    "FileRead",
    "dataset_files",
    "event_graph_id",
    "event_kind",
    "read_dataset",
]


@dataclass(frozen=True)
class Dataset:
    """An event dataset: how its files are named in the data folder, read, related and attributed."""

    kind: str
    suffix: str
    claimant: str
    parse: Callable[..., object]
    relate: Callable[..., None]
    codes: Callable[[Record], tuple[tuple[str, int], ...]]


DATASETS = {
    "acled": Dataset("acled", ".acled.csv", "ACLED", acled.parse, acled.relate, acled.inter_codes),
    "gdelt": Dataset("gdelt", ".gdelt.tsv", "GDELT", gdelt.parse, gdelt.relate, gdelt.inter_codes),
}
"""The event datasets kg reads, by kind."""

EVENT_SUFFIXES = {d.suffix: d.kind for d in DATASETS.values()}
"""Event dataset files, by how their names end; each becomes one named graph of records."""


def event_kind(path: Path) -> str | None:
    """``acled`` or ``gdelt`` for an event dataset file, else None."""
    return next((kind for suffix, kind in EVENT_SUFFIXES.items() if path.name.lower().endswith(suffix)), None)


def event_graph_id(path: Path) -> str:
    """The graph id of an event file: ``acled-syria-2024`` for ``syria-2024.acled.csv``."""
    kind = event_kind(path)
    if kind is None:
        raise DataError(f"{path.name} is not named as an event file ({', '.join(EVENT_SUFFIXES)})")
    stem = path.name[: -len(DATASETS[kind].suffix)]
    return f"{kind}-{slug(stem)}"


def dataset_files(folder: Path, kind: str) -> list[Path]:
    """The files of one event dataset in a data folder (recursively, in name order), skipping hidden ones."""
    return sorted(
        p
        for p in folder.rglob(f"*{DATASETS[kind].suffix}")
        if p.is_file()
        and event_kind(p) == kind
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


@dataclass(frozen=True)
class EventFile:
    """One file of a dataset to read: where it is now, its name in the data folder, how messages name it."""

    path: Path
    name: str
    display: str
    encoding: str | None = None

    @property
    def graph_id(self) -> str:
        return event_graph_id(Path(self.name))


@dataclass
class FileRead:
    """What reading the dataset made of one file."""

    graph: str
    rows: int = 0
    events: int = 0
    """Events kept in this file's graph."""
    claims: int = 0
    updated: int = 0
    """Events whose version here replaced an older one from another file."""
    outdated: int = 0
    """Events of this file that another file has in a newer version."""
    duplicates: int = 0
    """Events of this file that another file (or this one) has in the same version."""
    unrelated_types: Counter[str] = field(default_factory=Counter)
    """Event types kg knows no relation for, with how many rows have each (ACLED)."""
    note: str | None = None
    """How the file was read, when that was unusual (an encoding, a zip member)."""


@dataclass
class DatasetRead:
    """What became of each file's rows, and (through :meth:`graphs`) the graph of each file."""

    files: dict[str, FileRead]
    """By file name in the data folder."""
    written: Iterator[tuple[str, Written]]

    def graphs(self) -> Iterator[tuple[str, list[ox.Quad]]]:
        """(graph IRI, quads) of every file, one at a time (a graph with no events has no quads)."""
        by_graph = {read.graph: read for read in self.files.values()}
        for graph_id, written in self.written:
            by_graph[GRAPH + graph_id].claims = written.claims
            yield GRAPH + graph_id, written.quads


_EVERY = 1000
"""Rows between two steps of the progress shown: a step per row would cost more than the row."""


_SAME = object()
"""A row's version text when it is its version written out (``1718630400``): not kept a second time."""

_NONE: tuple = ()


class _Row:
    """What the first pass keeps of a row: enough to decide which file keeps its event, nothing of its text.

    A million rows are kept at once, so each keeps as little as it can (about 600 bytes, measured
    with ``tracemalloc``): the inter codes shared between rows that give the same ones, the
    version text only when it is not the version written out, the fingerprint only when there
    is no version to compare (the only time it is read), and no list until a row replaces another.
    """

    __slots__ = ("_text", "codes", "file", "fingerprint", "key", "line_hash", "line_no", "supersedes", "version")

    def __init__(self, record: Record, file: int, codes: tuple[tuple[str, int], ...]) -> None:
        self.key = record.key
        self.version = record.version
        text = record.version_text
        self._text = _SAME if text is not None and record.version is not None and text == str(record.version) else text
        self.fingerprint = hash(record.fingerprint) if record.version is None else 0
        self.line_hash = hash(record.line)
        self.line_no = record.line_no
        self.file = file
        self.codes = codes
        self.supersedes: Sequence[_Row] = _NONE

    @property
    def version_text(self) -> str | None:
        return str(self.version) if self._text is _SAME else self._text  # type: ignore[return-value]


def _version(record: _Row) -> int:
    return record.version if record.version is not None else -1


def _newer(candidate: _Row, kept: _Row) -> bool:
    """Whether ``candidate`` (read later: from a newer file, or further down one) replaces ``kept``."""
    if _version(candidate) != _version(kept):
        return _version(candidate) > _version(kept)
    return candidate.version is None and candidate.fingerprint != kept.fingerprint


def _supersede(newer: _Row, older: _Row) -> None:
    """Record ``older`` as a version ``newer`` replaced, once per version (two files may hold the same old one)."""
    for known in newer.supersedes:
        if (older.version_text is not None and known.version_text == older.version_text) or (
            known.line_hash == older.line_hash
        ):
            return
    newer.supersedes = [*newer.supersedes, older]


class DatasetStream:
    """The files of one dataset read in passes, a row at a time, so memory does not grow with their text.

    The first pass keeps a few numbers per row (:class:`_Row`) and decides which file keeps each
    event; the second relates the kept rows and gathers what they say of their entities (per
    entity, not per row), after which only the kept rows' line numbers stay; :meth:`chunks` reads
    the files a third time and writes the quads of each file's graph a chunk of rows at a time.
    :func:`read_dataset` is the same passes, whole.
    """

    def __init__(self, kind: str, files: Sequence[EventFile], directory: Directory) -> None:
        if kind not in DATASETS:
            raise DataError(f"unknown event dataset {kind!r}; known: {', '.join(DATASETS)}")
        self.kind = kind
        self.dataset = DATASETS[kind]
        self.directory = directory
        named: dict[str, EventFile] = {}
        for file in files:
            other = named.setdefault(file.graph_id, file)
            if other is not file:
                raise DataError(
                    f"{other.display} and {file.display} would both be the graph kgg:{file.graph_id}; "
                    "rename one of them"
                )
        self.files: dict[str, FileRead] = {}
        self.rows: dict[str, int] = {}
        """Rows of each file, by name."""
        self._sources: dict[str, textfile.Source] = {}
        self._order: dict[str, tuple] = {}
        self._slashed: dict[str, tuple[str, ...] | None] = {}
        rows = self._scan(files)
        self.ordered = sorted(files, key=lambda f: self._order[f.name])  # oldest first: a later copy is newer
        self._kept = self._keep(rows)
        del rows
        self._gather()
        self._compact()

    def records(self, file: EventFile) -> Iterator[Record]:
        """The records of one file, read again from disk."""
        source = self._sources[file.name]
        kwargs = {"slashed": self._slashed[file.name]} if self.kind == "acled" else {}
        return self.dataset.parse(source.lines, name=file.display, file=file.name, **kwargs)  # type: ignore[operator]

    def _scan(self, files: Sequence[EventFile]) -> list[list[_Row]]:
        rows: list[list[_Row]] = []
        for number, file in enumerate(files):
            source = textfile.open_source(file.path, encoding=file.encoding, display=file.display)
            self._sources[file.name] = source
            self._slashed[file.name] = (
                acled.date_order(source.lines, name=file.display) if self.kind == "acled" else None
            )
            mine: list[_Row] = []
            newest, latest = -1, dt.date.min
            shared: dict[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]] = {}
            with progress.task(f"reading {file.name} (rows)") as step:
                for record in self.records(file):
                    codes = self.dataset.codes(record)
                    mine.append(_Row(record, number, shared.setdefault(codes, codes)))
                    newest = max(newest, record.version if record.version is not None else -1)
                    latest = max(latest, record.date)
                    if not len(mine) % _EVERY:
                        step.advance(_EVERY)
            rows.append(mine)
            self.rows[file.name] = len(mine)
            self.files[file.name] = FileRead(GRAPH + file.graph_id, rows=len(mine), note=source.note)
            self._order[file.name] = (newest, latest, file.name)
        self._names = [file.name for file in files]
        return rows

    def _keep(self, rows: list[list[_Row]]) -> dict[str, _Row]:
        """Each event's kept row, files taken oldest first; counts what became of the others."""
        kept: dict[str, _Row] = {}
        index = {name: number for number, name in enumerate(self._names)}
        results = self.files
        for file in self.ordered:
            for row in rows[index[file.name]]:
                current = kept.get(row.key)
                if current is None:
                    kept[row.key] = row
                elif _newer(row, current):
                    row.supersedes = list(current.supersedes)
                    _supersede(row, current)
                    results[self._names[current.file]].outdated += 1
                    kept[row.key] = row
                elif _version(row) == _version(current) and (
                    row.version is not None or row.fingerprint == current.fingerprint
                ):
                    results[self._names[row.file]].duplicates += 1
                else:
                    _supersede(current, row)
                    results[self._names[row.file]].outdated += 1
        return kept

    def _is_kept(self, record: Record, file: int) -> _Row | None:
        row = self._kept.get(record.key)
        return row if row is not None and row.file == file and row.line_no == record.line_no else None

    def _gather(self) -> None:
        """The second pass: relate the kept rows, gather their entities, keep the text of the rows they replaced."""
        codes: dict[str, set[int]] = defaultdict(set)
        for row in self._kept.values():
            for name, inter in row.codes:
                codes[name].add(inter)
        self._codes = codes
        wanted = {(old.file, old.line_no) for row in self._kept.values() for old in row.supersedes}
        self._lines: dict[tuple[int, int], str] = {}
        self.entities = Entities(self.kind, self.directory)
        index = {name: number for number, name in enumerate(self._names)}
        with progress.task(f"relating {self.kind} events (rows)", total=sum(self.rows.values())) as step:
            for file in self.ordered:
                self._relate_file(file, index[file.name], wanted, codes, step)
        for row in self._kept.values():
            if row.supersedes:
                self.files[self._names[row.file]].updated += 1
        self.entities.settle()
        self.claimant = Claimant.of(self.dataset.claimant, self.directory)

    def _relate_file(
        self,
        file: EventFile,
        number: int,
        wanted: set[tuple[int, int]],
        codes: dict[str, set[int]],
        step: progress.Task,
    ) -> None:
        result = self.files[file.name]
        for count, record in enumerate(self.records(file), 1):
            if not count % _EVERY:
                step.advance(_EVERY)
            if (number, record.line_no) in wanted:
                self._lines[number, record.line_no] = record.line
            if self._is_kept(record, number) is None:
                continue
            result.events += 1
            self.dataset.relate([record], self.directory.armed, codes)
            self.entities.note(record, file.graph_id)
            if self.kind == "acled" and record.coding.event_type.lower() not in acled.EVENT_TYPES:
                result.unrelated_types[record.coding.event_type] += 1

    def _compact(self) -> None:
        """Once related, keep of each kept row only its line number (8 bytes, in a sorted array per file) and
        of the few that replaced another what they replaced: the rows themselves (about 250 bytes each, a
        million at once for a million-row file) are let go before the chunks are written, so they do not
        add to the memory every chunk needs."""
        lines: dict[int, list[int]] = defaultdict(list)
        self._replaced: dict[tuple[int, int], Sequence[_Row]] = {}
        for row in self._kept.values():
            lines[row.file].append(row.line_no)
            if row.supersedes:
                self._replaced[row.file, row.line_no] = row.supersedes
        del self._kept
        self._kept_lines = {file: array.array("q", sorted(numbers)) for file, numbers in lines.items()}

    def _kept_records(self, file: EventFile, number: int) -> Iterator[Record]:
        kept = self._kept_lines.get(number, array.array("q"))
        for record in self.records(file):
            at = bisect.bisect_left(kept, record.line_no)
            if at == len(kept) or kept[at] != record.line_no:
                continue
            self.dataset.relate([record], self.directory.armed, self._codes)
            record.supersedes = [
                Superseded(old.version_text, self._lines[old.file, old.line_no], self._names[old.file], old.line_no)
                for old in self._replaced.get((number, record.line_no), _NONE)
            ]
            yield record

    def chunks(self, size: int | None = None) -> Iterator[tuple[str, Written]]:
        """(graph IRI, quads of up to ``size`` rows) of every file, file by file (``size`` None: a file at once)."""
        index = {name: number for number, name in enumerate(self._names)}
        for file in self.ordered:
            records = self._kept_records(file, index[file.name])
            claims = 0
            for written in write_chunks(file.graph_id, records, self.entities, self.claimant, size=size):
                claims += written.claims
                yield GRAPH + file.graph_id, written
                del written  # not held while the next chunk is made: a chunk's quads are hundreds of MB
            self.files[file.name].claims = claims


def read_dataset(kind: str, files: Sequence[EventFile], directory: Directory) -> DatasetRead:
    """Read every file of dataset ``kind`` together: each event once, in its newest version, one graph per file.

    ``directory`` holds the entities names may join. A malformed file is a :class:`DataError`
    naming it, its line and its column.
    """
    stream = DatasetStream(kind, files, directory)

    def written() -> Iterator[tuple[str, Written]]:
        for graph, whole in stream.chunks():
            yield graph.removeprefix(GRAPH), whole

    return DatasetRead(stream.files, written())
