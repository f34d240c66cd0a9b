"""`kg import` of ACLED and GDELT files of growing size: peak memory, rows per second, against a rebuild.

    .venv/bin/python -m benchmarks.bench_import                      # 20k and 100k ACLED rows, 20k GDELT rows
    .venv/bin/python -m benchmarks.bench_import --acled 20000,100000,1000000 --gdelt 20000

For each size a file is generated (:mod:`benchmarks.event_files`), a store is built from the
ontology and the project's data, and the file is imported into it with ``kg import`` in a
process of its own, whose peak resident memory is read back from the kernel (``ru_maxrss`` of
the child). The baseline is the same data imported the other way round: ``kg build`` of the
data folder the import left, in a process of its own too. Ratios are rebuild / import: above 1
means the import is faster or smaller. Peak memory flat in the file's size is what to look for.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acled", default="20000,100000", help="ACLED row counts, comma-separated")
    parser.add_argument("--gdelt", default="20000", help="GDELT row counts, comma-separated ('' for none)")
    parser.add_argument("--no-rebuild-above", type=int, default=200_000, help="skip the rebuild baseline above this")
    args = parser.parse_args(argv)
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
