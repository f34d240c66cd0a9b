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

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError
from kg.formats import acled, gdelt, textfile
from kg.formats.names import Directory
from kg.formats.records import Record, Superseded, Written, slug, write_graphs
from kg.namespaces import GRAPH

__all__ = [
    "DATASETS",
    "EVENT_SUFFIXES",
    "Dataset",
    "DatasetRead",
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


DATASETS = {
    "acled": Dataset("acled", ".acled.csv", "ACLED", acled.parse, acled.relate),
    "gdelt": Dataset("gdelt", ".gdelt.tsv", "GDELT", gdelt.parse, gdelt.relate),
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


def _version(record: Record) -> int:
    return record.version if record.version is not None else -1


def _newer(candidate: Record, kept: Record) -> bool:
    """Whether ``candidate`` (read later: from a newer file, or further down one) replaces ``kept``."""
    if _version(candidate) != _version(kept):
        return _version(candidate) > _version(kept)
    return candidate.version is None and candidate.fingerprint != kept.fingerprint


def _supersede(newer: Record, older: Record) -> None:
    """Record ``older`` as a version ``newer`` replaced, once per version (two files may hold the same old one)."""
    for known in newer.supersedes:
        if (older.version_text is not None and known.version == older.version_text) or known.line == older.line:
            return
    newer.supersedes.append(Superseded(older.version_text, older.line, older.file, older.line_no))


def read_dataset(kind: str, files: Sequence[EventFile], directory: Directory) -> DatasetRead:
    """Read every file of dataset ``kind`` together: each event once, in its newest version, one graph per file.

    ``directory`` holds the entities names may join. A malformed file is a :class:`DataError`
    naming it, its line and its column.
    """
    if kind not in DATASETS:
        raise DataError(f"unknown event dataset {kind!r}; known: {', '.join(DATASETS)}")
    dataset = DATASETS[kind]
    named: dict[str, EventFile] = {}
    for file in files:
        other = named.setdefault(file.graph_id, file)
        if other is not file:
            raise DataError(
                f"{other.display} and {file.display} would both be the graph kgg:{file.graph_id}; rename one of them"
            )
    parsed: list[tuple[EventFile, list[Record]]] = []
    results: dict[str, FileRead] = {}
    for file in files:
        text = textfile.read(file.path, encoding=file.encoding, display=file.display)
        records = list(dataset.parse(text.text, name=file.display, file=file.name))  # type: ignore[call-overload]
        parsed.append((file, records))
        results[file.name] = FileRead(GRAPH + file.graph_id, rows=len(records), note=text.note)

    def recency(item: tuple[EventFile, list[Record]]) -> tuple[int, dt.date, str]:
        file, records = item
        return (max((_version(r) for r in records), default=-1), max(r.date for r in records), file.name)

    parsed.sort(key=recency)  # oldest first: a later file's copy is the newer one
    kept: dict[str, Record] = {}
    for _, records in parsed:
        for record in records:
            current = kept.get(record.key)
            if current is None:
                kept[record.key] = record
            elif _newer(record, current):
                record.supersedes = list(current.supersedes)
                _supersede(record, current)
                results[current.file].outdated += 1
                kept[record.key] = record
            elif _version(record) == _version(current) and (
                record.version is not None or record.fingerprint == current.fingerprint
            ):
                results[record.file].duplicates += 1
            else:
                _supersede(current, record)
                results[record.file].outdated += 1
    rank = {file.name: number for number, (file, _) in enumerate(parsed)}
    dataset.relate(sorted(kept.values(), key=lambda r: (rank[r.file], r.line_no)), directory.armed)
    by_graph: dict[str, list[Record]] = {file.graph_id: [] for file, _ in parsed}
    graph_of = {file.name: file.graph_id for file, _ in parsed}
    for record in kept.values():
        by_graph[graph_of[record.file]].append(record)
    for file, _ in parsed:
        result = results[file.name]
        mine = by_graph[file.graph_id]
        result.events = len(mine)
        result.updated = sum(1 for r in mine if r.supersedes)
        if kind == "acled":
            result.unrelated_types = Counter(
                r.coding.event_type for r in mine if r.coding.event_type.lower() not in acled.EVENT_TYPES
            )
    return DatasetRead(results, write_graphs(kind, dataset.claimant, by_graph, directory))
