"""The NetworkX projection reads the same data and builds the same graph as before its speed-up (issue 18).

The projection's queries were rewritten (claims one row per claim instead of one row per
property, entities looked up per class, the inferred edges left out in the query) and its
pandas and NetworkX steps changed. ``tests/data/projection-before/`` keeps the queries as they
were, as plain files (the suite runs from a tarball too); here they are read the way the old
code read them and compared, frame by frame, with what the projection reads now, and the graph
with one assembled the old way (``DataFrame.to_dict``) from the same frames: the same nodes,
edges, keys, attributes (and their Python types) in the same order. The stores: the seed with
the second report (contradictions, ended holdings, aliases) and 20,000 synthetic triples plus
the seed (hubs, many claims per relation, dates over two years).
"""

from __future__ import annotations

import datetime as dt
import io

import networkx as nx
import numpy as np
import pandas as pd
import pyoxigraph as ox
import pytest

import kg
from kg.namespaces import ONTOLOGY, RDF, WD, expand
from kg.project import (
    KIND_ORDER,
    claims_frame,
    compact_series,
    edges_frame,
    frame,
    is_true,
    last_day,
    nodes_frame,
    to_networkx,
)
from tests.helpers import ROOT

BEFORE = ROOT / "tests" / "data" / "projection-before"
CLAIM_PROPERTIES = {
    RDF + "subject": "subject",
    RDF + "predicate": "predicate",
    RDF + "object": "object",
    ONTOLOGY + "asserted": "asserted",
    ONTOLOGY + "reliability": "reliability",
    ONTOLOGY + "effectiveDate": "date",
    ONTOLOGY + "eventStart": "eventStart",
    ONTOLOGY + "eventEnd": "end",
    ONTOLOGY + "openStart": "openStart",
    ONTOLOGY + "endedOn": "endedOn",
    ONTOLOGY + "endedBy": "endedBy",
}


@pytest.fixture(params=["seed", "synthetic"])
def any_store(request: pytest.FixtureRequest) -> kg.Store:
    return request.getfixturevalue("falls_store" if request.param == "seed" else "synthetic_store")


def before(store: kg.Store, name: str) -> pd.DataFrame:
    """An old projection query's answer, read as the old code read it (CSV into strings)."""
    data = store.results(str(BEFORE / f"{name}.rq"), format=ox.QueryResultsFormat.CSV)
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def claims_before(store: kg.Store) -> pd.DataFrame:
    """The old claims_frame: one (claim, property, value) row per property, pivoted with numpy."""
    long = before(store, "project-claims")
    claims, claim_ids = pd.factorize(long["claim"])
    properties = pd.Categorical(long["property"], categories=list(CLAIM_PROPERTIES)).codes
    table = np.full((len(claim_ids), len(CLAIM_PROPERTIES)), "", dtype=object)
    table[claims, properties] = long["value"].to_numpy()
    wide = pd.DataFrame(table, columns=list(CLAIM_PROPERTIES.values())).assign(claim=claim_ids)
    wide = wide[is_true(wide["asserted"])]
    wide = wide.assign(open=is_true(wide["openStart"]), last=last_day(wide["end"], wide["endedOn"]))
    columns = ["claim", "subject", "predicate", "object", "reliability", "date", "eventStart", "end", "open"]
    return wide[[*columns, "endedOn", "endedBy", "last"]].rename(
        columns={"eventStart": "start", "endedOn": "ended_on", "endedBy": "ended_by"}
    )


