"""RDF to NetworkX without losing what matters: predicates, evidence, types, direction.

The shortcut in ``rdflib.extras.external_graph_libs`` drops predicates, turns literals into
nodes and makes ``rdf:type`` classes into hubs that create false paths. Here instead:

- one node per entity (actor, place, event, weapon), keyed by its IRI, with ``label``,
  ``curie``, ``type`` (its primary asserted class), ``types``, ``classes`` (with
  superclasses), ``kind``, ``aliases`` and ``wikidata`` as attributes;
- one edge per relation triple in a ``MultiDiGraph``, keyed by the predicate's CURIE, so an
  actor that both opposes and encircles another keeps both edges; attributes ``predicate``,
  ``predicate_label``, ``inferred``, ``claims``, ``claim_count``, ``reliability`` (the best
  grade among its claims), ``date`` and ``end``;
- no literals, no classes, no claim or selector nodes.

Multi-valued attributes are ``|``-joined strings and missing values are ``""`` so the graph
exports to GraphML and GEXF as it is. Everything comes from two SPARQL queries whose results
Oxigraph writes as CSV and pandas reads in C; no triple is walked in Python.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import queries
from kg.errors import ParameterError
from kg.namespaces import PREFIXES, WD, compact, expand
from kg.store import Store

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = ["KIND_ORDER", "edges_frame", "grade_key", "nodes_frame", "to_networkx"]

KIND_ORDER = ("actor", "place", "event", "weapon")
"""When an entity has several asserted types (Syria: country and state), the primary one is the first kind here."""

_GRADE = re.compile(r"^[A-F][1-6]$")


def grade_key(grade: str) -> tuple[str, int]:
    """Sort key for Admiralty grades: source letter first, then information digit ("A1" is best).

    >>> sorted(["C3", "B2", "B1", "D1"], key=grade_key)
    ['B1', 'B2', 'C3', 'D1']
    """
    return grade[0], int(grade[1])


def _frame(store: Store, name: str) -> pd.DataFrame:
    """A kg-internal SELECT query as a DataFrame of strings, through Oxigraph's CSV writer."""
    import pandas as pd

    data = store.serialize(queries.internal_query(f"internal/{name}"), {}, ox.QueryResultsFormat.CSV)
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def _compact(series: pd.Series) -> pd.Series:
    """Shorten IRIs with the known prefixes, vectorised (longest namespace first)."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        series = series.str.replace(f"^{re.escape(namespace)}", f"{prefix}:", regex=True)
    return series


def _class_iri(reference: str) -> str:
    return expand(reference) or reference.strip("<>")


def nodes_frame(store: Store, *, types: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per entity with its attributes, indexed by IRI; ``types`` keeps instances of those classes."""
    rows = _frame(store, "project-nodes")
    names = _frame(store, "project-node-names").set_index("node")
    rows["rank"] = rows["kind"].map({kind: i for i, kind in enumerate(KIND_ORDER)})
    rows = rows.sort_values(["node", "rank", "type"])
    rows["type_curie"] = _compact(rows["type"])
    grouped = rows.groupby("node", sort=True)
    nodes = grouped.first()[["label", "type_curie", "typeLabel", "kind", "wikidata"]].rename(
        columns={"type_curie": "type", "typeLabel": "type_label"}
    )
    nodes["types"] = grouped["type_curie"].agg(lambda t: "|".join(sorted(set(t))))
    nodes["wikidata"] = nodes["wikidata"].str.removeprefix(WD)
    nodes["curie"] = _compact(nodes.index.to_series())
    nodes["aliases"] = names["aliases"].reindex(nodes.index).fillna("")
    classes = names["classes"].str.split("|").explode()  # one row per (node, class IRI)
    short = _compact(classes)
    nodes["classes"] = short.groupby(level=0).agg(lambda c: "|".join(sorted(set(c)))).reindex(nodes.index).fillna("")
    nodes["label"] = nodes["label"].where(nodes["label"] != "", nodes["curie"])
    if types is not None:
        wanted = {_class_iri(t) for t in types}
        nodes = nodes[nodes.index.isin(classes[classes.isin(wanted)].index)]
    return nodes


def _check_grade(grade: str) -> str:
    grade = grade.strip().upper()
    if not _GRADE.match(grade):
        raise ParameterError(f"minimum reliability {grade!r} is not an Admiralty grade such as B2")
    return grade


