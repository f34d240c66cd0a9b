"""Build the store from the inputs: parse, attach texts, validate, infer, write, swap in.

:func:`check` runs the same pipeline into memory and stops after validation, so ``kg
validate`` judges exactly what ``kg build`` would accept.
"""

from __future__ import annotations

import itertools
import logging
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import config, dataset, inference, phases, progress, queries, remote, store, validation
from kg.errors import DataError, Problem, StoreError, ValidationError
from kg.namespaces import ONTOLOGY

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
    """Write ``quads`` into the on-disk ``target`` with bounded bulk loads.

    Not overlapped with the checks: written from a thread while they ran, the build took longer
    (36.4 s against 34.9 s at 1M), since the checks already keep both cores of the machine busy.
    """
    while batch := list(itertools.islice(quads, PERSIST_BATCH)):
        target.bulk_extend(batch)
        if step is not None:
            step.advance(len(batch))
        phases.reached("build:writing")


def _count(inner: ox.Store, cls: str) -> int:
    rows = inner.query(
        queries.internal("internal/count-instances"),
        substitutions={ox.Variable("class"): ox.NamedNode(cls)},
        use_default_graph_as_union=True,
    )
    row = next(iter(rows), None)  # no instances: no group, no row
    return int(row["count"].value) if row else 0


def _load_and_check(inner: ox.Store, paths: Sequence[Path], shapes: Path | None, *, validate: bool) -> CheckReport:
    """Load the inputs; validate against ``shapes``, else the ``*shapes.ttl`` among the inputs, else the project's."""
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
        try:
            graph, checked, inferred = _checked_in_memory(paths, shapes, validate=validate)
            quads = len(graph)
            writing = time.perf_counter()
            inner = ox.Store(str(generation))
            with progress.task("writing the store (quads)", total=quads) as step:
                _persist(iter(graph), inner, step)
            del graph
            with progress.task("compacting the store"):
                inner.flush()
                inner.optimize()  # compacting makes the queries about 1.5x faster
            log.info("wrote and compacted in %.2fs", time.perf_counter() - writing)
            inner = None  # close the database before it goes live
            phases.reached("build:written")
            store.publish(root, generation)
        except BaseException:
            inner = None
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
    started = time.perf_counter()
    with progress.task("inferring"):
        inferred = inference.materialise(graph)
    log.info("inferred %d triples in %.2fs", inferred, time.perf_counter() - started)
    return graph, checked, inferred


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
