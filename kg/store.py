"""The store: an embedded Oxigraph database on disk, written whole and swapped in atomically.

Layout of a store directory (``.kg/`` by default)::

    live               name of the generation readers open (replaced atomically)
    generations/NAME/  one complete Oxigraph database per build
    generations/NAME.work/  the writable copy a revision changes; NAME is checkpointed from it
    lock               held by the one process writing (build)

A build writes a new generation and only then points ``live`` at it, so a failed or killed
build leaves the previous store answering queries. The previous generation is kept until the
next build, so a reader that opened it just before a swap can finish. Readers open the live
generation read-only; queries see the union of all graphs unless they use ``GRAPH``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import io
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg import config, listings, params, phases, queries, remote, sparql
from kg.errors import QueryError, StoreError
from kg.namespaces import PREFIXES
from kg.remote import Endpoint
from kg.results import GraphResult, SelectResult, tuples
from kg.terms import Term

__all__ = ["Store", "is_built", "new_generation", "open_store", "publish", "rebuild", "revise", "writer_lock"]

LIVE = "live"
GENERATIONS = "generations"
LOCK = "lock"
_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_NOT_PROJECTED = re.compile(r"does not contains? variable (\?\w+) in its SELECT projection")


class Store:
    """A knowledge graph opened for querying: an embedded Oxigraph database or a remote endpoint.

    ``query`` takes a saved query name ("allies"), a path to a ``.rq`` file, or SPARQL text,
    with parameters as keyword arguments::

        store = kg.open_store()
        store.query("allies", actor="Assad").to_dataframe()
    """

    def __init__(
        self,
        inner: ox.Store | None = None,
        *,
        path: Path | None = None,
        endpoint: Endpoint | None = None,
        generation: Path | None = None,
        listings: bool = True,
    ):
        if (inner is None) == (endpoint is None):
            raise ValueError("a Store wraps either a pyoxigraph store or a remote endpoint")
        self._inner = inner
        self.endpoint = endpoint
        self.path = path
        self.generation = generation
        """The generation directory the embedded store was opened from (None in memory or remote)."""
        self.listings = listings and generation is not None
        """Whether the big listings (:data:`kg.listings.SERVED`) are answered from the generation's derived
        tables (the same rows as SPARQL, much faster); False answers every query by SPARQL."""

    @classmethod
    def from_turtle(cls, text: str) -> Store:
        """An in-memory store holding ``text`` (Turtle or TriG): for examples and experiments.

        >>> len(Store.from_turtle('<http://e/a> <http://e/p> "x" .'))
        1
        """
        inner = ox.Store()
        inner.load(text.encode("utf-8"), format=ox.RdfFormat.TRIG)
        return cls(inner)

    @property
    def inner(self) -> ox.Store:
        """The embedded pyoxigraph store, for what this class does not wrap (not for remote stores)."""
        if self._inner is None:
            raise StoreError("this operation needs the embedded store; the store is a remote endpoint")
        return self._inner

    def __len__(self) -> int:
        return len(self._inner) if self._inner is not None else self.endpoint.count_quads()  # type: ignore[union-attr]

    def __repr__(self) -> str:
        where = self.endpoint.query_url if self.endpoint else self.path or "in memory"
        return f"<kg.Store {where}>"

    def query(self, query: str, /, **values: str | Term) -> SelectResult | GraphResult | bool:
        """Run a saved query, a ``.rq`` file or SPARQL text, binding ``values`` to its parameters.

        SELECT gives a :class:`~kg.results.SelectResult`, CONSTRUCT and DESCRIBE a
        :class:`~kg.results.GraphResult`, ASK a bool.

        >>> store = Store.from_turtle('<http://e/a> <http://e/p> "x" .')
        >>> store.query("ASK { ?s ?p 'x' }")
        True
        """
        saved = queries.resolve_text(query)
        return self.run(saved, params.bind(self, saved, values))

    def results(self, query: str, /, *, format: ox.QueryResultsFormat, **values: str | Term) -> bytes:
        """A SELECT or ASK query's results serialised in a W3C format (JSON, XML, CSV, TSV)."""
        saved = queries.resolve_text(query)
        return self.serialize(saved, params.bind(self, saved, values), format)

    def run(self, saved: queries.SavedQuery, substitutions: Mapping[str, Term] | None = None):
        """Execute an already-bound query; errors become :class:`QueryError` naming the query and position."""
        bindings = dict(substitutions or {})
        if self.endpoint is not None:
            with _named(saved):
                return self.endpoint.run(saved.text, bindings)
        with _query_errors(saved):
            result = self._execute(saved, bindings)
            if isinstance(result, listings.Listing):
                result = result.solutions()
            if isinstance(result, ox.QuerySolutions):
                return SelectResult.from_solutions(result)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            return GraphResult(list(result))

    def serialize(self, saved: queries.SavedQuery, substitutions: Mapping[str, Term], format: ox.QueryResultsFormat):
        """Execute a SELECT or ASK query straight into a W3C results format."""
        if self.endpoint is not None:
            with _named(saved):
                return self.endpoint.results(saved.text, dict(substitutions), format)
        with _query_errors(saved):
            result = self._execute(saved, dict(substitutions))
            if not isinstance(result, ox.QuerySolutions | ox.QueryBoolean | listings.Listing):
                raise QueryError(f"{saved.name}: {format.name} is for SELECT and ASK results, not graphs")
            return result.serialize(format=format)

    def stream(self, query: str, /, out: BinaryIO, *, format: ox.QueryResultsFormat, **values: str | Term) -> None:
        """Write a SELECT or ASK query's results to the binary file ``out`` in a W3C format as they come.

        Memory stays flat however big the answer: the embedded store serialises solution by
        solution, a remote one is copied off the connection a chunk at a time.
        """
        saved = queries.resolve_text(query)
        bindings = params.bind(self, saved, values)
        if self.endpoint is not None:
            with _named(saved):
                self.endpoint.stream(saved.text, bindings, format, out)
            return
        with _query_errors(saved):
            result = self._execute(saved, bindings)
            if not isinstance(result, ox.QuerySolutions | ox.QueryBoolean | listings.Listing):
                raise QueryError(f"{saved.name}: {format.name} is for SELECT and ASK results, not graphs")
            result.serialize(out, format=format)

    def iter_rows(self, query: str, /, **values: str | Term) -> Iterator[tuple[Term | None, ...]]:
        """A SELECT query's solutions one at a time, as tuples in variable order: for answers too big to hold.

        The whole answer is never in memory: the embedded store evaluates lazily, a remote one
        is parsed off the connection as it arrives.

        >>> store = Store.from_turtle('<http://e/a> <http://e/p> "x" .')
        >>> [row[0].value for row in store.iter_rows("SELECT ?o WHERE { ?s ?p ?o }")]
        ['x']
        """
        saved = queries.resolve_text(query)
        bindings = params.bind(self, saved, values)
        if self.endpoint is not None:
            with _named(saved), self.endpoint.solutions(saved.text, bindings) as solutions:
                yield from solutions
            return
        with _query_errors(saved):
            result = self._execute(saved, bindings)
            if isinstance(result, listings.Listing):
                result = result.solutions()
            if not isinstance(result, ox.QuerySolutions):
                raise QueryError(f"{saved.name}: not a SELECT query; iter_rows gives the rows of one")
            yield from tuples(result)

    @contextlib.contextmanager
    def open_results(
        self, saved: queries.SavedQuery, substitutions: Mapping[str, Term], format: ox.QueryResultsFormat
    ) -> Iterator[BinaryIO]:
        """A SELECT or ASK query's results in a W3C format as a binary file to read (pandas reads CSV from it).

        From a remote store it is the response itself, so a big answer is read once, not held
        as bytes and then parsed.
        """
        if self.endpoint is not None:
            with _named(saved), self.endpoint.open_results(saved.text, dict(substitutions), format) as response:
                yield response
        else:
            yield io.BytesIO(self.serialize(saved, substitutions, format))

    def _execute(self, saved: queries.SavedQuery, bindings: Mapping[str, Term]):
        if self.listings and saved.name in listings.SERVED:
            assert self.generation is not None
            answer = listings.solutions(self.generation, self.inner, saved, bindings)
            if answer is not None:
                return answer
        if saved.binding == "values" and bindings:
            text = sparql.bind_values(saved.text, bindings)
            return self.inner.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        substitutions = {ox.Variable(name): term for name, term in bindings.items()}
        return self.inner.query(
            saved.text, substitutions=substitutions or None, prefixes=PREFIXES, use_default_graph_as_union=True
        )


