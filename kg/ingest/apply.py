"""Add, replace and drop one source at a time, keeping the data folder and the store in step.

The data folder is the record and the store is built from it, so ``kg ingest`` saves the
annotation and its text into the data folder as well as into the store, and ``kg drop`` moves
a source's files aside (into ``data/.dropped/``, hidden from builds) as well as removing its
graph. The order makes a failure harmless: everything is checked first; the files are
written to temporary names; the store is revised (a copy-on-write generation, swapped in
atomically); only then are the files renamed into place. Re-ingesting a source replaces its
graph, so ingesting the same files twice leaves the same store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import logging
import os
import queue
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlparse
from urllib.request import url2pathname

import pyoxigraph as ox

from kg import config, inference, merges, phases, progress, queries, remote, validation
from kg.config import display_path
from kg.dataset import FORMATS, locate_problems
from kg.errors import DataError, ParameterError, Problem, StoreError, ValidationError
from kg.formats import textfile
from kg.formats.events import (
    DATASETS,
    DatasetStream,
    EventFile,
    FileRead,
    dataset_files,
    event_graph_id,
    event_kind,
    read_dataset,
)
from kg.formats.names import Directory
from kg.formats.records import Written
from kg.holdings import replace_holding_ends
from kg.names import is_common_word
from kg.namespaces import CLAIM, DCT, ENTITY, GRAPH, INFERRED_GRAPH, ONTOLOGY, OWL, RDF, RDFS, SKOS, SOURCE
from kg.params import resolve_source
from kg.results import SelectResult
from kg.store import Store, open_store, rebuild, revise

if TYPE_CHECKING:  # the annotation format (pydantic, 0.18 s to import) is loaded only by what reads one
    from kg.formats import annotation as annotations

__all__ = [
    "DropReport",
    "ImportReport",
    "IngestReport",
    "check_dataset",
    "drop",
    "import_events",
    "ingest",
    "local_root",
    "replace_graph",
    "replace_graphs",
    "stream_dataset",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

DROPPED = ".dropped"


@dataclass(frozen=True)
class IngestReport:
    """What an ingest wrote."""

    source: str
    claims: int
    quads: int
    replaced: bool
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    """Things worth a second look that did not stop the ingest (an alias that is a common word)."""


@dataclass(frozen=True)
class ImportReport:
    """What an import of an event file wrote, and what became of its rows."""

    source: str
    """The file's graph id (``acled-syria-2024``)."""
    events: int
    """Events kept in the file's graph."""
    rows: int
    claims: int
    quads: int
    """Quads written: the file's graph and the other graphs that changed with it."""
    replaced: bool
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    updated: int = 0
    """Events of the file that replaced an older version from another file."""
    outdated: int = 0
    """Events of the file that another file has in a newer version (kept there)."""
    duplicates: int = 0
    """Events of the file that another file already has in the same version (kept there)."""
    others: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Other files whose graphs changed: file name -> (graph id, events it keeps now)."""
    unrelated: dict[str, int] = field(default_factory=dict)
    """Event types kg knows no relation for, with how many events have each."""
    notes: list[str] = field(default_factory=list)
    """How the file was read and saved, when that was unusual."""


@dataclass(frozen=True)
class DropReport:
    """What a drop removed."""

    source: str
    quads: int
    moved: list[Path] = field(default_factory=list)
    data: Path | None = None
    """The data folder the drop looked in."""


def local_root(store_path: Path | str | None) -> Path:
    location = store_path if store_path is not None else config.default_store_location()
    if remote.is_endpoint(location):
        raise StoreError("this needs the embedded store; for a remote store change the data and run `kg build`")
    return Path(location)


IDENTIFYING = tuple(
    ox.NamedNode(iri)
    for iri in (
        RDF + "type",
        RDFS + "label",
        SKOS + "altLabel",
        OWL + "sameAs",
        SKOS + "closeMatch",
        DCT + "title",
    )
)
"""What identifies a resource a new source refers to: its types, names and links."""


def _context(store: Store, graphs: str | set[str], quads: list[ox.Quad], own: tuple[str, ...] = ()) -> ox.Store:
    """A small store to validate new graphs in: the ontology, the new graphs, and what they refer to.

    ``own`` are IRI prefixes that only the new graphs' own kind of file mints (an event dataset's
    records and claims): nothing elsewhere identifies those, so they are not looked up.
    """
    return _Lookups(store, graphs).context(quads, _mentioned(quads, own))


def _mentioned(quads: Iterable[ox.Quad], own: tuple[str, ...] = ()) -> set[ox.NamedNode]:
    """The IRIs ``quads`` name as subject or object, but those with an ``own`` prefix."""
    mentioned = {q.object for q in quads if isinstance(q.object, ox.NamedNode)} | {
        q.subject for q in quads if isinstance(q.subject, ox.NamedNode)
    }
    if own:
        mentioned = {node for node in mentioned if not node.value.startswith(own)}
    return mentioned


class _Lookups:
    """What identifies each entity new graphs name, looked up in the live store once per entity.

    An import's chunks name the same places and actors again and again; each is looked up the
    first time only. Looked up entity by entity and property: a handful of index lookups each,
    where one SPARQL query over all of them scanned every rdf:type triple of the store (0.8 s at
    1M quads).
    """

    def __init__(self, store: Store, graphs: str | set[str]) -> None:
        self.store = store.inner
        self.ontology = list(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        replaced = {graphs} if isinstance(graphs, str) else graphs
        self.skip = {*(ox.NamedNode(g) for g in replaced), ox.NamedNode(INFERRED_GRAPH), ox.DefaultGraph()}
        self.found: dict[ox.NamedNode, list[ox.Quad]] = {}

    def _identifying(self, entity: ox.NamedNode) -> list[ox.Quad]:
        if entity.value.startswith(ONTOLOGY):  # a class or relation: the ontology, copied whole
            return []
        return [
            quad
            for prop in IDENTIFYING
            for quad in self.store.quads_for_pattern(entity, prop, None)
            if quad.graph_name not in self.skip
        ]

    def quads(self, entity: ox.NamedNode) -> list[ox.Quad]:
        """What identifies ``entity``, and what a recorded merge turns it into."""
        found = self.found.get(entity)
        if found is None:
            same_as, recorded = ox.NamedNode(OWL + "sameAs"), ox.NamedNode(merges.MERGES_GRAPH)
            found = self._identifying(entity)
            for q in self.store.quads_for_pattern(entity, same_as, None, recorded):
                if isinstance(q.object, ox.NamedNode):
                    found += self._identifying(q.object)
            self.found[entity] = found
        return found

    def context(self, quads: list[ox.Quad], mentioned: Iterable[ox.NamedNode]) -> ox.Store:
        """The ontology, ``quads``, and what identifies the entities they mention, merges applied."""
        check = ox.Store()
        check.extend(self.ontology)
        check.extend(quads)
        check.extend(quad for entity in mentioned for quad in self.quads(entity))
        merges.smush(check)  # as a build applies them before it checks
        return check


COPY_ABOVE = 0.4
"""Above this many quads to delete per quad of the live store, the replaced graphs are left behind by copying the
rest into a new generation (bulk writes) and inferring it whole, rather than deleted quad by quad. Deleting
costs about 80-87 µs a quad on disk (244,347 quads in 19.4 s, 625,155 in 54.3 s), copying the rest about
25 µs a quad of the store and inferring it whole about 8 (1.16M quads 27.1 s and 7.9 s), 2026-12-01. Before,
the size of the graph replaced decided, 20,000 quads however few of them changed: re-importing 9,000 ACLED
rows that left 6,000 out of a file, in a 1.9M-quad store, copied it and took 104.0 s, where a build of
the folder takes 95-110 s (in place: 244,347 quads deleted and 29,308 resources inferred around)."""


INFER_WHOLE_ABOVE = 0.5
"""Above this many new quads per quad of the live store, the change is written into a copy and the
copy inferred whole, as when much is deleted. Inferring around the change (:func:`inference.update`)
costs about 60 µs per new quad (it reads every quad about each resource the change names), a whole
pass about 20 µs per quad of the store; 20,000 GDELT rows (711,238 quads) imported into a store of
the seed took 39.4 s around the change and 19.1 s whole, 2,000 rows into a store of 100,000 synthetic
triples 5.1 s and 3.9 s, 200 rows 1.0 s and 2.7 s (by hand, 2026-11-30 20:03-20:06 UTC, load 1.8)."""


def replace_graph(root: Path, graph: str, quads: Iterable[ox.Quad]) -> int:
    """Replace one named graph in the store at ``root`` and bring inference up to date; returns the quads written.

    A new generation is written and swapped in, so readers never see half a change.
    """
    return replace_graphs(root, {graph: quads})


def replace_graphs(root: Path, graphs: Mapping[str, Iterable[ox.Quad]]) -> int:
    """Replace several named graphs in one new generation (an empty graph is removed); returns the quads written."""
    batch = {ox.NamedNode(graph): list(quads) for graph, quads in graphs.items()}
    written = sum(len(quads) for quads in batch.values())
    if not batch:
        return 0
    held = len(open_store(root))
    if written > held * INFER_WHOLE_ABOVE or not _revised_in_place(root, batch, held):
        log.info("writing %d quads into a copy of the rest of %d, inferred whole", written, held)
        with rebuild(root, leave_out={*batch, ox.NamedNode(INFERRED_GRAPH)}) as writable:
            for quads in batch.values():
                writable.bulk_extend(quads)
            merges.smush(writable)
            inference.materialise(writable)
    return written


class _Copy(Exception):
    """Raised inside a revision to give it up (the generation it began is dropped) for a copy of the rest."""


def _revised_in_place(root: Path, batch: Mapping[ox.NamedNode, list[ox.Quad]], held: int) -> bool:
    """Replace the graphs of ``batch`` in a revision of the store, removing and writing only the quads that differ;
    False, with the store as it was, when more would be deleted than :data:`COPY_ABOVE` allows for ``held`` quads.

    A re-import or re-ingest that changes a little of a graph then costs a little: deleting is dear on
    disk, and inferring around a change costs per resource it names.
    """
    try:
        with revise(root) as writable:
            gone: list[ox.Quad] = []
            fresh: list[ox.Quad] = []
            for node, quads in batch.items():
                before, after = set(writable.quads_for_pattern(None, None, None, node)), set(quads)
                gone += before - after
                fresh += after - before
            if len(gone) > held * COPY_ABOVE:
                raise _Copy
            for quad in gone:
                writable.remove(quad)
            for node, quads in batch.items():
                if not quads:
                    writable.remove_graph(node)  # emptied: no longer listed among the store's graphs either
            writable.bulk_extend(fresh)
            touched = inference.touched_by([*gone, *fresh])
            if merges.smush(writable):  # what was written may name an entity merged into another
                touched |= merges.recorded(writable)
            if touched:  # else the graphs were as given: nothing follows
                inference.update(writable, touched)
    except _Copy:
        log.info("%d quads to delete of %d: the rest copied instead", len(gone), held)
        return False
    return True


def _staged(target: Path, content: bytes) -> Path:
    """``content`` written beside ``target`` under a temporary name, to be renamed into place later."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    staged.write_bytes(content)
    return staged


