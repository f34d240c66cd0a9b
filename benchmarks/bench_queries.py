"""The saved queries against their best hand-written SPARQL, and the listings' rows per second.

Each interactive saved query (one entity, one source, one actor's allies, one place's holdings, a
month's timeline) is timed in the same run as its best hand-written form in
``benchmarks/queries/best-NAME.rq``: the same rows in the same order on the benchmark data, written
for this one question (no type checks a valid store does not need, no ``as_of`` machinery, the
parameters bound the faster way). The saved query is general; the target is that it stays within
3x of the best form. The listings (every claim, the claims below a grade, the neighbourhood of the
busiest actor) are streamed as CSV the way ``kg query NAME --format csv`` writes them, and their
rows per second reported against the target of 100,000.

``benchmarks.run`` (``make bench``) adds both to each scale; on its own, for one store::

    .venv/bin/python -m benchmarks.bench_queries --triples 1000000        # builds it (synth seed 1 + the seed)
    .venv/bin/python -m benchmarks.bench_queries --store /tmp/synth-1m.kg  # an existing store
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

import kg
from kg import queries
from kg.terms import Term

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INTERACTIVE = ("entity", "claims-by-source", "allies", "holdings", "timeline")
LISTINGS = ("claims", "claims-below-grade", "neighbourhood")
ROWS_PER_SECOND = 100_000


class _Sink:
    """A binary file that counts the CSV records written to it (a quoted field may hold a line break)."""

    def __init__(self) -> None:
        self.records = 0
        self.quoted = False

    def write(self, data: bytes) -> int:
        quotes = data.count(b'"')
        if not self.quoted and not quotes:
            self.records += data.count(b"\n")
        else:
            for index, piece in enumerate(data.split(b'"')):
                if index:
                    self.quoted = not self.quoted
                if not self.quoted:
                    self.records += piece.count(b"\n")
        return len(data)

    def flush(self) -> None:
        pass


def best_form(name: str) -> queries.SavedQuery:
    path = HERE / "queries" / f"best-{name}.rq"
    return queries.parse(path.read_text(encoding="utf-8"), name=f"best-{name}", path=path)


def p50(action, repeat: int) -> tuple[float, object]:
    """Median seconds of ``action`` over ``repeat`` runs, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def compare_best(store: kg.Store, values: dict[str, Term], repeat: int = 3) -> list[dict]:
    """Each interactive saved query and its best form on ``store``: p50 seconds, rows, same answer."""
    measured = []
    for name in INTERACTIVE:
        saved, best = queries.get(name), best_form(name)
        bindings = {p.name: values[p.name] for p in saved.params if p.name in values}
        ours, answer = p50(lambda q=saved, b=bindings: store.run(q, b), repeat)
        theirs, expected = p50(lambda q=best, b=bindings: store.run(q, b), repeat)
        same = [tuple(map(str, r)) for r in answer.rows] == [tuple(map(str, r)) for r in expected.rows]
        measured.append({"name": name, "kg": ours, "best": theirs, "rows": len(answer), "same": same})
    return measured


def stream_listings(store: kg.Store, values: dict[str, Term]) -> list[dict]:
    """Each listing streamed as CSV into nothing: seconds, rows, rows per second."""
    measured = []
    for name in LISTINGS:
        saved = queries.get(name)
        bindings = {p.name: values[p.name] for p in saved.params if p.name in values}
        sink = _Sink()
        seconds, _ = p50(lambda s=saved, b=bindings, out=sink: store.stream(s.name, out, format=CSV, **b), 1)
        rows = sink.records - 1  # the header
        measured.append({"name": name, "seconds": seconds, "rows": rows, "per_second": rows / seconds})
    return measured


CSV = ox.QueryResultsFormat.CSV


def rows_for_report(store: kg.Store, values: dict[str, Term], repeat: int, top: bool) -> list:
    """The rows :mod:`benchmarks.run` adds to a scale's section."""
    from benchmarks.run import Row

    rows = []
    for entry in compare_best(store, values, repeat):
        differ = "" if entry["same"] else ", rows differ!"
        rows.append(
            Row(
                f"best form: `{entry['name']}` p50 ({entry['rows']} rows{differ}) against its best hand-written SPARQL",
                entry["kg"],
                f"`benchmarks/queries/best-{entry['name']}.rq`",
                entry["best"],
                target=1 / 3 if top else None,
                target_text=">= 0.33x (within 3x)" if top else "",
            )
        )
    for entry in stream_listings(store, values):
        rows.append(
            Row(
                f"`kg query {entry['name']} --format csv` streamed: {entry['rows']:,} rows, "
                f"{entry['per_second']:,.0f} rows/s",
                entry["seconds"],
                f"{ROWS_PER_SECOND:,} rows/s",
                entry["rows"] / ROWS_PER_SECOND,
                target=1.0 if top else None,
                target_text=f">= {ROWS_PER_SECOND:,} rows/s" if top else "",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import NARROWING, Section, query_plan

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", type=Path, help="an existing store")
    where.add_argument("--triples", type=int, help="build a synthetic store of about this many triples")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    scratch = None
    try:
        if args.triples:
            from benchmarks.run import dataset

            scratch = Path(tempfile.mkdtemp(prefix="kg-bench-queries-"))
            inputs, _ = dataset(scratch, args.triples, 1)
            kg.build(inputs, store_path=scratch / "store")
            args.store = scratch / "store"
        store = kg.open_store(args.store)
        # as make bench binds them: a narrowing parameter one query requires (relations-on's day) is not given to all
        plan = query_plan(store)
        values = {name: term for _, _, bindings in plan for name, term in bindings.items() if name not in NARROWING}
        section = Section(f"Saved queries against their best forms ({len(store):,} quads)")
        section.rows = rows_for_report(store, values, args.repeat, top=True)
        print(section.markdown())
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