def edges_frame(
    store: Store,
    *,
    predicates: Iterable[str] | None = None,
    inferred: bool = False,
    as_of: dt.date | None = None,
    min_reliability: str | None = None,
) -> pd.DataFrame:
    """One row per relation triple that passes the filters, with its evidence aggregated.

    ``as_of`` keeps a triple when one of its claims is dated on or before that day (the
    claim's event date, else its source's date) and has not ended before it; inferred
    triples without claims of their own (transitive chains) are timeless. ``min_reliability``
    keeps claims at least as good in both letter and digit ("B2" keeps A1, B2, A2, B1) and
    drops triples with no graded claim.
    """
    rows = _frame(store, "project-edges")
    rows["predicate"] = _compact(rows["predicate"])
    rows["claim"] = _compact(rows["claim"])
    rows["inferred"] = rows["inferred"] == "true"
    if not inferred:
        rows = rows[~rows["inferred"]]
    if predicates is not None:
        wanted = {compact(_class_iri(p)) for p in predicates}
        rows = rows[rows["predicate"].isin(wanted)]
    claimed = rows["claim"] != ""
    keep = claimed | rows["inferred"]
    if as_of is not None:
        day = as_of.isoformat()
        in_effect = (rows["date"] != "") & (rows["date"] <= day) & ((rows["end"] == "") | (rows["end"] >= day))
        keep &= ~claimed | in_effect
    if min_reliability is not None:
        floor = _check_grade(min_reliability)
        good = (rows["reliability"].str[0] <= floor[0]) & (rows["reliability"].str[1] <= floor[1])
        keep &= claimed & good
    rows = rows[keep]
    key = ["source", "predicate", "target", "inferred"]
    with_claims = rows[rows["claim"] != ""]
    edges = rows[key].drop_duplicates().set_index(key)
    grouped = with_claims.groupby(key)
    edges["claims"] = grouped["claim"].agg(lambda c: "|".join(sorted(set(c))))
    edges["claim_count"] = grouped["claim"].nunique()
    edges["reliability"] = grouped["reliability"].agg(lambda g: min(g, key=grade_key) if len(g) else "")
    edges["date"] = grouped["date"].agg(lambda d: min((x for x in d if x), default=""))
    edges["end"] = grouped["end"].agg(lambda e: max((x for x in e if x), default=""))
    edges = edges.reset_index()
    edges[["claims", "reliability", "date", "end"]] = edges[["claims", "reliability", "date", "end"]].fillna("")
    edges["claim_count"] = edges["claim_count"].fillna(0).astype(int)
    # An asserted triple wins over the same triple inferred again from elsewhere.
    edges = edges.sort_values(["source", "predicate", "target", "inferred"]).drop_duplicates(
        ["source", "predicate", "target"], keep="first"
    )
    labels = _predicate_labels(store)
    edges["predicate_label"] = edges["predicate"].map(labels).fillna(edges["predicate"])
    return edges.reset_index(drop=True)


def _predicate_labels(store: Store) -> dict[str, str]:
    result = store.query("SELECT ?p ?label WHERE { ?p a kg:Relation ; rdfs:label ?label }")
    return {row["p"]: row["label"] for row in result}  # type: ignore[union-attr]


def to_networkx(
    store: Store,
    *,
    predicates: Iterable[str] | None = None,
    inferred: bool = False,
    as_of: dt.date | None = None,
    min_reliability: str | None = None,
    types: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """The store as a ``networkx.MultiDiGraph`` of entities and relations (see the module docstring).

    ``predicates`` and ``types`` take CURIEs (``kg:alliedWith``, ``kg:Actor``) or IRIs; edges
    whose ends are filtered out go too. Isolated entities stay, so node counts match the
    store's entities.
    """
    import networkx as nx

    nodes = nodes_frame(store, types=types)
    edges = edges_frame(store, predicates=predicates, inferred=inferred, as_of=as_of, min_reliability=min_reliability)
    edges = edges[edges["source"].isin(nodes.index) & edges["target"].isin(nodes.index)]
    graph = nx.MultiDiGraph(
        as_of=as_of.isoformat() if as_of else "", inferred=inferred, min_reliability=min_reliability or ""
    )
    graph.add_nodes_from(zip(nodes.index, nodes.to_dict("records"), strict=True))
    attributes = edges.drop(columns=["source", "target"]).to_dict("records")
    graph.add_edges_from(
        (source, target, predicate, attrs)
        for source, target, predicate, attrs in zip(
            edges["source"], edges["target"], edges["predicate"], attributes, strict=True
        )
    )
    return graph
