"""Load test for `kg serve`: many concurrent clients, mixed saved queries, a rebuild swapped in meanwhile.

Every answer is checked against the embedded store's answer to the same query, so "no wrong
answers" is measured, not assumed. Prints throughput, latency percentiles, failures and the
server's memory (all its processes) before and after.

    python -m benchmarks.load_serve --clients 50 --seconds 30
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import kg
from kg import queries, sparql

MIX = [
    ("sources", {}),
    ("allies", {"actor": "Assad"}),
    ("who-captured", {"place": "Homs"}),
    ("neighbourhood", {"entity": "Iraq"}),
    ("claims", {}),
    ("contested", {}),
    ("timeline", {}),
]
"""The saved queries the clients send, with their parameters."""


@dataclass
class LoadResult:
    requests: int = 0
    after_during: int = 0
    """Requests sent after ``during`` returned: each client sends at least one, so the swap is exercised."""
    failures: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else 0.0

    def table(self) -> str:
        rate = self.requests / self.seconds if self.seconds else 0.0
        return "\n".join(
            [
                "| measure | value |",
                "|---|---|",
                f"| requests | {self.requests} |",
                f"| throughput | {rate:.1f} req/s |",
                f"| p50 latency | {self.percentile(50):.1f} ms |",
                f"| p99 latency | {self.percentile(99):.1f} ms |",
                f"| failed requests | {len(self.failures)} |",
                f"| wrong answers | {len(self.wrong)} |",
                f"| server memory (RSS, all processes) | {self.rss_before_mb:.0f} MB at start, "
                f"{self.rss_after_mb:.0f} MB at the end |",
            ]
        )


def bound_texts(store: kg.Store) -> list[tuple[str, str, list[tuple[str, ...]]]]:
    """(name, SPARQL text with parameters bound, expected rows as sorted CSV tuples) for the mix."""
    from kg.params import bind

    out = []
    for name, params in MIX:
        saved = queries.get(name)
        text = sparql.bind_values(saved.text, bind(store, saved, params))
        expected = store.query(name, **params)
        assert isinstance(expected, kg.SelectResult)
        out.append((name, text, _rows(expected.serialize(kg.results.ResultFormat.CSV).decode())))
    return out


def _rows(text: str) -> list[tuple[str, ...]]:
    return sorted(tuple(row) for row in csv.reader(io.StringIO(text)))


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
        for child in list(pids[1:]):
            pids += [int(c) for c in Path(f"/proc/{child}/task/{child}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run(
    url: str,
    texts: list,
    *,
    clients: int,
    seconds: float,
    server_pid: int | None = None,
    during: Callable[[], None] | None = None,
) -> LoadResult:
    """Hammer ``url`` with the bound queries from ``clients`` threads for ``seconds``; ``during`` runs mid-way.

    With ``during`` (a rebuild, say), the clients go on past ``seconds`` until it has returned and
    each has been answered once more after it, however long it took on this machine.
    """
    result = LoadResult(rss_before_mb=rss_mb(server_pid) if server_pid else 0.0)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    done = threading.Event()
    if during is None:
        done.set()

    def client(number: int) -> None:
        i = number
        after = 0
        while time.monotonic() < stop or not done.is_set() or not after:
            finished_before = done.is_set()
            name, text, expected = texts[i % len(texts)]
            i += 1
            body = urllib.parse.urlencode({"query": text}).encode()
            request = urllib.request.Request(url, data=body, headers={"Accept": "text/csv"})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    answer = _rows(response.read().decode())
                ok, error = answer == expected, None
            except urllib.error.HTTPError as exc:  # the server's own words say why
                ok, error = False, f"{name}: HTTP {exc.code}: {exc.read().decode(errors='replace').strip()[:300]}"
            except (urllib.error.URLError, OSError) as exc:
                ok, error = False, f"{name}: {exc}"
            elapsed = time.monotonic() - started
            after += finished_before
            with lock:
                result.requests += 1
                result.after_during += finished_before and during is not None
                result.latencies.append(elapsed)
                if error:
                    result.failures.append(error)
                elif not ok:
                    result.wrong.append(name)

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client, n) for n in range(clients)]
        if during:
            time.sleep(seconds / 2)
            try:
                during()
            finally:
                done.set()
        for future in futures:
            future.result()
    result.seconds = time.monotonic() - started
    result.rss_after_mb = rss_mb(server_pid) if server_pid else 0.0
    return result


def main() -> None:
    from tests.servers import kg_serve_process

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    root = kg.config.project_root()
    with tempfile.TemporaryDirectory() as scratch:
        store = Path(scratch) / "store"
        kg.build(store_path=store)
        texts = bound_texts(kg.open_store(store))
        with kg_serve_process(store, "--workers", str(args.workers)) as (url, pid):
            result = run(
                url,
                texts,
                clients=args.clients,
                seconds=args.seconds,
                server_pid=pid,
                during=lambda: kg.build([root / "ontology", root / "data"], store_path=store),
            )
    print(
        f"kg serve, {args.clients} clients, {args.seconds:g} s, {args.workers} workers, a rebuild swapped in half-way\n"
    )
    print(result.table())


if __name__ == "__main__":
    main()
