"""The analyses an analyst runs on the projection: graph in, DataFrames and dataclasses out.

Every function takes the ``networkx.MultiDiGraph`` of :func:`kg.project.to_networkx` (so
its filters, ``as_of``, ``min_reliability``, ``inferred``, predicates and types, apply
to every analysis); those that show evidence also take the store, to look up the quote,
source and claimant of each claim on an edge. Nothing here walks edges in Python: the graph
is turned once into integer arrays (:class:`Arrays`) and the work is done by igraph (C),
numpy and pandas.

How the graph is read, measure by measure:

- **degree**: distinct neighbours, in either direction and by any relation, divided by
  ``n - 1``; ``relations`` is the plain count of relations (parallel ones included).
- **betweenness**: on the undirected simple view (direction and parallel relations
  dropped), since brokerage in a conflict network does not depend on which side a sentence
  named first; normalised as in NetworkX. Exact while ``n * m`` stays under
  :data:`BETWEENNESS_WORK`; above that, estimated from a seeded random sample of
  ``BETWEENNESS_WORK // m`` sources and scaled by ``n / k`` (Brandes-Pich), so a 100k-edge
  graph takes seconds, not hours, and the same seed gives the same numbers.
- **pagerank**: on the directed graph, parallel relations adding weight, because direction
  carries meaning there (actor -> place, member -> whole). Symmetric relations count in the
  direction they were stated unless the projection includes inferred edges.
- **eigenvector**: undirected simple view, largest connected component (the measure is not
  defined across components), scaled so the top entity has 1; 0 elsewhere.
- **core**: the k-core number on the undirected simple view.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pyoxigraph as ox

from kg import queries
from kg.errors import ParameterError
from kg.namespaces import ONTOLOGY, compact, expand
from kg.params import resolve_entity
from kg.project import (
    GRADES,
    aggregate_claims,
    check_grade,
    claims_frame,
    compact_series,
    frame,
    join_runs,
    run_starts,
)
from kg.results import SelectResult
from kg.store import Store

__all__ = [
    "BETWEENNESS_WORK",
    "EVIDENCE_LOOKUPS",
    "NEGATIVE",
    "POSITIVE",
    "Arrays",
    "Blocs",
    "Ego",
    "Summary",
    "betweenness_sources",
    "blocs",
    "centrality",
    "claim_evidence",
    "control",
    "ego",
    "kcore",
    "path",
    "summary",
]

log = logging.getLogger(__name__)

BETWEENNESS_WORK = 20_000_000
"""Above this many node-edge steps (n * m) betweenness is estimated from a sample of sources."""

POSITIVE = ("kg:alliedWith", "kg:partOf", "kg:hasPart", "kg:headOf", "kg:headedBy")
"""Relations that put two actors on the same side: alliance, and membership or leadership."""

NEGATIVE = ("kg:opposes",)
"""Relations that put two actors on opposite sides."""


@dataclass(frozen=True)
class Arrays:
    """A projection as integer arrays: ``nodes[source[i]] -predicate[i]-> nodes[target[i]]``."""

    nodes: pd.Index
    source: np.ndarray
    target: np.ndarray
    predicate: np.ndarray

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> Arrays:
        nodes = pd.Index(list(graph.nodes))
        edges = pd.DataFrame(list(graph.edges(keys=True)), columns=["source", "target", "predicate"])
        if edges.empty:
            empty = np.array([], dtype=np.int64)
            return cls(nodes, empty, empty, np.array([], dtype=object))
        return cls(
            nodes,
            nodes.get_indexer(edges["source"]),
            nodes.get_indexer(edges["target"]),
            edges["predicate"].to_numpy(dtype=object),
        )

    def simple(self) -> np.ndarray:
        """The undirected simple view: each pair of distinct related nodes once, as (low, high) rows."""
        pairs = np.sort(np.column_stack([self.source, self.target]), axis=1)
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)

    def undirected(self) -> ig.Graph:
        return ig.Graph(n=len(self.nodes), edges=self.simple().tolist())


def _labels(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> list[str]:
    return [graph.nodes[n].get("label", compact(n)) for n in nodes]


def _entity_columns(graph: nx.MultiDiGraph, nodes: pd.Index) -> pd.DataFrame:
    """node, label and type of each node: the first columns of every table."""
    return pd.DataFrame(
        {
            "node": compact_series(pd.Series(nodes, dtype=object)).to_numpy(),
            "label": _labels(graph, nodes),
            "type": [graph.nodes[n].get("type", "") for n in nodes],
        }
    )


def betweenness_sources(nodes: int, edges: int) -> int | None:
    """How many sources betweenness samples on a graph this size; None when it is computed exactly.

    >>> betweenness_sources(31, 40) is None, betweenness_sources(20_000, 100_000)
    (True, 200)
    """
    if nodes * edges <= BETWEENNESS_WORK:
        return None
    return max(1, min(nodes, BETWEENNESS_WORK // max(edges, 1)))


def _betweenness(undirected: ig.Graph, *, seed: int) -> np.ndarray:
    n, m = undirected.vcount(), undirected.ecount()
    if n < 3:
        return np.zeros(n)
    sample = betweenness_sources(n, m)
    if sample is None:
        raw = np.array(undirected.betweenness())
    else:
        sources = np.random.default_rng(seed).choice(n, size=sample, replace=False)
        raw = np.array(undirected.betweenness(sources=sources.tolist())) * n / sample
        log.info("betweenness estimated from %d of %d sources", sample, n)
    return raw * 2 / ((n - 1) * (n - 2))


def _eigenvector(undirected: ig.Graph) -> np.ndarray:
    values = np.zeros(undirected.vcount())
    if undirected.ecount() == 0:
        return values
    members = undirected.connected_components().membership
    giant = np.flatnonzero(np.bincount(members)[members] == np.bincount(members).max())
    component = undirected.induced_subgraph(giant.tolist())
    if component.ecount():
        values[giant] = component.eigenvector_centrality(scale=True)
    return values


def centrality(graph: nx.MultiDiGraph, *, seed: int = 0) -> pd.DataFrame:
    """Degree, betweenness, PageRank and eigenvector centrality of every entity, best first.

    Ranked by PageRank, then betweenness; see the module docstring for the view each
    measure reads. ``seed`` fixes the betweenness sample on large graphs; the table's
    ``attrs["betweenness_sources"]`` says how many sources were sampled (None: exact).
    """
    arrays = Arrays.of(graph)
    n = len(arrays.nodes)
    table = _entity_columns(graph, arrays.nodes)
    undirected = arrays.undirected()
    neighbours = np.array(undirected.degree(), dtype=np.int64)
    table["relations"] = np.bincount(np.r_[arrays.source, arrays.target], minlength=n)
    table["degree"] = neighbours / (n - 1) if n > 1 else 0.0
    table["betweenness"] = _betweenness(undirected, seed=seed)
    pairs = pd.DataFrame({"s": arrays.source, "t": arrays.target}).value_counts().reset_index()
    directed = ig.Graph(n=n, edges=pairs[["s", "t"]].to_numpy().tolist(), directed=True)
    table["pagerank"] = directed.pagerank(weights=pairs["count"].tolist()) if n else []
    table["eigenvector"] = _eigenvector(undirected)
    table.index = arrays.nodes
    table = table.sort_values(["pagerank", "betweenness", "label"], ascending=[False, False, True])
    table.attrs["betweenness_sources"] = betweenness_sources(n, undirected.ecount())
    return table


def kcore(graph: nx.MultiDiGraph, *, k: int | None = None) -> pd.DataFrame:
    """Each entity's core number on the undirected simple view, highest first; ``k`` keeps the k-core.

    The main core (the highest k) is the most connected group: every member is related to at
    least k others inside it.
    """
    arrays = Arrays.of(graph)
    undirected = arrays.undirected()
    table = _entity_columns(graph, arrays.nodes)
    table["core"] = np.array(undirected.coreness(), dtype=np.int64) if len(arrays.nodes) else []
    table["neighbours"] = np.array(undirected.degree(), dtype=np.int64) if len(arrays.nodes) else []
    table.index = arrays.nodes
    if k is not None:
        table = table[table["core"] >= k]
    return table.sort_values(["core", "neighbours", "label"], ascending=[False, False, True])


# --- Blocs and structural balance ------------------------------------------------------------


@dataclass(frozen=True)
class Blocs:
    """Alliance blocs, the camps they form against each other, and where the signed graph is unbalanced.

    ``members``: node, label, bloc, camp. ``blocs``: bloc, camp, size, leader (the member with
    most ties), members (labels). ``triads``: every triangle of signed ties with its signs
    and whether it is balanced. ``allies_of_enemies``: actor, enemy, ally (an ally of the
    enemy), the relations behind the alliance, and the tie between actor and ally if any.
    ``contested``: pairs that are both allied and opposed; they are left out of the rest.
    """

    members: pd.DataFrame
    blocs: pd.DataFrame
    ties: pd.DataFrame
    """Every signed tie between two actors: their labels, the sign, the relations behind it, the claims
    ("|"-joined), the best grade and its weight, and the bloc it joins (0 for an opposition)."""
    triads: pd.DataFrame
    allies_of_enemies: pd.DataFrame
    contested: pd.DataFrame
    two_sided: bool
    """True when the camps split cleanly in two: no opposition inside a camp."""

    @property
    def unbalanced(self) -> pd.DataFrame:
        return self.triads[~self.triads["balanced"]]

    @property
    def balance(self) -> float:
        """Share of signed triangles that are balanced (1.0 when there is none)."""
        return float(self.triads["balanced"].mean()) if len(self.triads) else 1.0


def grade_weight(grade: str) -> float:
    """How much a tie's best grade counts: 1.0 for A1, falling with the letter (source) and the digit
    (information) to 1/36 for F6; an ungraded tie (an inferred chain) counts 1/36 too.

    >>> grade_weight("A1"), grade_weight("C3"), round(grade_weight("F6"), 3)
    (1.0, 0.444, 0.028)
    """
    if len(grade) != 2 or grade[0] not in "ABCDEF" or grade[1] not in "123456":
        return 1 / 36
    return round((6 - "ABCDEF".index(grade[0])) * (7 - int(grade[1])) / 36, 3)


def _signed_pairs(graph: nx.MultiDiGraph, positive: Iterable[str], negative: Iterable[str]) -> pd.DataFrame:
    """Undirected pairs (a < b by node order) with sign +1 or -1, the relations and claims behind them,
    the best grade among those claims and its weight."""
    arrays = Arrays.of(graph)
    sign = np.select([np.isin(arrays.predicate, list(positive)), np.isin(arrays.predicate, list(negative))], [1, -1], 0)
    data = [d for _, _, d in graph.edges(data=True)]
    ties = pd.DataFrame(
        {
            "a": np.minimum(arrays.source, arrays.target),
            "b": np.maximum(arrays.source, arrays.target),
            "sign": sign,
            "predicate": arrays.predicate,
            "claims": [str(d.get("claims", "")) for d in data],
            "reliability": [str(d.get("reliability", "")) for d in data],
        }
    )
    ties = ties[(ties["sign"] != 0) & (ties["a"] != ties["b"])].drop_duplicates(["a", "b", "predicate", "claims"])
    ties = ties.sort_values(["a", "b", "predicate"])
    starts = run_starts(ties, ["a", "b"])
    pairs = ties[["a", "b"]].iloc[starts].reset_index(drop=True)
    sign = ties["sign"].to_numpy()
    low, high = np.minimum.reduceat(sign, starts), np.maximum.reduceat(sign, starts)
    pairs["sign"] = np.where(low == high, low, 0)  # both allied and opposed: contested
    pairs["via"] = join_runs(ties["predicate"], starts)
    claims = join_runs(ties["claims"], starts).str.split("|")
    pairs["claims"] = ["|".join(sorted({c for c in found if c})) for found in claims]
    ranks = pd.Categorical(ties["reliability"], categories=GRADES).codes.astype(int)
    ranks[ranks < 0] = len(GRADES)
    pairs["reliability"] = (
        np.array([*GRADES, ""], dtype=object)[np.minimum.reduceat(ranks, starts)] if len(ties) else []
    )
    pairs["weight"] = [grade_weight(g) for g in pairs["reliability"]]
    return pairs


def _both_ways(pairs: pd.DataFrame) -> pd.DataFrame:
    flipped = pairs.rename(columns={"a": "b", "b": "a"})
    return pd.concat([pairs, flipped], ignore_index=True)


def _triads(signed: pd.DataFrame) -> pd.DataFrame:
    """Every triangle a < b < c of signed ties, by two joins on the edge list."""
    edges = signed[["a", "b", "sign"]]
    paths = edges.merge(edges, left_on="b", right_on="a", suffixes=("_ab", "_bc"))
    paths = paths.rename(columns={"a_ab": "a", "b_ab": "b", "b_bc": "c"})[["a", "b", "c", "sign_ab", "sign_bc"]]
    closing = edges.rename(columns={"b": "c", "sign": "sign_ac"})
    triads = paths.merge(closing, on=["a", "c"])
    triads["balanced"] = triads["sign_ab"] * triads["sign_bc"] * triads["sign_ac"] > 0
    return triads


def _communities(nodes: int, positive: pd.DataFrame, method: str, seed: int) -> np.ndarray:
    """A bloc number per node (-1 for nodes without a signed tie) from the positive ties (Louvain weighs
    each tie by the grade of its best claim)."""
    if method == "components":
        graph = ig.Graph(n=nodes, edges=positive[["a", "b"]].to_numpy().tolist())
        return np.array(graph.connected_components().membership)
    if method == "louvain":
        graph = nx.Graph()
        graph.add_nodes_from(range(nodes))
        graph.add_weighted_edges_from(positive[["a", "b", "weight"]].itertuples(index=False, name=None))
        membership = np.zeros(nodes, dtype=np.int64)
        for number, community in enumerate(nx.community.louvain_communities(graph, seed=seed)):
            membership[list(community)] = number
        return membership
    raise ParameterError(f"unknown bloc method {method!r}; use components or louvain")


def _camps(blocs: np.ndarray, negative: pd.DataFrame) -> tuple[dict[int, str], bool]:
    """Two-colour the blocs by their oppositions: camps "1a"/"1b" per connected group of rival blocs."""
    rivals = nx.Graph()
    rivals.add_edges_from(zip(blocs[negative["a"]], blocs[negative["b"]], strict=True))
    camps: dict[int, str] = {}
    two_sided = True
    for number, group in enumerate(sorted(nx.connected_components(rivals), key=lambda g: (-len(g), min(g))), 1):
        start = min(group)
        for bloc, depth in nx.single_source_shortest_path_length(rivals.subgraph(group), start).items():
            camps[bloc] = f"{number}{'ab'[depth % 2]}"
        two_sided &= not any(camps[u] == camps[v] for u, v in rivals.subgraph(group).edges)
    return camps, two_sided


def blocs(
    graph: nx.MultiDiGraph,
    *,
    positive: Iterable[str] = POSITIVE,
    negative: Iterable[str] = NEGATIVE,
    method: str = "components",
    seed: int = 0,
) -> Blocs:
    """Alliance blocs, opposing camps and structural balance of the signed actor graph.

    A pair of entities is tied +1 by any of ``positive`` (alliance, membership, leadership)
    and -1 by any of ``negative`` (opposition), in either direction; a pair with both is
    *contested* and left out. **Blocs** are the connected groups of positive ties
    (``method="components"``, weak balance in Davis's sense: a bloc is unbalanced exactly
    when an opposition runs inside it) or Louvain communities of them (``"louvain"``, for
    large graphs where alliances chain everything together). **Camps** two-colour the blocs
    along the oppositions between them. A **triad** (three pairwise tied actors) is balanced
    when the product of its signs is positive (Harary): my ally's ally is my ally, my
    enemy's enemy is my ally; an ally of an enemy who is also my ally is not.

    Every tie keeps the claims that made it and their best grade (``ties``), so a bloc can be
    traced to the words behind it; Louvain weighs ties by that grade (:func:`grade_weight`),
    and the projection's ``min_reliability`` leaves out ties whose claims are all graded worse.
    """
    arrays = Arrays.of(graph)
    pairs = _signed_pairs(graph, positive, negative)
    contested = pairs[pairs["sign"] == 0]
    signed = pairs[pairs["sign"] != 0]
    positive_pairs, negative_pairs = signed[signed["sign"] > 0], signed[signed["sign"] < 0]
    membership = _communities(len(arrays.nodes), positive_pairs, method, seed)
    involved = np.unique(signed[["a", "b"]].to_numpy())
    blocs_of = pd.Series(membership[involved], index=involved)
    # Number blocs by size, largest first; ties by their first member's label.
    labels = np.array(_labels(graph, arrays.nodes), dtype=object)
    order = (
        pd.DataFrame({"bloc": blocs_of.to_numpy(), "label": labels[involved]})
        .groupby("bloc")
        .agg(size=("label", "size"), first=("label", "min"))
        .sort_values(["size", "first"], ascending=[False, True])
    )
    renumber = dict(zip(order.index, range(1, len(order) + 1), strict=True))
    bloc = np.full(len(arrays.nodes), 0)
    bloc[involved] = [renumber[b] for b in blocs_of.to_numpy()]
    camps, two_sided = _camps(bloc, negative_pairs)
    members = _entity_columns(graph, arrays.nodes[involved])
    members["bloc"] = bloc[involved]
    members["camp"] = [camps.get(b, "") for b in members["bloc"]]
    ties = np.bincount(signed[["a", "b"]].to_numpy().ravel(), minlength=len(arrays.nodes))[involved]
    members["ties"] = ties
    members = members.sort_values(["bloc", "ties", "label"], ascending=[True, False, True]).reset_index(drop=True)
    table = members.groupby("bloc", sort=True).agg(
        camp=("camp", "first"), size=("label", "size"), leader=("label", "first"), members=("label", " | ".join)
    )
    triads = _triads(signed)
    for column in ("a", "b", "c"):
        triads[f"{column}Label"] = labels[triads[column].to_numpy()] if len(triads) else []
        triads[column] = compact_series(pd.Series(arrays.nodes[triads[column].to_numpy()], dtype=object)).to_numpy()
    ties_table = signed.assign(
        aLabel=labels[signed["a"].to_numpy()] if len(signed) else [],
        bLabel=labels[signed["b"].to_numpy()] if len(signed) else [],
        bloc=np.where(signed["sign"] > 0, bloc[signed["a"].to_numpy()], 0) if len(signed) else [],
    )
    for column in ("a", "b"):
        ties_table[column] = compact_series(
            pd.Series(arrays.nodes[ties_table[column].to_numpy()], dtype=object)
        ).to_numpy()
    ties_table = ties_table[["bloc", "aLabel", "bLabel", "sign", "via", "reliability", "weight", "claims", "a", "b"]]
    return Blocs(
        members=members,
        blocs=table.reset_index(),
        ties=ties_table.sort_values(["bloc", "aLabel", "bLabel"]).reset_index(drop=True),
        triads=triads.sort_values(["balanced", "aLabel", "bLabel", "cLabel"]).reset_index(drop=True),
        allies_of_enemies=_allies_of_enemies(arrays, labels, positive_pairs, negative_pairs),
        contested=_named_pairs(arrays, labels, contested),
        two_sided=two_sided,
    )


def _named_pairs(arrays: Arrays, labels: np.ndarray, pairs: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {"a": labels[pairs["a"].to_numpy()], "b": labels[pairs["b"].to_numpy()], "via": pairs["via"].to_numpy()}
    )


def _allies_of_enemies(
    arrays: Arrays, labels: np.ndarray, positive: pd.DataFrame, negative: pd.DataFrame
) -> pd.DataFrame:
    """actor -opposes- enemy -allied- ally: who balance says should be the actor's enemy too, and whether it is."""
    enemies = _both_ways(negative)[["a", "b"]].rename(columns={"a": "actor", "b": "enemy"})
    allies = _both_ways(positive)[["a", "b", "via"]].rename(columns={"a": "enemy", "b": "ally"})
    rows = enemies.merge(allies, on="enemy")
    rows = rows[rows["ally"] != rows["actor"]]
    tie = pd.concat(
        [_both_ways(negative).assign(tie="opposes"), _both_ways(positive).assign(tie="allied (unbalanced)")]
    ).rename(columns={"a": "actor", "b": "ally"})[["actor", "ally", "tie"]]
    rows = rows.merge(tie, on=["actor", "ally"], how="left").fillna({"tie": "none (balance predicts enmity)"})
    out = pd.DataFrame(
        {
            "actor": labels[rows["actor"].to_numpy()],
            "enemy": labels[rows["enemy"].to_numpy()],
            "ally": labels[rows["ally"].to_numpy()],
            "via": rows["via"].to_numpy(),
            "tie": rows["tie"].to_numpy(),
        }
    )
    return out.sort_values(["actor", "enemy", "ally"]).reset_index(drop=True)


