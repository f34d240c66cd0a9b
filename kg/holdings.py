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

Two holds of a place by actors neither allied with nor part of the other, over overlapping days
(from each one's day until its end, or for ever), are *held at once*: the build writes each such
pair of claims as ``kg:heldAtOnceWith``, both ways round, and the saved query ``contested`` lists
them. In SPARQL that is an interval join, which Oxigraph can only do pair by pair: at a million
triples the query joined 550,818 pairs of holds to find 6,014 (3.9 s); here each place's holds are
swept once by day, meeting only those still open.

The rule meets every hold of a place with the captures and withdrawals of it that come on or after
it. Written as SPARQL, Oxigraph paid about 15 µs per pair (4.5 s for 54,000 pairs at 240k triples).
Here each place's enders are sorted once by day, and each hold reads them from its own day on until
the first that ends it: plain Python, no pair table. The pandas join it replaces built every pair
(540,000 at a million triples, 0.18-0.21 s, in steps to bound their memory), and importing pandas
alone took 0.5-0.65 s of every build, ingest and import, 40% of building the seed.
"""

from __future__ import annotations

import bisect
import csv
import heapq
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg import queries, sparql
from kg.namespaces import INFERRED_GRAPH, ONTOLOGY

__all__ = ["ENDED_BY", "ENDED_ON", "HELD_AT_ONCE", "holding_ends", "replace_holding_ends"]

ENDED_ON = ONTOLOGY + "endedOn"
ENDED_BY = ONTOLOGY + "endedBy"
HELD_AT_ONCE = ONTOLOGY + "heldAtOnceWith"
_HOLDS = {ONTOLOGY + name for name in ("controls", "captured", "occupied", "encircled", "withdrewTo")}
_TAKES = {ONTOLOGY + "captured", ONTOLOGY + "occupied"}
_WITHDRAWAL = ONTOLOGY + "withdrewFrom"
_ENDERS = _TAKES | {_WITHDRAWAL}
_ENCIRCLED = ONTOLOGY + "encircled"
_SAME_DAY_ENDS = {ONTOLOGY + name for name in ("controls", "encircled", "withdrewTo")}
"""Holds that a capture on the very day they count from ends (a capture does not end another capture
of the same day)."""
_CONTESTING = {ONTOLOGY + name for name in ("captured", "controls", "occupied")}
"""The holds that two rival actors can hold at once (a siege or a withdrawal to a place holds nothing alone)."""
_FOREVER = "9999-12-31"


@dataclass(frozen=True, slots=True)
class _Claim:
    """One row of ``internal/holding-claims``, every term as Oxigraph's CSV writes it: an IRI as itself, a
    blank node as ``_:id``, a date as its lexical form, an unbound end as "". Days compare as text, as
    the rule always compared them (ISO dates of four-digit years), and "" comes before every day."""

    claim: str
    predicate: str
    actor: str
    place: str
    day: str
    end: str


def _rows(store: ox.Store, text: str) -> list[dict[str, str]]:
    """A kg-internal SELECT query's rows as strings, through Oxigraph's CSV writer (no Python object per term)."""
    result = store.query(text, use_default_graph_as_union=True)
    data = result.serialize(format=ox.QueryResultsFormat.CSV)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def holding_ends(store: ox.Store, places: Sequence[ox.NamedNode] | None = None) -> list[ox.Triple]:
    """The ``kg:endedOn`` and ``kg:endedBy`` triples of every hold that a capture or withdrawal ended, then the
    ``kg:heldAtOnceWith`` triples of the holds of rivals that overlap; of the holds of ``places`` only, when given
    (a place's holds depend on no other place's claims)."""
    claims = _claims(store, places)
    return _inferred(claims, _joint(store, claims if places is not None else None))


def _inferred(claims: list[_Claim], joint: set[tuple[str, str]]) -> list[ox.Triple]:
    """Every triple the rule of holds infers from ``claims``: the ends, then the pairs held at once."""
    ends = _ends(claims, joint)
    date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    triples = []
    for claim, (day, by) in sorted(ends.items()):
        triples.append(ox.Triple(ox.NamedNode(claim), ox.NamedNode(ENDED_ON), ox.Literal(day, datatype=date)))
        triples.append(ox.Triple(ox.NamedNode(claim), ox.NamedNode(ENDED_BY), ox.NamedNode(by)))
    at_once = ox.NamedNode(HELD_AT_ONCE)
    pairs = _held_at_once(claims, {claim: day for claim, (day, _) in ends.items()}, joint)
    both = sorted({pair for a, b in pairs for pair in ((a, b), (b, a))})
    triples += [ox.Triple(ox.NamedNode(a), at_once, ox.NamedNode(b)) for a, b in both]
    return triples


def _claims(store: ox.Store, places: Sequence[ox.NamedNode] | None) -> list[_Claim]:
    if places is None:
        text = queries.internal("internal/holding-claims")
    else:
        text = sparql.bind_column(queries.internal("internal/holding-claims-at"), "place", places)
    fields = ("claim", "predicate", "actor", "place", "day", "end")
    return [_Claim(*(row.get(name) or "" for name in fields)) for row in _rows(store, text)]


def _joint(store: ox.Store, claims: list[_Claim] | None = None) -> set[tuple[str, str]]:
    """The pairs of actors that hold jointly, both ways round; only those of ``claims``' actors, when given (a
    few places' claims name a few hundred actors of thousands: 0.01 s against 0.28 s at 1M quads, 2026-11-30)."""
    text = queries.internal("internal/joint-holders")
    if claims is not None:
        actors = [ox.NamedNode(actor) for actor in sorted({c.actor for c in claims}) if not actor.startswith("_:")]
        text = sparql.bind_column(text, "a", actors)
    pairs = {(row["a"], row["b"]) for row in _rows(store, text)}
    return pairs | {(b, a) for a, b in pairs}


def _ends(claims: list[_Claim], joint: set[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """For each hold that something ended, the day and the first claim that ended it (by day, then by claim IRI)."""
    enders: dict[str, list[_Claim]] = {}
    for claim in claims:
        if claim.predicate in _ENDERS:
            enders.setdefault(claim.place, []).append(claim)
    days: dict[str, list[str]] = {}
    skips: dict[str, list[int]] = {}
    for place, found in enders.items():
        found.sort(key=lambda c: (c.day, c.claim))
        days[place] = [c.day for c in found]
        skips[place] = _past_own_captures(found)
    first: dict[str, tuple[str, str]] = {}
    for hold in claims:
        if hold.predicate not in _HOLDS or hold.place not in enders:
            continue
        found, skip = enders[hold.place], skips[hold.place]
        at = bisect.bisect_left(days[hold.place], hold.day)
        while at < len(found):
            ender = found[at]
            if hold.end and hold.end <= ender.day:
                break  # its own end came first; every ender after this one is later still
            if ender.claim != hold.claim and _ended(hold, ender, joint):
                first[hold.claim] = min(first.get(hold.claim, (ender.day, ender.claim)), (ender.day, ender.claim))
                break
            own = ender.actor == hold.actor and ender.predicate != _WITHDRAWAL and hold.predicate != _ENCIRCLED
            at = skip[at] if own else at + 1  # the holder's own captures never end its hold: past them at once
    return first


def _held_at_once(claims: list[_Claim], ended: dict[str, str], joint: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pairs of holds (captured, controls, occupied) of one place by two actors that do not hold jointly,
    each counting from its day until ``ended`` gives, else its own end, else for ever, whose periods overlap:
    each begins before the other's end.

    Each place's holds are swept by day, every hold meeting those of other actors still open on its
    day (a heap of ends says which have closed), so the work follows the pairs found, not the pairs
    of holds of a place; the holds of one actor are passed over together, as a place one actor took
    again and again has thousands of them.
    """
    places: dict[str, list[tuple[str, str, str, str]]] = {}
    for claim in claims:
        if claim.predicate in _CONTESTING:
            until = ended.get(claim.claim) or claim.end or _FOREVER
            places.setdefault(claim.place, []).append((claim.day, claim.claim, until, claim.actor))
    pairs: set[tuple[str, str]] = set()
    for holds in places.values():
        holds.sort()
        open_: dict[str, dict[str, str]] = {}  # actor -> claim -> the day it counts from
        closing: list[tuple[str, str, str]] = []  # (until, claim, actor), the earliest end first
        for since, claim, until, actor in holds:
            while closing and closing[0][0] <= since:
                _, gone, holder = heapq.heappop(closing)
                del open_[holder][gone]
                if not open_[holder]:
                    del open_[holder]
            for other, theirs in open_.items():
                if other != actor and (other, actor) not in joint:
                    pairs.update((earlier, claim) for earlier, day in theirs.items() if day < until)
            if since < until and claim not in open_.get(actor, {}):
                open_.setdefault(actor, {})[claim] = since
                heapq.heappush(closing, (until, claim, actor))
    return pairs


def _past_own_captures(found: list[_Claim]) -> list[int]:
    """For each ender of a place (in order), the first after it that is another actor's or a withdrawal.

    A place one actor took again and again (an ACLED file repeats "regained control" for months) would
    otherwise have each of that actor's holds read every one of its later captures, none of which ends
    it: the holds times the captures.
    """
    skip = [len(found)] * len(found)
    for i in range(len(found) - 2, -1, -1):
        following = found[i + 1]
        breaks = following.actor != found[i].actor or following.predicate == _WITHDRAWAL
        skip[i] = i + 1 if breaks else skip[i + 1]
    return skip


def _ended(hold: _Claim, ender: _Claim, joint: set[tuple[str, str]]) -> bool:
    """Whether ``ender`` (on or after ``hold``'s day) ends ``hold``: the rule of the module's docstring."""
    same = hold.actor == ender.actor
    if ender.predicate == _WITHDRAWAL:
        return same
    siege = hold.predicate == _ENCIRCLED
    if same and not siege:
        return False
    if ender.day == hold.day and hold.predicate not in _SAME_DAY_ENDS:
        return False
    return siege or (ender.actor, hold.actor) not in joint


def replace_holding_ends(store: ox.Store, touched: Iterable[ox.NamedNode | ox.BlankNode] | None = None) -> int:
    """Write :func:`holding_ends` (the ends and the holds at once) into the inferred graph in place of what an
    earlier run wrote; how many triples.

    With ``touched`` (the resources a change touched, and those its inferences reach), only the holds of the
    places it may concern are written again (``internal/holding-places``): an article ingested into a
    million-quad store then costs a query about its own places, not a join over every hold (that join was
    3.8 of the 4.4 s an article's ingest took at 1M under load; the ingest now takes 0.36 s in ``make bench``,
    2026-11-30).
    """
    graph = ox.NamedNode(INFERRED_GRAPH)
    places = None if touched is None else _places(store, touched)
    if places == []:
        return 0
    claims = _claims(store, places)
    for predicate in (ENDED_ON, ENDED_BY, HELD_AT_ONCE):
        if places is None:
            stale = list(store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph))
        else:
            held = (ox.NamedNode(claim) for claim in dict.fromkeys(c.claim for c in claims))
            stale = [q for c in held for q in store.quads_for_pattern(c, ox.NamedNode(predicate), None, graph)]
        for quad in stale:
            store.remove(quad)
    triples = _inferred(claims, _joint(store, claims if places is not None else None))
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return len(triples)


PLACES_SCAN_ABOVE = 1_000
"""Above this many touched resources, the places they concern are found by reading every claim of a hold
(``internal/holding-links``) rather than by following each resource to its claims: 1.6 s against 4.1-5.3 s
for 4,437 resources in a 1.8M-quad store, where a few resources take milliseconds (2026-12-01)."""


def _places(store: ox.Store, touched: Iterable[ox.NamedNode | ox.BlankNode]) -> list[ox.NamedNode]:
    """The places whose holds may have changed when ``touched`` did (see ``internal/holding-places``)."""
    nodes = sorted({n for n in touched if isinstance(n, ox.NamedNode)}, key=lambda n: n.value)
    if not nodes:
        return []
    if len(nodes) > PLACES_SCAN_ABOVE:
        named = {node.value for node in nodes}
        links = _rows(store, queries.internal("internal/holding-links"))
        places = {row["place"] for row in links if named.intersection((row["claim"], row["actor"], row["place"]))}
        return [ox.NamedNode(place) for place in sorted(places) if not place.startswith("_:")]
    text = sparql.bind_column(queries.internal("internal/holding-places"), "node", nodes)
    found = (row["place"] for row in store.query(text, use_default_graph_as_union=True))
    return sorted({p for p in found if isinstance(p, ox.NamedNode)}, key=lambda n: n.value)
