"""When an actor's hold on a place ended: the one rule of control that every view shares.

A *hold* is an asserted claim that an actor captured, controls, occupies, encircles or withdrew
to a place. It ends on the day of the earliest of:

- a capture or occupation of the place by another actor on or after the day the hold counts
  from; for a hold that is itself a capture or occupation, strictly after, so two takers on
  one day stand side by side (and show as contested when they are not allies);
- for a siege (encircled), the besieger itself, or anyone, taking the place;
- the holder's own withdrawal from the place on or after that day.

Actors allied with, or part of, one another hold jointly: a capture by one does not end the
other's hold (but it does end the other's siege). A claim whose own ``kg:eventEnd`` comes on
or before that day keeps its end. The build writes each end into the inferred graph as
``kg:endedOn`` with the ending claim as ``kg:endedBy``, so queries, the projection, ``kg
analyze control``, the page and the map all read the same ends.

The rule joins every hold of a place with every capture of it. Written as SPARQL, Oxigraph
paid about 15 µs per pair (4.5 s for 54,000 pairs at 240k triples); here two scans and a
pandas join do it in well under a second at a million triples.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from kg import queries, sparql
from kg.namespaces import INFERRED_GRAPH, ONTOLOGY

__all__ = ["ENDED_BY", "ENDED_ON", "PAIRS_PER_STEP", "holding_ends", "replace_holding_ends"]

ENDED_ON = ONTOLOGY + "endedOn"
ENDED_BY = ONTOLOGY + "endedBy"
_HOLDS = {ONTOLOGY + name for name in ("controls", "captured", "occupied", "encircled", "withdrewTo")}
_TAKES = {ONTOLOGY + "captured", ONTOLOGY + "occupied"}
_WITHDRAWAL = ONTOLOGY + "withdrewFrom"
_ENCIRCLED = ONTOLOGY + "encircled"
_SAME_DAY_ENDS = {ONTOLOGY + name for name in ("controls", "encircled", "withdrewTo")}
"""Holds that a capture on the very day they count from ends (a capture does not end another capture
of the same day)."""


def _rows(store: ox.Store, text: str, columns: list[str]):  # -> pandas.DataFrame
    """A kg-internal SELECT query's rows as strings, through Oxigraph's CSV writer (no Python object per term)."""
    import io

    import pandas as pd

    result = store.query(text, use_default_graph_as_union=True)
    table = pd.read_csv(
        io.BytesIO(result.serialize(format=ox.QueryResultsFormat.CSV)), dtype=str, keep_default_na=False
    )
    return table.reindex(columns=columns, fill_value="")


PAIRS_PER_STEP = 1_000_000
"""Holds joined with the claims that may end them, at most this many pairs at a time (about 100 MB in
pandas): every hold of a place meets every capture of it, so joined whole at a million ACLED rows the
pairs took 1.1 GB (benchmarks/RESULTS.md, 2026-11-30). A place's pairs are never split."""


def _places_in_steps(holds, enders) -> list[set[str]]:  # holds, enders: pandas.DataFrame
    """The places, in groups whose holds and enders make at most :data:`PAIRS_PER_STEP` pairs (a place with
    more than that is a group of its own)."""
    counts = holds["place"].value_counts().mul(enders["place"].value_counts(), fill_value=0)
    steps: list[set[str]] = []
    size = PAIRS_PER_STEP
    for place, pairs in counts[counts > 0].items():
        if size + pairs > PAIRS_PER_STEP:
            steps.append(set())
            size = 0
        steps[-1].add(place)
        size += pairs
    return steps


_CLAIM_COLUMNS = ["claim", "predicate", "actor", "place", "day", "end"]


def holding_ends(store: ox.Store, places: Sequence[ox.NamedNode] | None = None) -> list[ox.Triple]:
    """The ``kg:endedOn`` and ``kg:endedBy`` triples of every hold that a capture or withdrawal ended; of the holds
    of ``places`` only, when given (a place's holds depend on no other place's claims)."""
    claims = _claims(store, places)
    return _ends(claims, _joint(store, claims if places is not None else None))


