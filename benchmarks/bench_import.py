"""`kg import` of ACLED and GDELT files of growing size: peak memory, rows per second, against a rebuild.

    .venv/bin/python -m benchmarks.bench_import                      # 20k and 100k ACLED rows, 20k GDELT rows
    .venv/bin/python -m benchmarks.bench_import --acled 20000,100000,1000000 --gdelt 20000
    .venv/bin/python -m benchmarks.bench_import --reimport 15000 --more 0,5,10 --triples 1000000

For each size a file is generated (:mod:`benchmarks.event_files`), a store is built from the
ontology and the project's data, and the file is imported into it with ``kg import`` in a
process of its own, whose peak resident memory is read back from the kernel (``ru_maxrss`` of
the child). The baseline is the same data imported the other way round: ``kg build`` of the
data folder the import left, in a process of its own too. Ratios are rebuild / import: above 1
means the import is faster or smaller. Peak memory flat in the file's size is what to look for.

``--reimport ROWS`` measures the monthly refresh instead: into a store of ``--triples`` synthetic
triples plus the project's data, ROWS generated ACLED rows are imported, then the same file name is
imported again with each ``--more`` percent of rows added (the generator writes the same rows first,
so 0 is an unchanged file), each re-import followed by a rebuild of the folder it left. ``--replace`` then
imports, under the same name, a file of ROWS rows none of which the first had (another seed, other event
ids): the import that changes most of its dataset, which copies the rest of the store rather than revising it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.event_files import acled_file, gdelt_file

ROOT = Path(__file__).resolve().parent.parent
QUIET = ["--quiet"]
"""Progress off: a benchmark measures the work, not the drawing of it."""
SUFFIX = {"acled": ".acled.csv", "gdelt": ".gdelt.tsv"}


def _run(args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``kg ARGS`` in a process of its own (wait4 gives that process's own peak)."""
    import os

    code = "import sys; from kg.cli import main; sys.argv = ['kg', *sys.argv[1:]]; main()"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"kg {' '.join(args)} failed: {errors.decode(errors='replace').strip()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def measure(kind: str, rows: int, folder: Path) -> dict[str, float]:
    """Import ``rows`` generated rows of ``kind`` into a store of the seed; then rebuild the folder it left."""
    data, store = folder / "data", folder / "store"
    shutil.copytree(ROOT / "data", data)
    source = folder / f"synthetic-{rows}{SUFFIX[kind]}"
    (acled_file if kind == "acled" else gdelt_file)(source, rows)
    _run([*QUIET, "--store", str(store), "build", str(ROOT / "ontology"), str(data)])
    seconds, peak = _run([*QUIET, "--store", str(store), "import", kind, str(source), "--data", str(data)])
    rebuild_s, rebuild_peak = _run(
        [*QUIET, "--store", str(folder / "rebuilt"), "build", str(ROOT / "ontology"), str(data)]
    )
    return {"seconds": seconds, "peak": peak, "rebuild_s": rebuild_s, "rebuild_peak": rebuild_peak}