def _inside(data: Path, relative: str) -> Path:
    target = (data / relative).resolve()
    if data.resolve() not in target.parents:
        raise DataError(f"source.text {relative!r} points outside the data folder {display_path(data)}")
    return target


def ingest(
    text_path: Path,
    annotation_path: Path,
    *,
    store_path: Path | str | None = None,
    data_dir: Path | None = None,
) -> IngestReport:
    """Check an annotated source against the store, then save it into the data folder and the store."""
    started = time.perf_counter()
    root = local_root(store_path)
    data = data_dir or config.project_root() / "data"
    store = open_store(root)
    from kg.formats import annotation as annotations

    annotation, quads = annotations.convert(store, annotation_path, text_path=text_path)
    source_id = annotation.source.id
    graph = GRAPH + source_id
    content = text_path.read_text(encoding="utf-8")
    quads.append(
        ox.Quad(
            ox.NamedNode(SOURCE + source_id),
            ox.NamedNode(ONTOLOGY + "content"),
            ox.Literal(content),
            ox.NamedNode(graph),
        )
    )
    check = _context(store, graph, quads)
    graph_files = {graph: annotation_path}
    problems = validation.validate(check, shapes=config.default_shapes(), graph_files=graph_files)
    if problems:
        raise ValidationError(locate_problems(problems, graph_files, check))
    phases.reached("ingest:checked")
    replaced = bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }", g=ox.NamedNode(graph)))
    text_target = _inside(data, annotation.source.text or f"sources/{source_id}.txt")
    yaml_target = data / f"{source_id}{annotation_path.suffix}"
    staged = [
        (_staged(text_target, text_path.read_bytes()), text_target),
        (_staged(yaml_target, annotation_path.read_bytes()), yaml_target),
    ]
    try:
        phases.reached("ingest:staged")
        saved_quads = _retarget_text(quads, text_target)
        count = replace_graph(root, graph, saved_quads)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    phases.reached("ingest:swapped")
    for number, (temporary, target) in enumerate(staged):
        if number:
            phases.reached("ingest:renamed-one")
        os.replace(temporary, target)
    claims = sum(1 for q in quads if q.object == ox.NamedNode(ONTOLOGY + "Claim"))
    seconds = time.perf_counter() - started
    warnings = alias_warnings(annotation, annotation_path)
    return IngestReport(source_id, claims, count, replaced, [yaml_target, text_target], seconds, warnings)