@contextlib.contextmanager
def _named(saved: queries.SavedQuery) -> Iterator[None]:
    """A query a remote endpoint cannot run as written, refused in one line that names it."""
    try:
        yield
    except remote.Unsupported as exc:
        raise QueryError(f"{saved.name}: {exc}") from None


@contextlib.contextmanager
def _query_errors(saved: queries.SavedQuery) -> Iterator[None]:
    """Turn pyoxigraph's errors into ones that name the query and say what to do."""
    try:
        yield
    except SyntaxError as exc:
        raise QueryError(_syntax_message(saved, exc)) from None
    except RuntimeError as exc:
        if match := _NOT_PROJECTED.search(str(exc)):
            raise QueryError(
                f"{saved.name}: parameter {match[1]} must be a variable of the SELECT clause to be bound"
            ) from None
        raise QueryError(f"{saved.name}: {exc}") from None
    except BrokenPipeError:
        raise  # the reader of a streamed answer left: not the store's fault
    except OSError as exc:
        raise StoreError(f"reading the store failed: {exc}") from None


def _syntax_message(saved: queries.SavedQuery, exc: SyntaxError) -> str:
    message = str(exc)
    where = str(saved.path) if saved.path else saved.name
    if match := _POSITION.match(message):
        return f"{where}:{match[1]}:{match[2]}: SPARQL syntax error: {message[match.end() :]}"
    return f"{where}: SPARQL syntax error: {message}"


