"""The ends of holds (kg/holdings.py) read the same claims since ``internal/holding-claims`` was rewritten.

The query was rewritten for speed (issue 18): the claims of the six relations first, the rest of
each looked up per claim with ``LATERAL``. Its answer has no ORDER BY, so the rows are compared as
a multiset (a claim stated in two graphs comes once per graph in both texts) against the text it
replaced, kept in ``benchmarks/queries/holding-claims-before.rq``, on real stores where places
change hands: the seed with the second report (Damascus falls, Manbij contested) and a store that
imported an ACLED-shaped file of a few dozen places, taken and retaken by many actors, alone and with
the claims no import makes added (a capture denied, one stated in two graphs, an end of its own).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pyoxigraph as ox
import pytest

import kg
from benchmarks.event_files import acled_file
from kg import holdings, queries
from kg.ingest.apply import import_events
from kg.namespaces import INFERRED_GRAPH
from tests.helpers import ROOT

BEFORE = ROOT / "benchmarks" / "queries" / "holding-claims-before.rq"


@pytest.fixture(scope="module")
def acled_store(tmp_path_factory: pytest.TempPathFactory) -> kg.Store:
    """The seed and 1,500 synthetic ACLED rows over 40 places, imported as ``kg import acled`` does."""
    root = tmp_path_factory.mktemp("holdings")
    data = root / "data"
    shutil.copytree(ROOT / "data", data)
    kg.build([ROOT / "ontology", data], store_path=root / "store")
    events = acled_file(root / "synthetic.acled.csv", 1_500, places=40)
    import_events("acled", events, store_path=root / "store", data_dir=data)
    return kg.open_store(root / "store")


@pytest.fixture(scope="module")
def edges(acled_store: kg.Store) -> ox.Store:
    """The imported store's quads in memory, with the claims a store may hold that the import made none of: a
    capture denied (not asserted), a capture stated in a second graph, a hold with an end of its own and
    one without a day (which no rule can place)."""
    store = ox.Store()
    store.extend(acled_store.inner.quads_for_pattern(None, None, None))  # type: ignore[attr-defined]
    rdf, kg_ = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "https://w3id.org/conflict-kg/ontology#"
    captures = [
        q.subject
        for q in store.quads_for_pattern(None, ox.NamedNode(rdf + "predicate"), ox.NamedNode(kg_ + "captured"))
    ]
    first, second, third = captures[:3]
    other = ox.NamedNode("https://w3id.org/conflict-kg/graph/test-edges")
    inferred = ox.NamedNode(INFERRED_GRAPH)
    date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")

    def copy(claim: ox.NamedNode, name: str) -> ox.NamedNode:
        new = ox.NamedNode(f"{claim.value}-{name}")
        store.extend(
            ox.Quad(new, q.predicate, q.object, q.graph_name) for q in store.quads_for_pattern(claim, None, None)
        )
        return new

    denied = copy(first, "denied")
    for q in list(store.quads_for_pattern(denied, ox.NamedNode(kg_ + "asserted"), None)):
        store.remove(q)
        store.add(ox.Quad(denied, q.predicate, ox.Literal(False), q.graph_name))
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, other)
        for q in list(store.quads_for_pattern(second, None, None))
        if q.graph_name != inferred
    )
    ended = copy(third, "ended")
    store.add(ox.Quad(ended, ox.NamedNode(kg_ + "eventEnd"), ox.Literal("2023-03-01", datatype=date), other))
    undated = copy(third, "undated")
    for q in list(store.quads_for_pattern(undated, ox.NamedNode(kg_ + "effectiveDate"), None)):
        store.remove(q)
    return store


def rows(store: ox.Store, text: str) -> Counter[tuple[str, ...]]:
    """The rows of ``text`` over the store, each as its cells in Oxigraph's CSV, counted."""
    result = store.query(text, use_default_graph_as_union=True)
    lines = result.serialize(format=ox.QueryResultsFormat.CSV).decode().splitlines()
    assert lines[0] == "claim,predicate,actor,place,day,end"
    return Counter(tuple(line.split(",")) for line in lines[1:])