def nodes_before(store: kg.Store, types: list[str] | None = None) -> pd.DataFrame:
    """The old nodes_frame: the old queries, types and classes joined per entity by a Python call each."""
    rows = before(store, "project-nodes")
    names = before(store, "project-node-names").set_index("node")
    rows["rank"] = rows["kind"].map({kind: i for i, kind in enumerate(KIND_ORDER)})
    rows = rows.sort_values(["node", "rank", "type"])
    rows["type_curie"] = compact_series(rows["type"])
    grouped = rows.groupby("node", sort=True)
    nodes = grouped.first()[["label", "type_curie", "typeLabel", "kind", "wikidata"]].rename(
        columns={"type_curie": "type", "typeLabel": "type_label"}
    )
    nodes["types"] = grouped["type_curie"].agg(lambda t: "|".join(sorted(set(t))))
    nodes["wikidata"] = nodes["wikidata"].str.removeprefix(WD)
    nodes["curie"] = compact_series(nodes.index.to_series())
    nodes["aliases"] = names["aliases"].reindex(nodes.index).fillna("")
    classes = names["classes"].str.split("|").explode()
    short = compact_series(classes)
    nodes["classes"] = short.groupby(level=0).agg(lambda c: "|".join(sorted(set(c)))).reindex(nodes.index).fillna("")
    nodes["label"] = nodes["label"].where(nodes["label"] != "", nodes["curie"])
    if types is not None:
        wanted = {expand(t) for t in types}
        nodes = nodes[nodes.index.isin(classes[classes.isin(wanted)].index)]
    return nodes


def graph_before(nodes: pd.DataFrame, edges: pd.DataFrame, graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The old assembly: attributes through ``DataFrame.to_dict("records")``, edges one 4-tuple each."""
    edges = edges[edges["source"].isin(nodes.index) & edges["target"].isin(nodes.index)]
    old = nx.MultiDiGraph(**graph.graph)
    old.add_nodes_from(zip(nodes.index, nodes.to_dict("records"), strict=True))
    attributes = edges.drop(columns=["source", "target"]).to_dict("records")
    old.add_edges_from(
        (source, target, predicate, attrs)
        for source, target, predicate, attrs in zip(
            edges["source"], edges["target"], edges["predicate"], attributes, strict=True
        )
    )
    return old


def typed(items: list) -> list:
    """Each node's or edge's attributes as (name, value, type) in order, so 1 and True and "1" differ."""
    return [(*item[:-1], [(k, v, type(v)) for k, v in item[-1].items()]) for item in items]


def test_claims_are_read_as_before(any_store: kg.Store) -> None:
    old = claims_before(any_store).sort_values("claim", ignore_index=True)
    new = claims_frame(any_store).sort_values("claim", ignore_index=True)
    assert len(new) > 0
    pd.testing.assert_frame_equal(new, old)


@pytest.mark.parametrize("types", [None, ["kg:Actor"], ["kg:Place", "kg:Event"]])
def test_nodes_are_read_as_before(any_store: kg.Store, types: list[str] | None) -> None:
    pd.testing.assert_frame_equal(nodes_frame(any_store, types=types), nodes_before(any_store, types))


@pytest.mark.parametrize("inferred", [False, True])
def test_edge_rows_are_read_as_before(any_store: kg.Store, inferred: bool) -> None:
    old = before(any_store, "project-edges")
    old = old[inferred | ~is_true(old["inferred"])]
    new = frame(any_store, "project-edges", with_inferred=ox.Literal(inferred)).drop(columns="with_inferred")
    key = ["source", "predicate", "target", "inferred"]
    assert len(new) > 0
    assert new.sort_values(key, ignore_index=True).equals(old.sort_values(key, ignore_index=True))


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"inferred": True},
        {"as_of": dt.date(2024, 12, 10)},
        {"as_of": dt.date(2024, 12, 10), "dated_only": True, "inferred": True},
        {"min_reliability": "B2"},
        {"types": ["kg:Actor"]},
        {"predicates": ["kg:alliedWith", "kg:captured"], "inferred": True},
    ],
)
def test_the_graph_is_built_as_before(any_store: kg.Store, options: dict) -> None:
    graph = to_networkx(any_store, **options)
    frames = {k: v for k, v in options.items() if k != "types"}
    old = graph_before(nodes_frame(any_store, types=options.get("types")), edges_frame(any_store, **frames), graph)
    assert graph.number_of_edges() > 0
    assert typed(list(graph.nodes(data=True))) == typed(list(old.nodes(data=True)))
    assert typed(list(graph.edges(keys=True, data=True))) == typed(list(old.edges(keys=True, data=True)))
    assert graph.graph == old.graph