def alias_warnings(annotation: annotations.Annotation, path: Path) -> list[str]:
    """A line for each new name that is also a common English word ("US", "IS"): kg matches it only as
    written (:mod:`kg.names`), which may not be what the annotator meant. Short acronyms ("SDF") are
    matched so too, silently: that is what they need."""
    from kg.formats import annotation as annotations

    lines = annotations.record_lines(path)
    warnings = []
    for i, entity in enumerate(annotation.entities):
        for name in [entity.label, *entity.aliases]:
            if is_common_word(name):
                where = f"{display_path(path)}:{lines.get(ENTITY + entity.id, '')}".rstrip(":")
                warnings.append(
                    f"{where}: entities[{i}]: the name {name!r} is also a common English word, so kg matches it "
                    "in texts only as written (same case, whole words)"
                )
    return warnings


def _retarget_text(quads: list[ox.Quad], text: Path) -> list[ox.Quad]:
    """The quads with ``kg:text`` pointing at the copy in the data folder, where builds will find it."""
    prop = ox.NamedNode(ONTOLOGY + "text")
    target = ox.NamedNode(text.resolve().as_uri())
    return [ox.Quad(q.subject, q.predicate, target, q.graph_name) if q.predicate == prop else q for q in quads]


def _files_of(store: Store, data: Path, source_id: str) -> tuple[list[Path], list[Path]]:
    """The data files that describe the source (its annotation, RDF or event file), and its verbatim texts."""
    from kg.formats import annotation as annotations

    graph = ox.NamedNode(GRAPH + source_id)
    found = store.query("SELECT ?text ?g WHERE { GRAPH ?g { ?source kg:text ?text } }", g=graph)
    assert isinstance(found, SelectResult)
    texts: list[Path] = [Path(url2pathname(urlparse(row[0].value).path)) for row in found.rows]  # type: ignore[union-attr]
    files: list[Path] = []
    for path in sorted(p for p in data.rglob("*") if p.is_file() and DROPPED not in p.parts):
        if path.suffix in (".yaml", ".yml"):
            try:
                annotation, _ = annotations.load(path)
            except DataError:
                continue
            if annotation.source.id == source_id:
                files.append(path)
        elif event_kind(path) and event_graph_id(path) == source_id:
            files.append(path)
        elif path.suffix in FORMATS and FORMATS[path.suffix].supports_datasets:
            try:
                graphs = {
                    q.graph_name
                    for q in ox.parse(path=str(path), format=FORMATS[path.suffix], base_iri=path.resolve().as_uri())
                }
            except (SyntaxError, OSError, ValueError):
                continue  # not a file a build of this folder could read, so not one that brings the source back
            if graph in graphs:
                if graphs - {graph, ox.DefaultGraph()}:
                    raise DataError(
                        f"{display_path(path)} also holds other sources; remove {source_id!r} from it by hand"
                    )
                files.append(path)
    inside = data.resolve()
    return (
        [f for f in dict.fromkeys(files) if f.exists() and inside in f.resolve().parents],
        [f for f in dict.fromkeys(texts) if f.exists() and inside in f.resolve().parents],
    )


def drop(
    source: str,
    *,
    store_path: Path | str | None = None,
    data_dir: Path | None = None,
    store_only: bool = False,
) -> DropReport:
    """Remove a source's graph from the store and move its files into ``data/.dropped/``.

    The data folder is the record, so a source whose files are not in it is refused: dropped
    from the store alone, the next build would bring it back. ``store_only=True`` does just that,
    knowingly. Dropping an event file reads the rest of its dataset again: events it held in
    their newest version return in the version another file has. Above :data:`STREAM_ABOVE` bytes
    of those files they are read and written a chunk at a time, as an import of that size is
    (not checked again: the drop adds nothing that was not checked when it came in).
    """
    root = local_root(store_path)
    data = data_dir or config.project_root() / "data"
    store = open_store(root)
    bare = source.strip().strip("<>").removeprefix("kgg:").removeprefix(GRAPH)
    if _quads_in(store.inner, ox.NamedNode(GRAPH + bare)):  # an event import's graph has many sources: name it by id
        source_id = bare
    else:
        try:
            source_id = resolve_source(store, source).value.removeprefix(SOURCE)
        except ParameterError as exc:
            raise DataError(str(exc)) from None
    graph = GRAPH + source_id
    removed = _quads_in(store.inner, ox.NamedNode(graph))
    if not removed:
        raise DataError(f"no source {source_id!r} in the store; `kg query sources` lists them")
    files, texts = _files_of(store, data, source_id)
    if not files and not store_only:
        raise DataError(
            f"kgs:{source_id} has no file in {display_path(data)}, the data folder this drop looked in; dropped "
            "from the store alone, it would come back with the next build of the folder it came from: name that "
            "folder with --data DIR, or drop it from the store only with --store-only"
        )
    kind = next((event_kind(f) for f in files if event_kind(f)), None)
    if kind and not store_only:
        others = [p for p in dataset_files(data, kind) if p not in files]
        _check_store_matches(store, kind, data, {event_graph_id(p) for p in others} | {source_id})
        rest = [EventFile(p, p.name, display_path(p)) for p in others]
        if sum(p.stat().st_size for p in others) > STREAM_ABOVE:  # as an import of that size: a chunk at a time
            stream = DatasetStream(kind, rest, Directory.of_store(store))
            if _revisable([*others, *(f for f in files if event_kind(f))], others):
                _revise_dataset(root, store, stream, validate=False, graph_files={})
            else:
                _replace_dataset(root, store, stream, validate=False, graph_files={})
        else:
            changed = _changed(store, read_dataset(kind, rest, Directory.of_store(store)).graphs())
            changed[graph] = []
            replace_graphs(root, changed)
    else:
        replace_graph(root, graph, [])
    moved = []
    if not store_only:
        shelf = _new_shelf(data / DROPPED, source_id)
        for path in [*files, *texts]:
            target = shelf / path.resolve().relative_to(data.resolve())
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
            moved.append(target)
    return DropReport(source_id, int(removed), moved, data)


