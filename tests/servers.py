"""Real servers for tests: `kg serve`, the Oxigraph server and Virtuoso, on free loopback ports."""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A port free now. Another process may take it before a server binds it: servers that cannot
    announce the port they bound are started with :func:`_on_free_port`, which tries again."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ATTEMPTS = 5
"""Ports tried before a server that lost its port to another process is given up on."""


def stop(process: subprocess.Popen, seconds: float) -> None:
    """Ask a server to stop; kill it if it has not within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"server exited with {process.returncode}: {output}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not come up in {seconds} s")


def _launch(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
    )


def _drain(process: subprocess.Popen) -> None:
    """Read what a started server writes on stderr from now on, in a thread, and drop it.

    A pipe holds 64 KiB: a server that logged more than that while no one read the pipe would
    block in its next write, and the test waiting for its answer would hang.
    """
    stream = process.stderr
    if stream is not None:
        reader = threading.Thread(target=stream.read, name="server-stderr", daemon=True)
        reader.start()
        _DRAINS[process.pid] = reader


_DRAINS: dict[int, threading.Thread] = {}
"""The reader of each drained server's stderr, joined before the pipe is closed (it ends when the server has)."""


def _close(process: subprocess.Popen) -> None:
    stop(process, 10)
    reader = _DRAINS.pop(process.pid, None)
    if reader is not None:
        reader.join(10)
    if process.stderr and (reader is None or not reader.is_alive()):
        process.stderr.close()


def _on_free_port(command: Callable[[int], list[str]], ready_url: Callable[[int], str]) -> tuple[subprocess.Popen, int]:
    """Start a server on a free port and wait until it answers; on another port when it lost the one chosen."""
    for attempt in range(1, ATTEMPTS + 1):
        port = free_port()
        process = _launch(command(port))
        try:
            wait_until_up(ready_url(port), process)
            _drain(process)
            return process, port
        except RuntimeError as exc:
            _close(process)
            if "in use" not in str(exc) or attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def announced_url(process: subprocess.Popen, seconds: float = 30.0) -> str:
    """The endpoint URL `kg serve` prints on stderr once it listens (it was given port 0)."""
    assert process.stderr is not None
    ready, _, _ = select.select([process.stderr], [], [], seconds)
    line = process.stderr.readline() if ready else ""
    found = re.search(r" at (http://\S+/sparql) ", line)
    if found is None:
        raise RuntimeError(f"kg serve announced no endpoint in {seconds} s: {line}")
    return found[1]


@contextlib.contextmanager
def kg_serve_process(store: Path, *extra: str) -> Iterator[tuple[str, int]]:
    """`kg serve` on the store, on the free port it chooses; yields the endpoint URL and the server's process id."""
    process = _launch([str(BIN / "kg"), "--store", str(store), "serve", "--port", "0", *extra])
    try:
        url = announced_url(process)
        wait_until_up(url.removesuffix("/sparql") + "/health", process)
        _drain(process)
        yield url, process.pid
    finally:
        _close(process)