def _claims(store: ox.Store, places: Sequence[ox.NamedNode] | None):  # -> pandas.DataFrame
    if places is None:
        return _rows(store, queries.internal("internal/holding-claims"), _CLAIM_COLUMNS)
    at = sparql.bind_column(queries.internal("internal/holding-claims-at"), "place", places)
    return _rows(store, at, _CLAIM_COLUMNS)


def _joint(store: ox.Store, claims=None):  # claims: pandas.DataFrame | None -> pandas.DataFrame
    """The pairs of actors that hold jointly; only those of ``claims``' actors, when given (a few places' claims
    name a few hundred actors of thousands: 0.01 s against 0.28 s at 1M quads, 2026-11-30)."""
    text = queries.internal("internal/joint-holders")
    if claims is not None:
        actors = [ox.NamedNode(actor) for actor in sorted(set(claims["actor"])) if not actor.startswith("_:")]
        text = sparql.bind_column(text, "a", actors)
    return _rows(store, text, ["a", "b"])


def _ends(claims, joint) -> list[ox.Triple]:  # claims, joint: pandas.DataFrame
    import pandas as pd

    coded = _Coded(claims, joint)
    holds = coded.claims[coded.claims["predicate"].isin(coded.codes(_HOLDS))]
    enders = coded.claims[coded.claims["predicate"].isin(coded.codes(_TAKES | {_WITHDRAWAL}))]
    firsts = [
        _first_ends(holds[holds["place"].isin(places)], enders[enders["place"].isin(places)], coded)
        for places in _places_in_steps(holds, enders)
    ]
    if not firsts:
        return []
    first = pd.concat(firsts)
    first = pd.DataFrame(
        {
            "claim": coded.terms[first["claim"].to_numpy()],
            "day_by": coded.days[first["day_by"].to_numpy()],
            "claim_by": coded.terms[first["claim_by"].to_numpy()],
        }
    ).sort_values(["claim", "day_by", "claim_by"])
    date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    triples = []
    for claim, day, by in zip(first["claim"], first["day_by"], first["claim_by"], strict=True):
        triples.append(ox.Triple(ox.NamedNode(claim), ox.NamedNode(ENDED_ON), ox.Literal(day, datatype=date)))
        triples.append(ox.Triple(ox.NamedNode(claim), ox.NamedNode(ENDED_BY), ox.NamedNode(by)))
    return triples


class _Coded:
    """The claims with every column as integers, for a join that compares numbers instead of strings.

    Resources (claims, predicates, actors, places) share one code per IRI, so equal IRIs have equal
    codes across columns; codes follow the order of the text, so comparing or sorting codes of days
    (and ends) is comparing their dates as the rule always did, an empty end has the lowest code, and
    the first of two ends on one day is still the claim first in IRI order. At a million triples
    (540,000 pairs) the ends took 0.64-0.68 s as strings, 0.18-0.21 s as codes (2026-11-30).
    """

    def __init__(self, claims, joint):  # pandas.DataFrame, pandas.DataFrame
        import numpy as np
        import pandas as pd

        resources = ["claim", "predicate", "actor", "place"]
        everything = pd.concat([*(claims[c] for c in resources), joint["a"], joint["b"]])
        codes, self.terms = pd.factorize(everything, sort=True)  # ordered as the text: ties break as they did
        days, self.days = pd.factorize(pd.concat([claims["day"], claims["end"], pd.Series([""])]), sort=True)
        rows = len(claims)
        columns = {name: codes[n * rows : (n + 1) * rows] for n, name in enumerate(resources)}
        columns |= {"day": days[:rows], "end": days[rows : 2 * rows]}
        self.claims = pd.DataFrame(columns)
        self.blank = int(days[-1])
        self.size = len(self.terms)
        a, b = codes[len(resources) * rows :].reshape(2, -1).astype(np.int64)
        self.allied = np.union1d(a * self.size + b, b * self.size + a)
        self._index = pd.Index(self.terms)

    def codes(self, iris: set[str]) -> list[int]:
        """The codes of those ``iris`` the claims name."""
        return [int(code) for code in self._index.get_indexer(sorted(iris)) if code >= 0]

    def code(self, iri: str) -> int:
        """The code of ``iri``, or -1 when no claim names it."""
        return int(self._index.get_indexer([iri])[0])