# --- Evidence: paths and neighbourhoods ------------------------------------------------------


EVIDENCE_LOOKUPS = 300
"""Up to this many claims are looked up one bound query each; more are read by scanning the store once."""

_EVIDENCE_COLUMNS = ["claim", "quote", "start", "end", "source", "title", "claimant", "date", "reliability"]


def claim_evidence(store: Store, claims: Iterable[str], *, bulk: bool | None = None) -> pd.DataFrame:
    """Quote, offsets, source, title, claimants ("; "-joined), date and grade of each claim (CURIE or IRI).

    A few claims (a path) are looked up with one bound query each, which touches only that
    claim however large the store; many (the neighbourhood of a hub) are read with two scans
    of the whole store, which costs the same for ten thousand claims as for one.
    ``bulk`` forces one way or the other.
    """
    wanted = [expand(c) or c for c in dict.fromkeys(claims)]
    if bulk if bulk is not None else len(wanted) > EVIDENCE_LOOKUPS:
        return _scanned_evidence(store, wanted)
    saved = queries.internal_query("internal/claim-evidence")
    rows = []
    for claim in wanted:
        result = store.run(saved, {"claim": ox.NamedNode(claim)})  # the embedded store or a remote one
        assert isinstance(result, SelectResult)
        found = [dict(zip(result.variables, row, strict=True)) for row in result.rows]
        if not found:
            continue
        first = found[0]
        rows.append(
            {
                "claim": compact(claim),
                "quote": first["quote"].value,
                "start": int(first["start"].value),
                "end": int(first["end"].value),
                "source": compact(first["source"].value),
                "title": first["title"].value if first["title"] is not None else "",
                "claimant": "; ".join(dict.fromkeys(row["claimant"].value for row in found)),
                "date": first["date"].value if first["date"] is not None else "",
                "reliability": first["reliability"].value,
            }
        )
    return pd.DataFrame(rows, columns=_EVIDENCE_COLUMNS)


