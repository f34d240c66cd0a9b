"""The baselines of :mod:`benchmarks.run`, each in a process of its own so its peak memory is its own.

Run as ``python -m benchmarks.baselines COMMAND ...``; every command prints one JSON object.

- ``kg-build OUT STORE INPUT...``: :func:`kg.build` with validation, as ``kg build`` does it.
- ``oxigraph-load OUT STORE INPUT...``: raw ``pyoxigraph`` ``bulk_load`` of the same files into
  an on-disk store (no checks, no inference).
- ``rdflib-parse OUT INPUT...``: rdflib's in-memory ``Dataset.parse`` of the same files alone
  (:mod:`benchmarks.bench_build`'s baseline).
- ``rdflib OUT ADDED QUERIES INPUT...``: rdflib's in-memory ``Dataset.parse`` of the same files
  as the build (timed, with the peak memory it reached), then of ``ADDED`` (TriG of what kg's
  build adds: source texts and inferred triples), so it holds what the store holds; then each
  query of the ``QUERIES`` JSON file timed on it, then rdflib's NetworkX projection. One process
  and one parse of the inputs serve both the build's baseline and the queries'.
- ``kg-stream OUT STORE_URL`` and ``sparqlwrapper-csv OUT STORE_URL``: every quad of a remote
  store as CSV, streamed by kg to a file, against SPARQLWrapper's ``query().convert()``.

Each reports its own peak resident memory (``VmHWM``), which includes the interpreter and its
imports for every contender alike.
"""

from __future__ import annotations

import json
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

RDF_SUFFIXES = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}


def rdf_files(inputs: list[Path]) -> Iterator[tuple[Path, str]]:
    """The RDF files under ``inputs`` that every contender can read, with rdflib's format name.

    kg also reads annotations and event tables; the synthetic data has neither, so the
    baselines see exactly the triples kg parses (kg adds the source texts and the inferences).
    """
    for item in inputs:
        paths = sorted(item.rglob("*")) if item.is_dir() else [item]
        for path in paths:
            if path.suffix in RDF_SUFFIXES and path.name != "shapes.ttl" and not path.name.startswith("."):
                yield path, RDF_SUFFIXES[path.suffix]


def timed(action: Callable[[], object]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def kg_build(store: Path, inputs: list[Path]) -> dict[str, Any]:
    import kg

    seconds, report = timed(lambda: kg.build(inputs, store_path=store))
    return {"seconds": seconds, "quads": report.quads, "inferred": report.inferred}


def oxigraph_load(store: Path, inputs: list[Path]) -> dict[str, Any]:
    import pyoxigraph as ox

    formats = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES}
    target = ox.Store(str(store))

    def load() -> None:
        for path, fmt in rdf_files(inputs):
            target.bulk_load(
                path=str(path), format=formats.get(fmt, ox.RdfFormat.N_QUADS), base_iri=path.resolve().as_uri()
            )
        target.flush()

    seconds, _ = timed(load)
    return {"seconds": seconds, "quads": len(target)}


class Timeout(Exception):
    """A baseline query ran past its time cap."""


