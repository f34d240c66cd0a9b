"""Write the graph out for the tools analysts already use: Gephi, Cytoscape, NetworkX, any RDF store.

Network formats write the projection (:func:`kg.project.to_networkx`, with its filters) as
Gephi, Cytoscape and yEd open it without help (:func:`for_tools`): every edge has an id of its
own (``e0``, ``e1`` ...; parallel relations stay separate edges), its predicate as the
attribute ``predicate`` and its label as ``label``, and, given the store, its best grade,
the quote of its best claim, its sources and its claimants as plain attributes. ``graphml``,
``gexf`` (static, unless ``dates``: then each edge's ``start`` and ``end`` where known, for
Gephi's timeline), ``json`` (NetworkX node-link data) and ``csv`` (a directory with
``nodes.csv`` and ``edges.csv`` in Gephi's spreadsheet columns: ``Id``/``Label``;
``Source``/``Target``/``Type``/``Id``/``Label``).
RDF formats dump the store itself: ``trig``, ``nq`` and ``jsonld`` keep every named graph;
``ttl`` and ``nt`` hold triples only, so they get the union of all graphs (each triple once).

Files are written next to their destination under a temporary name and renamed into place,
so a reader never sees half a file and a failed export leaves the old one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from kg import progress
from kg.errors import ParameterError, StoreError
from kg.namespaces import PREFIXES
from kg.store import Store

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["GRAPH_FORMATS", "RDF_FORMATS", "export_graph", "export_rdf", "for_tools"]

GRAPH_FORMATS = ("graphml", "gexf", "csv", "json")
"""Formats of the NetworkX projection."""

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
"""Formats of the store as RDF."""

CSV_FILES = ("nodes.csv", "edges.csv")


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto ``path`` if the block succeeds, removed if not."""
    if path.is_dir():
        raise ParameterError(f"{path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise ParameterError(f"{path.parent} does not exist; create it first")
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; an export is an ordinary file
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write(path: Path, writer: Callable[[Path], None]) -> None:
    try:
        with _replacing(path) as temporary:
            writer(temporary)
    except OSError as exc:
        raise ParameterError(f"cannot write {path}: {exc.strerror or exc}") from None


def for_tools(graph: nx.MultiDiGraph, store: Store | None = None, *, dates: bool = False) -> nx.MultiDiGraph:
    """A copy of the projection as graph tools read it, every value a plain string, number or boolean.

    Edges get ids of their own (``e0``, ``e1`` ... in a stable order; GraphML wants them
    unique, and the projection keys parallel edges by predicate, which repeats), ``predicate``
    and ``label`` (what Gephi and yEd show), and the dates as ``since`` and ``until`` (the
    last day in effect). GEXF turns a graph dynamic as soon as an edge has ``start`` or
    ``end``, so those are written only with ``dates``, and only where known. With the store,
    each edge also carries ``quote`` (its best claim's words), ``sources`` and ``claimants``.
    """
    import networkx as nx

    evidence = _evidence_of(graph, store) if store is not None else {}
    out = nx.MultiDiGraph(**{k: v for k, v in graph.graph.items() if v not in ("", None)})
    for node, data in graph.nodes(data=True):
        out.add_node(node, **{k: v for k, v in data.items() if v not in ("", None)})
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1]))
    for number, (source, target, predicate, data) in enumerate(edges):
        attrs = {k: v for k, v in data.items() if k not in ("date", "end", "predicate_label") and v not in ("", None)}
        attrs |= {"predicate": predicate, "label": data.get("predicate_label") or predicate}
        attrs |= {"since": data.get("date", ""), "until": data.get("end", "")}
        attrs |= evidence.get((source, predicate, target), {})
        if dates:  # a state known only "since before" a report has no start to give
            attrs |= {k: v for k, v in (("start", data.get("dated")), ("end", data.get("end"))) if v}
        out.add_edge(source, target, key=f"e{number}", **{k: v for k, v in attrs.items() if v not in ("", None)})
    return out


def _evidence_of(graph: nx.MultiDiGraph, store: Store) -> dict[tuple[str, str, str], dict[str, str]]:
    """Per edge: the quote of its best claim, and its sources and claimants, "; "-joined."""
    from kg.analysis import claim_evidence
    from kg.project import GRADES

    claims = {c for _, _, data in graph.edges(data=True) for c in str(data.get("claims", "")).split("|") if c}
    if not claims:
        return {}
    table = claim_evidence(store, sorted(claims)).set_index("claim")
    rank = {grade: i for i, grade in enumerate(GRADES)}
    found = {}
    for source, target, predicate, data in graph.edges(keys=True, data=True):
        ids = [c for c in str(data.get("claims", "")).split("|") if c in table.index]
        if not ids:
            continue
        rows = table.loc[ids]
        best = min(ids, key=lambda c: (rank.get(table.at[c, "reliability"], len(rank)), c))
        claimants = sorted({name for names in rows["claimant"] for name in names.split("; ") if name})
        found[(source, predicate, target)] = {
            "quote": table.at[best, "quote"],
            "sources": "; ".join(sorted({t for t in rows["title"] if t} or set(rows["source"]))),
            "claimants": "; ".join(claimants),
        }
    return found


