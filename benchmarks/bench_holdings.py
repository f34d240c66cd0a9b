"""The ends of holds (kg/holdings.py) over an ACLED import's store: the claims they read, before and after the
rewrite of ``internal/holding-claims``, and the whole computation beside it.

    .venv/bin/python -m benchmarks.bench_holdings                      # 20,000 generated ACLED rows, imported first
    .venv/bin/python -m benchmarks.bench_holdings --acled 100000
    .venv/bin/python -m benchmarks.bench_holdings --store STORE        # an existing store, left as it is

Without ``--store``, a store of the seed is built and a generated ACLED file
(:mod:`benchmarks.event_files`) imported into it as ``kg import`` does, so the store is what an
import's settling step reads (written in bulk, not compacted). The live generation is read, never
written; the two forms run alternately, best and median of ``--repeat`` runs. The baseline is the
query's text before (``benchmarks/queries/holding-claims-before.rq``, whose rows must equal the
rewrite's); ratios are before / after, above 1 when the rewrite is faster. The whole of
:func:`kg.holdings.holding_ends` (the query, the join, the triples) is timed after it, to
show the query's share.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
BEFORE = ROOT / "benchmarks" / "queries" / "holding-claims-before.rq"


def imported_store(folder: Path, rows: int) -> Path:
    """A store of the seed with ``rows`` generated ACLED rows imported into it."""
    import kg
    from benchmarks.event_files import acled_file
    from kg.ingest.apply import import_events

    data = folder / "data"
    shutil.copytree(ROOT / "data", data)
    kg.build([ROOT / "ontology", data], store_path=folder / "store")
    events = acled_file(folder / f"synthetic-{rows}.acled.csv", rows)
    import_events("acled", events, store_path=folder / "store", data_dir=data)
    return folder / "store"


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def alternately(
    before: Callable[[], object], after: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """Seconds of each, run before, after, before, after ...: the machine's load falls on both alike."""
    pairs = [(timed(before, 1)[0], timed(after, 1)[0]) for _ in range(repeat)]
    return [b for b, _ in pairs], [a for _, a in pairs]


def measure(store_path: Path, repeat: int) -> list[tuple[str, int, list[float], list[float]]]:
    """(what, rows or triples, seconds before, seconds after) of each measurement; no "before" for the whole."""
    import kg
    from kg import holdings, queries

    generation = kg.open_store(store_path).generation
    assert generation is not None
    store = ox.Store.read_only(str(generation))
    texts = {"before": BEFORE.read_text(encoding="utf-8"), "after": queries.internal("internal/holding-claims")}

    def answer(which: str) -> list[bytes]:
        result = store.query(texts[which], use_default_graph_as_union=True)
        return result.serialize(format=ox.QueryResultsFormat.CSV).splitlines()  # type: ignore[union-attr]

    rows = sorted(answer("after"))
    if rows != sorted(answer("before")):
        raise SystemExit("internal/holding-claims and the text it replaced give different rows")
    before, after = alternately(lambda: answer("before"), lambda: answer("after"), repeat)
    results = [("`internal/holding-claims` as CSV", len(rows) - 1, before, after)]
    whole = timed(lambda: holdings.holding_ends(store), repeat)
    results.append(
        ("`kg.holdings.holding_ends` whole: the query, the join", len(holdings.holding_ends(store)), [], whole)
    )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acled", type=int, default=20_000, help="ACLED rows to generate and import (without --store)")
    parser.add_argument("--store", type=Path, help="an existing store to measure instead (not written)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-bench-holdings-") as folder:
        started = time.perf_counter()
        store = args.store or imported_store(Path(folder), args.acled)
        prepared = time.perf_counter() - started
        load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
        print(f"store: {args.store or f'{args.acled:,} ACLED rows imported into the seed in {prepared:.1f} s'}; {load}")
        print("| what | rows | before: best, median | after: best, median | ratio (best) |")
        print("|---|---:|---:|---:|---:|")
        for what, count, before, after in measure(store, args.repeat):
            baseline = f"{min(before):.3f} s, {statistics.median(before):.3f} s" if before else ""
            ratio = f"{min(before) / min(after):.2f}x" if before else ""
            print(
                f"| {what} | {count:,} | {baseline} | {min(after):.3f} s, {statistics.median(after):.3f} s | {ratio} |"
            )
        print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
