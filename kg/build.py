"""Build the store from the inputs: parse, attach texts, validate, infer, write, swap in.

:func:`check` runs the same pipeline into memory and stops after validation, so ``kg
validate`` judges exactly what ``kg build`` would accept.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import config, dataset, inference, phases, progress, queries, remote, store, validation
from kg.errors import DataError, Problem, StoreError, ValidationError
from kg.namespaces import INFERRED_GRAPH, ONTOLOGY

__all__ = ["BuildReport", "CheckReport", "build", "check", "open_or_build"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckReport:
    """What validation looked at and what it found."""

    files: list[Path]
    claims: int
    sources: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote."""

    store: Path | str
    files: list[Path]
    quads: int
    inferred: int
    claims: int
    sources: int
    seconds: float


PERSIST_BATCH = 100_000
"""Quads per bulk load when a built graph is written to disk: bigger batches need far more memory
(about 900 MB against 380 MB for 1M quads) and are not faster."""


def _persist(quads: Iterator[ox.Quad], target: ox.Store, step: progress.Task | None = None) -> None:
    """Write ``quads`` into the on-disk ``target`` with bounded bulk loads, keeping blank nodes as they are.

    The way a build writes when :class:`_Writer`'s copy cannot serve (see there). pyoxigraph's
    ``bulk_extend`` holds the GIL throughout, so this is not run beside the checks: written from
    a thread while they ran, the build took longer (36.4 s against 34.9 s at 1M).
    """
    while batch := list(itertools.islice(quads, PERSIST_BATCH)):
        target.bulk_extend(batch)
        if step is not None:
            step.advance(len(batch))


class _Writer:
    """The parsed inputs written into the new generation on a thread of its own, while the main thread checks them.

    Writing costs about what a raw bulk load of the inputs costs, and the checks and inference
    come before it; one after the other they made a build 3.4x a raw bulk load at 1M. Run
    side by side they share the two cores: pyoxigraph lets go of the GIL while it dumps a store
    to N-Quads and while it bulk-loads them, so this thread never stalls the checks' threads
    (``bulk_extend`` of Python ``Quad`` objects holds the GIL, and overlapping it made builds
    slower). If the checks fail, the build waits for this thread and throws the generation away,
    as it throws away any failed generation.

    A bulk load gives blank nodes new names. One load keeps them consistent among themselves
    (the dump is read through a file object, which pyoxigraph parses on one thread: bytes or a
    path are split among parsers on machines with 4 or more cores, each renaming on its own), but
    a triple added later cannot name them. So :meth:`add_inferred` refuses an inferred graph
    with blank nodes, or inputs that already held quads in the inferred graph (which inference
    may remove), and the build then writes the whole graph again with :func:`_persist`.
    """

    def __init__(self, graph: ox.Store, target: ox.Store):
        self.target = target
        self.had_inferred = graph.contains_named_graph(ox.NamedNode(INFERRED_GRAPH))
        self._graph: ox.Store | None = graph
        self._dumped = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write, name="kg-write", daemon=True)
        self._thread.start()

    def _write(self) -> None:
        started = time.perf_counter()
        try:
            graph, self._graph = self._graph, None
            assert graph is not None
            # an unnamed temporary file, not bytes: 217 MB less memory at 1M quads, and nothing left behind if killed
            with tempfile.TemporaryFile(prefix="kg-build-", suffix=".nq") as dump:
                graph.dump(dump, format=ox.RdfFormat.N_QUADS)
                del graph
                self._dumped.set()
                dump.seek(0)
                self.target.bulk_load(dump, format=ox.RdfFormat.N_QUADS)
            log.info("wrote the inputs to the new generation in %.2fs beside the checks", time.perf_counter() - started)
        except BaseException as exc:  # handed to the main thread by join()
            self._error = exc
        finally:
            self._dumped.set()

    def wait_dumped(self) -> None:
        """Return once the inputs are copied out of the in-memory store, which inference may then change."""
        self._dumped.wait()

    def join(self) -> None:
        """Wait for the write to end; raise what it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error

    def add_inferred(self, graph: ox.Store) -> bool:
        """Add ``graph``'s inferred triples to the written inputs; False when they cannot be added (see above)."""
        inferred = list(graph.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))
        blank = any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in inferred)
        if self.had_inferred or blank:
            return False
        self.target.bulk_extend(inferred)
        return True


def _count(inner: ox.Store, cls: str) -> int:
    rows = inner.query(
        queries.internal("internal/count-instances"),
        substitutions={ox.Variable("class"): ox.NamedNode(cls)},
        use_default_graph_as_union=True,
    )
    row = next(iter(rows), None)  # no instances: no group, no row
    return int(row["count"].value) if row else 0


def _load_and_check(
    inner: ox.Store,
    paths: Sequence[Path],
    shapes: Path | None,
    *,
    validate: bool,
    loaded: Callable[[ox.Store], object] | None = None,
) -> CheckReport:
    """Load the inputs; validate against ``shapes``, else the ``*shapes.ttl`` among the inputs, else the project's.

    ``loaded`` is called with the loaded store before the checks start (the build starts writing it).
    """
    from kg.entities import smush

    files, found_shapes = dataset.split_shapes(dataset.find_files(paths))
    if shapes is None:
        if len(found_shapes) > 1:
            listed = ", ".join(config.display_path(p) for p in found_shapes)
            raise DataError(f"several shapes files among the inputs ({listed}); choose one with --shapes")
        shapes = found_shapes[0] if found_shapes else config.default_shapes()
    started = time.perf_counter()
    report = dataset.load(inner, files)
    smush(inner)  # recorded merges (data/merges.trig) apply before anything is checked
    log.info("loaded %d quads in %.2fs", len(inner), time.perf_counter() - started)
    phases.reached("build:loaded")
    if loaded is not None:
        loaded(inner)
    started = time.perf_counter()
    with progress.task("checking (shapes and evidence rules)"):
        problems = validation.validate(inner, shapes=shapes, graph_files=report.graph_files) if validate else []
    problems = dataset.locate_problems(problems, report.graph_files, inner)
    log.info("checked in %.2fs", time.perf_counter() - started)
    return CheckReport(files, _count(inner, ONTOLOGY + "Claim"), _count(inner, ONTOLOGY + "SourceDocument"), problems)