def _new_shelf(folder: Path, source_id: str) -> Path:
    """A folder of its own for one drop's files: a source dropped, ingested again and dropped again
    within the same second must not land on (and overwrite) the first drop's files."""
    stamp = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}-{source_id}"
    for number in itertools.count(1):
        shelf = folder / (stamp if number == 1 else f"{stamp}-{number}")
        try:
            shelf.mkdir(parents=True)
            return shelf
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def _changed(store: Store, graphs: Iterable[tuple[str, list[ox.Quad]]]) -> dict[str, list[ox.Quad]]:
    """The graphs whose quads differ from the store's (event graphs are written the same way each time).

    Taken one graph at a time, so only the changed ones are held in memory. A graph of another size is
    changed without reading it back: the revision that writes it reads it anyway, and reading 767,150
    quads took 21.3 s of a 91.9 s re-import at 1.9M quads (2026-12-01).
    """
    changed = {}
    for graph, quads in graphs:
        node, given = ox.NamedNode(graph), set(quads)
        if (
            _quads_in(store.inner, node) != len(given)
            or set(store.inner.quads_for_pattern(None, None, None, node)) != given
        ):
            changed[graph] = quads
    return changed


def _held_graphs(store: Store, kind: str) -> set[str]:
    """The graphs (IRIs) of the event dataset ``kind`` (``acled``, ``gdelt``) that the store holds."""
    rows = store.run(queries.internal_query("internal/event-graphs"))
    assert isinstance(rows, SelectResult)
    prefix = GRAPH + f"{kind}-"
    return {row[0].value for row in rows.rows if row[0].value.startswith(prefix)}  # type: ignore[union-attr]


def _check_store_matches(store: Store, kind: str, data: Path, expected: set[str]) -> None:
    """Refuse when the store holds a graph of this dataset whose file is not in the data folder.

    Events are kept once across a dataset's files, which only works when every file the store
    was built from is read again.
    """
    strays = sorted({graph.removeprefix(GRAPH) for graph in _held_graphs(store, kind)} - expected)
    if strays:
        listed = ", ".join(f"kgg:{s}" for s in strays[:5]) + (f" and {len(strays) - 5} more" if len(strays) > 5 else "")
        raise DataError(
            f"the store holds {listed}, whose file is not in {display_path(data)}, the data folder read here; an "
            f"event must be compared with every {DATASETS[kind].claimant} file the store holds, so name the folder "
            f"the store was built from with --data DIR, or drop {'them' if len(strays) > 1 else 'it'} first "
            "(`kg drop SOURCE --store-only`)"
        )


def _stem(path: Path, kind: str) -> str:
    """The name an imported file gets in the data folder, before its suffix: ``syria-2024`` for ``syria-2024.csv``."""
    name = path.name
    for ending in (".zip", ".gz"):
        name = name.removesuffix(ending).removesuffix(ending.upper())
    name = name.removesuffix(DATASETS[kind].suffix)
    for ending in (".csv", ".tsv", ".txt", ".CSV", ".TSV", ".TXT"):
        name = name.removesuffix(ending)
    return name or kind


def import_events(
    kind: str,
    path: Path,
    *,
    store_path: Path | str | None = None,
    data_dir: Path | None = None,
    validate: bool = True,
    encoding: str | None = None,
) -> ImportReport:
    """Import an ACLED or GDELT file: one graph of records, saved into the data folder as the file's text.

    The dataset's files in the data folder are read again with it, so an event that several
    files hold is kept once, in its newest version, and the graphs of the other files change
    where the new file changes them: the store stays what a build of the data folder gives.
    Re-importing a file of the same name replaces it. The text is saved as it came when it is
    UTF-8; otherwise (a zip, a byte-order mark, another encoding) as UTF-8 text, with the note
    saying so. ``validate=False`` skips the shapes and evidence checks, for large files from a
    trusted export.
    """
    started = time.perf_counter()
    if kind not in DATASETS:
        raise DataError(f"unknown event dataset {kind!r}; known: {', '.join(DATASETS)}")
    root = local_root(store_path)
    data = data_dir or config.project_root() / "data"
    target = data / f"{_stem(path, kind)}{DATASETS[kind].suffix}"
    graph_id = event_graph_id(target)
    text = textfile.open_source(path, encoding=encoding, display=display_path(path))
    store = open_store(root)
    others = [p for p in dataset_files(data, kind) if p.resolve() != target.resolve()]
    _check_store_matches(store, kind, data, {event_graph_id(p) for p in others} | {graph_id})
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        text.copy_to(staged)
        files = [EventFile(p, p.name, display_path(p)) for p in others]
        files.append(EventFile(staged, target.name, display_path(path)))
        replaced = bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }", g=ox.NamedNode(GRAPH + graph_id)))
        graph_files = {GRAPH + f.graph_id: path if f.path == staged else f.path for f in files}
        if sum(f.path.stat().st_size for f in files) > STREAM_ABOVE:
            reading = time.perf_counter()
            stream = DatasetStream(kind, files, Directory.of_store(store))
            log.info("read and related %s files in %.1fs", kind, time.perf_counter() - reading)
            if _revisable([*others, target] if target.is_file() else others, [*others, staged]):
                count, changed_graphs = _revise_dataset(root, store, stream, validate=validate, graph_files=graph_files)
            else:
                count, changed_graphs = _replace_dataset(
                    root, store, stream, validate=validate, graph_files=graph_files
                )
            phases.reached("ingest:swapped")
            os.replace(staged, target)
            return _import_report(
                stream.files, target, graph_id, changed_graphs, text, count, replaced, time.perf_counter() - started
            )
        result = read_dataset(kind, files, Directory.of_store(store))
        changed = _changed(store, result.graphs())
        if validate and changed:
            quads = [q for graph_quads in changed.values() for q in graph_quads]
            problems = validation.validate(
                _context(store, set(changed), quads),
                shapes=config.default_shapes(),
                graph_files=graph_files,
            )
            if problems:
                raise ValidationError(problems)
        count = replace_graphs(root, changed)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    os.replace(staged, target)
    return _import_report(
        result.files, target, graph_id, set(changed), text, count, replaced, time.perf_counter() - started
    )


