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

import datetime as dt
import logging
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pyoxigraph as ox

from kg import config, inference, phases, queries, remote, validation
from kg.config import display_path
from kg.dataset import FORMATS, locate_problems
from kg.errors import DataError, ParameterError, StoreError, ValidationError
from kg.formats import annotation as annotations
from kg.formats.events import EVENT_SUFFIXES, event_graph_id, event_kind, read_events
from kg.names import is_common_word
from kg.namespaces import DCT, ENTITY, GRAPH, INFERRED_GRAPH, ONTOLOGY, OWL, RDF, RDFS, SKOS, SOURCE
from kg.params import resolve_source
from kg.results import SelectResult
from kg.store import Store, open_store, rebuild, revise

__all__ = ["DropReport", "IngestReport", "drop", "import_events", "ingest", "local_root", "replace_graph"]

log = logging.getLogger(__name__)

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
class DropReport:
    """What a drop removed."""

    source: str
    quads: int
    moved: list[Path] = field(default_factory=list)


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


def _context(store: Store, graph: str, quads: list[ox.Quad]) -> ox.Store:
    """A small store to validate a new source in: the ontology, the new graph, and what it refers to."""
    check = ox.Store()
    check.extend(store.inner.quads_for_pattern(None, None, None, ox.DefaultGraph()))  # the ontology
    check.extend(quads)
    mentioned = {q.object for q in quads if isinstance(q.object, ox.NamedNode)} | {
        q.subject for q in quads if isinstance(q.subject, ox.NamedNode)
    }
    # Looked up entity by entity and property: a handful of index lookups each, where one SPARQL query
    # over all of them scanned every rdf:type triple of the store (0.8 s at 1M quads)
    skip = {ox.NamedNode(graph), ox.NamedNode(INFERRED_GRAPH), ox.DefaultGraph()}
    for entity in mentioned:
        for prop in IDENTIFYING:
            check.extend(q for q in store.inner.quads_for_pattern(entity, prop, None) if q.graph_name not in skip)
    return check


def _graph_size(store: Store, graph: ox.NamedNode) -> int:
    result = store.run(queries.internal_query("internal/graph-size"), {"graph": graph})
    assert isinstance(result, SelectResult)
    return int(result.records()[0]["quads"]) if len(result) else 0


COPY_ABOVE = 20_000
"""Above this many quads to delete, a replaced graph is left behind by copying the rest into a new
generation (bulk writes) rather than deleted quad by quad, which costs far more per quad on disk."""


def replace_graph(root: Path, graph: str, quads: Iterable[ox.Quad]) -> int:
    """Replace one named graph in the store at ``root`` and bring inference up to date; returns the quads written.

    A new generation is written and swapped in, so readers never see half a change.
    """
    node = ox.NamedNode(graph)
    batch = list(quads)
    if _graph_size(open_store(root), node) > COPY_ABOVE:
        with rebuild(root, leave_out={node, ox.NamedNode(INFERRED_GRAPH)}) as writable:
            writable.bulk_extend(batch)
            inference.materialise(writable)
        return len(batch)
    with revise(root) as writable:
        old = list(writable.quads_for_pattern(None, None, None, node))
        if old:
            writable.remove_graph(node)
        writable.bulk_extend(batch)
        inference.update(writable, inference.touched_by([*old, *batch]))
    return len(batch)


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


def _files_of(store: Store, data: Path, source_id: str) -> list[Path]:
    """The data files that describe the source (its annotation or RDF file) and its verbatim text."""
    graph = ox.NamedNode(GRAPH + source_id)
    texts = store.query("SELECT ?text ?g WHERE { GRAPH ?g { ?source kg:text ?text } }", g=graph)
    assert isinstance(texts, SelectResult)
    files: list[Path] = [Path(url2pathname(urlparse(row[0].value).path)) for row in texts.rows]  # type: ignore[union-attr]
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
            graphs = {
                q.graph_name
                for q in ox.parse(path=str(path), format=FORMATS[path.suffix], base_iri=path.resolve().as_uri())
            }
            if graph in graphs:
                if graphs - {graph, ox.DefaultGraph()}:
                    raise DataError(
                        f"{display_path(path)} also holds other sources; remove {source_id!r} from it by hand"
                    )
                files.append(path)
    inside = data.resolve()
    return [f for f in dict.fromkeys(files) if f.exists() and inside in f.resolve().parents]


def drop(source: str, *, store_path: Path | str | None = None, data_dir: Path | None = None) -> DropReport:
    """Remove a source's graph from the store and move its files into ``data/.dropped/``."""
    root = local_root(store_path)
    data = data_dir or config.project_root() / "data"
    store = open_store(root)
    bare = source.strip().strip("<>").removeprefix("kgg:").removeprefix(GRAPH)
    if _graph_size(store, ox.NamedNode(GRAPH + bare)):  # an event import's graph has many sources: name it by id
        source_id = bare
    else:
        try:
            source_id = resolve_source(store, source).value.removeprefix(SOURCE)
        except ParameterError as exc:
            raise DataError(str(exc)) from None
    graph = GRAPH + source_id
    removed = _graph_size(store, ox.NamedNode(graph))
    if not removed:
        raise DataError(f"no source {source_id!r} in the store; `kg query sources` lists them")
    files = _files_of(store, data, source_id)
    replace_graph(root, graph, [])
    shelf = data / DROPPED / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{source_id}"
    moved = []
    for path in files:
        target = shelf / path.resolve().relative_to(data.resolve())
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        moved.append(target)
    return DropReport(source_id, int(removed), moved)


def import_events(
    kind: str,
    path: Path,
    *,
    store_path: Path | str | None = None,
    data_dir: Path | None = None,
    validate: bool = True,
) -> IngestReport:
    """Import an ACLED or GDELT file: one graph of records, saved into the data folder as the original file.

    Re-importing a file of the same name replaces its graph. ``validate=False`` skips the
    shapes and evidence checks, for large files from a trusted export.
    """
    started = time.perf_counter()
    root = local_root(store_path)
    data = data_dir or config.project_root() / "data"
    suffix = next((s for s, k in EVENT_SUFFIXES.items() if k == kind), None)
    if suffix is None:
        raise DataError(f"unknown event dataset {kind!r}; known: {', '.join(EVENT_SUFFIXES.values())}")
    stem = path.name.removesuffix(suffix).removesuffix(".csv").removesuffix(".tsv").removesuffix(".CSV")
    target = data / f"{stem}{suffix}"
    graph_id = event_graph_id(target)
    store = open_store(root)
    quads, claims = read_events(store, path, kind, graph_id)
    if validate:
        graph = GRAPH + graph_id
        problems = validation.validate(
            _context(store, graph, quads), shapes=config.default_shapes(), graph_files={graph: path}
        )
        if problems:
            raise ValidationError(problems)
    replaced = bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }", g=ox.NamedNode(GRAPH + graph_id)))
    staged = _staged(target, path.read_bytes())
    try:
        count = replace_graph(root, GRAPH + graph_id, quads)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    os.replace(staged, target)
    return IngestReport(graph_id, claims, count, replaced, [target], time.perf_counter() - started)