@contextlib.contextmanager
def kg_serve(store: Path, *extra: str) -> Iterator[str]:
    """`kg serve` on the store; yields the endpoint URL."""
    with kg_serve_process(store, *extra) as (url, _):
        yield url


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """A read-write Oxigraph server; yields kg's store URL for it (union default graph)."""

    def command(port: int) -> list[str]:
        return [str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]

    process, port = _on_free_port(command, lambda port: f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
    try:
        yield f"sparql+http://127.0.0.1:{port}/query?union-default-graph"
    finally:
        _close(process)


# -- Virtuoso Open Source (Debian's virtuoso-opensource) ------------------------------------------

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
VIRTUOSO_DEFAULT_GRAPH = "urn:kg:default-graph"
"""Where the bulk loader puts the triples kg keeps in the default graph (the ontology): Virtuoso
stores every triple in some named graph and has no default graph of its own."""
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
"""Graphs a fresh Virtuoso database holds for itself, which its union default graph would include."""
_PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"

_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = {dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {dir}
ServerThreads = 4
EnabledGzipContent = 0

[SPARQL]
; without these Virtuoso cuts answers at 10,000 rows, and at its time limit returns what it has
ResultSetMaxRows = 1000000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: kg's store URL for it and its SQL port, for the bulk loader."""

    url: str
    sql_port: int
    directory: Path

    def isql(self, statements: str) -> str:
        """Run SQL statements (``;``-separated) as the DBA; Virtuoso's errors become a RuntimeError."""
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout or "*** Error" in done.stderr:
            raise RuntimeError(f"isql failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
        return done.stdout

    def bulk_load(self, file: Path) -> None:
        """Load an N-Quads (or N-Triples, Turtle, TriG) file in the server's directory with Virtuoso's
        bulk loader; triples outside a named graph go to :data:`VIRTUOSO_DEFAULT_GRAPH`."""
        if file.parent.resolve() != self.directory.resolve():
            raise ValueError(f"{file} must be in {self.directory}, the directory Virtuoso may read")
        self.isql(
            f"ld_dir('{self.directory}', '{file.name}', '{VIRTUOSO_DEFAULT_GRAPH}'); rdf_loader_run(); checkpoint;"
        )
        failed = self.isql(
            "select ll_file, ll_error from DB.DBA.load_list where ll_state <> 2 or ll_error is not null;"
        )
        if "0 Rows." not in failed:
            raise RuntimeError(f"Virtuoso's bulk loader failed: {failed[-2000:]}")


def _virtuoso_on_free_ports(directory: Path, buffers: int) -> tuple[subprocess.Popen, int, int]:
    """Virtuoso started and answering, with its SQL and HTTP ports; on others when it lost one chosen."""
    for attempt in range(1, ATTEMPTS + 1):
        sql, http = free_port(), free_port()
        ini = directory / "virtuoso.ini"
        ini.write_text(
            _VIRTUOSO_INI.format(dir=directory, sql=sql, http=http, buffers=buffers, dirty=buffers * 3 // 4),
            encoding="utf-8",
        )
        with (directory / "server.out").open("w") as out:
            process = subprocess.Popen(
                [VIRTUOSO, "+configfile", str(ini), "+foreground"], cwd=directory, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            wait_until_up(f"http://127.0.0.1:{http}/sparql?query=ASK%7B%7D", process, seconds=120)
            return process, sql, http
        except RuntimeError as exc:
            stop(process, 120)
            log = (directory / "server.out").read_text(errors="replace")
            if not re.search(r"Failed .*listen", log) or attempt == ATTEMPTS:  # "Failed HTTP listen at ..."
                raise RuntimeError(f"{exc}\n{log[-2000:]}") from None
    raise AssertionError("unreachable")


def virtuoso_available() -> bool:
    return shutil.which(VIRTUOSO) is not None and shutil.which(ISQL) is not None


@contextlib.contextmanager
def virtuoso_server(directory: Path, *, buffers: int = 10_000) -> Iterator[Virtuoso]:
    """Virtuoso Open Source on free loopback ports with its database in ``directory`` (its own
    virtuoso.ini; no system service), its own graphs hidden from the SPARQL endpoint so that the
    union default graph holds only what is loaded. ``buffers`` are 8 KiB pages of cache."""
    directory.mkdir(parents=True, exist_ok=True)
    process, sql, http = _virtuoso_on_free_ports(directory, buffers)
    try:
        server = Virtuoso(f"sparql+http://127.0.0.1:{http}/sparql", sql, directory)
        members = "".join(f"DB.DBA.RDF_GRAPH_GROUP_INS('{_PRIVATE}', '{graph}');" for graph in VIRTUOSO_SYSTEM_GRAPHS)
        private = "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 0, 1);"  # private graphs: unreadable anonymously
        server.isql(f"DB.DBA.RDF_GRAPH_GROUP_CREATE('{_PRIVATE}', 1); {members} {private}")
        yield server
    finally:
        stop(process, 120)