def stream_dataset(
    into: ox.Store, kind: str, paths: Sequence[Path], *, validate: bool = True, shapes: Path | None = None
) -> None:
    """Write one dataset's event files into ``into`` as a streamed import writes them.

    For :func:`kg.build.build`, whose in-memory pass would hold every row's quads at once (about
    1.4 GB of store per 50,000 ACLED rows): the rows are read, checked, inferred and written a
    chunk at a time into the build's new generation, which holds the rest of the data, inferred
    (its names are what the rows join, as for ``kg import``), and none of the dataset. ``shapes``
    are those the build checks the rest against (the project's by default).
    """
    store = Store(into)
    files = [EventFile(p, p.name, display_path(p)) for p in paths]
    graph_files = {GRAPH + f.graph_id: f.path for f in files}
    reading = time.perf_counter()
    stream = DatasetStream(kind, files, Directory.of_store(store))
    log.info("read and related %s files in %.1fs", kind, time.perf_counter() - reading)
    _replace_dataset(None, store, stream, validate=validate, graph_files=graph_files, shapes=shapes, into=into)


def check_dataset(rest: Store, kind: str, paths: Sequence[Path], *, shapes: Path) -> tuple[list[Problem], int, int]:
    """The problems of one dataset's event files, checked a chunk of rows at a time as a streamed import checks
    them, against ``rest`` (the other inputs, whose names the rows join); with the claims and sources they hold.

    For ``kg validate`` of a data folder too big to hold: nothing is written, and memory grows with
    the chunk, not the files.
    """
    files = [EventFile(p, p.name, display_path(p)) for p in paths]
    graph_files = {GRAPH + f.graph_id: f.path for f in files}
    stream = DatasetStream(kind, files, Directory.of_store(rest))
    own = (SOURCE + f"{kind}-", CLAIM + f"{kind}-")
    lookups = _Lookups(rest, {read.graph for read in stream.files.values()})
    kind_of = ox.NamedNode(RDF + "type")
    claim, source = ox.NamedNode(ONTOLOGY + "Claim"), ox.NamedNode(ONTOLOGY + "SourceDocument")
    problems: list[Problem] = []
    claims = sources = 0
    with progress.task(f"checking {kind} events", total=sum(r.events for r in stream.files.values())) as step:
        for _, written, unique, mentioned in _ahead(_prepared(stream.chunks(CHUNK_ROWS), own, None, set())):
            part = lookups.context(unique, mentioned)
            problems += validation.validate(part, shapes=shapes, graph_files=graph_files)
            claims += sum(1 for q in unique if q.predicate == kind_of and q.object == claim)
            sources += sum(1 for q in unique if q.predicate == kind_of and q.object == source)
            step.advance(written.records)
            del part, written, unique, mentioned
            _give_back_freed_memory()
    return problems, claims, sources


def _import_report(
    files: Mapping[str, FileRead],
    target: Path,
    graph_id: str,
    changed: set[str],
    text: textfile.Source,
    count: int,
    replaced: bool,
    seconds: float,
) -> ImportReport:
    mine = files[target.name]
    notes = [text.note] if text.note else []
    if not text.plain:
        notes.append(f"saved as UTF-8 text in {display_path(target)}")
    return ImportReport(
        source=graph_id,
        events=mine.events,
        rows=mine.rows,
        claims=mine.claims,
        quads=count,
        replaced=replaced,
        files=[target],
        seconds=seconds,
        updated=mine.updated,
        outdated=mine.outdated,
        duplicates=mine.duplicates,
        others={
            name: (read.graph.removeprefix(GRAPH), read.events)
            for name, read in files.items()
            if name != target.name and read.graph in changed
        },
        unrelated=dict(mine.unrelated_types.most_common()),
        notes=notes,
    )


STREAM_ABOVE = 8_000_000
"""Above this many bytes of a dataset's files, an import streams: its rows are read and written a chunk at a
time, so memory stays flat in the files' size, into a revision of the store when they change little of the
dataset (:func:`_revise_dataset`), else into a copy of the rest of it (:func:`_replace_dataset`). Below it the
files are read whole and the graphs that changed replaced (:func:`replace_graphs`)."""

CHUNK_ROWS = 5_000
"""Rows per chunk of a streamed import: each is checked and inferred on its own, in memory (about
220,000 quads, about 220 MB of ``Quad`` objects for ACLED rows), then written, while the next is read.
With 5,000-row chunks the peak was 588 MB at 100,000 ACLED rows and 643 MB at 200,000
(benchmarks/RESULTS.md, by hand 2026-11-30). 10,000-row chunks were tried once, at 20,000 rows, and
not kept; that run is not recorded there, so this size is a choice, not a measured optimum."""