def _scanned_evidence(store: Store, claims: list[str]) -> pd.DataFrame:
    """:func:`claim_evidence` from scans: every claim's properties and selectors, filtered to ``claims``."""
    properties = frame(store, "evidence-properties")
    properties["property"] = properties["property"].map(lambda p: p.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
    titles = properties[properties["property"] == "title"].drop_duplicates("claim").set_index("claim")["value"]
    rows = properties[properties["claim"].isin(claims)]
    labels = frame(store, "labels").drop_duplicates("entity").set_index("entity")["label"]
    agents = rows[rows["property"] == "wasAttributedTo"].assign(
        name=lambda r: r["value"].map(labels).fillna(r["value"])
    )
    claimants = agents.sort_values("name").groupby("claim")["name"].agg("; ".join)
    selectors = frame(store, "evidence-selectors")
    selectors["property"] = selectors["property"].str.rsplit("#", n=1).str[-1]
    single = pd.concat([rows[rows["property"] != "wasAttributedTo"], selectors[selectors["claim"].isin(claims)]])
    wide = single.drop_duplicates(["claim", "property"]).pivot(index="claim", columns="property", values="value")
    wide = wide.reindex(columns=["exact", "start", "end", "wasDerivedFrom", "eventDate", "eventStart", "reliability"])
    wide = wide.fillna("")
    table = pd.DataFrame(
        {
            "claim": compact_series(pd.Series(wide.index, dtype=object)).to_numpy(),
            "quote": wide["exact"].to_numpy(),
            "start": pd.to_numeric(wide["start"]).to_numpy(),
            "end": pd.to_numeric(wide["end"]).to_numpy(),
            "source": compact_series(wide["wasDerivedFrom"]).to_numpy(),
            "title": wide["wasDerivedFrom"].map(titles).fillna("").to_numpy(),
            "claimant": claimants.reindex(wide.index).fillna("").to_numpy(),
            "date": wide["eventDate"].where(wide["eventDate"] != "", wide["eventStart"]).to_numpy(),
            "reliability": wide["reliability"].to_numpy(),
        }
    )
    order = pd.Series(range(len(claims)), index=compact_series(pd.Series(claims, dtype=object)).to_numpy())
    return table[table["quote"] != ""].sort_values("claim", key=lambda c: c.map(order)).reset_index(drop=True)


def _relations_between(graph: nx.MultiDiGraph, pairs: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Every relation between each pair, in either direction, one row per claim behind it."""
    rows = []
    for step, (u, v) in enumerate(pairs, 1):
        for a, b in ((u, v), (v, u)):
            for predicate, data in (graph.get_edge_data(a, b) or {}).items():
                relation = _relation(graph, a, b, predicate, data)
                rows += [{"step": step, **relation, "claim": claim} for claim in data.get("claims", "").split("|")]
    return pd.DataFrame(rows, columns=["step", *_RELATION_COLUMNS, "claim"])


_RELATION_COLUMNS = ["subject", "subjectLabel", "predicate", "predicateLabel", "object", "objectLabel", "inferred"]


def _relation(graph: nx.MultiDiGraph, u: str, v: str, predicate: str, data: dict) -> dict[str, object]:
    """One edge of the projection as a row: both ends with their labels, the predicate with its label."""
    return {
        "subject": compact(u),
        "subjectLabel": graph.nodes[u]["label"],
        "predicate": predicate,
        "predicateLabel": data.get("predicate_label", predicate),
        "object": compact(v),
        "objectLabel": graph.nodes[v]["label"],
        "inferred": bool(data.get("inferred", False)),
    }


def _with_evidence(store: Store, relations: pd.DataFrame) -> pd.DataFrame:
    evidence = claim_evidence(store, [c for c in relations["claim"] if c])
    table = relations.merge(evidence, on="claim", how="left")
    text = ["quote", "source", "title", "claimant", "date", "reliability"]
    table[text] = table[text].fillna("")
    return table.drop(columns=["start", "end"])


def _node(graph: nx.MultiDiGraph, store: Store, reference: str) -> str:
    iri = resolve_entity(store, reference).value
    if iri not in graph:
        raise ParameterError(f"{reference!r} ({compact(iri)}) is not in the projected graph; loosen the filters")
    return iri


def path(graph: nx.MultiDiGraph, store: Store, source: str, target: str, *, limit: int = 5) -> pd.DataFrame:
    """The shortest connections between two entities, each step with the claims behind it.

    ``source`` and ``target`` are labels, aliases, CURIEs, IRIs or Wikidata ids. Paths
    ignore direction (an alliance connects both ways; the rows show each relation as
    stated). Up to ``limit`` shortest paths; one row per path, step, relation and claim
    with the quote, source, claimant, date and grade. Empty when they are not connected.
    """
    start, end = _node(graph, store, source), _node(graph, store, target)
    if start == end:
        raise ParameterError("the two ends of a path are the same entity")
    undirected = graph.to_undirected(as_view=True)
    try:
        found = list(itertools.islice(nx.all_shortest_paths(undirected, start, end), limit))
    except nx.NetworkXNoPath:
        found = []
    tables = []
    for number, nodes in enumerate(found, 1):
        steps = _relations_between(graph, zip(nodes, nodes[1:], strict=False))
        tables.append(steps.assign(path=number, route=" -> ".join(_labels(graph, nodes))))
    if not tables:
        return _with_evidence(store, _relations_between(graph, [])).assign(path=[], route=[])
    table = _with_evidence(store, pd.concat(tables, ignore_index=True))
    first = ["path", "route", "step"]
    return table[first + [c for c in table.columns if c not in first]]


@dataclass(frozen=True)
class Ego:
    """An entity's neighbourhood: who is within reach (``nodes``, with distance) and the relations among them."""

    center: str
    nodes: pd.DataFrame
    relations: pd.DataFrame


def ego(graph: nx.MultiDiGraph, store: Store, center: str, *, radius: int = 1, evidence: bool = True) -> Ego:
    """Everyone within ``radius`` steps of ``center`` (either direction), and every relation among them.

    With ``evidence`` each relation carries the quote, source, claimant and grade of each
    of its claims (one row per claim); without, one row per relation with its claim ids.
    """
    if radius < 1:
        raise ParameterError("the radius of a neighbourhood is at least 1")
    iri = _node(graph, store, center)
    distance = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), iri, cutoff=radius)
    index = pd.Index(list(distance))
    nodes = _entity_columns(graph, index).assign(distance=list(distance.values()))
    nodes = nodes.sort_values(["distance", "label"]).reset_index(drop=True)
    sub = graph.subgraph(index)
    rows = pd.DataFrame(
        [
            _relation(graph, u, v, key, data)
            | {"claims": data.get("claims", ""), "reliability": data.get("reliability", "")}
            for u, v, key, data in sub.edges(keys=True, data=True)
        ],
        columns=[*_RELATION_COLUMNS, "claims", "reliability"],
    )
    rows = rows.sort_values(["subjectLabel", "predicate", "objectLabel"]).reset_index(drop=True)
    if evidence:
        rows = rows.drop(columns="reliability").assign(claim=rows["claims"].str.split("|")).explode("claim")
        rows = _with_evidence(store, rows.drop(columns="claims").fillna({"claim": ""}))
    return Ego(compact(iri), nodes, rows)


