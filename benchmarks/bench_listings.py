"""The listings from their derived tables against the same queries by SPARQL, in one run.

For each served listing (``kg.listings.SERVED``: every claim, every claim in effect on a day, the
claims below a grade, the 2-hop neighbourhood of the busiest actor) the answer is streamed as CSV,
the way ``kg query NAME --format csv`` writes it, once from the generation's table and once by
SPARQL (``open_store(..., listings=False)``), and read into Python rows the way ``store.query``
does; rows per second for both, and their ratio (issue 18's target: 100,000 rows a second at 1M triples). Then what the
tables cost: building each (it is built by the first listing of a generation), the first
`claims` and `neighbourhood` listings, and their size on disk beside the store's.

    .venv/bin/python -m benchmarks.bench_listings --store /tmp/synth-1m.kg
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyoxigraph as ox

import kg
from benchmarks.bench_embedded import Sink, best_of
from kg import listings
from kg.terms import Term

CSV = ox.QueryResultsFormat.CSV


def _size(path: Path) -> int:
    """The store's own files: no table, of this version or an older one."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and ".sqlite" not in p.name)


def _short(term: Term) -> str:
    """A parameter as the report shows it: an IRI by its last segment."""
    return term.value.rsplit("/", 1)[-1] if isinstance(term, ox.NamedNode) else term.value  # type: ignore[union-attr]


def cases(values: dict[str, Term]) -> list[tuple[str, dict[str, Term]]]:
    """The listings measured, with parameters picked from the data as ``make bench`` picks them."""
    as_of = values.get("as_of") or ox.Literal(
        "2024-12-08", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    )
    return [
        ("claims", {}),
        ("claims", {"as_of": as_of}),
        ("claims-below-grade", {"grade": values["grade"]}),
        ("neighbourhood", {"entity": values["entity"]}),
    ]


def measure(path: Path, values: dict[str, Term], repeat: int, sparql_repeat: int) -> list:
    from benchmarks.run import Row

    table, sparql = kg.open_store(path), kg.open_store(path, listings=False)
    assert table.generation is not None
    rows: list = []
    files = [listings.table_path(table.generation, name) for name in listings.SERVED]

    def first_listing(name: str, **given: Term) -> None:
        listings.table_path(table.generation, name).unlink(missing_ok=True)  # type: ignore[arg-type]
        table.stream(name, Sink(), format=CSV, **given)

    # the first run of a process reads a cold store
    first = {
        "claims": best_of(lambda: first_listing("claims"), sparql_repeat + 1)[0],
        "neighbourhood": best_of(lambda: first_listing("neighbourhood", entity=values["entity"]), sparql_repeat)[0],
    }
    built = {
        name: best_of(lambda n=name: listings.build(table.inner, table.generation, n), sparql_repeat)[0]  # type: ignore[arg-type]
        for name in listings.SERVED
    }
    for name, given in cases(values):
        label = name + "".join(f" {k}={_short(v)}" for k, v in given.items())
        # the row count from the table: tests/test_listings.py holds it to SPARQL's
        count = len(table.results(name, format=ox.QueryResultsFormat.TSV, **given).splitlines()) - 1
        ours, _ = best_of(lambda n=name, g=given: table.stream(n, Sink(), format=CSV, **g), repeat)
        theirs, _ = best_of(lambda n=name, g=given: sparql.stream(n, Sink(), format=CSV, **g), sparql_repeat)
        rows.append(
            Row(
                f"`{label}` as CSV ({count:,} rows): table {count / ours:,.0f} rows/s, SPARQL {count / theirs:,.0f}",
                ours,
                "SPARQL",
                theirs,
                target=None,
            )
        )
        ours, _ = best_of(lambda n=name, g=given: table.query(n, **g), repeat)
        theirs, _ = best_of(lambda n=name, g=given: sparql.query(n, **g), sparql_repeat)
        rows.append(
            Row(
                f"`{label}` rows into Python: table {count / ours:,.0f} rows/s, SPARQL {count / theirs:,.0f}",
                ours,
                "SPARQL",
                theirs,
            )
        )
    claims = len(table.results("claims", format=ox.QueryResultsFormat.TSV).splitlines()) - 1
    for name, seconds in built.items():
        source = "the relation triples and English labels" if name == "neighbourhood" else f"{claims:,} claims"
        rows.append(Row(f"building the table of `{name}` (from {source})", seconds))
    for name, seconds in first.items():
        rows.append(Row(f"the first `{name}` listing of a generation (builds its table, then answers)", seconds))
    tables = sum(file.stat().st_size for file in files)
    store_mb = _size(table.generation) / 1e6
    rows.append(Row(f"the {len(files)} tables on disk (the store: {store_mb:,.0f} MB)", tables / 1e6, unit="MB"))
    return rows


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import Section, synthetic_parameters

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an existing store (its table is rebuilt)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each table figure (the best is kept)")
    parser.add_argument("--sparql-repeat", type=int, default=1, help="runs of each SPARQL figure (10-20 s each at 1M)")
    args = parser.parse_args(argv)
    store = kg.open_store(args.store)
    values = synthetic_parameters(store)
    section = Section(f"Listings from their derived tables against SPARQL ({len(store):,} quads)")
    section.rows = measure(args.store, values, args.repeat, args.sparql_repeat)
    print(section.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