def _ahead(items: Iterator[T]) -> Iterator[T]:
    """``items``, made one ahead in a thread of their own: the next chunk's rows are read and turned into quads
    (Python) while this one is checked, inferred and written (Oxigraph, which lets go of the GIL), on the other
    core. The thread starts on the next item only once the consumer has taken the last one, so at most two
    chunks' quads exist at once (one written, one read ahead), not three (one written, one waiting in the
    queue, one being made behind it): a 5,000-row ACLED chunk is about 220 MB of quads. The thread stops
    when the consumer does, whether it finished or failed."""
    handoff: queue.Queue = queue.Queue(maxsize=1)
    room = threading.Semaphore(1)
    """Released when the consumer takes an item: the thread may make the next one."""
    stop = threading.Event()
    done = object()

    def offer(item: object) -> bool:
        """Hand ``item`` over; False once the consumer has stopped."""
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def wait_for_room() -> bool:
        """Wait until the consumer has taken the last item; False once it has stopped."""
        while not stop.is_set():
            if room.acquire(timeout=0.5):
                return True
        return False

    def produce() -> None:
        try:
            iterator = iter(items)
            while wait_for_room():
                try:
                    item = next(iterator)
                except StopIteration:
                    offer(done)
                    return
                if not offer(item):
                    return
                del item  # not held while waiting: the consumer may be done with it
        except BaseException as exc:  # handed to the consumer, which raises it there
            offer(exc)

    worker = threading.Thread(target=produce, name="kg-import-read", daemon=True)
    worker.start()
    try:
        while (item := handoff.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            room.release()
            yield item
            del item
    finally:
        stop.set()
        worker.join()


class _Clock:
    """Seconds spent per step of a streamed import, for ``kg --debug``: where a slow import spends its time."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def call(self, what: str, function, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            self.spent[what] = self.spent.get(what, 0.0) + time.perf_counter() - started

    def timed(self, what: str, items: Iterable):  # noqa: ANN201
        items = iter(items)
        while True:
            started = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                self.spent[what] = self.spent.get(what, 0.0) + time.perf_counter() - started
            yield item

    def __str__(self) -> str:
        return ", ".join(f"{what} {seconds:.1f}s" for what, seconds in self.spent.items())


@dataclass(frozen=True)
class _Checking:
    """How a streamed import readies each chunk: its context looked up, checked (unless ``shapes`` is None),
    and, when merges are recorded, its quads as the merges rewrote them."""

    clock: _Clock
    lookups: _Lookups
    shapes: Path | None
    graph_files: Mapping[str, Path]
    merged: bool

    def chunk(self, graph: str, unique: list[ox.Quad], mentioned: set[ox.NamedNode]) -> tuple[ox.Store, list[ox.Quad]]:
        """The chunk's store (its quads and what identifies the entities it names) and its quads to write."""
        part = self.clock.call("context", self.lookups.context, unique, mentioned)
        if self.shapes is not None:
            problems = self.clock.call(
                "check", validation.validate, part, shapes=self.shapes, graph_files=self.graph_files
            )
            if problems:
                raise ValidationError(problems)
        if self.merged:  # what a recorded merge rewrote is in the chunk's store
            unique = list(part.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        return part, unique


class _Digest:
    """An order-free fingerprint of a graph as it is written a chunk at a time: how many quads, the sum of their hashes.

    Chunks repeat the declarations of the entities they share; those (quads about anything but
    the dataset's own records) are counted once, so the fingerprint is the graph's.
    """

    def __init__(self) -> None:
        self.count = 0
        self.total = 0
        self._shared: set[ox.Quad] = set()

    def add(self, quads: Iterable[ox.Quad], own: tuple[str, ...]) -> None:
        for quad in quads:
            subject = quad.subject
            if not (isinstance(subject, ox.BlankNode) or subject.value.startswith(own)):  # type: ignore[union-attr]
                if quad in self._shared:
                    continue
                self._shared.add(quad)
            self.count += 1
            self.total = (self.total + hash(quad)) & 0xFFFFFFFFFFFFFFFF

    def differs(self, store: ox.Store, graph: ox.NamedNode) -> bool:
        """Whether ``graph`` in ``store`` holds other quads than were added (counted first: a scan only when equal)."""
        if _quads_in(store, graph) != self.count:
            return True
        total = 0
        for quad in store.quads_for_pattern(None, None, None, graph):
            total = (total + hash(quad)) & 0xFFFFFFFFFFFFFFFF
        return total != self.total


def _quads_in(store: ox.Store, graph: ox.NamedNode) -> int:
    """How many quads ``graph`` holds in ``store`` (counted by Oxigraph)."""
    rows = store.query(queries.internal("internal/graph-size"), substitutions={ox.Variable("graph"): graph})
    return next((int(row["quads"].value) for row in rows), 0)  # type: ignore[union-attr]


def _replace_dataset(
    root: Path | None,
    store: Store,
    stream: DatasetStream,
    *,
    validate: bool,
    graph_files: Mapping[str, Path],
    shapes: Path | None = None,
    into: ox.Store | None = None,
) -> tuple[int, set[str]]:
    """Write every graph of a dataset anew, a chunk of rows at a time, into a copy of the rest of the store.

    The new generation starts as the live store without the dataset's graphs and without the
    inferred graph (copied graph by graph through a file, never held), and the rest is inferred
    there on its own; for a dataset new to the store, as a checkpoint of the store (hard links),
    whose inferred graph is already the rest's. Then each chunk of rows is checked and inferred in
    a small store of its own (the ontology, the chunk, and what identifies the entities it names, as for an ingest), and
    its quads and what was inferred from them are written. A chunk infers what follows from its
    own quads: the rules follow a claim to its source and an entity to its declaration, which the
    chunk holds, so the union is what a full inference finds, except for triples some other graph
    asserts, which are removed at the end, as are the ends of holds (a global rule) re-inferred.
    Returns the quads now in the graphs that changed, and those graphs (IRIs).

    ``into`` is a store that holds the rest already, inferred, and none of the dataset (a build's
    own new generation, which ``store`` reads): the rows are written there, nothing is copied, and
    ``root`` is not used.
    """
    shapes = shapes or config.default_shapes()
    old = _held_graphs(store, stream.kind)
    new = {read.graph for read in stream.files.values()}
    inferred = ox.NamedNode(INFERRED_GRAPH)
    dataset_graphs = old | new
    events = sum(read.events for read in stream.files.values())
    digests: dict[str, _Digest] = {}
    with contextlib.ExitStack() as stack:
        started = time.perf_counter()
        if into is not None:
            writable = into
        else:
            assert root is not None
            # The store's inferred graph holds what the rest implies, and, when the dataset had graphs, what those
            # implied, which no one can tell apart: then the rest is copied without them and inferred anew. A
            # dataset new to the store implied nothing yet: the store is the rest, inferred, and its copy is a
            # checkpoint (hard links), whatever its size (the ends of holds are replaced at the end, as ever)
            if old:
                with progress.task("copying the rest of the store"):
                    leave = {*(ox.NamedNode(g) for g in dataset_graphs), inferred}
                    writable = stack.enter_context(rebuild(root, leave_out=leave))
                with progress.task("inferring over the rest of the store"):
                    inference.materialise(writable, holds=False)
            else:
                writable = stack.enter_context(revise(root))
            log.info("copied%s the rest in %.1fs", " and inferred" if old else "", time.perf_counter() - started)
        checked = "checking, inferring and writing" if validate else "inferring and writing"
        with progress.task(f"{checked} {stream.kind} events", total=events) as step:
            own = (SOURCE + f"{stream.kind}-", CLAIM + f"{stream.kind}-")
            clock = _Clock()
            merged = bool(merges.recorded(store.inner))
            checking = _Checking(
                clock, _Lookups(store, dataset_graphs), shapes if validate else None, graph_files, merged
            )
            # Only a graph the store held is fingerprinted, to tell whether it changed; a new one is counted at the end
            chunks = _prepared(stream.chunks(CHUNK_ROWS), own, None if merged else digests, old)
            for graph, written, unique, mentioned in clock.timed("read", _ahead(chunks)):
                part, unique = checking.chunk(graph, unique, mentioned)
                if merged and graph in old:  # fingerprinted as the merges rewrote it
                    digests.setdefault(graph, _Digest()).add(unique, own)
                clock.call("write", _write, writable, unique)
                clock.call("infer", inference.materialise, part, holds=False)
                clock.call("write", _write, writable, part.quads_for_pattern(None, None, None, inferred))
                step.advance(written.records)
                del part, written, unique, mentioned  # not held while the next chunk arrives
                _give_back_freed_memory()
            log.info("chunks: %s", clock)
        started = time.perf_counter()
        with progress.task("inferring across the store"):
            for quad in _inferred_and_asserted(writable):
                writable.remove(quad)
            replace_holding_ends(writable)
        log.info("settled inferences across the store in %.1fs", time.perf_counter() - started)
        changed = old - new
        count = 0
        for graph in sorted(new):
            if graph not in old or digests.get(graph, _Digest()).differs(store.inner, ox.NamedNode(graph)):
                changed.add(graph)
                count += _quads_in(writable, ox.NamedNode(graph))
    return count, changed


REVISE_BELOW = 64_000_000
"""Below this many bytes of a dataset's files, a re-import that changes few rows revises the store in place
(:func:`_revise_dataset`) rather than copying the rest of it (:func:`_replace_dataset`): it holds a 16-byte
key for each of the dataset's quads (about 70 bytes in Python), some 280 MB for 100,000 ACLED rows."""

REVISE_CHANGED = 0.5
"""Up to this share of a dataset's lines changed by an import (added or removed, against the files it had),
the store is revised in place. Into the 1M store plus 15,000 ACLED rows, since inferring around a change
got cheaper (2026-12-01): 1,500 rows in a new file beside them (10%) 57.7 s, the same file with 20% more
rows 61.3 s and then 25% more 74.1 s (builds of the folder 94.2 s and 110.2 s, in the same run), 6,000 of
its rows removed (33%) 66.2 s, every row different (167%) 189.4 s against 102.4 s by copying the rest;
the time grows about 85 s per unit of share, and meets a copy or a build at about 0.6."""


def _revisable(before: Sequence[Path], after: Sequence[Path]) -> bool:
    """Whether an import or a drop that turns a dataset's files ``before`` into ``after`` changes little enough of a
    small enough dataset to revise the store in place (:data:`REVISE_BELOW`, :data:`REVISE_CHANGED`).

    The change is counted over the dataset's files, before and after, so a new file beside those
    the store holds (next month's export) is revised in place when it is small beside them, as a
    re-export of one of them is, and so is the drop of one: before, only a re-import could be, and
    adding 1,500 rows to a dataset of 15,000 copied the rest of the store. A dataset the store does
    not hold yet has nothing to revise (its import starts from a checkpoint of the store, which
    costs nothing).
    """
    if sum(path.stat().st_size for path in after) > REVISE_BELOW:
        return False
    old, new = _lines(before), _lines(after)
    return bool(old) and len(old ^ new) <= REVISE_CHANGED * len(old)


def _lines(paths: Iterable[Path]) -> set[bytes]:
    """The distinct lines of the files (a row in two files counts once: the import keeps it once)."""
    lines: set[bytes] = set()
    for path in paths:
        with path.open("rb") as handle:
            lines.update(handle)
    return lines


def _key(quad: ox.Quad) -> bytes:
    """A quad's identity in 16 bytes (its N-Quads text hashed): a 64-bit ``hash`` could let two quads collide."""
    return hashlib.blake2b(str(quad).encode(), digest_size=16).digest()


def _revise_dataset(
    root: Path, store: Store, stream: DatasetStream, *, validate: bool, graph_files: Mapping[str, Path]
) -> tuple[int, set[str]]:
    """Import or drop what changes a dataset little, in place: write only the quads the store does not hold, remove
    only those it holds and the files no longer give, and infer around that change.

    :func:`_replace_dataset` copies the rest of the store and infers it anew, because the inferred
    graph cannot tell what the old rows implied from what the rest implies: 36 s for the 1M store,
    whatever the change, so that re-importing 15,000 unchanged ACLED rows into it took 97 s against
    86 s for a build of the whole folder. Here the store is revised (a checkpoint: hard links); each
    chunk is read and checked as there, and its quads looked up (about 4 µs each); those the store
    lacks are written. The subjects that held more quads than the files still give (counted per
    subject in Oxigraph) are then read back, and what the files no longer give removed (deleting
    costs about 80 µs a quad on disk, so this is for a small change). Inference follows the change
    (:func:`kg.inference.update`: every inferred triple about a resource the change names is derived
    again, and the ends of the holds of every place it concerns), as for any change made in place. A
    graph of the dataset the files no longer give (a dropped file's) is emptied and removed. Returns
    the quads now in the graphs that changed, and those graphs.
    """
    shapes = config.default_shapes()
    old = _held_graphs(store, stream.kind)
    new = {read.graph for read in stream.files.values()}
    events = sum(read.events for read in stream.files.values())
    merged = bool(merges.recorded(store.inner))
    own = (SOURCE + f"{stream.kind}-", CLAIM + f"{stream.kind}-")
    given: dict[str, set[bytes]] = {graph: set() for graph in new}
    """The keys of the quads the files give, by graph."""
    held: dict[str, Counter[ox.NamedNode | ox.BlankNode]] = {graph: Counter() for graph in new}
    """How many of them the store held already, by graph and subject."""
    written: dict[str, int] = dict.fromkeys(new, 0)
    touched: set[inference.Node] = set()
    with revise(root) as writable:
        checked = "checking and revising" if validate else "revising"
        with progress.task(f"{checked} {stream.kind} events", total=events) as step:
            clock = _Clock()
            checking = _Checking(clock, _Lookups(store, old | new), shapes if validate else None, graph_files, merged)
            for graph, rows_read, unique, mentioned in clock.timed(
                "read", _ahead(_prepared(stream.chunks(CHUNK_ROWS), own, None, set()))
            ):
                part, unique = checking.chunk(graph, unique, mentioned)
                fresh = clock.call("compare", _fresh, unique, writable, given[graph], held[graph])
                clock.call("write", _write, writable, fresh)
                written[graph] += len(fresh)
                touched |= inference.touched_by(fresh)
                step.advance(rows_read.records)
                del part, rows_read, unique, mentioned, fresh
                _give_back_freed_memory()
            log.info("chunks: %s", clock)
        started = time.perf_counter()
        removed = 0
        for graph in sorted(old):
            node, keys, kept = ox.NamedNode(graph), given.get(graph, set()), held.get(graph, Counter())
            # only the subjects that held more quads than the files still give are read back (all 630,824
            # quads of a 15,000-row graph took about 14 s to read and key)
            sizes = store.inner.query(
                queries.internal("internal/subject-sizes"), substitutions={ox.Variable("graph"): node}
            )
            shrunk = [row["s"] for row in sizes if int(row["quads"].value) > kept[row["s"]]]  # type: ignore[union-attr]
            gone = [q for s in shrunk for q in writable.quads_for_pattern(s, None, None, node) if _key(q) not in keys]
            if gone:
                for quad in gone:
                    writable.remove(quad)
                removed += len(gone)
                written[graph] = written.get(graph, 0) + len(gone)
                touched |= inference.touched_by(gone)
        for graph in old - new:  # a dropped file's graph, emptied: no longer listed among the store's graphs either
            writable.remove_graph(ox.NamedNode(graph))
        log.info("removed %d quads the files no longer give in %.1fs", removed, time.perf_counter() - started)
        started = time.perf_counter()
        if touched:  # else nothing changed, and nothing follows (settling alone took 9 s at 1M)
            with progress.task("inferring around the change"):
                if merges.smush(writable):
                    touched |= merges.recorded(writable)
                # as for any change in place (replace_graphs): update re-derives the ends of the holds of every place
                # the change concerns, and writes no triple that a graph asserts; settling across the store after it,
                # as a copy must be settled, cost 7.1-7.7 s more for 1,500 ACLED rows beside 15,000 at 1M (2026-12-01)
                inference.update(writable, touched)
        log.info("inferred around %d resources in %.1fs", len(touched), time.perf_counter() - started)
        changed = {graph for graph, count in written.items() if count}
        count = sum(_quads_in(writable, ox.NamedNode(graph)) for graph in changed)
    return count, changed


def _fresh(
    quads: Iterable[ox.Quad], store: ox.Store, given: set[bytes], held: Counter[ox.NamedNode | ox.BlankNode]
) -> list[ox.Quad]:
    """The quads ``store`` lacks, each once; ``given`` gathers the keys of all, ``held`` counts by subject those
    it had.

    A quad the files give twice (an entity's declaration in several chunks) is counted once, so
    ``held`` says which subjects the store held quads about that the files no longer give.
    """
    fresh = []
    for quad in quads:
        key = _key(quad)
        if key in given:
            continue
        given.add(key)
        if quad in store:
            held[quad.subject] += 1  # type: ignore[index]
        else:
            fresh.append(quad)
    return fresh


def _inferred_and_asserted(store: ox.Store) -> list[ox.Quad]:
    """The inferred graph's triples that another graph asserts (``internal/inferred-asserted``), asked predicate by
    predicate, and only of the predicates some other graph uses at all.

    Asked whole, the query looks every inferred triple up in the other graphs, most of them ``kg:effectiveDate``
    triples that no graph asserts: over a 100,000-row ACLED import's store, 1.3 s (3.8 s the first time), where
    the predicates, the checks and the lookups of the few asserted ones took 0.27 s (benchmarks/RESULTS.md,
    2026-11-30)."""
    p, inferred = ox.Variable("p"), ox.NamedNode(INFERRED_GRAPH)
    asserted = queries.internal("internal/predicate-asserted")
    found = []
    for row in list(store.query(queries.internal("internal/inferred-predicates"))):
        if store.query(asserted, substitutions={p: row["p"]}):
            rows = store.query(queries.internal("internal/inferred-asserted"), substitutions={p: row["p"]})
            found += [ox.Quad(r["s"], row["p"], r["o"], inferred) for r in rows]
    return found


def _give_back_freed_memory() -> None:
    """Hand the heap pages freed by the last chunk back to the kernel (glibc's ``malloc_trim``; elsewhere nothing).

    A chunk's quads are made in the reading thread and freed in this one, and its check store is
    built and dropped here: glibc keeps what they freed, scattered through its arenas, and the
    next chunk's objects do not fit back exactly, so without this an import's resident memory crept
    up chunk after chunk with nothing in use to show for it. Trimming costs a few milliseconds a chunk.
    """
    if (trim := _malloc_trim()) is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl); looked up on first use."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def _prepared(
    chunks: Iterable[tuple[str, Written]],
    own: tuple[str, ...],
    digests: dict[str, _Digest] | None,
    fingerprinted: set[str],
) -> Iterator[tuple[str, Written, list[ox.Quad], set[ox.NamedNode]]]:
    """Each chunk with its quads once each and the entities it names; fingerprinted into ``digests`` unless None,
    when its graph is one of ``fingerprinted`` (the graphs the store held: a new graph has nothing to compare with,
    and fingerprinting a chunk cost about 0.2-0.4 s of Python a 5,000-row ACLED chunk, holding the GIL).

    The per-quad Python work of a chunk, done here, in the reading thread (:func:`_ahead`), while
    the last chunk is checked and written in Oxigraph; with merges recorded (``digests`` None) the
    chunk's quads are fingerprinted after the merges rewrote them, by the caller.
    """
    for graph, written in chunks:
        unique = list(dict.fromkeys(written.quads))
        if digests is not None and graph in fingerprinted:
            digests.setdefault(graph, _Digest()).add(unique, own)
        yield graph, written, unique, _mentioned(unique, own)
        del written, unique  # not held while the next chunk is made (:func:`_ahead`)


def _write(store: ox.Store, quads: Iterable[ox.Quad]) -> None:
    """Bulk-write ``quads`` in batches of 100,000: bigger batches cost the bulk loader far more memory."""
    quads = iter(quads)
    while batch := list(itertools.islice(quads, 100_000)):
        store.bulk_extend(batch)