# --- Territorial control ---------------------------------------------------------------------

_CONTROL = {
    "captured": "held",
    "controls": "held",
    "occupied": "held",
    "withdrewTo": "present",
    "encircled": "encircled",
}
"""Which claims open a period at a place, and what the actor's status there is."""


def control(
    store: Store,
    *,
    as_of: dt.date | None = None,
    min_reliability: str | None = None,
    place: str | None = None,
    dated_only: bool = False,
) -> pd.DataFrame:
    """Who holds which place, from when until when, by which claims, and where two hold it at once.

    The rules, applied to asserted claims (each dated by its event date, else its start,
    else its source's date):

    1. ``captured`` and ``occupied`` open a *held* period on their date.
    2. ``controls`` opens a *held* period on its ``eventStart``, or, without one, on the
       date it was reported (``from_kind`` says which: a state reported without a start
       held "since before" that day), and closes it on its ``eventEnd``.
    3. ``withdrewTo`` opens a *present* period: the actor's forces fell back there, which
       does not by itself mean it holds the place (Hezbollah withdrew to the government's
       Latakia).
    4. ``encircled`` opens an *encircled* period: a siege is not control.
    5. A period ends at the first capture or occupation of the place by another actor on or
       after its start (strictly after, for a period that is itself a capture), at the
       besieger's own capture (for a siege), at the actor's own ``withdrewFrom``, or at the
       end its claim gives, whichever is first; ``ended_by`` names what ended it. Actors
       allied with, or part of, one another hold jointly (the rebels and HTS, a part of them,
       both took Homs). Periods are half-open: on the day Homs was captured, the captor holds
       it. These ends are inferred by the build (``kg:endedOn``, ``kg:endedBy``; the rule is
       :mod:`kg.holdings`), so queries, the projection and this table
       agree.
    6. Two *held* periods of one place by actors who are neither allied nor part of one
       another, overlapping on some day, are a contested holding: both rows get the status
       *contested*, and ``contested_with`` names the other actor (``kg claims --contested``
       lists the claims in pairs).

    Claims with the same place, actor, status, basis and dates are one row, with their
    claim ids, best grade and the best claim's quote. ``as_of`` keeps the periods in force on
    that day (a period known only "since before" its date counts on earlier days unless
    ``dated_only``); ``min_reliability`` ignores holdings graded below it (the ends stay those
    the build inferred from every asserted claim, so a holding may show as ended by a capture
    graded below the floor: ``ended_by`` names it); ``place`` keeps one place.
    """
    claims = claims_frame(store)
    claims["predicate"] = claims["predicate"].str.removeprefix(ONTOLOGY)
    every = claims.assign(claim=compact_series(claims["claim"]))
    claims = claims[claims["predicate"].isin(list(_CONTROL))]
    if min_reliability is not None:
        floor = check_grade(min_reliability)
        claims = claims[(claims["reliability"].str[0] <= floor[0]) & (claims["reliability"].str[1] <= floor[1])]
    if place is not None:
        claims = claims[claims["object"] == resolve_entity(store, place).value]
    periods = claims.rename(columns={"subject": "actor", "object": "place"})
    periods["claim"] = compact_series(periods["claim"])
    periods["status"] = periods["predicate"].map(_CONTROL)
    known = periods["predicate"].isin(["captured", "occupied"]) | (periods["start"] != "") | ~periods["open"]
    periods["from"] = periods["start"].where(periods["start"] != "", periods["date"])
    periods["from_kind"] = np.where(known, "start", "reported")
    ended = periods["ended_on"] != ""
    periods["until"] = periods["ended_on"].where(ended, periods["end"])
    enders = every.set_index("claim")["predicate"].map({"captured": "captured by", "occupied": "occupied by"})
    how = compact_series(periods["ended_by"]).map(enders).fillna("withdrew,")
    periods["ended_by"] = np.where(
        ended, how + " " + compact_series(periods["ended_by"]), np.where(periods["end"] != "", "its end date", "")
    )
    periods = _contested(store, periods.reset_index(drop=True))
    if as_of is not None:
        day = as_of.isoformat()
        begun = (periods["from"] <= day) | ((periods["from_kind"] == "reported") & (not dated_only))
        periods = periods[begun & ((periods["until"] == "") | (periods["until"] > day))]
    return _control_rows(store, periods)