@pytest.mark.parametrize("which", ["falls", "acled", "edges"])
def test_the_rewrite_reads_the_same_claims_as_the_text_it_replaced(
    which: str, falls_store: kg.Store, acled_store: kg.Store, edges: ox.Store
) -> None:
    store = {"falls": falls_store.inner, "acled": acled_store.inner, "edges": edges}[which]  # type: ignore[attr-defined]
    now = rows(store, queries.internal("internal/holding-claims"))
    assert now == rows(store, BEFORE.read_text(encoding="utf-8"))
    holders: dict[str, set[str]] = {}
    for _, predicate, actor, place, _, _ in now:
        if predicate.endswith(("#captured", "#controls", "#occupied")):
            holders.setdefault(place, set()).add(actor)
    assert any(len(actors) > 1 for actors in holders.values()), "some place is held by more than one actor"
    if which == "edges":
        claims = Counter(row[0] for row in now.elements())
        assert max(claims.values()) > 1, "the claim stated in two graphs comes once per graph of each pattern"
        assert [end for claim, *_, end in now if claim.endswith("-ended")] == ["2023-03-01"]
        assert not any(claim.endswith(("-denied", "-undated")) for claim in claims)


def test_the_ends_the_import_wrote_are_the_rewrites(acled_store: kg.Store) -> None:
    """What the import wrote into the inferred graph (kg:endedOn, kg:endedBy, kg:heldAtOnceWith) is what the rules
    give over the rewrite's rows, and holds did end: by another actor's capture, and on more than one day."""
    inner = acled_store.inner  # type: ignore[attr-defined]
    graph = ox.NamedNode(INFERRED_GRAPH)
    written = {
        ox.Triple(q.subject, q.predicate, q.object)
        for predicate in (holdings.ENDED_ON, holdings.ENDED_BY, holdings.HELD_AT_ONCE)
        for q in inner.quads_for_pattern(None, ox.NamedNode(predicate), None, graph)
    }
    ends = holdings.holding_ends(inner)
    assert written == set(ends) and len(ends) == len(written)
    days = {t.object.value for t in ends if t.predicate.value == holdings.ENDED_ON}
    assert len(days) > 1


