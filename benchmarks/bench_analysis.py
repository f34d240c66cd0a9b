"""Time the projection and every analysis on a synthetic graph, against a baseline timed in the same run.

    .venv/bin/python benchmarks/bench_analysis.py                     # 100k relations (a few minutes)
    .venv/bin/python benchmarks/bench_analysis.py --relations 2000    # quick look
    .venv/bin/python -m benchmarks.bench_analysis --store STORE --projection-only   # the projection alone

Generates a dataset with :func:`kg.synth.generate`, builds it (without validation, which is
not what is measured here) and prints a Markdown table: seconds for kg, seconds for the
baseline and their ratio (baseline / kg; above 1 means kg is faster). Baselines are what an
analyst would write without kg:

- projection: rdflib's ``rdflib_to_networkx_multidigraph`` on the same triples, already
  parsed into an rdflib graph (the parse itself is reported on its own line and is not
  counted, which favours the baseline);
- analyses: plain NetworkX on the projected graph (``betweenness_centrality`` with the same
  number of sampled sources kg uses, ``pagerank``, ``eigenvector_centrality_numpy`` on the
  largest component, ``core_number``, ``all_shortest_paths``, ``ego_graph``; blocs as
  components of the alliance graph plus a Python triangle scan of the signed graph).
  Control and summary have no NetworkX counterpart.

Timings are the best of ``--repeat`` runs; the machine is shared, so compare ratios, which
are measured in the same run, rather than seconds across runs.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx

import kg
from kg import analysis, synth
from kg.config import project_root
from kg.namespaces import compact
from kg.project import to_networkx


def best(function: Callable[[], object], repeat: int) -> tuple[object, float]:
    """The result of ``function`` and its fastest time over ``repeat`` runs."""
    result, seconds, _ = best_with_cpu(function, repeat)
    return result, seconds


def best_with_cpu(function: Callable[[], object], repeat: int) -> tuple[object, float, float]:
    """The result of ``function``, its fastest time and its least CPU time (all its threads) over ``repeat`` runs.

    On a shared machine the wall time of a run is its CPU time over the share of the cores it
    got, which other sessions change from minute to minute; CPU time moves far less.
    """
    times, cpu = [], []
    result = None
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return result, min(times), min(cpu)


def rdflib_graph(store: kg.Store):  # -> rdflib.Graph
    import pyoxigraph as ox
    import rdflib

    triples = store.inner.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def simple_view(graph: nx.MultiDiGraph) -> nx.Graph:
    view = nx.Graph(graph.to_undirected(as_view=True))
    view.remove_edges_from(nx.selfloop_edges(view))
    return view


def networkx_centrality(graph: nx.MultiDiGraph, seed: int) -> None:
    view = simple_view(graph)
    nx.degree_centrality(view)
    nx.betweenness_centrality(view, k=analysis.betweenness_sources(len(view), view.number_of_edges()), seed=seed)
    nx.pagerank(graph)
    nx.eigenvector_centrality_numpy(view.subgraph(max(nx.connected_components(view), key=len)))


def networkx_blocs(graph: nx.MultiDiGraph) -> None:
    sign: dict[frozenset[str], int] = {}
    for u, v, key in graph.edges(keys=True):
        if key in analysis.POSITIVE:
            sign[frozenset((u, v))] = 1
        elif key in analysis.NEGATIVE:
            sign[frozenset((u, v))] = -1
    signed = nx.Graph(tuple(pair) for pair in sign if len(pair) == 2)
    allied = nx.Graph(tuple(pair) for pair, s in sign.items() if s > 0 and len(pair) == 2)
    list(nx.connected_components(allied))
    for clique in nx.enumerate_all_cliques(signed):
        if len(clique) == 3:
            a, b, c = clique
            _ = sign[frozenset((a, b))] * sign[frozenset((b, c))] * sign[frozenset((a, c))] > 0
        elif len(clique) > 3:
            break


def endpoints(graph: nx.MultiDiGraph) -> tuple[str, str, str]:
    """A hub, and two far-apart entities of the largest component, chosen the same way every run."""
    view = graph.to_undirected(as_view=True)
    giant = sorted(max(nx.connected_components(view), key=len))
    hub = max(giant, key=lambda n: (view.degree(n), n))
    far = max(nx.single_source_shortest_path_length(view, giant[0]).items(), key=lambda item: (item[1], item[0]))[0]
    return hub, giant[0], far


def run(
    store: kg.Store, *, repeat: int, seed: int, baseline: bool, projection_only: bool = False
) -> list[tuple[str, float, str, float | None]]:
    rows: list[tuple[str, float, str, float | None]] = []
    graph, seconds, cpu = best_with_cpu(lambda: to_networkx(store), repeat)
    assert isinstance(graph, nx.MultiDiGraph)
    if baseline:
        from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

        rdf, parse = best(lambda: rdflib_graph(store), 1)
        rows.append(("(baseline only) parse the store into rdflib", 0.0, "rdflib Graph.parse", parse))
        _, other, other_cpu = best_with_cpu(lambda: rdflib_to_networkx_multidigraph(rdf), repeat)
        rows.append(("projection", seconds, "rdflib_to_networkx_multidigraph", other))
        rows.append(("projection, CPU time", cpu, "rdflib_to_networkx_multidigraph, CPU time", other_cpu))
        del rdf
    else:
        rows.append(("projection", seconds, "", None))
    if projection_only:
        return rows
    hub, start, far = endpoints(graph)
    measured: list[tuple[str, Callable[[], object], str, Callable[[], object] | None]] = [
        (
            "centrality",
            lambda: analysis.centrality(graph, seed=seed),
            "NetworkX, 4 measures",
            lambda: networkx_centrality(graph, seed),
        ),
        ("kcore", lambda: analysis.kcore(graph), "core_number", lambda: nx.core_number(simple_view(graph))),
        ("blocs", lambda: analysis.blocs(graph), "components + triangle scan", lambda: networkx_blocs(graph)),
        (
            "path (with evidence)",
            lambda: analysis.path(graph, store, compact(start), compact(far)),
            "all_shortest_paths",
            lambda: list(itertools.islice(nx.all_shortest_paths(graph.to_undirected(as_view=True), start, far), 5)),
        ),
        (
            "ego, radius 1 (with evidence)",
            lambda: analysis.ego(graph, store, compact(hub)),
            "ego_graph",
            lambda: nx.ego_graph(graph, hub, radius=1, undirected=True),
        ),
        ("control", lambda: analysis.control(store), "", None),
        ("summary", lambda: analysis.summary(graph, seed=seed), "", None),
    ]
    for name, ours, other_name, theirs in measured:
        _, seconds = best(ours, repeat)
        other = best(theirs, repeat)[1] if baseline and theirs is not None else None
        rows.append((name, seconds, other_name if other is not None else "", other))
    return rows


def relation_count(store: kg.Store) -> int:
    """The asserted relation triples, each once: the edges a lossless projection has (as in :mod:`benchmarks.run`)."""
    from benchmarks.run import first_row

    return int(first_row(store, "relation-count")["relations"].value)


def table(rows: list[tuple[str, float, str, float | None]], title: str) -> str:
    lines = [title, "", "| step | kg (s) | baseline | baseline (s) | ratio |", "|---|---:|---|---:|---:|"]
    for name, ours, other_name, other in rows:
        ratio = f"{other / ours:.1f}x" if other is not None and ours > 0 else ""
        kg_time = f"{ours:.2f}" if ours else ""
        lines.append(f"| {name} | {kg_time} | {other_name} | {'' if other is None else f'{other:.2f}'} | {ratio} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relations", type=int, default=100_000, help="distinct relations (edges) to generate")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generator and of sampled betweenness")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the best is reported")
    parser.add_argument("--store", type=Path, help="reuse a store built from kg.synth data instead of generating one")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", help="time kg only")
    parser.add_argument("--projection-only", action="store_true", help="time the projection and its baseline only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
        path = args.store
        if path is None:
            data, path = Path(scratch) / "data", Path(scratch) / "store"
            report, generated = best(lambda: synth.generate(data, relations=args.relations, seed=args.seed), 1)
            built, build = best(
                lambda: kg.build([project_root() / "ontology", data], store_path=path, validate=False), 1
            )
            print(
                f"generated {report.relations:,} relations, {report.claims:,} claims, {report.entities:,} entities "
                f"in {generated:.1f}s; built {built.quads:,} quads in {build:.1f}s",
                file=sys.stderr,
            )
        store = kg.open_store(path)
        rows = run(
            store, repeat=args.repeat, seed=args.seed, baseline=args.baseline, projection_only=args.projection_only
        )
        graph_size = next(r for r in rows if r[0] == "projection")
        lossless = "yes" if to_networkx(store).number_of_edges() == relation_count(store) else "NO"
        title = f"**{len(store):,} quads** (projection {graph_size[1]:.1f}s; lossless: {lossless})"
        print(table(rows, title if args.store else f"**{args.relations:,} relations, {title[2:]}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