def _contested(store: Store, periods: pd.DataFrame) -> pd.DataFrame:
    """Mark held periods of one place by actors not allied or part of one another that overlap on some day."""
    held = periods[periods["status"] == "held"].reset_index(names="row")
    pairs = held.merge(held, on="place", suffixes=("", "_other"))
    pairs = pairs[pairs["actor"] != pairs["actor_other"]]
    joint = frame(store, "joint-holders")
    together = set(zip(joint["a"], joint["b"], strict=True))
    apart = [(a, b) not in together for a, b in zip(pairs["actor"], pairs["actor_other"], strict=True)]
    pairs = pairs[np.array(apart, dtype=bool)]
    # half-open periods [from, until) overlap when each starts before the other ends
    ends, other_ends = pairs["until"].replace("", "9999-12-31"), pairs["until_other"].replace("", "9999-12-31")
    overlap = (pairs["from"] < other_ends) & (pairs["from_other"] < ends)
    pairs = pairs[overlap]
    rivals = pairs.groupby("row")["actor_other"].agg(lambda actors: "|".join(sorted(set(compact_series(actors)))))
    periods["contested_with"] = rivals.reindex(periods.index).fillna("")
    periods.loc[periods["contested_with"] != "", "status"] = "contested"
    return periods


def _quotes(store: Store, claims: pd.Series) -> pd.Series:
    """The quote of each claim (CURIEs), by claim: bound look-ups for a few, one scan for many."""
    if len(claims) <= EVIDENCE_LOOKUPS:
        return claim_evidence(store, claims).set_index("claim")["quote"]
    scanned = frame(store, "claim-quotes")
    return pd.Series(scanned["quote"].to_numpy(), index=compact_series(scanned["claim"]).to_numpy())