def _frames(graph: nx.MultiDiGraph):  # -> tuple[pandas.DataFrame, pandas.DataFrame]
    """Nodes and edges as tables in Gephi's import columns, every attribute kept."""
    import pandas as pd

    nodes = pd.DataFrame.from_dict(dict(graph.nodes(data=True)), orient="index")
    nodes = nodes.rename(columns={"label": "Label"}).rename_axis("Id").reset_index()
    edge_data = graph.edges(keys=True, data=True)
    records = [{"Source": u, "Target": v, "Id": key, **data} for u, v, key, data in edge_data]
    edges = pd.DataFrame(records or None, columns=None if records else ["Source", "Target", "Id", "label"])
    edges.insert(2, "Type", "Directed")
    edges = edges.rename(columns={"label": "Label"})
    return nodes, edges


def _write_csv(graph: nx.MultiDiGraph, directory: Path) -> list[Path]:
    if directory.exists() and not directory.is_dir():
        raise ParameterError(f"{directory} is a file; csv export writes a directory of nodes.csv and edges.csv")
    if directory.is_dir():
        strangers = sorted(p.name for p in directory.iterdir() if p.name not in CSV_FILES)
        if strangers:
            raise ParameterError(
                f"{directory} holds other files ({', '.join(strangers[:3])}); give a new or empty directory"
            )
    directory.mkdir(parents=True, exist_ok=True)
    nodes, edges = _frames(graph)
    paths = [directory / name for name in CSV_FILES]
    for table, path in zip((nodes, edges), paths, strict=True):
        _write(path, lambda temporary, table=table: table.to_csv(temporary, index=False))
    return paths


def to_stream(write: Callable[[Path], list[Path]], stream: BinaryIO) -> None:
    """Run ``write`` (``export_graph`` or ``export_rdf`` bound to its data) into a scratch file, then copy it out.

    The writers need a file (NetworkX and Oxigraph write paths), so stdout gets a finished
    export or nothing, never half of one.
    """
    with tempfile.TemporaryDirectory(prefix="kg-export-") as scratch:
        (written,) = write(Path(scratch) / "export")
        with written.open("rb") as handle:
            shutil.copyfileobj(handle, stream)
    stream.flush()


def export_graph(
    graph: nx.MultiDiGraph, path: Path | str, fmt: str, *, store: Store | None = None, dates: bool = False
) -> list[Path]:
    """Write the projection ``graph`` as ``fmt`` (one of :data:`GRAPH_FORMATS`); return the files written.

    With the ``store``, edges carry their evidence (quote, sources, claimants); ``dates``
    makes GEXF dynamic (see :func:`for_tools`).
    """
    import networkx as nx

    path = Path(path)
    if fmt not in GRAPH_FORMATS:
        raise ParameterError(f"unknown graph format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
    with progress.task("gathering each edge's evidence"):
        graph = for_tools(graph, store, dates=dates)
    with progress.task(f"writing {fmt} ({graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges)"):
        if fmt == "csv":
            return _write_csv(graph, path)
        writers: dict[str, Callable[[Path], None]] = {
            "graphml": lambda p: nx.write_graphml(graph, p),
            "gexf": lambda p: nx.write_gexf(graph, p),
            "json": lambda p: p.write_text(json.dumps(nx.node_link_data(graph, edges="edges")), encoding="utf-8"),
        }
        _write(path, writers[fmt])
    return [path]


def export_rdf(store: Store, path: Path | str, fmt: str) -> list[Path]:
    """Dump the store as ``fmt`` (one of :data:`RDF_FORMATS`): all graphs, or their union for triple formats."""
    path = Path(path)
    if fmt not in RDF_FORMATS:
        raise ParameterError(f"unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")
    rdf_format = RDF_FORMATS[fmt]

    def write(temporary: Path) -> None:
        try:
            if rdf_format.supports_datasets:
                store.inner.dump(str(temporary), format=rdf_format, prefixes=PREFIXES)
            else:
                union = store.inner.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
                ox.serialize(union, str(temporary), format=rdf_format, prefixes=PREFIXES)
        except (RuntimeError, ValueError) as exc:
            raise StoreError(f"cannot dump the store as {fmt}: {exc}") from None

    with progress.task(f"dumping the store as {fmt}"):
        _write(path, write)
    return [path]