def check(paths: Sequence[Path] | None = None, *, shapes: Path | None = None) -> CheckReport:
    """Validate the inputs without touching any store."""
    return _load_and_check(ox.Store(), paths or config.default_inputs(), shapes, validate=True)


def build(
    paths: Sequence[Path] | None = None,
    *,
    store_path: Path | str | None = None,
    shapes: Path | None = None,
    validate: bool = True,
) -> BuildReport:
    """Build a new store generation from ``paths`` and make it live; on any error the old one stays.

    For a remote store (``sparql+http://...``) the graph is built and checked in memory, then
    replaces the endpoint's dataset in one update request.
    """
    started = time.perf_counter()
    location = store_path if store_path is not None else config.default_store_location()
    if remote.is_endpoint(location):
        return _build_remote(str(location), paths, shapes, validate=validate, started=started)
    root = Path(location)
    with store.writer_lock(root):
        generation = store.new_generation(root)
        inner: ox.Store | None = None
        writer: _Writer | None = None
        try:
            graph = ox.Store()
            inner = ox.Store(str(generation))

            def write(loaded: ox.Store) -> None:
                nonlocal writer
                assert inner is not None
                writer = _Writer(loaded, inner)

            checked = _load_and_check(graph, paths or config.default_inputs(), shapes, validate=validate, loaded=write)
            if checked.problems:
                raise ValidationError(checked.problems)
            phases.reached("build:checked")
            assert writer is not None
            writer.wait_dumped()
            inferred = _infer(graph)
            quads = len(graph)
            writing = time.perf_counter()
            with progress.task("writing the store"):
                writer.join()
                log.info("waited %.2fs for the inputs to be written", time.perf_counter() - writing)
                phases.reached("build:writing")
                if not writer.add_inferred(graph):
                    log.info("inferred triples with blank nodes, or inputs in the inferred graph: writing it all again")
                    writer = inner = None  # both hold the database: close it before it is removed
                    shutil.rmtree(generation)
                    generation.mkdir()
                    inner = ox.Store(str(generation))
                    _persist(iter(graph), inner)
            # Freeing the in-memory graph takes about 0.5 s of CPU at 1M quads: done beside the compaction,
            # which lets go of the GIL (the list is the graph's last reference)
            held = [graph]
            del graph
            freeing = threading.Thread(target=held.clear, name="kg-free")
            freeing.start()
            with progress.task("compacting the store"):
                inner.flush()
                inner.optimize()  # compacting makes the queries about 1.5x faster
            freeing.join()
            log.info("wrote and compacted in %.2fs", time.perf_counter() - writing)
            inner = None  # close the database before it goes live
            phases.reached("build:written")
            store.publish(root, generation)
        except BaseException:
            if writer is not None:
                with contextlib.suppress(BaseException):
                    writer.join()  # the thread still holds the database: wait for it before removing it
            writer = inner = None
            shutil.rmtree(generation, ignore_errors=True)
            raise
    seconds = time.perf_counter() - started
    log.info("built %s in %.2fs", generation, seconds)
    return BuildReport(root, checked.files, quads, inferred, checked.claims, checked.sources, seconds)


def _checked_in_memory(
    paths: Sequence[Path] | None, shapes: Path | None, *, validate: bool
) -> tuple[ox.Store, CheckReport, int]:
    """The inputs loaded, checked and inferred in an in-memory store, and how many triples were inferred.

    In memory because Oxigraph answers the validation and inference queries 5-10 times faster
    there than from a freshly loaded disk store; the caller writes the result where it goes.
    """
    graph = ox.Store()
    checked = _load_and_check(graph, paths or config.default_inputs(), shapes, validate=validate)
    if checked.problems:
        raise ValidationError(checked.problems)
    phases.reached("build:checked")
    return graph, checked, _infer(graph)


def _infer(graph: ox.Store) -> int:
    started = time.perf_counter()
    with progress.task("inferring"):
        inferred = inference.materialise(graph)
    log.info("inferred %d triples in %.2fs", inferred, time.perf_counter() - started)
    return inferred


def _build_remote(
    location: str, paths: Sequence[Path] | None, shapes: Path | None, *, validate: bool, started: float
) -> BuildReport:
    inner, checked, inferred = _checked_in_memory(paths, shapes, validate=validate)
    quads = list(inner)
    remote.Endpoint.parse(location).replace_all(quads)
    seconds = time.perf_counter() - started
    return BuildReport(location, checked.files, len(quads), inferred, checked.claims, checked.sources, seconds)


def open_or_build(path: Path | str | None = None) -> store.Store:
    """Open the store, building it from the project's data first if there is none yet.

    For notebooks and scripts that should run from a fresh checkout: ``$KG_STORE`` (or
    ``path``) when given, else the project's ``.kg/``. It lives with the build, which it
    calls, so the store layer never reaches up to the build.
    """
    try:
        return store.open_store(path)
    except StoreError:
        build(store_path=path)
        return store.open_store(path)