def _control_rows(store: Store, periods: pd.DataFrame) -> pd.DataFrame:
    key = ["place", "actor", "status", "predicate", "from", "from_kind", "until", "ended_by", "contested_with"]
    columns = ["place", "placeLabel", "actor", "actorLabel", "status", "from", "from_kind", "until", "basis"]
    columns += ["ended_by", "contested_with", "claims", "reliability", "quote"]
    if periods.empty:
        return pd.DataFrame(columns=columns)
    rows = aggregate_claims(periods, key)
    rows["claim"] = rows["claims"].str.split("|")
    best = periods.assign(rank=pd.Categorical(periods["reliability"], categories=GRADES).codes)
    best = best.sort_values(["rank", "claim"]).drop_duplicates(key).set_index(key)["claim"]
    rows = rows.join(best.rename("best"), on=key)
    quotes = _quotes(store, rows["best"])
    labels = frame(store, "labels").drop_duplicates("entity").set_index("entity")["label"]
    rows["quote"] = rows["best"].map(quotes).fillna("")
    rows["placeLabel"] = rows["place"].map(labels).fillna("")
    rows["actorLabel"] = rows["actor"].map(labels).fillna("")
    rows["basis"] = rows["predicate"]
    for column in ("place", "actor"):
        rows[column] = compact_series(rows[column])
    rows = rows.sort_values(["placeLabel", "from", "actorLabel", "status"])
    return rows[columns].reset_index(drop=True)


