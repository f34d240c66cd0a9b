"""The NetworkX projection keeps predicates, direction and evidence, and invents no nodes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.project import to_networkx
from kg.store import revise

ENTITY = "https://w3id.org/conflict-kg/id/"


def count(store: kg.Store, query: str) -> int:
    result = store.query(query)
    assert isinstance(result, kg.SelectResult)
    return next(iter(result.records()))["n"]


def test_counts_round_trip_against_sparql(store: kg.Store) -> None:
    graph = to_networkx(store)
    entities = count(
        store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { VALUES ?t { kg:Actor kg:Place kg:Event kg:Weapon } ?e a ?t }"
    )
    relations = count(
        store,
        """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {
        ?p a kg:Relation . GRAPH ?g { ?s ?p ?o } FILTER(?g != kgg:inferred) } }""",
    )
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (entities, relations)
    with_inferred = to_networkx(store, inferred=True)
    all_relations = count(
        store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?p a kg:Relation . ?s ?p ?o } }"
    )
    assert with_inferred.number_of_edges() == all_relations


def test_no_literal_class_or_claim_nodes(store: kg.Store) -> None:
    graph = to_networkx(store, inferred=True)
    assert all(node.startswith(ENTITY) for node in graph.nodes)
    assert all(data["label"] and data["type"].startswith("kg:") for _, data in graph.nodes(data=True))


def test_parallel_edges_keep_their_predicates(store: kg.Store) -> None:
    graph = to_networkx(store)
    between = graph.get_edge_data(ENTITY + "hts", ENTITY + "damascus")
    assert set(between) == {"kg:advancedOn", "kg:encircled"}
    assert between["kg:encircled"]["claims"] == "kgc:syrian-rebels-advance-58"
    assert between["kg:encircled"]["reliability"] == "B2"


def test_edges_carry_their_best_grade_and_earliest_date(store: kg.Store) -> None:
    capture = to_networkx(store).get_edge_data(ENTITY + "hts", ENTITY + "homs")["kg:captured"]
    assert capture["claim_count"] == 2 and capture["reliability"] == "B2" and capture["date"] == "2024-12-07"


def test_inferred_edges_carry_the_claims_they_mirror(store: kg.Store) -> None:
    graph = to_networkx(store, inferred=True)
    mirrored = graph.get_edge_data(ENTITY + "bashar-al-assad", ENTITY + "russia")["kg:alliedWith"]
    assert mirrored["inferred"] is True and mirrored["claims"] == "kgc:syrian-rebels-advance-47"
    assert not to_networkx(store).has_edge(ENTITY + "bashar-al-assad", ENTITY + "russia")


@pytest.mark.parametrize(
    ("options", "present", "absent"),
    [
        ({"as_of": dt.date(2024, 12, 1)}, [("hts", "hts-offensive-2024")], [("hts", "homs")]),
        ({"as_of": dt.date(2024, 12, 10)}, [("hts", "homs")], [("syrian-government-forces", "homs")]),
        ({"min_reliability": "B2"}, [("hts", "homs")], [("syrian-rebels", "homs")]),
        ({"predicates": ["kg:captured"]}, [("hts", "homs")], [("hts", "damascus")]),
        ({"types": ["kg:ArmedGroup"]}, [("hts", "syrian-rebels")], [("hts", "homs")]),
    ],
)
def test_filters(store: kg.Store, options: dict, present: list, absent: list) -> None:
    graph = to_networkx(store, **options)
    for source, target in present:
        assert graph.has_edge(ENTITY + source, ENTITY + target), (source, target)
    for source, target in absent:
        assert not graph.has_edge(ENTITY + source, ENTITY + target), (source, target)


def test_revise_publishes_a_new_generation_and_keeps_readers(built_store: Path, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "copy"
    shutil.copytree(built_store, path)
    reader = kg.open_store(path)
    extra = ox.Quad(
        ox.NamedNode(ENTITY + "hts"),
        ox.NamedNode("http://example.org/score"),
        ox.Literal("1"),
        ox.NamedNode("http://example.org/g"),
    )
    with revise(path) as writable:
        writable.add(extra)
    assert len(kg.open_store(path)) == len(reader) + 1
    with pytest.raises(RuntimeError), revise(path) as writable:
        writable.remove(extra)
        raise RuntimeError("changed my mind")
    assert len(kg.open_store(path)) == len(reader) + 1


def test_a_filter_no_claim_passes_leaves_the_entities_without_edges(store: kg.Store) -> None:
    """Before any report, nothing had begun: every entity, no edge (this raised a TypeError once)."""
    graph = to_networkx(store, as_of=dt.date(1900, 1, 1), dated_only=True)
    assert graph.number_of_edges() == 0
    assert graph.number_of_nodes() == to_networkx(store).number_of_nodes() > 0
