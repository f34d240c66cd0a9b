"""`kg build` against rdflib's parse and a raw pyoxigraph bulk load of the same files, and against an earlier kg.

    .venv/bin/python -m benchmarks.bench_build                          # 1M triples, this checkout
    .venv/bin/python -m benchmarks.bench_build --before c2adbd3 --runs 2

The data is ``make bench``'s at that size (:func:`benchmarks.run.dataset`: ``kg synth`` plus the
project's data). Each contender runs in a process of its own (:mod:`benchmarks.baselines`), one
after the other, ``--runs`` times: wall time, CPU time (user + system of the process and all its
threads, from ``wait4``) and peak resident memory (``VmHWM``). ``--before REV`` also builds with the kg of
git revision ``REV`` (checked out into a temporary worktree, its ``kg`` first on ``PYTHONPATH``),
so a change is measured against what it replaced in the same run. The ratios are issue 18's:
rdflib's parse / the build (target 3.5x) and raw bulk load / the build (target 0.5x, "within
2x"). On a shared machine compare ratios and CPU from one run, not wall times across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measured:
    """One contender's run: seconds of wall time and of CPU, peak memory in MB, and what it reported."""

    seconds: float
    cpu: float
    peak_mb: float
    result: dict


def measure(command: str, args: list[str], *, kg_root: Path = ROOT) -> Measured:
    """Run ``python -m benchmarks.baselines COMMAND OUT ARGS`` in a process of its own, with ``kg_root``'s kg."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        result_path = Path(out.name)
    env = os.environ | {"PYTHONPATH": str(kg_root)}  # and the working directory, which `python -m` puts first
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.baselines", command, str(result_path), *args],
            cwd=kg_root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert process.stderr is not None
        errors = process.stderr.read()
        process.stderr.close()
        _, status, usage = os.wait4(process.pid, 0)  # wait4 for the child's own CPU time
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if process.returncode:
            raise SystemExit(f"{command} failed: {errors.decode(errors='replace').strip()[-2000:]}")
        result = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        result_path.unlink(missing_ok=True)
    # the child's own peak (VmHWM): wait4's ru_maxrss starts from the forking parent's
    return Measured(result.get("seconds", seconds), usage.ru_utime + usage.ru_stime, result["peak_mb"], result)


def worktree(revision: str, folder: Path) -> Path:
    """A checkout of ``revision`` of this repository in ``folder`` (a detached git worktree)."""
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(folder), revision],
        check=True,
        capture_output=True,
    )
    return folder


def run(folder: Path, triples: int, seed: int, runs: int, before: str | None) -> list[tuple[str, list[Measured]]]:
    """Every contender ``runs`` times over the same data, interleaved so load on the machine hits all alike."""
    from benchmarks.run import dataset

    inputs, _ = dataset(folder, triples, seed)
    names = [str(p) for p in inputs]
    contenders: list[tuple[str, str, list[str], Path]] = [("kg build", "kg-build", ["{store}", *names], ROOT)]
    if before is not None:
        old = worktree(before, folder / "before")
        contenders.append((f"kg build at {before}", "kg-build", ["{store}", *names], old))
    contenders += [
        ("raw pyoxigraph bulk_load", "oxigraph-load", ["{store}", *names], ROOT),
        ("rdflib Dataset.parse", "rdflib-parse", names, ROOT),
    ]
    found: dict[str, list[Measured]] = {label: [] for label, *_ in contenders}
    try:
        for number in range(runs):
            for label, command, args, kg_root in contenders:
                store = folder / f"store-{number}-{len(found[label])}-{command}"
                found[label].append(measure(command, [a.replace("{store}", str(store)) for a in args], kg_root=kg_root))
                shutil.rmtree(store, ignore_errors=True)
                print(f"{label}: {found[label][-1].seconds:.2f} s", file=sys.stderr)
    finally:
        if before is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder / "before")], check=False
            )
    return list(found.items())


def report(results: list[tuple[str, list[Measured]]], load: list[str]) -> str:
    """A Markdown table: each contender's runs, and the build's ratios against the baselines run by run."""
    runs = len(results[0][1])
    head = " | ".join(f"run {n + 1}: wall, CPU" for n in range(runs))
    lines = [f"| what | {head} | peak RSS |", "|---|" + "---:|" * (runs + 1)]
    for label, measured in results:
        cells = " | ".join(f"{m.seconds:.1f} s, {m.cpu:.1f} s" for m in measured)
        lines.append(f"| {label} | {cells} | {max(m.peak_mb for m in measured):,.0f} MB |")
    by = dict(results)
    lines.append("")
    for label, measured in results:
        if not label.startswith("kg build"):
            continue
        for number, m in enumerate(measured):
            rdflib = by["rdflib Dataset.parse"][number].seconds / m.seconds
            raw = by["raw pyoxigraph bulk_load"][number].seconds / m.seconds
            lines.append(
                f"- run {number + 1}, {label}: {rdflib:.2f}x faster than rdflib's parse (target 3.5x), "
                f"{raw:.2f}x the raw bulk load's speed (target 0.5x, within 2x)"
            )
    lines.append(f"- load average before and after: {load[0]}; {load[1]}")
    return "\n".join(lines)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1, help="times each contender runs (interleaved)")
    parser.add_argument("--before", metavar="REV", help="also build with the kg of this git revision")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-bench-build-") as folder:
        started = load_average()
        results = run(Path(folder), args.triples, args.seed, args.runs, args.before)
        print(report(results, [started, load_average()]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
