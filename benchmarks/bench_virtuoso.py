"""The remote path at scale: a synthetic store exported as N-Quads and bulk-loaded into Virtuoso.

    make bench-virtuoso                                          # 10M triples; adds a dated section to RESULTS.md
    .venv/bin/python -m benchmarks.bench_virtuoso --triples 100000   # a quick look, printed only

Each step is timed on its own, in the order an analyst would take them: ``kg synth``, ``kg build``
(peak memory too), ``kg export --format nq``, Virtuoso's bulk loader (``ld_dir``,
``rdf_loader_run``, ``checkpoint`` through ``isql-vt``) into a fresh database of its own (see
:func:`tests.servers.virtuoso_server`), then a few saved queries through
``--store sparql+http://...`` against the same queries on the embedded store, with the row counts
compared. Heavy: at 10M triples it takes most of an hour and several GB of disk and memory, so
``make bench`` leaves it out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import kg
from benchmarks.baselines import time_query, timed
from benchmarks.run import END, ROOT, START, Progress, Row, Section, machine, query_plan
from tests.servers import virtuoso_available, virtuoso_server

KG = Path(sys.executable).with_name("kg")
QUERIES = ("sources", "entity", "claims-by-source", "holdings", "timeline", "allies", "stats/claims")
"""The saved queries timed: one entity, one source, one place's holdings, a month's timeline, one
actor's allies (the issue's interactive queries), the source listing and one `kg stats` aggregate."""


def run(command: list[Any]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of ``command`` in a process of its own."""
    started = dt.datetime.now()
    process = subprocess.Popen([str(c) for c in command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = (dt.datetime.now() - started).total_seconds()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise RuntimeError(f"{command[1:4]} failed ({process.returncode}): {error.strip()[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def buffers_for(triples: int) -> int:
    """Virtuoso's cache in 8 KiB pages: about 250 bytes a quad (its own guide's rule), at least 80 MB."""
    return max(10_000, triples * 250 // 8192)


def measure(triples: int, folder: Path, args: argparse.Namespace) -> Section:
    tell = Progress(f"virtuoso {triples:,}")
    section = Section(f"Remote path at {triples:,} triples: Virtuoso Open Source")
    data, store_path, directory = folder / "data", folder / "store", folder / "virtuoso"
    synthed, _ = run([KG, "synth", "--triples", triples, "--seed", args.seed, "-o", data / "synthetic"])
    shutil.copytree(ROOT / "data", data, dirs_exist_ok=True)
    tell(f"synthesised in {synthed:.0f} s")
    built, build_rss = run([KG, "--store", store_path, "build", ROOT / "ontology", data])
    tell(f"built in {built:.0f} s")
    shutil.rmtree(data)
    directory.mkdir()
    dump = directory / "kg.nq"
    exported, export_rss = run([KG, "--store", store_path, "export", "--format", "nq", "-o", dump])
    store = kg.open_store(store_path)
    quads = len(store)
    tell(f"exported {quads:,} quads ({dump.stat().st_size / 2**30:.2f} GiB) in {exported:.0f} s")
    section.notes.append(
        f"`kg synth --triples {triples:,}`: {synthed:.0f} s; the store holds {quads:,} quads; "
        f"the N-Quads dump {dump.stat().st_size / 2**30:.2f} GiB; Virtuoso's cache {buffers_for(triples):,} "
        "pages of 8 KiB"
    )
    section.rows += [
        Row("`kg build` (parse, validate, infer, store)", built),
        Row("peak RSS of the build", build_rss, unit="MB"),
        Row("`kg export --format nq`", exported),
        Row("peak RSS of the export", export_rss, unit="MB"),
    ]
    plan = [entry for entry in query_plan(store) if entry[0] in QUERIES]
    with virtuoso_server(directory, buffers=buffers_for(triples)) as server:
        loaded, _ = timed(lambda: server.bulk_load(dump))
        tell(f"bulk-loaded in {loaded:.0f} s")
        database = sum(f.stat().st_size for f in directory.glob("virtuoso*.db"))
        section.rows.append(
            Row(f"Virtuoso bulk load (`rdf_loader_run`, checkpoint; {database / 2**30:.2f} GiB)", loaded)
        )
        remote = kg.open_store(server.url)
        counted = len(remote)
        section.notes.append(f"Virtuoso counts {counted:,} quads{'' if counted == quads else ' (differs!)'}")
        for name, query, bindings in plan:
            there = time_query(lambda q=query, b=bindings: len(remote.run(q, b)), args.repeat, args.cap, args.patience)
            here = time_query(lambda q=query, b=bindings: len(store.run(q, b)), args.repeat, args.cap, args.patience)
            tell(f"{name}: {there.get('p50')} s there, {here.get('p50')} s here")
            same = there.get("rows") == here.get("rows")
            counts = f"{there.get('rows')} rows" + ("" if same else f", embedded {here.get('rows')}")
            section.rows.append(
                Row(
                    f"Virtuoso: `{name}` p50 ({counts})",
                    there.get("p50"),
                    "embedded store",
                    here.get("p50"),
                    kg_note=there.get("failed", ""),
                    note=here.get("failed", ""),
                )
            )
    return section


def write(out: Path, section: Section, seconds: float) -> None:
    """Put the section between the Virtuoso markers of ``out`` (replacing an earlier one), dated."""
    when = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    stamp = f"Written by `make bench-virtuoso` on {when} in {seconds / 60:.0f} minutes."
    block = f"{START}\n{section.markdown()}\n{stamp} Machine: {machine()}.\n{END}"
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    out.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (p50 reported)")
    parser.add_argument("--cap", type=float, default=300.0, help="seconds before a query run is stopped")
    parser.add_argument("--patience", type=float, default=10.0, help="stop repeating a query after this many seconds")
    parser.add_argument("--workdir", type=Path, help="where to write the data, the store and the database (temporary)")
    parser.add_argument("--out", type=Path, help="also write the section into this file (benchmarks/RESULTS.md)")
    args = parser.parse_args(argv)
    if not virtuoso_available():
        print(
            "Virtuoso is not installed: apt-get install virtuoso-opensource (or `make bench-virtuoso`)", file=sys.stderr
        )
        return 1
    started = dt.datetime.now()
    with tempfile.TemporaryDirectory(prefix="kg-virtuoso-", dir=args.workdir) as scratch:
        section = measure(args.triples, Path(scratch), args)
    print(section.markdown(), flush=True)
    if args.out:
        write(args.out, section, (dt.datetime.now() - started).total_seconds())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