def reimport(rows: int, more: list[int], triples: int, folder: Path, *, replace: bool = False) -> None:
    """Print one row per re-import of ``rows`` ACLED rows with ``more`` percent added, against a rebuild; with
    ``replace``, one more for a file of as many rows, all of them new."""
    from benchmarks.run import dataset

    if triples:
        inputs, _ = dataset(folder, triples, 1)
    else:
        shutil.copytree(ROOT / "data", folder / "data")
        inputs = [ROOT / "ontology", folder / "data"]
    data, store = folder / "data", folder / "store"
    built = _run([*QUIET, "--store", str(store), "build", *map(str, inputs)])
    (folder / "first").mkdir()
    acled_file(folder / "first" / "refresh.csv", rows)
    first = _run(
        [*QUIET, "--store", str(store), "import", "acled", str(folder / "first" / "refresh.csv"), "--data", str(data)]
    )
    print(
        f"- a store of {triples:,} synthetic triples and the project's data built in {built[0]:.1f} s; "
        f"{rows:,} ACLED rows imported into it in {first[0]:.1f} s ({first[1]:,.0f} MB)"
    )
    print("| re-import | rows | seconds | peak RSS | rebuild s | rebuild peak | time ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    runs = [(f"the same file, {percent}% more rows", rows + rows * percent // 100, {}) for percent in more]
    if replace:
        runs.append(("another file of as many rows, none the same", rows, {"seed": 2, "first_id": 10 * rows + 1}))
    for number, (what, total, how) in enumerate(runs):
        again = folder / f"again-{number}"
        again.mkdir()
        acled_file(again / "refresh.csv", total, **how)
        seconds, peak = _run(
            [*QUIET, "--store", str(store), "import", "acled", str(again / "refresh.csv"), "--data", str(data)]
        )
        rebuilt = folder / f"rebuilt-{number}"
        rebuild_s, rebuild_peak = _run([*QUIET, "--store", str(rebuilt), "build", *map(str, inputs)])
        shutil.rmtree(rebuilt)
        print(
            f"| {what} | {total:,} | {seconds:.1f} | {peak:,.0f} MB | {rebuild_s:.1f} "
            f"| {rebuild_peak:,.0f} MB | {rebuild_s / seconds:.2f}x |",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acled", default="20000,100000", help="ACLED row counts, comma-separated")
    parser.add_argument("--gdelt", default="20000", help="GDELT row counts, comma-separated ('' for none)")
    parser.add_argument("--no-rebuild-above", type=int, default=200_000, help="skip the rebuild baseline above this")
    parser.add_argument("--reimport", type=int, metavar="ROWS", help="measure re-imports of ROWS ACLED rows instead")
    parser.add_argument("--more", default="0,5,10", help="percent of rows added at each re-import, comma-separated")
    parser.add_argument("--triples", type=int, default=1_000_000, help="synthetic triples in the re-imports' store")
    parser.add_argument(
        "--replace", action="store_true", help="with --reimport: then a file of as many rows, none the same"
    )
    args = parser.parse_args(argv)
    if args.reimport:
        with tempfile.TemporaryDirectory(prefix="kg-bench-reimport-") as folder:
            more = [int(n) for n in args.more.split(",") if n]
            reimport(args.reimport, more, args.triples, Path(folder), replace=args.replace)
        return 0
    print("| import | rows | seconds | rows/s | peak RSS | rebuild s | rebuild peak | time ratio | memory ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind, sizes in (("acled", args.acled), ("gdelt", args.gdelt)):
        for rows in (int(n) for n in sizes.split(",") if n):
            with tempfile.TemporaryDirectory(prefix="kg-bench-import-") as folder:
                if rows > args.no_rebuild_above:
                    data, store = Path(folder) / "data", Path(folder) / "store"
                    shutil.copytree(ROOT / "data", data)
                    source = Path(folder) / f"synthetic-{rows}{SUFFIX[kind]}"
                    (acled_file if kind == "acled" else gdelt_file)(source, rows)
                    _run([*QUIET, "--store", str(store), "build", str(ROOT / "ontology"), str(data)])
                    seconds, peak = _run(
                        [*QUIET, "--store", str(store), "import", kind, str(source), "--data", str(data)]
                    )
                    m = {"seconds": seconds, "peak": peak, "rebuild_s": float("nan"), "rebuild_peak": float("nan")}
                else:
                    m = measure(kind, rows, Path(folder))
            print(
                f"| `kg import {kind}` | {rows:,} | {m['seconds']:.1f} | {rows / m['seconds']:,.0f} "
                f"| {m['peak']:,.0f} MB "
                f"| {m['rebuild_s']:.1f} | {m['rebuild_peak']:,.0f} MB | {m['rebuild_s'] / m['seconds']:.2f}x "
                f"| {m['rebuild_peak'] / m['peak']:.2f}x |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
