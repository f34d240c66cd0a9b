"""What kg adds to Oxigraph when it answers from the embedded store, and where a listing's time goes.

Each figure is measured in the same run as pyoxigraph doing the same work directly (``Store.query``
in this process, no kg code), so the ratio is kg's own overhead: opening, binding, decoding rows
into Python, writing CSV. Then, for the listings (every claim, the claims below a grade, the
neighbourhood of the busiest actor), what bounds their rows per second: the same query without its
``ORDER BY``, and a scan of one property (``prov:wasDerivedFrom``, one row per claim) streamed the
same way, the floor for any SPARQL listing on this store. The "before" rows are kg's previous way of
reading results (every solution serialised to W3C JSON, parsed back, then read one cell at a time),
kept here as a same-run baseline.

    .venv/bin/python -m benchmarks.bench_embedded --store /tmp/synth-1m.kg
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyoxigraph as ox

import kg
from kg import queries, sparql
from kg.namespaces import PREFIXES
from kg.terms import Term, to_python

LISTINGS = ("claims", "claims-below-grade", "neighbourhood")
INTERACTIVE = ("entity", "claims-by-source", "timeline")
CSV = ox.QueryResultsFormat.CSV
JSON = ox.QueryResultsFormat.JSON
SCAN = "SELECT ?claim ?source WHERE { ?claim prov:wasDerivedFrom ?source }"


class Sink:
    """A binary file that keeps nothing: what is written is only counted."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self.bytes += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def best_of(action, repeat: int) -> tuple[float, object]:
    """The fastest of ``repeat`` runs of ``action`` (seconds) and its last result: the machine is shared."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def direct(inner: ox.Store, saved: queries.SavedQuery, bindings: dict[str, Term], text: str | None = None):
    """The query in pyoxigraph, bound the way kg binds it (substitutions, or ``VALUES`` where the query says so)."""
    text = saved.text if text is None else text
    if saved.binding == "values" and bindings:
        return inner.query(sparql.bind_values(text, bindings), prefixes=PREFIXES, use_default_graph_as_union=True)
    substitutions = {ox.Variable(name): term for name, term in bindings.items()} or None
    return inner.query(text, substitutions=substitutions, prefixes=PREFIXES, use_default_graph_as_union=True)


def without_order(text: str) -> str:
    """The query text with its final top-level ``ORDER BY`` clause cut (measurement only)."""
    depth, cut = 0, None
    for token in sparql.tokens(text):
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth == 0 and token.keyword == "ORDER":
            cut = token.start
        elif depth == 0 and token.keyword in ("LIMIT", "OFFSET") and cut is not None:
            return text[:cut] + text[token.start :]
    return text if cut is None else text[:cut]


def json_rows(solutions: ox.QuerySolutions) -> list[tuple]:
    """kg's previous way: serialise to W3C JSON, parse it back, read each cell by name."""
    parsed = ox.parse_query_results(solutions.serialize(format=JSON), format=JSON)
    names = [v.value for v in parsed.variables]
    return [tuple(row[name] for name in names) for row in parsed]


def measure(store: kg.Store, values: dict[str, Term], repeat: int) -> list:
    from benchmarks.run import Row

    inner = store.inner
    rows: list = []
    for name in INTERACTIVE + LISTINGS:
        saved = queries.get(name)
        bindings = {p.name: values[p.name] for p in saved.params if p.name in values}
        times = repeat
        ours, result = best_of(lambda s=saved, b=bindings: store.run(s, b), times)
        theirs, _ = best_of(lambda s=saved, b=bindings: [tuple(r) for r in direct(inner, s, b)], times)
        before, _ = best_of(lambda s=saved, b=bindings: json_rows(direct(inner, s, b)), times)
        count = len(result)
        rows.append(Row(f"`{name}` rows into Python ({count:,} rows): kg", ours, "pyoxigraph directly", theirs))
        rows.append(Row(f"`{name}` rows into Python: kg", ours, "kg before (JSON round trip)", before))
        ours, _ = best_of(lambda r=result: r.records(), times)
        theirs, _ = best_of(lambda r=result: [[to_python(t) for t in row] for row in r.rows], times)
        rows.append(Row(f"`{name}` records() ({count:,} rows): kg", ours, "to_python per cell", theirs))
        if name not in LISTINGS:
            continue
        ours, _ = best_of(lambda s=saved, b=bindings: store.stream(s.name, Sink(), format=CSV, **b), times)
        theirs, _ = best_of(lambda s=saved, b=bindings: direct(inner, s, b).serialize(Sink(), format=CSV), times)
        rows.append(
            Row(
                f"`kg query {name} --format csv` streamed: {count / ours:,.0f} rows/s",
                ours,
                "pyoxigraph directly",
                theirs,
            )
        )
        unsorted, _ = best_of(
            lambda s=saved, b=bindings: direct(inner, s, b, without_order(s.text)).serialize(Sink(), format=CSV), 1
        )
        rows.append(
            Row(f"`{name}` without ORDER BY, as CSV: {count / unsorted:,.0f} rows/s", unsorted, "with it", theirs)
        )
    scan = queries.parse(SCAN, name="scan")
    scan_rows = sum(1 for _ in direct(inner, scan, {}))
    seconds, _ = best_of(lambda: direct(inner, scan, {}).serialize(Sink(), format=CSV), repeat)
    rows.append(
        Row(f"floor: one property scanned as CSV ({scan_rows:,} rows): {scan_rows / seconds:,.0f} rows/s", seconds)
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import Section, query_plan

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an existing store")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    store = kg.open_store(args.store, listings=False)  # SPARQL's path: benchmarks/bench_listings.py has the table's
    values = {name: term for _, _, bindings in query_plan(store) for name, term in bindings.items()}
    section = Section(f"kg over the embedded store against pyoxigraph directly ({len(store):,} quads)")
    section.rows = measure(store, values, args.repeat)
    print(section.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