# --- Summary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Counts, the densest part, the top actors and the blocs of a projection, for a reader in a hurry."""

    entities: int
    relations: int
    kinds: dict[str, int]
    predicates: dict[str, int]
    components: int
    largest_component: int
    density: float
    main_core: int
    core_members: list[str]
    top: pd.DataFrame
    blocs: Blocs

    def text(self) -> str:
        """The summary as a few lines of plain text."""
        kinds = ", ".join(f"{count} {kind}{'' if count == 1 else 's'}" for kind, count in self.kinds.items())
        predicates = ", ".join(f"{name} {count}" for name, count in list(self.predicates.items())[:5])
        lines = [
            f"{self.entities} entities ({kinds}), {self.relations} relations.",
            f"Most used relations: {predicates}.",
            f"{self.components} connected parts; the largest holds {self.largest_component} entities; "
            f"density {self.density:.3f}.",
            f"Densest part: the {self.main_core}-core, {len(self.core_members)} entities: "
            f"{', '.join(self.core_members[:10])}{' ...' if len(self.core_members) > 10 else ''}.",
            "Top actors by PageRank: "
            + ", ".join(f"{row.label} ({row.pagerank:.3f})" for row in self.top.itertuples())
            + ".",
        ]
        blocs = self.blocs.blocs
        if len(blocs):
            named = "; ".join(
                f"bloc {row.bloc}{f' (camp {row.camp})' if row.camp else ''}: {row.leader} and {row.size - 1} more"
                for row in blocs.head(5).itertuples()
            )
            lines.append(f"{len(blocs)} blocs: {named}.")
            unbalanced = len(self.blocs.unbalanced)
            lines.append(
                f"Structural balance: {len(self.blocs.triads) - unbalanced} of {len(self.blocs.triads)} signed triads "
                f"balanced; camps {'split cleanly in two' if self.blocs.two_sided else 'do not split in two'}."
            )
        return "\n".join(lines)