def test_the_benchmark_runs_and_compares_the_two_texts(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks.bench_holdings` at a few hundred rows, so it cannot rot (its timings are not checked)."""
    from benchmarks import bench_holdings

    assert bench_holdings.main(["--acled", "400", "--repeat", "1"]) == 0
    printed = capsys.readouterr().out
    assert "400 ACLED rows imported into the seed" in printed
    assert re.search(
        r"\| `internal/holding-claims` as CSV \| [\d,]+ \| [\d.]+ s, [\d.]+ s \| [\d.]+ s, [\d.]+ s \|", printed
    )
    assert "| `kg.holdings.holding_ends` whole: the query, the join |" in printed


def _holds_store(rows: list[tuple[str, str, str, str]], allied: tuple[tuple[str, str], ...] = ()) -> ox.Store:
    """An in-memory store with just what ``internal/holding-claims`` reads: (claim, predicate, actor, day), all of
    one place, every claim asserted; and the ``allied`` pairs of actors (one way round)."""
    kg_ = "https://w3id.org/conflict-kg/ontology#"
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    store, graph = ox.Store(), ox.NamedNode("https://example.org/g")
    for a, b in allied:
        store.add(
            ox.Quad(
                ox.NamedNode(f"https://example.org/{a}"),
                ox.NamedNode(kg_ + "alliedWith"),
                ox.NamedNode(f"https://example.org/{b}"),
                graph,
            )
        )
    date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    for claim, predicate, actor, day in rows:
        node = ox.NamedNode(f"https://example.org/{claim}")
        store.add(ox.Quad(node, ox.NamedNode(rdf + "subject"), ox.NamedNode(f"https://example.org/{actor}"), graph))
        store.add(ox.Quad(node, ox.NamedNode(rdf + "predicate"), ox.NamedNode(kg_ + predicate), graph))
        store.add(ox.Quad(node, ox.NamedNode(rdf + "object"), ox.NamedNode("https://example.org/dakra"), graph))
        store.add(
            ox.Quad(
                node,
                ox.NamedNode(kg_ + "asserted"),
                ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
                graph,
            )
        )
        store.add(ox.Quad(node, ox.NamedNode(kg_ + "effectiveDate"), ox.Literal(day, datatype=date), graph))
    return store


def test_a_place_taken_again_and_again_by_one_actor() -> None:
    """The holder's own later captures never end its hold (however many), its withdrawal among them does,
    and another actor's capture ends what is left."""
    rows = [("hold", "controls", "army", "2024-01-01")]
    rows += [(f"again-{n:03d}", "captured", "army", f"2024-02-{1 + n % 28:02d}") for n in range(200)]
    rows += [("left", "withdrewFrom", "army", "2024-03-01"), ("back", "captured", "army", "2024-03-05")]
    rows += [("taken", "captured", "rebels", "2024-04-01")]
    ends = {
        (t.subject.value.rsplit("/", 1)[1], t.object.value.rsplit("/", 1)[-1])
        for t in holdings.holding_ends(_holds_store(rows))
        if t.predicate.value == holdings.ENDED_BY
    }
    assert ("hold", "left") in ends and ("again-000", "left") in ends  # the withdrawal, not a later capture
    assert ("back", "taken") in ends  # the hold after the withdrawal ends at the rebels' capture
    assert not any(by.startswith("again") or by == "back" for _, by in ends)
    assert len(ends) == 202  # every hold but the rebels'


def _at_once(store: ox.Store) -> set[tuple[str, str]]:
    return {
        (t.subject.value.rsplit("/", 1)[1], t.object.value.rsplit("/", 1)[1])
        for t in holdings.holding_ends(store)
        if t.predicate.value == holdings.HELD_AT_ONCE
    }


def test_holds_of_rivals_over_the_same_days_are_held_at_once() -> None:
    """Two actors that are not allies holding one place over overlapping days are held at once, both ways round;
    a hold a capture ended before the other began is not, nor an ally's, nor the same actor's, nor a siege."""
    rows = [
        ("army", "captured", "army", "2024-01-01"),
        ("army-again", "captured", "army", "2024-01-05"),
        ("rebels", "controls", "rebels", "2024-01-10"),  # a state: it ends no hold, and overlaps the army's
        ("militia", "controls", "militia", "2024-01-12"),  # the army's ally: against the rebels only
        ("siege", "encircled", "raiders", "2024-01-15"),  # a siege holds nothing alone
        ("raid", "captured", "raiders", "2024-02-01"),  # ends every hold before it
        ("late", "controls", "rebels", "2024-03-01"),  # after the raid: against the raiders' capture only
    ]
    pairs = _at_once(_holds_store(rows, allied=(("army", "militia"),)))
    found = {frozenset(pair) for pair in pairs}
    assert len(pairs) == 2 * len(found)  # both ways round
    assert found == {
        frozenset(pair)
        for pair in [
            ("army", "rebels"),
            ("army-again", "rebels"),
            ("militia", "rebels"),
            ("raid", "late"),
        ]
    }


def test_two_holders_at_once_are_what_the_interval_join_found(acled_store: kg.Store, synthetic_store: kg.Store) -> None:
    """``contested`` reads the pairs the build and the import inferred; they are the pairs its former interval
    join over every two holds of a place found (``tests/data/queries-before/contested.rq``), in the same order,
    on an import of places taken and retaken and on synthetic data, and there are some."""
    before_path = ROOT / "tests" / "data" / "queries-before" / "contested.rq"
    before = queries.parse(before_path.read_text(encoding="utf-8"), name="contested", path=before_path)
    for store in (acled_store, synthetic_store):
        answers = [
            [row for row in store.run(text).records() if row["kind"] == "two holders at once"]
            for text in (before, queries.get("contested"))
        ]
        assert answers[1] == answers[0] and len(answers[0]) >= 10


@pytest.mark.parametrize("which", ["falls", "acled", "edges"])
def test_a_large_change_finds_the_places_it_concerns_as_a_small_one_does(
    which: str, falls_store: kg.Store, acled_store: kg.Store, edges: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above PLACES_SCAN_ABOVE touched resources the places come from a scan of every hold's claim, below it from
    each resource's claims: the same places for any set of resources (claims, actors, places, other nodes)."""
    store = {"falls": falls_store.inner, "acled": acled_store.inner, "edges": edges}[which]  # type: ignore[attr-defined]
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    claims = sorted({q.subject for q in store.quads_for_pattern(None, ox.NamedNode(rdf + "predicate"), None)}, key=str)
    actors = sorted({q.object for q in store.quads_for_pattern(None, ox.NamedNode(rdf + "subject"), None)}, key=str)
    places = sorted({q.object for q in store.quads_for_pattern(None, ox.NamedNode(rdf + "object"), None)}, key=str)
    found = []
    for touched in (claims[::7], actors[::3], places[::5], claims[:4] + actors[:2] + places[:2], actors[:1]):
        nodes = [n for n in touched if isinstance(n, ox.NamedNode | ox.BlankNode)]
        monkeypatch.setattr(holdings, "PLACES_SCAN_ABOVE", 10**9)
        followed = holdings._places(store, nodes)
        monkeypatch.setattr(holdings, "PLACES_SCAN_ABOVE", 0)
        assert holdings._places(store, nodes) == followed
        found.append(len(followed))
    assert min(found[:3]) > 0, "every seventh claim, every third actor and every fifth place concern some place"