def _first_ends(holds, enders, coded: _Coded):  # holds, enders: pandas.DataFrame -> pandas.DataFrame
    """For each hold of these places that something ended, the first claim that ended it (a hold's rows all
    name one place, so each group of places decides its holds alone)."""
    import numpy as np

    pairs = holds.merge(enders, on="place", suffixes=("", "_by"))
    pairs = pairs[(pairs["day_by"].to_numpy() >= pairs["day"].to_numpy()) & (pairs["claim"] != pairs["claim_by"])]
    same = pairs["actor"].to_numpy() == pairs["actor_by"].to_numpy()
    siege = pairs["predicate"].to_numpy() == coded.code(_ENCIRCLED)
    withdrawal = pairs["predicate_by"].to_numpy() == coded.code(_WITHDRAWAL)
    later = pairs["day_by"].to_numpy() > pairs["day"].to_numpy()
    same_day = ~later & pairs["predicate"].isin(coded.codes(_SAME_DAY_ENDS)).to_numpy()
    pair = pairs["actor_by"].to_numpy().astype(np.int64) * coded.size + pairs["actor"].to_numpy()
    together = np.isin(pair, coded.allied)
    ends = (withdrawal & same) | (~withdrawal & (~same | siege) & (later | same_day) & (siege | ~together))
    end = pairs["end"].to_numpy()
    pairs = pairs[ends & ((end == coded.blank) | (end > pairs["day_by"].to_numpy()))]
    return pairs.sort_values(["claim", "day_by", "claim_by"]).drop_duplicates("claim")[["claim", "day_by", "claim_by"]]


def replace_holding_ends(store: ox.Store, touched: Iterable[ox.NamedNode | ox.BlankNode] | None = None) -> int:
    """Write :func:`holding_ends` into the inferred graph in place of what an earlier run wrote; how many.

    With ``touched`` (the resources a change touched, and those its inferences reach), only the holds of the
    places it may concern are written again (``internal/holding-places``): an article ingested into a
    million-quad store then costs a query about its own places, not a join over every hold (that join was
    3.8 of the 4.4 s an article's ingest took at 1M under load; the ingest now takes 0.36 s in ``make bench``,
    2026-11-30). Returns how many ends it wrote.
    """
    graph = ox.NamedNode(INFERRED_GRAPH)
    places = None if touched is None else _places(store, touched)
    if places == []:
        return 0
    claims = _claims(store, places)
    for predicate in (ENDED_ON, ENDED_BY):
        if places is None:
            stale = list(store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph))
        else:
            held = (ox.NamedNode(claim) for claim in claims["claim"].unique())
            stale = [q for c in held for q in store.quads_for_pattern(c, ox.NamedNode(predicate), None, graph)]
        for quad in stale:
            store.remove(quad)
    triples = _ends(claims, _joint(store, claims if places is not None else None))
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return len(triples)


def _places(store: ox.Store, touched: Iterable[ox.NamedNode | ox.BlankNode]) -> list[ox.NamedNode]:
    """The places whose holds may have changed when ``touched`` did (see ``internal/holding-places``)."""
    nodes = sorted({n for n in touched if isinstance(n, ox.NamedNode)}, key=lambda n: n.value)
    if not nodes:
        return []
    text = sparql.bind_column(queries.internal("internal/holding-places"), "node", nodes)
    found = (row["place"] for row in store.query(text, use_default_graph_as_union=True))
    return sorted({p for p in found if isinstance(p, ox.NamedNode)}, key=lambda n: n.value)