def summary(graph: nx.MultiDiGraph, *, top: int = 5, seed: int = 0) -> Summary:
    """The graph in a few numbers and names: counts, components, the main core, top actors, blocs."""
    arrays = Arrays.of(graph)
    undirected = arrays.undirected()
    kinds = pd.Series([graph.nodes[n].get("kind", "") for n in arrays.nodes]).value_counts()
    predicates = pd.Series([graph.edges[e].get("predicate_label", e[2]) for e in graph.edges(keys=True)])
    sizes = np.bincount(undirected.connected_components().membership) if len(arrays.nodes) else np.array([0])
    cores = kcore(graph)
    main = int(cores["core"].max()) if len(cores) else 0
    ranked = centrality(graph, seed=seed)
    actors = ranked[[graph.nodes[n].get("kind") == "actor" for n in ranked.index]]
    return Summary(
        entities=len(arrays.nodes),
        relations=len(arrays.source),
        kinds={str(k): int(v) for k, v in kinds.items()},
        predicates={str(k): int(v) for k, v in predicates.value_counts().items()},
        components=int(len(sizes)) if len(arrays.nodes) else 0,
        largest_component=int(sizes.max()),
        density=float(undirected.density()) if len(arrays.nodes) > 1 else 0.0,
        main_core=main,
        core_members=sorted(cores.loc[cores["core"] == main, "label"]) if main else [],
        top=actors.head(top)[["node", "label", "pagerank", "betweenness"]],
        blocs=blocs(graph, seed=seed),
    )
