"""Real servers for tests: `kg serve` and the Oxigraph server, on free loopback ports."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


@contextlib.contextmanager
def running(command: list[str], ready_url: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
    )
    try:
        wait_until_up(ready_url, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


@contextlib.contextmanager
def kg_serve_process(store: Path, *extra: str) -> Iterator[tuple[str, int]]:
    """`kg serve` on the store; yields the endpoint URL and the server's process id."""
    port = free_port()
    command = [str(BIN / "kg"), "--store", str(store), "serve", "--port", str(port), *extra]
    with running(command, f"http://127.0.0.1:{port}/health") as process:
        yield f"http://127.0.0.1:{port}/sparql", process.pid


@contextlib.contextmanager
def kg_serve(store: Path, *extra: str) -> Iterator[str]:
    """`kg serve` on the store; yields the endpoint URL."""
    with kg_serve_process(store, *extra) as (url, _):
        yield url


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """A read-write Oxigraph server; yields kg's store URL for it (union default graph)."""
    port = free_port()
    command = [str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with running(command, f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
        yield f"sparql+http://127.0.0.1:{port}/query?union-default-graph"