def _live_generation(root: Path) -> Path | None:
    try:
        name = (root / LIVE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {root / LIVE}: {exc.strerror or exc}") from None
    return root / GENERATIONS / name if name else None


def is_built(path: Path | str | None = None) -> bool:
    """Whether :func:`open_store` would find a store at ``path`` (a remote endpoint counts as built)."""
    location = path if path is not None else config.default_store_location()
    if remote.is_endpoint(location):
        return True
    generation = _live_generation(Path(location))
    return generation is not None and generation.is_dir()


def open_store(path: Path | str | None = None, *, listings: bool = True) -> Store:
    """Open the store at ``path`` (default: ``$KG_STORE`` or the project's ``.kg/``) read-only.

    A location ``sparql+http://host:port/...`` opens a remote SPARQL endpoint instead.
    ``listings=False`` answers the big listings by SPARQL too, not from the derived tables
    (:mod:`kg.listings`): the same answer, for comparing the two.
    """
    location = path if path is not None else config.default_store_location()
    if remote.is_endpoint(location):
        return Store(endpoint=remote.Endpoint.parse(str(location)))
    root = Path(location)
    generation = _live_generation(root)
    if generation is None or not generation.is_dir():
        raise StoreError(f"no store at {root}; run `kg build` first")
    try:
        inner = ox.Store.read_only(str(generation))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {generation}: {exc}") from None
    return Store(inner, path=root, generation=generation, listings=listings)


@contextlib.contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the store's writer lock, or fail at once with "store is busy" if another process has it."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise StoreError(
                f"the store at {root} is busy: another kg process (pid {holder}) is writing it; "
                "try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def new_generation(root: Path, *, create: bool = True) -> Path:
    """The path of the next generation, named so names sort by time; created empty unless ``create`` is false."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = root / GENERATIONS / f"{stamp}-{os.getpid()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if create:
        path.mkdir()
    return path


@contextlib.contextmanager
def revise(path: Path | str | None = None) -> Iterator[ox.Store]:
    """A writable copy of the live store; it goes live when the block succeeds and is dropped if it fails.

    The copy is an Oxigraph checkpoint (hard links to the immutable files), so revising a
    large store costs what the change costs, not a rebuild; readers keep the old generation.
    What goes live is a second checkpoint, of the changed copy (see :func:`_written`).
    """
    root = Path(path) if path is not None else config.default_store()
    with writer_lock(root):
        live = _live_generation(root)
        if live is None or not live.is_dir():
            raise StoreError(f"no store at {root}; run `kg build` first")
        target = new_generation(root, create=False)
        work = _workspace(target)
        inner: ox.Store | None = None
        try:
            ox.Store.read_only(str(live)).backup(str(work))
            inner = ox.Store(str(work))
            phases.reached("store:copied")
            yield inner
            _written(inner, target)
            publish(root, target)
        except BaseException:
            inner = None  # this frame's hold on the copy goes before its folder does
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)
            raise


@contextlib.contextmanager
def rebuild(path: Path | str | None = None, *, leave_out: set[ox.NamedNode]) -> Iterator[ox.Store]:
    """Like :func:`revise`, but the copy leaves out some named graphs, and is written with bulk loads.

    For replacing a large graph: bulk-loading everything else costs less than deleting it.
    """
    root = Path(path) if path is not None else config.default_store()
    with writer_lock(root):
        live = _live_generation(root)
        if live is None or not live.is_dir():
            raise StoreError(f"no store at {root}; run `kg build` first")
        target = new_generation(root, create=False)
        work = _workspace(target)
        inner: ox.Store | None = None
        try:
            source = ox.Store.read_only(str(live))
            inner = ox.Store(str(work))
            graphs = [g for g in [ox.DefaultGraph(), *source.named_graphs()] if g not in leave_out]
            _copy_graphs(source, inner, graphs, beside=work)
            phases.reached("store:copied")
            yield inner
            _written(inner, target)
            publish(root, target)
        except BaseException:
            inner = None  # this frame's hold on the copy goes before its folder does
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)
            raise


def _workspace(target: Path) -> Path:
    """Where the writable copy for ``target`` is changed: beside it, so the next :func:`publish` clears it."""
    return target.with_name(target.name + ".work")


def _written(inner: ox.Store, target: Path) -> None:
    """Checkpoint the changed copy ``inner`` as ``target``, the directory that goes live.

    The block that changed ``inner`` may still hold it when the copy goes live (a ``with`` target
    outlives its block), and a database open for writing goes on compacting and deleting its own
    files: opened by a reader at that moment, it failed with "No such file" (and a revision that
    checkpointed it next failed the same way). A checkpoint nobody has opened for writing cannot
    change under its readers; it costs hard links.
    """
    inner.flush()
    inner.backup(str(target))
    phases.reached("store:revised")


def _copy_graphs(
    source: ox.Store, target: ox.Store, graphs: list[ox.NamedNode | ox.DefaultGraph], beside: Path
) -> None:
    """Copy ``graphs`` from ``source`` into ``target`` with bulk loads, each through a file named after the
    directory ``beside`` (not a bytes object: memory stays flat however big a graph is).

    Each graph is dumped on a thread of its own while the one before is bulk-loaded: both let go
    of the GIL, and one after the other they took 23 s and 17.5 s for the 1.16M quads a re-import
    of 15,000 ACLED rows into the 1M store copies (decoding the terms is most of a dump's cost).
    """
    from concurrent.futures import ThreadPoolExecutor

    triples = ox.RdfFormat.N_TRIPLES  # a graph at a time, so each dump is triples
    files = [beside.parent / f".{beside.name}.{number}.nt" for number in range(len(graphs))]

    def dump(number: int) -> None:
        source.dump(str(files[number]), format=triples, from_graph=graphs[number])

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-dump") as pool:
        dumped = [pool.submit(dump, 0)] if graphs else []
        try:
            for number, graph in enumerate(graphs):
                dumped[number].result()
                if number + 1 < len(graphs):
                    dumped.append(pool.submit(dump, number + 1))
                named = None if isinstance(graph, ox.DefaultGraph) else graph
                target.bulk_load(path=str(files[number]), format=triples, to_graph=named)
                files[number].unlink()
        finally:
            for future in dumped:
                future.cancel()
            pool.shutdown(wait=True)  # a dump still running writes its file: wait for it before removing them all
            for path in files:
                path.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(root: Path, generation: Path) -> None:
    """Make ``generation`` the live one (an atomic rename), then drop all but it and its predecessor."""
    previous = _live_generation(root)
    pointer = root / f"{LIVE}.{os.getpid()}.tmp"
    with open(pointer, "w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, root / LIVE)
    _fsync_dir(root)
    keep = {generation.name} | ({previous.name} if previous else set())
    for old in (root / GENERATIONS).iterdir():
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
