"""The analyses on the seed graph and on a small fictional report that exercises the rules the seed does not."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pandas as pd
import pytest

import kg
from kg import analysis
from kg.errors import ParameterError
from kg.project import to_networkx
from tests.helpers import ROOT, write_report

ENTITY = "https://w3id.org/conflict-kg/id/"

# Fictional: a town changes hands twice, and two rivals share an ally (an unbalanced triad).
NORTHLAND = {
    "test-red-brigade": ("ArmedGroup", "Red Brigade"),
    "test-blue-army": ("MilitaryUnit", "Blue Army"),
    "test-green-front": ("ArmedGroup", "Green Front"),
    "test-northtown": ("City", "Northtown"),
    "test-yellow-militia": ("ArmedGroup", "Yellow Militia"),
}
NORTHLAND_STATEMENTS = [
    ("test-red-brigade", "captured", "test-northtown", "2025-01-05"),
    ("test-green-front", "encircled", "test-northtown", "2025-01-20"),
    ("test-blue-army", "captured", "test-northtown", "2025-02-01"),
    ("test-blue-army", "withdrewFrom", "test-northtown", "2025-03-01"),
    ("test-red-brigade", "alliedWith", "test-green-front", "2025-01-02"),
    ("test-blue-army", "alliedWith", "test-green-front", "2025-01-03"),
    ("test-red-brigade", "opposes", "test-blue-army", "2025-01-04"),
    ("test-yellow-militia", "alliedWith", "test-red-brigade", "2025-01-06"),
    ("test-yellow-militia", "opposes", "test-red-brigade", "2025-01-07"),
]


@pytest.fixture(scope="module")
def graph(store: kg.Store) -> nx.MultiDiGraph:
    return to_networkx(store)


@pytest.fixture(scope="module")
def northland(tmp_path_factory: pytest.TempPathFactory) -> kg.Store:
    folder = tmp_path_factory.mktemp("northland")
    write_report(folder / "data", "northland", NORTHLAND, NORTHLAND_STATEMENTS)
    kg.build([ROOT / "ontology", ROOT / "data", folder / "data"], store_path=folder / "store")
    return kg.open_store(folder / "store")


def simple(graph: nx.MultiDiGraph) -> nx.Graph:
    view = nx.Graph(graph.to_undirected())
    view.remove_edges_from(nx.selfloop_edges(view))
    return view


def test_centrality_matches_networkx_on_the_views_it_documents(graph: nx.MultiDiGraph) -> None:
    table = analysis.centrality(graph)
    view = simple(graph)
    expected = nx.betweenness_centrality(view)
    assert table["betweenness"].to_dict() == pytest.approx(expected)
    assert table["degree"].to_dict() == pytest.approx(nx.degree_centrality(view))
    giant = view.subgraph(max(nx.connected_components(view), key=len))
    eigen = nx.eigenvector_centrality(giant, max_iter=1000, tol=1e-10)
    top = max(eigen.values())
    assert table.loc[list(giant), "eigenvector"].to_dict() == pytest.approx({n: v / top for n, v in eigen.items()})
    assert table["pagerank"].sum() == pytest.approx(1.0)


def test_centrality_ranks_the_government_as_the_broker(graph: nx.MultiDiGraph) -> None:
    table = analysis.centrality(graph)
    broker = table.sort_values("betweenness", ascending=False).iloc[0]
    assert (broker["label"], broker["eigenvector"]) == ("Syrian government", pytest.approx(1.0))
    assert table.loc[ENTITY + "syrian-government", "relations"] == 13
    assert list(table["pagerank"]) == sorted(table["pagerank"], reverse=True)


def test_betweenness_is_sampled_only_on_large_graphs(graph: nx.MultiDiGraph) -> None:
    assert analysis.centrality(graph).attrs["betweenness_sources"] is None
    assert analysis.betweenness_sources(31, 50) is None
    assert analysis.betweenness_sources(20_000, 100_000) == 200


def test_kcore_finds_the_densest_group(graph: nx.MultiDiGraph) -> None:
    core = analysis.kcore(graph, k=3)
    assert set(core["label"]) == {
        "Damascus",
        "Hayat Tahrir al-Sham",
        "Homs",
        "Latakia",
        "Syria",
        "Syrian coast",
        "Syrian government",
        "Syrian rebels",
        "Tartus",
    }
    assert core.iloc[0]["label"] == "Syrian government"


def test_blocs_on_the_seed(graph: nx.MultiDiGraph) -> None:
    result = analysis.blocs(graph)
    blocs = {row.leader: (row.camp, set(row.members.split(" | "))) for row in result.blocs.itertuples()}
    government_side = {"Syrian government", "Bashar al-Assad", "Russia", "Iran", "Hezbollah"}
    assert government_side <= blocs["Syrian government"][1]
    assert blocs["Hayat Tahrir al-Sham"][1] == {"Hayat Tahrir al-Sham", "Syrian rebels"}
    assert {blocs["Syrian government"][0], blocs["Hayat Tahrir al-Sham"][0]} == {"1a", "1b"}
    assert result.two_sided and result.balance == 1.0 and len(result.triads) == 3 and result.contested.empty
    allies = result.allies_of_enemies
    russia = allies[(allies["actor"] == "Hayat Tahrir al-Sham") & (allies["ally"] == "Russia")]
    assert russia[["enemy", "via", "tie"]].values.tolist() == [
        ["Syrian government", "kg:alliedWith", "none (balance predicts enmity)"]
    ]


def test_an_ally_shared_by_two_rivals_is_an_unbalanced_triad(northland: kg.Store) -> None:
    result = analysis.blocs(to_networkx(northland))
    unbalanced = result.unbalanced
    assert len(unbalanced) == 1
    assert {unbalanced.iloc[0][c] for c in ("aLabel", "bLabel", "cLabel")} == {
        "Red Brigade",
        "Blue Army",
        "Green Front",
    }
    assert not result.two_sided  # the rivals are in one bloc through their shared ally
    row = result.allies_of_enemies.query("actor == 'Red Brigade' and enemy == 'Blue Army' and ally == 'Green Front'")
    assert row["tie"].tolist() == ["allied (unbalanced)"]
    # Allied and opposed at once: reported as contested and kept out of blocs and triads.
    assert result.contested.values.tolist() == [["Red Brigade", "Yellow Militia", "kg:alliedWith|kg:opposes"]]
    assert "Yellow Militia" not in set(result.members["label"])


def test_louvain_blocs_are_reproducible(graph: nx.MultiDiGraph) -> None:
    first = analysis.blocs(graph, method="louvain", seed=3).members
    assert first.equals(analysis.blocs(graph, method="louvain", seed=3).members)
    with pytest.raises(ParameterError, match="unknown bloc method"):
        analysis.blocs(graph, method="nope")


def test_path_steps_carry_their_evidence(graph: nx.MultiDiGraph, store: kg.Store) -> None:
    table = analysis.path(graph, store, "Iran", "Hayat Tahrir al-Sham")
    assert set(table["route"]) == {"Iran -> Syrian government -> Hayat Tahrir al-Sham"}
    assert table[["step", "subjectLabel", "predicateLabel", "objectLabel", "quote", "claimant"]].values.tolist() == [
        [
            1,
            "Iran",
            "allied with",
            "Syrian government",
            "Russia and Iran, who are Syria’s most powerful foreign allies",
            "author of the seed article",
        ],
        [
            2,
            "Hayat Tahrir al-Sham",
            "opposes",
            "Syrian government",
            "The insurgent Islamist militia Hayat Tahrir al-Sham (HTS)",
            "author of the seed article",
        ],
    ]
    text = (ROOT / "data" / "sources" / "syrian-rebels-advance-on-damascus.txt").read_text(encoding="utf-8")
    path_row = analysis.claim_evidence(store, ["kgc:syrian-rebels-advance-50"]).iloc[0]
    assert text[path_row["start"] : path_row["end"]] == path_row["quote"]


def test_path_errors(graph: nx.MultiDiGraph, store: kg.Store) -> None:
    with pytest.raises(ParameterError, match="no entity is called 'Narnia'"):
        analysis.path(graph, store, "Iran", "Narnia")
    actors = to_networkx(store, types=["kg:Actor"])
    with pytest.raises(ParameterError, match="not in the projected graph"):
        analysis.path(actors, store, "Iran", "Homs")
    assert analysis.path(graph, store, "Iran", "Syrian state television").empty  # a claimant, related to nothing


def test_ego_lists_neighbours_and_relations_among_them(graph: nx.MultiDiGraph, store: kg.Store) -> None:
    result = analysis.ego(graph, store, "HTS", radius=1)
    assert result.nodes.iloc[0][["label", "distance"]].tolist() == ["Hayat Tahrir al-Sham", 0]
    assert set(result.nodes["label"]) == {
        "Hayat Tahrir al-Sham",
        "2024 HTS-led offensive",
        "Damascus",
        "Homs",
        "Syrian government",
        "Syrian rebels",
        "chemical weapons",
    }
    captures = result.relations.query("subjectLabel == 'Hayat Tahrir al-Sham' and predicateLabel == 'captured'")
    assert sorted(captures["reliability"]) == ["B2", "C2"] and all(captures["quote"])
    wider = analysis.ego(graph, store, "HTS", radius=2, evidence=False)
    assert len(wider.nodes) > len(result.nodes) and "claims" in wider.relations


def test_control_of_homs_on_the_seed(store: kg.Store) -> None:
    homs = analysis.control(store, place="Homs")
    rows = homs[["actorLabel", "status", "from", "until", "basis", "claims", "reliability"]].values.tolist()
    assert rows == [
        [
            "Syrian government forces",
            "held",
            "2021-12-07",
            "2024-12-07",
            "controls",
            "kgc:syrian-rebels-advance-38",
            "C3",
        ],
        [
            "Hayat Tahrir al-Sham",
            "held",
            "2024-12-07",
            "",
            "captured",
            "kgc:syrian-rebels-advance-15|kgc:syrian-rebels-advance-57",
            "B2",
        ],
        [
            "Syrian rebels",
            "held",
            "2024-12-07",
            "",
            "captured",
            "kgc:syrian-rebels-advance-05|kgc:syrian-rebels-advance-35",
            "C2",
        ],
    ]
    on_the_day = analysis.control(store, place="Homs", as_of=dt.date(2024, 12, 7))
    assert set(on_the_day["actorLabel"]) == {"Hayat Tahrir al-Sham", "Syrian rebels"}
    before = analysis.control(store, place="Homs", as_of=dt.date(2024, 12, 6))
    assert before["actorLabel"].tolist() == ["Syrian government forces"]
    assert analysis.control(store, place="Homs", min_reliability="B2")["actorLabel"].tolist() == [
        "Hayat Tahrir al-Sham"
    ]


def test_control_keeps_presence_and_sieges_apart_from_holding(store: kg.Store) -> None:
    table = analysis.control(store)
    latakia = table[table["placeLabel"] == "Latakia"].set_index("actorLabel")["status"].to_dict()
    assert latakia == {"Hezbollah": "present", "Syrian government": "held"}
    damascus = table[table["placeLabel"] == "Damascus"].set_index("actorLabel")["status"].to_dict()
    assert damascus == {"Hayat Tahrir al-Sham": "encircled", "Syrian rebels": "encircled", "Syrian government": "held"}


def test_control_ends_at_a_later_capture_and_at_a_withdrawal(northland: kg.Store) -> None:
    table = analysis.control(northland, place="Northtown")
    rows = table[["actorLabel", "status", "from", "until", "ended_by"]].values.tolist()
    assert rows == [
        ["Red Brigade", "held", "2025-01-05", "2025-02-01", "captured by kgc:northland-3"],
        ["Green Front", "encircled", "2025-01-20", "2025-02-01", "captured by kgc:northland-3"],
        ["Blue Army", "held", "2025-02-01", "2025-03-01", "withdrew, kgc:northland-4"],
    ]
    assert analysis.control(northland, place="Northtown", as_of=dt.date(2025, 3, 1)).empty


def test_summary_names_the_main_actors_and_blocs(graph: nx.MultiDiGraph) -> None:
    text = analysis.summary(graph).text()
    assert text.splitlines()[0] == "31 entities (22 actors, 7 places, 1 weapon, 1 event), 50 relations."
    assert "Densest part: the 3-core, 9 entities:" in text
    assert "3 of 3 signed triads balanced; camps split cleanly in two." in text


def test_analyses_accept_an_empty_graph() -> None:
    empty = nx.MultiDiGraph()
    assert analysis.centrality(empty).empty and analysis.kcore(empty).empty
    assert analysis.blocs(empty).blocs.empty


def test_evidence_of_an_unknown_claim_is_empty() -> None:
    store = kg.Store.from_turtle("<http://e/a> <http://e/p> <http://e/b> .")
    assert analysis.claim_evidence(store, ["http://e/nothing"]).empty


def test_bulk_and_bound_evidence_look_ups_agree(store: kg.Store) -> None:
    claims = [f"kgc:syrian-rebels-advance-{n:02d}" for n in range(1, 63)] + ["kgc:not-a-claim"]
    bound = analysis.claim_evidence(store, claims, bulk=False)
    scanned = analysis.claim_evidence(store, claims, bulk=True)
    assert len(bound) == 62
    pd.testing.assert_frame_equal(bound, scanned, check_dtype=False)
    two = bound.set_index("claim").loc["kgc:syrian-rebels-advance-23", "claimant"]
    assert two == "Mohammed al-Rahmoun; Syrian Ministry of Defense"