def _alarm(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    raise Timeout


def time_query(run: Callable[[], int], repeat: int, cap: float, patience: float) -> dict[str, Any]:
    """p50 seconds and row count of ``run`` over up to ``repeat`` runs, each stopped after ``cap`` seconds.

    Runs stop repeating once they have taken ``patience`` seconds together: for a slow query one
    run says all there is to say, and the suite has to fit in minutes.

    rdflib is pure Python, so a SIGALRM interrupts it between bytecodes; a run that hits the cap
    or raises (rdflib's property paths recurse until ``RecursionError``) ends the series.
    """
    signal.signal(signal.SIGALRM, _alarm)
    times: list[float] = []
    rows = None
    for _ in range(repeat):
        signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            seconds, rows = timed(run)
        except Timeout:
            return {"failed": f"> {cap:.0f} s", "p50": None, "rows": None, "over": cap}
        except RecursionError:
            return {"failed": "crashed (RecursionError)", "p50": None, "rows": None}
        except Exception as exc:  # the baseline's own bugs are a result too
            return {"failed": f"failed ({type(exc).__name__}: {str(exc)[:60]})", "p50": None, "rows": None}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times.append(seconds)
        if sum(times) > patience:
            break
    return {"p50": statistics.median(times), "rows": rows, "runs": len(times)}


def rdflib_parse(inputs: list[Path]) -> dict[str, Any]:
    import rdflib

    dataset = rdflib.Dataset(default_union=True)

    def parse() -> None:
        for path, fmt in rdf_files(inputs):
            dataset.parse(path, format=fmt, publicID=path.resolve().as_uri())

    seconds, _ = timed(parse)
    return {"seconds": seconds, "parsed": len(dataset)}


def rdflib_everything(added: Path, spec: Path, inputs: list[Path]) -> dict[str, Any]:
    """Parse the inputs (the build's baseline) and kg's additions, time every query of ``spec``, then
    rdflib's projection to NetworkX."""
    import rdflib
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph
    from rdflib.util import from_n3

    plan = json.loads(spec.read_text(encoding="utf-8"))
    dataset = rdflib.Dataset(default_union=True)

    def parse() -> None:
        for path, fmt in rdf_files(inputs):
            dataset.parse(path, format=fmt, publicID=path.resolve().as_uri())

    seconds, _ = timed(parse)
    results: dict[str, Any] = {"seconds": seconds, "parse_peak_mb": peak_mb(), "parsed": len(dataset)}
    results["added"], _ = timed(lambda: dataset.parse(added, format="trig"))
    results |= {"quads": len(dataset), "queries": {}}
    sys.setrecursionlimit(10_000)  # rdflib's own default hits RecursionError on the simplest paths
    for query in plan["queries"]:
        bindings = {name: from_n3(term) for name, term in query["bindings"].items()}

        def run(text: str = query["text"], bindings: dict = bindings) -> int:
            return len(list(dataset.query(text, initNs=plan["prefixes"], initBindings=bindings)))

        cap = query.get("cap", plan["cap"])
        results["queries"][query["name"]] = time_query(run, plan["repeat"], cap, plan["patience"])
    # The helper iterates its argument for (s, p, o); a Dataset iterates quads, its union-graph triples are these
    triples = dataset.triples((None, None, None))
    results["project"], projected = timed(lambda: rdflib_to_networkx_multidigraph(triples))
    results["project_edges"] = projected.number_of_edges()
    return results


EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


def kg_stream(url: str) -> dict[str, Any]:
    import os

    import kg

    store = kg.open_store(url)
    with open(os.devnull, "wb") as sink:
        seconds, _ = timed(lambda: store.stream(EVERYTHING, sink, format=kg.ResultFormat.CSV))
    return {"seconds": seconds}


def sparqlwrapper_csv(url: str) -> dict[str, Any]:
    from SPARQLWrapper import CSV, POST, SPARQLWrapper

    client = SPARQLWrapper(url.removeprefix("sparql+"))
    client.setMethod(POST)
    client.setQuery(EVERYTHING)
    client.setReturnFormat(CSV)
    seconds, body = timed(lambda: client.query().convert())
    return {"seconds": seconds, "bytes": len(body)}


def peak_mb() -> float:
    """This process's peak resident memory, from ``VmHWM``: the address space exec gave it, not its parent's.

    ``getrusage``/``wait4`` would do, but Linux carries ``ru_maxrss`` over from the forking
    parent, so every child of a large parent would look as large as the parent.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str]) -> int:
    command, out, *rest = argv
    match command:
        case "kg-build":
            result = kg_build(Path(rest[0]), [Path(p) for p in rest[1:]])
        case "oxigraph-load":
            result = oxigraph_load(Path(rest[0]), [Path(p) for p in rest[1:]])
        case "rdflib-parse":
            result = rdflib_parse([Path(p) for p in rest])
        case "rdflib":
            result = rdflib_everything(Path(rest[0]), Path(rest[1]), [Path(p) for p in rest[2:]])
        case "kg-stream":
            result = kg_stream(rest[0])
        case "sparqlwrapper-csv":
            result = sparqlwrapper_csv(rest[0])
        case _:
            raise SystemExit(f"unknown command {command!r}")
    result["peak_mb"] = peak_mb()
    Path(out).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
